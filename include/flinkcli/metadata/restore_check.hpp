#pragma once
// What a savepoint means for a job that restores from it: which operator a uid names, and what
// Flink's restore check (Checkpoints.loadAndValidateCheckpoint) decides for a job whose operators
// carry exactly the expected uids. Pure functions on parsed metadata: no file system, no output.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "flinkcli/metadata/savepoint_metadata.hpp"

namespace flinkcli::metadata {

// A uid and the operator it names: Flink matches state to operators by the id a uid hashes to.
struct UidMatch {
  std::string uid;
  std::string operator_id;      // operator_id_for_uid(uid)
  bool in_savepoint = false;    // the savepoint has an operator with that id
  bool has_state = false;       // ... and that operator has state to restore
  std::int64_t state_size = 0;  // of that operator (0 when it is not in the savepoint)
};

// Look `uid` up in `savepoint`.
UidMatch match_uid(const SavepointMetadata& savepoint, const std::string& uid);

// An operator of the savepoint whose state no expected uid takes: the restore fails on it unless
// non-restored state is allowed (-n), and the state is dropped if it is.
struct DroppedState {
  std::string operator_id;
  std::optional<std::string> uid;   // the old job's, when the metadata stores it (version 5+)
  std::optional<std::string> name;
  std::int64_t state_size = 0;
  StateKinds kinds;
  // False when the old job may have set no uid on the operator: its id was then generated from
  // the job's shape, and a new job of the same shape reproduces it and takes the state after all.
  bool certain = false;
  std::string note;                 // why it is dropped, or why that is uncertain
};

struct RestoreCheck {
  std::vector<DroppedState> dropped;  // in savepoint order
  // Expected uids (each once, in the order given) whose operator gets no state: not in the
  // savepoint, or there without state.
  std::vector<UidMatch> start_empty;
  // Operators without state that match no expected uid: Flink skips them, they need no -n.
  std::size_t unmatched_without_state = 0;
  // Metadata before version 5 stores no uids: operators are matched by hash only.
  std::optional<std::string> version_note;

  bool would_drop_state() const { return !dropped.empty(); }
};

// Restore `savepoint` into a job whose operators carry exactly `expected_uids` (duplicates are
// allowed and count once).
RestoreCheck check_restore(const SavepointMetadata& savepoint, const std::vector<std::string>& expected_uids);

}  // namespace flinkcli::metadata
