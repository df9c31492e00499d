#pragma once
// Each action's table row, defined in its own file (src/commands/<action>.cpp).
#include "flinkcli/commands/command.hpp"

namespace flinkcli {

const CommandSpec& run_command();
const CommandSpec& list_command();
const CommandSpec& savepoint_command();
const CommandSpec& checkpoint_command();
const CommandSpec& stop_command();
const CommandSpec& cancel_command();
const CommandSpec& follow_command();  // this client's own action
const CommandSpec& inspect_command();  // this client's own action
const CommandSpec& snapshots_command();  // this client's own action
const CommandSpec& prune_command();      // this client's own action

}  // namespace flinkcli
