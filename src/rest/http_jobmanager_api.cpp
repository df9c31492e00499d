// JobManagerApi over Flink's REST API. Request bodies match what the Java client sends
// (see ../shared/reference/flink-cli-rest.md): hyphenated savepoint fields, camelCase stop fields.
#include "flinkcli/core/error.hpp"
#include "flinkcli/rest/flink_error_text.hpp"
#include "flinkcli/rest/http_jobmanager_api.hpp"
#include "http_transport.hpp"

namespace flinkcli {

using nlohmann::json;

namespace {

json nullable(const std::optional<std::string>& value) { return value ? json(*value) : json(); }

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

OperationStatus parse_operation_status(const json& body, const std::string& what) {
  const json status = required_field<json>(body, "status", what);
  const std::string id = required_field<std::string>(status, "id", what);
  OperationStatus result;
  if (id == "IN_PROGRESS") return result;
  if (id != "COMPLETED") {
    throw CliError(ErrorClass::protocol, "Unknown operation status '" + id + "' in " + what);
  }
  result.completed = true;
  const json operation = body.value("operation", json());
  if (operation.is_object() && operation.contains("failure-cause")) {
    const json& cause = operation["failure-cause"];
    const std::string java_class = cause.value("class", std::string("unknown"));
    result.failure = java_failure(cause.value("stack-trace", java_class));
  } else if (operation.is_object() && operation.contains("location")) {
    result.location = required_field<std::string>(operation, "location", what);
  }
  return result;
}

class HttpJobManagerApi final : public JobManagerApi {
 public:
  HttpJobManagerApi(const RestSettings& settings, Clock& clock) : m_http(settings, clock) {}

  void set_deadline(std::optional<std::chrono::steady_clock::time_point> deadline) override {
    m_http.set_deadline(deadline);
  }

  std::string trigger_savepoint(const JobId& job, const SavepointTrigger& request) override {
    const json body = {{"target-directory", nullable(request.target_directory)},
                       {"cancel-job", request.cancel_job},
                       {"formatType", to_string(request.format)},
                       {"triggerId", nullable(request.trigger_id)}};
    return request_id(m_http.send("POST", "/jobs/" + job.str() + "/savepoints", &body,
                                  trigger_options(request.trigger_id)),
                      "the savepoint trigger");
  }

  std::string trigger_stop(const JobId& job, const StopTrigger& request) override {
    const json body = {{"targetDirectory", nullable(request.target_directory)},
                       {"drain", request.drain},
                       {"formatType", to_string(request.format)},
                       {"triggerId", nullable(request.trigger_id)}};
    return request_id(m_http.send("POST", "/jobs/" + job.str() + "/stop", &body,
                                  trigger_options(request.trigger_id)),
                      "the stop-with-savepoint trigger");
  }

  OperationStatus savepoint_status(const JobId& job, const std::string& trigger_id) override {
    const std::string path = "/jobs/" + job.str() + "/savepoints/" + trigger_id;
    const json body = get_operation(path, trigger_id).body;
    return parse_answer("GET " + path, [&] { return parse_operation_status(body, "GET " + path); });
  }

  std::string trigger_disposal(const std::string& savepoint_path) override {
    const json body = {{"savepoint-path", savepoint_path}};
    // Flink picks a disposal's trigger id: a disposal that may have arrived is never sent again.
    return request_id(m_http.send("POST", "/savepoint-disposal", &body, {}), "the disposal trigger");
  }

  OperationStatus disposal_status(const std::string& trigger_id) override {
    const std::string path = "/savepoint-disposal/" + trigger_id;
    const json body = get_operation(path, trigger_id).body;
    return parse_answer("GET " + path, [&] { return parse_operation_status(body, "GET " + path); });
  }

  void cancel_job(const JobId& job) override {
    m_http.send("PATCH", "/jobs/" + job.str() + "?mode=cancel", nullptr, {});
  }

  std::vector<JobOverview> list_jobs() override {
    const json body = get("/jobs/overview").body;
    return parse_answer("GET /jobs/overview", [&] {
      std::vector<JobOverview> jobs;
      for (const auto& item : required_field<json>(body, "jobs", "GET /jobs/overview")) {
        JobOverview job;
        job.id = required_field<std::string>(item, "jid", "GET /jobs/overview");
        job.name = item.value("name", std::string());
        job.state = required_field<std::string>(item, "state", "GET /jobs/overview");
        job.start_time_ms = item.value("start-time", std::int64_t{0});
        jobs.push_back(std::move(job));
      }
      return jobs;
    });
  }

  std::vector<JarInfo> list_jars() override {
    const HttpReply reply = m_http.send("GET", "/jars", nullptr, {Retry::idempotent, /*missing_route_ok=*/true});
    if (reply.status == 404) {
      throw CliError(ErrorClass::operation_failed,
                     "the JobManager does not accept jar submissions (no /jars endpoint; is "
                     "web.submit.enable false?)");
    }
    const json& body = reply.body;
    return parse_answer("GET /jars", [&] {
      std::vector<JarInfo> jars;
      for (const auto& item : body.value("files", json::array())) {
        jars.push_back({item.value("id", std::string()), item.value("name", std::string())});
      }
      return jars;
    });
  }

  std::string upload_jar(const std::string& file_name, const std::string& content) override {
    const json body = m_http.upload("/jars/upload", "jarfile", file_name, content).body;
    const auto filename = required_field<std::string>(body, "filename", "POST /jars/upload");
    return filename.substr(filename.find_last_of('/') + 1);  // the jar id is the last component
  }

  JobId run_jar(const std::string& jar_id, const JarRunRequest& request) override {
    json body = json::object();
    if (request.entry_class) body["entryClass"] = *request.entry_class;
    body["programArgsList"] = request.program_args;
    if (request.parallelism) body["parallelism"] = *request.parallelism;
    if (request.savepoint_path) body["savepointPath"] = *request.savepoint_path;
    body["allowNonRestoredState"] = request.allow_non_restored_state;
    if (request.claim_mode) body["claimMode"] = *request.claim_mode;
    if (!request.flink_configuration.empty()) body["flinkConfiguration"] = request.flink_configuration;
    const std::string path = "/jars/" + jar_id + "/run";
    const json answer = m_http.send("POST", path, &body, {}).body;  // never twice: two jobs
    const auto job_id = required_field<std::string>(answer, "jobid", "POST " + path);
    if (!is_hex_id(job_id)) {
      throw CliError(ErrorClass::protocol, "The JobManager returned an invalid job id '" + job_id + "'");
    }
    return JobId::parse(job_id);
  }

  void delete_jar(const std::string& jar_id) override {
    m_http.send("DELETE", "/jars/" + jar_id, nullptr, {});
  }

  std::string job_state(const JobId& job) override {
    const std::string path = "/jobs/" + job.str() + "/status";
    return required_field<std::string>(get(path).body, "status", "GET " + path);
  }

  JobResult job_result(const JobId& job) override {
    const std::string path = "/jobs/" + job.str() + "/execution-result";
    const json body = get(path).body;
    return parse_answer("GET " + path, [&] {
      const json result = required_field<json>(body, "job-execution-result", "GET " + path);
      JobResult out;
      out.duration_ms = result.value("net-runtime", std::int64_t{0});
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

 private:
  HttpReply get(const std::string& path) { return m_http.send("GET", path, nullptr, {Retry::idempotent}); }

  // An operation's status. A JobManager that answers 404 for it has lost it: restarted (a new
  // leader), or its result expired (rest.async.store-duration).
  HttpReply get_operation(const std::string& path, const std::string& trigger_id) {
    try {
      return get(path);
    } catch (const CliError& error) {
      if (error.error_class() != ErrorClass::not_found) throw;
      throw CliError(ErrorClass::not_found,
                     "The JobManager does not know trigger id " + trigger_id +
                         " (any more): it may have restarted or dropped the result after "
                         "rest.async.store-duration; whether the operation completed is unknown",
                     error.what());
    }
  }

  // A trigger with our trigger id may be sent again: the JobManager answers a repeat with the
  // same operation instead of starting a second savepoint.
  static RequestOptions trigger_options(const std::optional<std::string>& trigger_id) {
    return {trigger_id ? Retry::idempotent : Retry::connect_only};
  }

  static std::string request_id(const HttpReply& reply, const std::string& what) {
    return required_field<std::string>(reply.body, "request-id", what);
  }

  HttpTransport m_http;
};

}  // namespace

std::unique_ptr<JobManagerApi> make_http_jobmanager_api(const RestSettings& settings, Clock& clock) {
  return std::make_unique<HttpJobManagerApi>(settings, clock);
}

}  // namespace flinkcli
