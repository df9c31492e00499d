#include "flinkcli/rest/answers.hpp"

#include <cstdint>
#include <limits>

#include "flinkcli/core/error.hpp"
#include "flinkcli/core/text.hpp"
#include "flinkcli/rest/flink_error_text.hpp"

namespace flinkcli {

using nlohmann::json;

namespace {

// Reads a field the protocol promises; a missing one is the JobManager's fault, not the user's.
template <typename T>
T required_field(const json& body, const char* field, const std::string& what) {
  if (!body.is_object() || !body.contains(field)) {
    throw CliError(ErrorClass::protocol,
                   "The JobManager's answer to " + what + " has no '" + field + "' field");
  }
  try {
    return body.at(field).get<T>();
  } catch (const json::exception&) {
    throw CliError(ErrorClass::protocol,
                   "The JobManager's answer to " + what + " has an unexpected '" + field + "'");
  }
}

// An integer: nlohmann converts a float or an out-of-range number with undefined behaviour, so
// only an integer that fits `Int` is accepted; anything else is the JobManager's fault.
template <typename Int>
Int integer_value(const json& value, const char* field, const std::string& what) {
  if (value.is_number_unsigned()) {
    const auto number = value.get<std::uint64_t>();
    if (number <= static_cast<std::uint64_t>(std::numeric_limits<Int>::max())) return static_cast<Int>(number);
  } else if (value.is_number_integer()) {
    const auto number = value.get<std::int64_t>();
    if (number >= std::numeric_limits<Int>::min() && number <= std::numeric_limits<Int>::max()) {
      return static_cast<Int>(number);
    }
  }
  throw CliError(ErrorClass::protocol, "The JobManager's answer to " + what + " has an unexpected '" + field + "'");
}

// An optional integer field: `fallback` when absent or null.
template <typename Int>
Int integer_field(const json& body, const char* field, Int fallback, const std::string& what) {
  if (!body.is_object() || !body.contains(field) || body.at(field).is_null()) return fallback;
  return integer_value<Int>(body.at(field), field, what);
}

// A value of the wrong type in an answer is the JobManager's fault: a protocol error (exit 9).
template <typename Parse>
auto parse_answer(const std::string& what, Parse&& parse) -> decltype(parse()) {
  try {
    return parse();
  } catch (const json::exception& error) {
    // The library's wording only for -v: the user gets our sentence.
    throw CliError(ErrorClass::protocol,
                   "The JobManager's answer to " + what + " has a field of an unexpected type",
                   error.what());
  }
}

// A vertex's description lists its chain, one operator per "<br/>"-terminated line, the ones
// behind the head indented with "+- " ("mapper<br/>+- sink: Writer<br/>"). Display only.
std::vector<std::string> chain_of(const std::string& description) {
  std::vector<std::string> chain;
  const std::string separator = "<br/>";
  std::size_t start = 0;
  while (start < description.size()) {
    std::size_t end = description.find(separator, start);
    if (end == std::string::npos) end = description.size();
    std::string line = description.substr(start, end - start);
    std::size_t first = line.find_first_not_of(' ');
    if (first != std::string::npos && line.compare(first, 3, "+- ") == 0) first += 3;
    line = first == std::string::npos ? std::string() : line.substr(first);
    if (!line.empty()) chain.push_back(std::move(line));
    start = end + separator.size();
  }
  return chain;
}

}  // namespace

std::string decode_request_id(const json& body, const std::string& what) {
  return required_field<std::string>(body, "request-id", what);
}

OperationStatus decode_operation_status(const json& body, const std::string& what) {
  return parse_answer(what, [&] {
    const json status = required_field<json>(body, "status", what);
    const std::string id = required_field<std::string>(status, "id", what);
    OperationStatus result;
    if (id == "IN_PROGRESS") return result;
    if (id != "COMPLETED") {
      throw CliError(ErrorClass::protocol, "Unknown operation status '" + id + "' in " + what);
    }
    result.completed = true;
    const json operation = body.value("operation", json());
    // Savepoints and disposals name it "failure-cause", checkpoints "failureCause" (recorded on
    // 1.20.5 and 2.3.0: CheckpointInfo's field name).
    const char* cause_field = operation.is_object() && operation.contains("failureCause") ? "failureCause" : "failure-cause";
    if (operation.is_object() && operation.contains(cause_field)) {
      const json& cause = operation[cause_field];
      const std::string java_class = cause.value("class", std::string("unknown"));
      result.failure = java_failure(cause.value("stack-trace", java_class));
    } else if (operation.is_object() && operation.contains("location")) {
      result.location = required_field<std::string>(operation, "location", what);
    } else if (operation.is_object() && operation.contains("checkpointId")) {
      // A checkpoint's result (/jobs/:id/checkpoints/:triggerId): its id, no location.
      result.checkpoint_id = integer_value<std::int64_t>(operation.at("checkpointId"), "checkpointId", what);
    }
    return result;
  });
}

std::vector<JobOverview> decode_job_list(const json& body, const std::string& what) {
  return parse_answer(what, [&] {
    const json items = required_field<json>(body, "jobs", what);
    if (!items.is_array()) throw CliError(ErrorClass::protocol, "The JobManager's answer to " + what + " has an unexpected 'jobs'");
    std::vector<JobOverview> jobs;
    for (const auto& item : items) {
      JobOverview job;
      job.id = required_field<std::string>(item, "jid", what);
      job.name = item.value("name", std::string());
      job.state = required_field<std::string>(item, "state", what);
      job.start_time_ms = integer_field<std::int64_t>(item, "start-time", 0, what);
      jobs.push_back(std::move(job));
    }
    return jobs;
  });
}

std::string decode_uploaded_jar_id(const json& body, const std::string& what) {
  const auto filename = required_field<std::string>(body, "filename", what);
  return filename.substr(filename.find_last_of('/') + 1);  // the jar id is the last component
}

JobId decode_submitted_job(const json& body, const std::string& what) {
  const auto job_id = required_field<std::string>(body, "jobid", what);
  if (!is_hex_id(job_id)) {
    throw CliError(ErrorClass::protocol, "The JobManager returned an invalid job id '" + job_id + "'");
  }
  return JobId::parse(job_id);
}

std::string decode_job_state(const json& body, const std::string& what) {
  return required_field<std::string>(body, "status", what);
}

JobResult decode_job_result(const json& body, const std::string& what) {
  return parse_answer(what, [&] {
    const json result = required_field<json>(body, "job-execution-result", what);
    JobResult out;
    out.duration_ms = integer_field<std::int64_t>(result, "net-runtime", 0, what);
    if (result.contains("failure-cause")) {
      const std::string trace = result["failure-cause"].value("stack-trace", std::string());
      if (!trace.empty()) {
        out.failure_message = root_cause_message(trace);
        out.failure_detail = cause_chain(trace);
      }
    }
    return out;
  });
}

std::optional<RestoredCheckpoint> decode_restored_checkpoint(const json& body, const std::string& what) {
  return parse_answer(what, [&]() -> std::optional<RestoredCheckpoint> {
    const json latest = required_field<json>(body, "latest", what);
    if (!latest.is_object()) throw CliError(ErrorClass::protocol, "The JobManager's answer to " + what + " has an unexpected 'latest'");
    const json restored = latest.value("restored", json());
    if (restored.is_null()) return std::nullopt;
    RestoredCheckpoint out;
    out.id = integer_value<std::int64_t>(required_field<json>(restored, "id", what), "id", what);
    out.is_savepoint = restored.value("is_savepoint", false);
    // A restore from a checkpoint the JobManager lost track of may carry no path.
    out.external_path = restored.value("external_path", std::string());
    return out;
  });
}

CheckpointsOverview decode_checkpoints_overview(const json& body, const std::string& what) {
  return parse_answer(what, [&] {
    const json latest = required_field<json>(body, "latest", what);
    if (!latest.is_object()) throw CliError(ErrorClass::protocol, "The JobManager's answer to " + what + " has an unexpected 'latest'");
    std::vector<LatestSnapshot> found;
    for (const char* which : {"completed", "savepoint", "restored"}) {
      const json entry = latest.value(which, json());
      if (!entry.is_object()) continue;
      LatestSnapshot snapshot;
      snapshot.which = which;
      snapshot.id = integer_value<std::int64_t>(required_field<json>(entry, "id", what), "id", what);
      snapshot.is_savepoint = entry.value("is_savepoint", false);
      const json path = entry.value("external_path", json());
      if (path.is_string()) snapshot.external_path = path.get<std::string>();
      found.push_back(std::move(snapshot));
    }
    CheckpointsOverview overview;
    overview.latest = std::move(found);
    const json counts = body.value("counts", json());
    if (counts.is_object() && counts.contains("in_progress")) {
      overview.in_progress = integer_value<std::int64_t>(counts["in_progress"], "in_progress", what);
    }
    return overview;
  });
}

std::vector<SnapshotHistoryEntry> decode_snapshot_history(const json& body, const std::string& what) {
  return parse_answer(what, [&] {
    const json history = required_field<json>(body, "history", what);
    if (!history.is_array()) throw CliError(ErrorClass::protocol, "The JobManager's answer to " + what + " has an unexpected 'history'");
    std::vector<SnapshotHistoryEntry> entries;
    for (const auto& item : history) {
      if (!item.is_object() || item.value("status", std::string()) != "COMPLETED") continue;
      SnapshotHistoryEntry entry;
      entry.id = integer_value<std::int64_t>(required_field<json>(item, "id", what), "id", what);
      entry.is_savepoint = item.value("is_savepoint", false);
      entry.checkpoint_type = item.value("checkpoint_type", std::string());
      entry.savepoint_format = item.value("savepointFormat", std::string());
      entry.external_path = item.value("external_path", std::string());
      entries.push_back(std::move(entry));
    }
    return entries;
  });
}

CheckpointDetails decode_checkpoint_details(const json& body, const std::string& what) {
  return parse_answer(what, [&] {
    CheckpointDetails details;
    details.id = integer_value<std::int64_t>(required_field<json>(body, "id", what), "id", what);
    details.status = body.value("status", std::string());
    details.is_savepoint = body.value("is_savepoint", false);
    details.checkpoint_type = body.value("checkpoint_type", std::string());
    // Flink names a checkpoint kept only in the JobManager's memory with a placeholder in angle
    // brackets ("<checkpoint-not-externally-addressable>"): not a path.
    const std::string path = body.contains("external_path") && body.at("external_path").is_string()
                                 ? body.at("external_path").get<std::string>()
                                 : std::string();
    if (!path.empty() && path.front() != '<') details.external_path = path;
    return details;
  });
}

JobPlan decode_jar_plan(const json& body, const std::string& what) {
  return parse_answer(what, [&] {
    const json plan = required_field<json>(body, "plan", what);
    const json nodes = required_field<json>(plan, "nodes", what);
    if (!nodes.is_array()) throw CliError(ErrorClass::protocol, "The JobManager's answer to " + what + " has an unexpected 'nodes'");
    JobPlan out;
    out.job_id = plan.value("jid", std::string());
    out.name = plan.value("name", std::string());
    out.type = plan.value("type", std::string());
    for (const auto& node : nodes) {
      PlanVertex vertex;
      vertex.id = required_field<std::string>(node, "id", what);
      if (!is_hex_id(vertex.id)) {
        throw CliError(ErrorClass::protocol, "The JobManager's answer to " + what + " has an invalid vertex id '" +
                                                 one_line(vertex.id, 40) + "'");
      }
      vertex.parallelism = integer_field<int>(node, "parallelism", 0, what);
      vertex.chain = chain_of(node.value("description", std::string()));
      // Older plans named the vertex in "operator" and left the description empty.
      if (vertex.chain.empty()) {
        const std::string name = node.value("operator", std::string());
        if (!name.empty()) vertex.chain.push_back(name);
      }
      const json inputs = node.value("inputs", json::array());
      if (!inputs.is_array()) throw CliError(ErrorClass::protocol, "The JobManager's answer to " + what + " has an unexpected 'inputs'");
      for (const auto& input : inputs) vertex.inputs.push_back(required_field<std::string>(input, "id", what));
      out.vertices.push_back(std::move(vertex));
    }
    return out;
  });
}

}  // namespace flinkcli
