// JobManagerApi over Flink's REST API. Request bodies match what the Java client sends
// (Flink's SavepointTriggerRequestBody and StopWithSavepointRequestBody): hyphenated savepoint
// fields, camelCase stop fields.
#include "flinkcli/core/error.hpp"
#include "flinkcli/core/nullable.hpp"
#include "flinkcli/rest/answers.hpp"
#include "flinkcli/rest/http_jobmanager_api.hpp"
#include "http_transport.hpp"

namespace flinkcli {

using nlohmann::json;

namespace {

class HttpJobManagerApi final : public JobManagerApi {
 public:
  HttpJobManagerApi(const RestSettings& settings, Clock& clock) : m_http(settings, clock) {}

  void set_deadline(std::optional<std::chrono::steady_clock::time_point> deadline) override {
    m_http.set_deadline(deadline);
  }

  std::string trigger_savepoint(const JobId& job, const SavepointTrigger& request) override {
    const json body = {{"target-directory", nullable<json>(request.target_directory)},
                       {"cancel-job", request.cancel_job},
                       {"formatType", to_string(request.format)},
                       {"triggerId", nullable<json>(request.trigger_id)}};
    return request_id(m_http.send("POST", "/jobs/" + job.str() + "/savepoints", &body,
                                  trigger_options(request.trigger_id)),
                      "the savepoint trigger");
  }

  std::string trigger_stop(const JobId& job, const StopTrigger& request) override {
    const json body = {{"targetDirectory", nullable<json>(request.target_directory)},
                       {"drain", request.drain},
                       {"formatType", to_string(request.format)},
                       {"triggerId", nullable<json>(request.trigger_id)}};
    return request_id(m_http.send("POST", "/jobs/" + job.str() + "/stop", &body,
                                  trigger_options(request.trigger_id)),
                      "the stop-with-savepoint trigger");
  }

  OperationStatus savepoint_status(const JobId& job, const std::string& trigger_id) override {
    const std::string path = "/jobs/" + job.str() + "/savepoints/" + trigger_id;
    const json body = get_operation(path, trigger_id).body;
    return decode_operation_status(body, "GET " + path);
  }

  std::string trigger_checkpoint(const JobId& job, const CheckpointTrigger& request) override {
    const json body = {{"checkpointType", to_string(request.type)}, {"triggerId", nullable<json>(request.trigger_id)}};
    return request_id(m_http.send("POST", "/jobs/" + job.str() + "/checkpoints", &body,
                                  trigger_options(request.trigger_id)),
                      "the checkpoint trigger");
  }

  OperationStatus checkpoint_status(const JobId& job, const std::string& trigger_id) override {
    const std::string path = "/jobs/" + job.str() + "/checkpoints/" + trigger_id;
    const json body = get_operation(path, trigger_id).body;
    return decode_operation_status(body, "GET " + path);
  }

  std::optional<CheckpointDetails> checkpoint_details(const JobId& job, std::int64_t checkpoint_id) override {
    const std::string path = "/jobs/" + job.str() + "/checkpoints/details/" + std::to_string(checkpoint_id);
    try {
      return decode_checkpoint_details(get(path).body, "GET " + path);
    } catch (const CliError& error) {
      // Flink keeps the statistics of the latest web.checkpoints.history checkpoints only.
      if (error.error_class() == ErrorClass::not_found) return std::nullopt;
      throw;
    }
  }

  std::string trigger_disposal(const std::string& savepoint_path) override {
    const json body = {{"savepoint-path", savepoint_path}};
    // Flink picks a disposal's trigger id: a disposal that may have arrived is never sent again.
    RequestOptions options;
    options.advice = "check whether " + savepoint_path + " still exists before disposing again";
    return request_id(m_http.send("POST", "/savepoint-disposal", &body, options), "the disposal trigger");
  }

  OperationStatus disposal_status(const std::string& trigger_id) override {
    const std::string path = "/savepoint-disposal/" + trigger_id;
    const json body = get_operation(path, trigger_id).body;
    return decode_operation_status(body, "GET " + path);
  }

  void cancel_job(const JobId& job) override {
    RequestOptions options;
    options.advice = "check with `flink list` whether job " + job.str() + " is cancelling";
    m_http.send("PATCH", "/jobs/" + job.str() + "?mode=cancel", nullptr, options);
  }

  std::vector<JobOverview> list_jobs() override {
    return decode_job_list(get("/jobs/overview").body, "GET /jobs/overview");
  }

  std::string upload_jar(const std::string& file_name, const std::string& content) override {
    RequestOptions options;
    options.missing_route_ok = true;
    // Each run uploads its own copy under a name of its own: a lost answer leaves at most an
    // unused copy behind.
    options.advice = "a copy of the jar may be left on the JobManager (`GET /jars`); run again to upload it anew";
    const HttpReply reply = m_http.upload("/jars/upload", "jarfile", file_name, content, options);
    if (reply.status == 404) {
      throw CliError(ErrorClass::operation_failed,
                     "the JobManager does not accept jar submissions (no /jars/upload endpoint; is "
                     "web.submit.enable false?)");
    }
    return decode_uploaded_jar_id(reply.body, "POST /jars/upload");
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
    // Never sent twice: that would be two jobs.
    RequestOptions options;
    options.advice = "check with `flink list` whether the job was submitted before running again";
    return decode_submitted_job(m_http.send("POST", path, &body, options).body, "POST " + path);
  }

  JobPlan jar_plan(const std::string& jar_id, const JarPlanRequest& request) override {
    // POST with a JSON body, as 1.20 and 2.x both take it (the GET form with query parameters
    // is deprecated). The JobManager runs the program's main() to build the graph; nothing is
    // submitted, so the request may be sent again.
    json body = json::object();
    if (request.entry_class) body["entryClass"] = *request.entry_class;
    body["programArgsList"] = request.program_args;
    if (request.parallelism) body["parallelism"] = *request.parallelism;
    if (!request.flink_configuration.empty()) body["flinkConfiguration"] = request.flink_configuration;
    const std::string path = "/jars/" + jar_id + "/plan";
    RequestOptions options = reading();
    options.read_only = true;
    return decode_jar_plan(m_http.send("POST", path, &body, options).body, "POST " + path);
  }

  void delete_jar(const std::string& jar_id) override {
    RequestOptions options;
    options.advice = "check with `GET /jars` whether the jar is still on the JobManager";
    m_http.send("DELETE", "/jars/" + jar_id, nullptr, options);
  }

  std::string job_state(const JobId& job) override {
    const std::string path = "/jobs/" + job.str() + "/status";
    return decode_job_state(get(path).body, "GET " + path);
  }

  JobResult job_result(const JobId& job) override {
    const std::string path = "/jobs/" + job.str() + "/execution-result";
    return decode_job_result(get(path).body, "GET " + path);
  }

  std::optional<RestoredCheckpoint> restored_checkpoint(const JobId& job) override {
    const std::string path = "/jobs/" + job.str() + "/checkpoints";
    return decode_restored_checkpoint(get(path).body, "GET " + path);
  }

  std::vector<SnapshotHistoryEntry> snapshot_history(const JobId& job) override {
    const std::string path = "/jobs/" + job.str() + "/checkpoints";
    return decode_snapshot_history(get(path).body, "GET " + path);
  }

  CheckpointsOverview checkpoints_overview(const JobId& job) override {
    const std::string path = "/jobs/" + job.str() + "/checkpoints";
    return decode_checkpoints_overview(get(path).body, "GET " + path);
  }

 private:
  HttpReply get(const std::string& path) { return m_http.send("GET", path, nullptr, reading()); }

  static RequestOptions reading() {
    RequestOptions options;
    options.retry = Retry::idempotent;
    return options;
  }

  // An operation's status. A JobManager that answers 404 for it has lost it: restarted (a new
  // leader), or its result expired (rest.async.store-duration).
  HttpReply get_operation(const std::string& path, const std::string& trigger_id) {
    try {
      return get(path);
    } catch (const CliError& error) {
      if (error.error_class() != ErrorClass::not_found) throw;
      if (const auto& first = m_http.first_leader()) {
        // Flink keeps operations in the leader's memory: a new leader knows none of the old one's.
        throw CliError(ErrorClass::not_found,
                       "The operation with trigger id " + trigger_id + " was lost with the leading JobManager " +
                           *first + ": the leader changed to " + m_http.endpoint().host_port() +
                           " during the wait, and the new leader does not know the trigger id; whether "
                           "the operation completed before is unknown",
                       error.what());
      }
      throw CliError(ErrorClass::not_found,
                     "The JobManager does not know trigger id " + trigger_id +
                         " (any more): it may have restarted or dropped the result after "
                         "rest.async.store-duration; whether the operation completed is unknown",
                     error.what());
    }
  }

  // A trigger with our trigger id may be sent again: the JobManager answers a repeat with the
  // same operation instead of starting a second savepoint. No advice: the command layer names
  // the command that follows the operation.
  static RequestOptions trigger_options(const std::optional<std::string>& trigger_id) {
    RequestOptions options;
    options.retry = trigger_id ? Retry::idempotent : Retry::connect_only;
    return options;
  }

  static std::string request_id(const HttpReply& reply, const std::string& what) {
    return decode_request_id(reply.body, what);
  }

  HttpTransport m_http;
};

}  // namespace

std::unique_ptr<JobManagerApi> make_http_jobmanager_api(const RestSettings& settings, Clock& clock) {
  return std::make_unique<HttpJobManagerApi>(settings, clock);
}

}  // namespace flinkcli
