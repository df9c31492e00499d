#include "plan_check.hpp"

#include <map>
#include <set>

#include "flinkcli/core/error.hpp"
#include "flinkcli/core/nullable.hpp"
#include "flinkcli/core/text.hpp"
#include "flinkcli/output/report.hpp"
#include "jar_upload.hpp"
#include "savepoint_operations.hpp"

namespace flinkcli {

namespace {

std::string chain_text(const PlanVertex& vertex) {
  std::string text;
  for (const auto& name : vertex.chain) {
    if (!text.empty()) text += " -> ";
    text += one_line(name, 200);
  }
  return text.empty() ? "-" : text;
}

// "c9cecfed... (mapper-id)" or "c9cecfed... (name mapper)" or the id alone.
std::string operator_label(const PlanOperator& op) {
  if (op.uid) return op.operator_id + " (uid " + one_line(*op.uid, 200) + ")";
  if (op.name && !op.name->empty()) return op.operator_id + " (" + one_line(*op.name, 200) + ")";
  return op.operator_id;
}

}  // namespace

const char* to_string(PlanVerdict verdict) {
  switch (verdict) {
    case PlanVerdict::head: return "head";
    case PlanVerdict::expected_uid: return "expected_uid";
    case PlanVerdict::dropped: return "dropped";
    case PlanVerdict::unknown: return "unknown";
  }
  return "unknown";
}

bool PlanCheck::would_drop_state() const {
  for (const auto& op : operators) {
    if (op.verdict == PlanVerdict::dropped || op.verdict == PlanVerdict::unknown) return true;
  }
  return false;
}

PlanCheck check_against_plan(const metadata::SavepointMetadata& savepoint, const JobPlan& plan,
                             const std::optional<std::vector<std::string>>& expected_uids) {
  PlanCheck check;
  check.plan = plan;
  std::set<std::string> vertex_ids;
  for (const auto& vertex : plan.vertices) vertex_ids.insert(vertex.id);
  std::map<std::string, std::string> expected_by_id;  // operator id -> the first uid hashing to it
  if (expected_uids) {
    std::set<std::string> seen;
    for (const auto& uid : *expected_uids) {
      if (!seen.insert(uid).second) continue;
      const std::string id = metadata::operator_id_for_uid(uid);
      expected_by_id.emplace(id, uid);
      if (vertex_ids.count(id) == 0) check.expected_uids_not_heads.push_back(uid);
    }
  }
  for (const auto& state : savepoint.operators) {
    if (!state.has_state) continue;
    PlanOperator op;
    op.operator_id = state.operator_id;
    // Version 5+ stores "" for an operator without a uid: its id was generated.
    if (state.uid && !state.uid->empty()) op.uid = state.uid;
    op.name = state.name;
    op.state_size = state.state_size;
    if (vertex_ids.count(state.operator_id) > 0) {
      op.verdict = PlanVerdict::head;
      op.certain = true;
      op.note = "the new job's vertex " + state.operator_id + " starts with this operator and takes its state";
    } else if (const auto expected = expected_by_id.find(state.operator_id); expected != expected_by_id.end()) {
      op.verdict = PlanVerdict::expected_uid;
      op.note = std::string("no vertex of the plan starts with it; expected uid ") + one_line(expected->second, 200) +
                " has its id, so an operator chained behind a head takes the state if the new job sets that uid "
                "(the plan does not show chained operators)";
    } else if (expected_uids && op.uid) {
      op.verdict = PlanVerdict::dropped;
      op.certain = true;
      op.note = std::string("no vertex of the plan and no expected uid has its id; only an operator with uid ") +
                one_line(*op.uid, 200) + " could take the state";
    } else {
      op.verdict = PlanVerdict::unknown;
      op.note = std::string("no vertex of the plan starts with it: the state is dropped unless an operator chained "
                            "behind a head has its id, which the plan does not show") +
                (expected_uids ? " (the old operator had no uid stored, so its id may be generated)"
                               : "; --expect-uids names the new job's chained operators");
    }
    check.operators.push_back(std::move(op));
  }
  return check;
}

void report_plan_check(CommandContext& context, const PlanOptions& options, const std::string& savepoint_path,
                       const metadata::SavepointMetadata& savepoint,
                       const std::optional<std::vector<std::string>>& expected_uids,
                       bool allow_non_restored_state) {
  Report& report = context.report();
  const std::string jar_content = read_jar(options.jar);  // a bad jar fails before any network call
  JobManagerApi& api = context.api();
  const std::string failure = "Could not get the plan of " + options.jar + " from the JobManager";
  const std::string jar_id = with_error_context(
      failure, [&] { return upload_jar_copy(api, options.jar, jar_content, context.new_trigger_id()); });
  // The plan is built from our copy; afterwards it is not needed, whatever happened.
  JobPlan plan;
  try {
    plan = with_error_context(failure, [&] { return api.jar_plan(jar_id, options.request); });
  } catch (...) {
    delete_uploaded_jar(api, jar_id);
    throw;
  }
  const bool jar_deleted = delete_uploaded_jar(api, jar_id);

  const PlanCheck check = check_against_plan(savepoint, plan, expected_uids);
  std::map<std::string, const metadata::OperatorState*> by_id;
  for (const auto& state : savepoint.operators) by_id.emplace(state.operator_id, &state);

  report.line("");
  report.line("Plan of " + options.jar + " (job " + one_line(plan.name, 200) + ", " +
              std::to_string(plan.vertices.size()) + (plan.vertices.size() == 1 ? " vertex" : " vertices") +
              "; a vertex id is the id of its first operator):");
  JsonDocument vertices = JsonDocument::array();
  for (const auto& vertex : plan.vertices) {
    const auto state = by_id.find(vertex.id);
    const bool in_savepoint = state != by_id.end();
    const bool has_state = in_savepoint && state->second->has_state;
    std::string text = "  " + vertex.id + "  parallelism " + std::to_string(vertex.parallelism) + "  " +
                       chain_text(vertex) + ": ";
    text += has_state ? std::string("state in the savepoint (") + std::to_string(state->second->state_size) + " bytes)"
                      : (in_savepoint ? std::string("in the savepoint, without state") : std::string("not in the savepoint"));
    report.line(text);
    JsonDocument chain = JsonDocument::array();
    for (const auto& name : vertex.chain) chain.push_back(name);
    vertices.push_back({{"id", vertex.id},
                        {"chain", chain},
                        {"parallelism", vertex.parallelism},
                        {"in_savepoint", in_savepoint},
                        {"has_state", has_state}});
  }

  report.line("State in the savepoint against that plan:");
  JsonDocument operators = JsonDocument::array();
  std::vector<std::string> dropped_text;
  for (const auto& op : check.operators) {
    std::string verdict;
    switch (op.verdict) {
      case PlanVerdict::head: verdict = "restores"; break;
      case PlanVerdict::expected_uid: verdict = "restores by its expected uid (not certain)"; break;
      case PlanVerdict::dropped: verdict = "dropped (certain)"; break;
      case PlanVerdict::unknown: verdict = "possibly dropped (not certain)"; break;
    }
    report.line(std::string("  ") + operator_label(op) + ", " + std::to_string(op.state_size) + " bytes: " + verdict + ": " + op.note);
    if (op.verdict == PlanVerdict::dropped || op.verdict == PlanVerdict::unknown) {
      dropped_text.push_back(operator_label(op) + (op.certain ? "" : ", not certain"));
    }
    operators.push_back({{"operator_id", op.operator_id},
                         {"uid", nullable<JsonDocument>(op.uid)},
                         {"name", nullable<JsonDocument>(op.name)},
                         {"state_size", op.state_size},
                         {"verdict", to_string(op.verdict)},
                         {"certain", op.certain},
                         {"note", op.note}});
  }
  if (check.operators.empty()) report.line("  no operator of the savepoint has state");
  JsonDocument not_heads = JsonDocument::array();
  for (const auto& uid : check.expected_uids_not_heads) not_heads.push_back(uid);
  if (!check.expected_uids_not_heads.empty()) {
    std::string uids;
    for (const auto& uid : check.expected_uids_not_heads) {
      if (!uids.empty()) uids += ", ";
      uids += one_line(uid, 200);
    }
    report.line("  expected uids that are no vertex of the plan (chained behind a head, or not in the job): " + uids);
  }
  JsonDocument program_args = JsonDocument::array();
  for (const auto& arg : options.request.program_args) program_args.push_back(arg);
  report.set("plan_check",
             {{"jar", options.jar},
              {"jar_id", jar_id},
              {"jar_uploaded", true},
              {"jar_deleted", jar_deleted},
              {"entry_class", nullable<JsonDocument>(options.request.entry_class)},
              {"program_args", program_args},
              {"parallelism", options.request.parallelism ? JsonDocument(*options.request.parallelism) : JsonDocument()},
              {"job_name", plan.name},
              {"job_type", plan.type},
              {"vertices", vertices},
              {"operators", operators},
              {"expected_uids_not_heads", not_heads},
              {"allow_non_restored_state", allow_non_restored_state},
              {"would_drop_state", check.would_drop_state()}});
  if (!check.would_drop_state()) {
    report.line("  every operator with state maps to the new job: the restore needs no -n");
    return;
  }
  if (allow_non_restored_state) {
    report.line(std::string("  state of ") + std::to_string(dropped_text.size()) + " operator(s) would or may be dropped, as -n allows");
    return;
  }
  std::string ids;
  for (const auto& text : dropped_text) ids += (ids.empty() ? "" : "; ") + text;
  throw CliError(ErrorClass::restore_mismatch,
                 "Restoring " + savepoint_path + " into the job of " + options.jar + " would drop the state of " +
                     std::to_string(dropped_text.size()) + " operator(s) its plan has no vertex for: " + ids +
                     ". If that is intended, pass -n (--allowNonRestoredState), here and to run.");
}

}  // namespace flinkcli
