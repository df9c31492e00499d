#pragma once
// An in-memory JobManagerApi for command tests: a FakeCluster holds the script (what the
// JobManager answers) and the record (every call, as one readable line). run_cli owns the api
// object it gets from the factory, so the state lives in the FakeCluster the test keeps.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "flinkcli/api/jobmanager_api.hpp"
#include "flinkcli/commands/command.hpp"
#include "flinkcli/core/error.hpp"
#include "flinkcli/rest/flink_error_text.hpp"

namespace flinkcli::testing {

inline OperationStatus in_progress() { return {}; }

inline OperationStatus completed_at(const std::string& location) {
  OperationStatus status;
  status.completed = true;
  status.location = location;
  return status;
}

inline OperationStatus completed_empty() {  // a disposal: COMPLETED, "operation": {}
  OperationStatus status;
  status.completed = true;
  return status;
}

// A failure-cause as the REST layer reports it (class and message from the Java trace).
inline OperationStatus failed_with(const std::string& trace) {
  OperationStatus status;
  status.completed = true;
  status.failure = java_failure(trace);
  return status;
}

struct FakeCluster {
  // --- what the JobManager answers ---
  std::string trigger_id = "7bc1eb8a27587d4728b63c2fdb41d37a";
  // Polls of savepoint_status / disposal_status return these in order; the last one repeats.
  std::vector<OperationStatus> statuses = {
      completed_at("file:/data/savepoints/savepoint-a48f8e-f8b2e237b6f8")};
  // A call whose name is here throws that error instead of answering.
  std::map<std::string, CliError> failures;
  std::vector<JobOverview> jobs;
  std::string uploaded_jar_id = "0abcd287-dea0-4428-8020-9ade876a5c0a_job.jar";
  std::string submitted_job = "b03c4fea69492ff7b636af1aa8bca047";
  // Polled in order; the last one repeats. Empty: what the last trigger leaves behind, as on a
  // real JobManager (stop: FINISHED, cancel and cancel -s: CANCELED), else FINISHED.
  std::vector<std::string> job_states;
  JobResult result{4126, "", ""};
  // What restored_checkpoint answers, polled in order; the last one repeats (empty: none).
  std::vector<std::optional<RestoredCheckpoint>> restores;
  // What snapshot_history answers. Unset: one entry for the last savepoint or stop trigger, at
  // the location its completed status reports, of that trigger's kind and format.
  std::optional<std::vector<SnapshotHistoryEntry>> history;
  // What checkpoints_overview answers: for every job, or per job (overviews wins).
  std::vector<LatestSnapshot> latest;
  std::map<std::string, CheckpointsOverview> overviews;
  // What jar_plan answers: the new job's vertices (chains), each id its head operator's id.
  JobPlan plan;
  // Time a savepoint or stop trigger takes to answer, on the injected clock.
  std::chrono::milliseconds trigger_delay{0};

  // --- what the client did ---
  std::vector<std::string> calls;
  std::vector<std::optional<std::string>> sent_trigger_ids;  // of savepoint and stop triggers
  int factory_calls = 0;
  std::optional<RestSettings> settings;
  std::optional<JarRunRequest> run_request;
  std::optional<JarPlanRequest> plan_request;
  std::string uploaded_name;
  std::string uploaded_content;

  ApiFactory factory();
  void fail(const std::string& call, ErrorClass error_class, const std::string& message) {
    failures.insert_or_assign(call, CliError(error_class, message));
  }
};

class FakeJobManagerApi final : public JobManagerApi {
 public:
  FakeJobManagerApi(FakeCluster& cluster, Clock& clock) : m_cluster(cluster), m_clock(clock) {}

  std::string trigger_savepoint(const JobId& job, const SavepointTrigger& request) override {
    if (m_cluster.trigger_delay.count() > 0) m_clock.sleep_for(m_cluster.trigger_delay);
    m_cluster.sent_trigger_ids.push_back(request.trigger_id);
    m_last_trigger = {request.cancel_job ? "cancel" : "savepoint", to_string(request.format), request.target_directory};
    record("trigger_savepoint", job.str() + " target=" + text(request.target_directory) +
                                    " cancel=" + (request.cancel_job ? "true" : "false") +
                                    " format=" + to_string(request.format));
    return m_cluster.trigger_id;
  }
  std::string trigger_stop(const JobId& job, const StopTrigger& request) override {
    if (m_cluster.trigger_delay.count() > 0) m_clock.sleep_for(m_cluster.trigger_delay);
    m_cluster.sent_trigger_ids.push_back(request.trigger_id);
    m_last_trigger = {"stop", to_string(request.format), request.target_directory};
    record("trigger_stop", job.str() + " target=" + text(request.target_directory) +
                               " drain=" + (request.drain ? "true" : "false") +
                               " format=" + to_string(request.format));
    return m_cluster.trigger_id;
  }
  OperationStatus savepoint_status(const JobId& job, const std::string& trigger_id) override {
    record("savepoint_status", job.str() + " " + trigger_id);
    OperationStatus status = next_status();
    if (status.location) status.location = located(*status.location);
    return status;
  }
  std::string trigger_checkpoint(const JobId& job, const CheckpointTrigger& request) override {
    if (m_cluster.trigger_delay.count() > 0) m_clock.sleep_for(m_cluster.trigger_delay);
    m_cluster.sent_trigger_ids.push_back(request.trigger_id);
    record("trigger_checkpoint", job.str() + " type=" + to_string(request.type));
    return m_cluster.trigger_id;
  }
  OperationStatus checkpoint_status(const JobId& job, const std::string& trigger_id) override {
    record("checkpoint_status", job.str() + " " + trigger_id);
    return next_status();
  }
  std::optional<CheckpointDetails> checkpoint_details(const JobId& job, std::int64_t checkpoint_id) override {
    record("checkpoint_details", job.str() + " " + std::to_string(checkpoint_id));
    return CheckpointDetails{checkpoint_id, "COMPLETED", false, "CHECKPOINT", std::nullopt};
  }
  std::string trigger_disposal(const std::string& savepoint_path) override {
    record("trigger_disposal", savepoint_path);
    return m_cluster.trigger_id;
  }
  OperationStatus disposal_status(const std::string& trigger_id) override {
    record("disposal_status", trigger_id);
    return next_status();
  }
  void cancel_job(const JobId& job) override {
    record("cancel_job", job.str());
    m_last_trigger = {"cancel", "", std::nullopt};
  }
  std::vector<JobOverview> list_jobs() override {
    record("list_jobs", "");
    return m_cluster.jobs;
  }
  std::string upload_jar(const std::string& file_name, const std::string& content) override {
    record("upload_jar", file_name);
    m_cluster.uploaded_name = file_name;
    m_cluster.uploaded_content = content;
    return m_cluster.uploaded_jar_id;
  }
  JobId run_jar(const std::string& jar_id, const JarRunRequest& request) override {
    m_cluster.run_request = request;
    record("run_jar", jar_id);
    return JobId::parse(m_cluster.submitted_job);
  }
  void delete_jar(const std::string& jar_id) override { record("delete_jar", jar_id); }
  JobPlan jar_plan(const std::string& jar_id, const JarPlanRequest& request) override {
    m_cluster.plan_request = request;
    record("jar_plan", jar_id);
    return m_cluster.plan;
  }

  std::string job_state(const JobId& job) override {
    record("job_state", job.str());
    const auto& states = m_cluster.job_states;
    if (states.empty()) return m_last_trigger.kind == "cancel" ? "CANCELED" : "FINISHED";
    return states[std::min(m_state_polls++, states.size() - 1)];
  }
  JobResult job_result(const JobId& job) override {
    record("job_result", job.str());
    return m_cluster.result;
  }
  std::optional<RestoredCheckpoint> restored_checkpoint(const JobId& job) override {
    record("restored_checkpoint", job.str());
    const auto& restores = m_cluster.restores;
    if (restores.empty()) return std::nullopt;
    return restores[std::min(m_restore_polls++, restores.size() - 1)];
  }
  CheckpointsOverview checkpoints_overview(const JobId& job) override {
    record("checkpoints_overview", job.str());
    if (const auto found = m_cluster.overviews.find(job.str()); found != m_cluster.overviews.end()) return found->second;
    return CheckpointsOverview{m_cluster.latest, 0};
  }
  std::vector<SnapshotHistoryEntry> snapshot_history(const JobId& job) override {
    record("snapshot_history", job.str());
    if (m_cluster.history) return *m_cluster.history;
    std::vector<SnapshotHistoryEntry> entries;
    const auto& statuses = m_cluster.statuses;
    if (!m_last_trigger.kind.empty() && !statuses.empty() && statuses.back().location) {
      entries.push_back({1, true, m_last_trigger.kind == "stop" ? "SYNC_SAVEPOINT" : "SAVEPOINT",
                         m_last_trigger.format, located(*statuses.back().location)});
    }
    return entries;
  }

 private:
  static std::string text(const std::optional<std::string>& value) { return value ? *value : "null"; }

  // Where the JobManager puts a savepoint: under the directory the trigger sent (trailing '/'
  // removed), named as the scripted location's last part; without one, the scripted location
  // (the cluster's default directory).
  std::string located(const std::string& scripted) const {
    if (!m_last_trigger.target) return scripted;
    std::string directory = *m_last_trigger.target;
    while (directory.size() > 1 && directory.back() == '/') directory.pop_back();
    return directory + "/" + scripted.substr(scripted.rfind('/') + 1);
  }

  void record(const std::string& call, const std::string& arguments) {
    m_cluster.calls.push_back(arguments.empty() ? call : call + " " + arguments);
    if (auto failure = m_cluster.failures.find(call); failure != m_cluster.failures.end()) {
      throw failure->second;
    }
  }

  OperationStatus next_status() {
    const auto& statuses = m_cluster.statuses;
    return statuses[std::min(m_status_polls++, statuses.size() - 1)];
  }

  struct LastTrigger {
    std::string kind;  // "savepoint", "cancel" (with or without a savepoint), "stop"; "" before any
    std::string format;
    std::optional<std::string> target;  // the directory sent, if any
  };

  FakeCluster& m_cluster;
  Clock& m_clock;
  LastTrigger m_last_trigger;
  std::size_t m_status_polls = 0;
  std::size_t m_state_polls = 0;
  std::size_t m_restore_polls = 0;
};

inline ApiFactory FakeCluster::factory() {
  return [this](const RestSettings& rest_settings, Clock& clock) -> std::unique_ptr<JobManagerApi> {
    ++factory_calls;
    settings = rest_settings;
    return std::make_unique<FakeJobManagerApi>(*this, clock);
  };
}

}  // namespace flinkcli::testing
