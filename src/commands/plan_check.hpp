#pragma once
// inspect --jar: the savepoint against the plan the JobManager builds from the new job's jar
// (POST /jars/:id/plan). The plan lists the new job's vertices (operator chains); a vertex id is
// the operator id of the chain's first operator (its uid's hash, or generated). Operators chained
// behind a head are named in the plan but their ids are not: state that maps to no vertex may
// still belong to one of them, and the check says so instead of guessing.
#include <optional>
#include <string>
#include <vector>

#include "flinkcli/api/jobmanager_api.hpp"
#include "flinkcli/commands/command.hpp"
#include "flinkcli/metadata/savepoint_metadata.hpp"

namespace flinkcli {

// What happens to an operator's state when the new job restores the savepoint.
enum class PlanVerdict {
  head,          // a vertex of the plan has its id: that chain's head takes the state (certain)
  expected_uid,  // no vertex has its id, an expected uid hashes to it: an operator chained
                 // behind a head takes it, if the new job has that uid (the plan cannot show it)
  dropped,       // certain: no vertex and no expected uid has its id, and the savepoint names
                 // the old operator's uid, so only an operator with that uid could take it
  unknown,       // no vertex has its id: dropped, unless an operator chained behind a head has
                 // it, which the plan does not show (uncertain)
};
const char* to_string(PlanVerdict verdict);  // "head", "expected_uid", "dropped", "unknown"

struct PlanOperator {
  std::string operator_id;
  std::optional<std::string> uid;   // the old job's, stored from metadata version 5 on
  std::optional<std::string> name;
  std::int64_t state_size = 0;
  PlanVerdict verdict = PlanVerdict::unknown;
  bool certain = false;
  std::string note;                 // why, in one sentence
};

struct PlanCheck {
  JobPlan plan;
  // Every operator of the savepoint that has state (Flink's restore check ignores the others),
  // in savepoint order.
  std::vector<PlanOperator> operators;
  // Expected uids (once each, in the order given) whose operator id is no vertex of the plan: a
  // chained operator, or not in the new job at all; the plan cannot tell which.
  std::vector<std::string> expected_uids_not_heads;

  // State that the restore drops, certainly or possibly: the restore fails without -n.
  bool would_drop_state() const;
};

// Compares `savepoint` with `plan`; `expected_uids` (--expect-uids) name the new job's uids.
PlanCheck check_against_plan(const metadata::SavepointMetadata& savepoint, const JobPlan& plan,
                             const std::optional<std::vector<std::string>>& expected_uids);

// --jar and what the plan request needs.
struct PlanOptions {
  std::string jar;
  JarPlanRequest request;  // -c, -p, program arguments, -D
};

// Gets the plan for `options` from the JobManager (the jar uploaded, or an identical one reused;
// an uploaded jar is deleted again on every path), reports the comparison ("plan_check" in JSON)
// and throws restore_mismatch (exit 7) when state would be dropped, unless
// `allow_non_restored_state`.
void report_plan_check(CommandContext& context, const PlanOptions& options, const std::string& savepoint_path,
                       const metadata::SavepointMetadata& savepoint,
                       const std::optional<std::vector<std::string>>& expected_uids,
                       bool allow_non_restored_state);

}  // namespace flinkcli
