#pragma once
// The roots the snapshot actions (snapshots, prune) list: given on the command line, else the
// configured savepoint and checkpoint directories; and their inventory, store by store.
#include <string>
#include <vector>

#include "flinkcli/commands/command.hpp"
#include "flinkcli/commands/snapshot_inventory.hpp"

namespace flinkcli {

struct SnapshotRoot {
  Location location;
  bool configured = false;  // from the configuration, not the command line
  std::string source;       // the key it came from
};

// `given` as locations; none given: execution.checkpointing.savepoint-dir (else
// state.savepoints.dir) and execution.checkpointing.dir (else state.checkpoints.dir), with the
// s3.entropy.key segment removed. Neither: a usage error naming the keys. `doing` names the action
// in messages ("list snapshots in").
std::vector<SnapshotRoot> resolve_snapshot_roots(CommandContext& context, const std::vector<std::string>& given,
                                                 const std::string& doing);

// Every root's inventory, store by store, merged in time order; a progress line on a terminal. A
// configured root that does not exist yet is a note on stderr, not an error.
Inventory inventory_of_roots(CommandContext& context, const std::vector<SnapshotRoot>& roots, InventoryOptions options);

// Whether a JobManager is configured for the snapshot actions, which never assume one at
// localhost: -m or rest.address, -z or high availability.
bool jobmanager_configured(CommandContext& context);

// "a, b": the roots as messages name them.
std::string roots_text(const std::vector<std::string>& roots);

}  // namespace flinkcli
