// The uid matching of `inspect --uid` and the restore check of `inspect --expect-uids`; see
// include/flinkcli/metadata/restore_check.hpp.
#include "flinkcli/metadata/restore_check.hpp"

#include <algorithm>
#include <set>

namespace flinkcli::metadata {

namespace {

const OperatorState* find_operator(const SavepointMetadata& savepoint, const std::string& operator_id) {
  const auto op = std::find_if(savepoint.operators.begin(), savepoint.operators.end(),
                               [&](const OperatorState& o) { return o.operator_id == operator_id; });
  return op == savepoint.operators.end() ? nullptr : &*op;
}

// Why the state of `op`, which no expected uid names, would be dropped, or why that is uncertain.
std::string dropped_note(const OperatorState& op, int version) {
  if (op.uid) return "the old job's uid " + *op.uid + " is not among the expected uids";
  if (version >= 5) {
    return "the old job set no uid on this operator: its id was generated from the job's shape, and the "
           "new job keeps it only if that part of the job is unchanged and also has no uid";
  }
  return "metadata version " + std::to_string(version) +
         " stores no uids: if this operator had no uid, its id was generated from the job's shape and "
         "the new job may reproduce it";
}

}  // namespace

UidMatch match_uid(const SavepointMetadata& savepoint, const std::string& uid) {
  UidMatch match;
  match.uid = uid;
  match.operator_id = operator_id_for_uid(uid);
  if (const OperatorState* op = find_operator(savepoint, match.operator_id)) {
    match.in_savepoint = true;
    match.has_state = op->has_state;
    match.state_size = op->state_size;
  }
  return match;
}

RestoreCheck check_restore(const SavepointMetadata& savepoint, const std::vector<std::string>& expected_uids) {
  RestoreCheck check;
  std::set<std::string> expected_ids;
  for (const auto& uid : expected_uids) expected_ids.insert(operator_id_for_uid(uid));
  for (const auto& op : savepoint.operators) {
    if (expected_ids.count(op.operator_id)) continue;
    if (!op.has_state) {
      ++check.unmatched_without_state;
      continue;
    }
    // Certain only when the savepoint says the operator had a uid (version 5+): an operator
    // without one has an id generated from the job's shape, which the new job may reproduce.
    check.dropped.push_back({op.operator_id, op.uid, op.name, op.state_size, op.kinds, op.uid.has_value(),
                             dropped_note(op, savepoint.version)});
  }
  std::set<std::string> seen;
  for (const auto& uid : expected_uids) {
    if (!seen.insert(uid).second) continue;
    UidMatch match = match_uid(savepoint, uid);
    if (!match.has_state) check.start_empty.push_back(std::move(match));
  }
  if (savepoint.version < 5) {
    check.version_note = "this savepoint (metadata version " + std::to_string(savepoint.version) +
                         ") stores no uids: operators are matched by the hash of the expected uids only";
  }
  return check;
}

}  // namespace flinkcli::metadata
