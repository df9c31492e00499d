#pragma once
// `savepoint -d <path> --offline`: disposes of a savepoint without a JobManager, as Flink's own
// disposal does (Checkpoints.disposeSavepoint): `_metadata` first, then the state files it names,
// then the directory when it is empty. Refuses, before deleting anything, a retained checkpoint
// (chk-<n>) and a savepoint naming files outside its directory (docs/actions/savepoint.md).
#include <string>

#include "flinkcli/commands/command.hpp"

namespace flinkcli {

// Prints Java's dispose lines; fills the report's `offline`, `deleted`, `left`, `missing` (and
// `outside` when refused). Something left in the directory afterwards is exit 5 naming it.
int dispose_offline(CommandContext& context, const std::string& path);

}  // namespace flinkcli
