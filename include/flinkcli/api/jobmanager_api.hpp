#pragma once
// Everything the commands ask of a JobManager, behind one interface. The HTTP implementation is
// in rest/ and only the cli layer wires it in; commands and tests see this interface. Failures
// are thrown as CliError with their class.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "flinkcli/config/rest_settings.hpp"
#include "flinkcli/core/clock.hpp"
#include "flinkcli/core/job_id.hpp"
#include "flinkcli/core/operation_waiter.hpp"

namespace flinkcli {

enum class SavepointFormat { canonical, native };
const char* to_string(SavepointFormat format);  // "CANONICAL" / "NATIVE", as Flink prints it
// Case-insensitive, as Flink parses enums; none for anything else.
std::optional<SavepointFormat> parse_savepoint_format(const std::string& text);

// FINISHED, CANCELED, FAILED: the job will not change state again.
bool is_globally_terminal(const std::string& job_state);

struct SavepointTrigger {
  std::optional<std::string> target_directory;  // null lets the JobManager pick its default
  bool cancel_job = false;
  SavepointFormat format = SavepointFormat::canonical;
  // Ours (32 hex digits): the JobManager deduplicates on it, so the trigger may be re-sent.
  std::optional<std::string> trigger_id;
};

// A manual checkpoint (Flink 1.19+ `flink checkpoint`): CONFIGURED takes the kind the job is
// configured for (incremental or not), FULL a full one (`-full`).
enum class CheckpointType { configured, full };
const char* to_string(CheckpointType type);  // "CONFIGURED" / "FULL", as Flink names them

struct CheckpointTrigger {
  CheckpointType type = CheckpointType::configured;
  std::optional<std::string> trigger_id;  // as SavepointTrigger::trigger_id
};

// One checkpoint's statistics (GET /jobs/:id/checkpoints/details/:checkpointId).
struct CheckpointDetails {
  std::int64_t id = 0;
  std::string status;           // "COMPLETED", "IN_PROGRESS", "FAILED"
  bool is_savepoint = false;
  std::string checkpoint_type;  // "CHECKPOINT", "FULL_CHECKPOINT", ...; "" if absent
  std::optional<std::string> external_path;  // none when the checkpoint is not externally addressable
};

struct StopTrigger {
  std::optional<std::string> target_directory;
  bool drain = false;
  SavepointFormat format = SavepointFormat::canonical;
  std::optional<std::string> trigger_id;  // as SavepointTrigger::trigger_id
};

struct JobOverview {
  std::string id;
  std::string name;
  std::string state;
  std::int64_t start_time_ms = 0;
};

struct JarRunRequest {
  std::optional<std::string> entry_class;
  std::vector<std::string> program_args;
  std::optional<int> parallelism;
  std::optional<std::string> savepoint_path;
  bool allow_non_restored_state = false;
  std::optional<std::string> claim_mode;  // "CLAIM" / "NO_CLAIM" / "LEGACY"
  std::map<std::string, std::string> flink_configuration;
};

// A globally terminal job's result (its state comes from job_state()).
struct JobResult {
  std::int64_t duration_ms = 0;
  std::string failure_message;  // the root cause, one line, when FAILED
  std::string failure_detail;   // its cause chain, for -v
};

// The snapshot a job restored from (GET /jobs/:id/checkpoints, "latest.restored").
struct RestoredCheckpoint {
  std::int64_t id = 0;
  bool is_savepoint = false;
  std::string external_path;  // as the JobManager reports it: "file:/data/savepoints/savepoint-..."
};

// One of the latest snapshots the JobManager reports for a job (GET /jobs/:id/checkpoints,
// "latest": "completed", "savepoint", "restored"), with its path as the JobManager reports it.
struct LatestSnapshot {
  std::string which;  // "completed", "savepoint" or "restored"
  std::int64_t id = 0;
  bool is_savepoint = false;
  std::string external_path;  // "" when none; "<checkpoint-not-externally-addressable>" for one without
};

// What the JobManager says of a job's snapshots (GET /jobs/:id/checkpoints): its latest
// completed checkpoint, savepoint and restore (those it has), and how many are in progress.
struct CheckpointsOverview {
  std::vector<LatestSnapshot> latest;
  std::int64_t in_progress = 0;  // "counts.in_progress": checkpoints and savepoints
};

// A completed snapshot in the job's checkpoint history (GET /jobs/:id/checkpoints, "history":
// the latest web.checkpoints.history entries, 10 by default).
struct SnapshotHistoryEntry {
  std::int64_t id = 0;
  bool is_savepoint = false;
  std::string checkpoint_type;   // "SAVEPOINT", "SYNC_SAVEPOINT" (stop), "CHECKPOINT", ...; "" if absent
  std::string savepoint_format;  // "CANONICAL" / "NATIVE"; "" if absent
  std::string external_path;
};

// What POST /jars/:id/plan needs to build the job graph: the program's entry class, arguments,
// parallelism and -D entries, as for a run (the JobManager runs main() and returns the graph
// without submitting it).
struct JarPlanRequest {
  std::optional<std::string> entry_class;
  std::vector<std::string> program_args;
  std::optional<int> parallelism;
  std::map<std::string, std::string> flink_configuration;
};

// One vertex of that job graph: an operator chain. Its id (the JobVertexID) is the operator id
// of the chain's first operator, from its uid or generated by Flink's hasher; the operators
// chained behind it are named in `chain` but their ids are not in the plan.
struct PlanVertex {
  std::string id;                   // 32 hex digits
  std::vector<std::string> chain;   // the operators' descriptions, head first ("mapper", "sink: Writer")
  int parallelism = 0;
  std::vector<std::string> inputs;  // ids of the vertices it reads from
};

struct JobPlan {
  std::string job_id;  // the id the graph was built with (a run gets another one)
  std::string name;
  std::string type;    // "STREAMING" / "BATCH"
  std::vector<PlanVertex> vertices;
};

class JobManagerApi {
 public:
  virtual ~JobManagerApi() = default;

  // Every later call ends by `deadline` (none: each call is bounded by client.timeout alone).
  // Lets one client.timeout bound a whole action, polls included. Fakes may ignore it.
  virtual void set_deadline(std::optional<std::chrono::steady_clock::time_point> deadline) {
    (void)deadline;
  }

  // Returns the trigger (request) id.
  virtual std::string trigger_savepoint(const JobId& job, const SavepointTrigger& request) = 0;
  virtual std::string trigger_stop(const JobId& job, const StopTrigger& request) = 0;
  // An operation that completed with a failure comes back with `failure` set, not thrown.
  virtual OperationStatus savepoint_status(const JobId& job, const std::string& trigger_id) = 0;
  // A manual checkpoint; returns the trigger (request) id. Its status comes from a cache of its
  // own (/jobs/:id/checkpoints/:triggerId), separate from savepoints'.
  virtual std::string trigger_checkpoint(const JobId& job, const CheckpointTrigger& request) = 0;
  // Completed: `checkpoint_id` set, or `failure`.
  virtual OperationStatus checkpoint_status(const JobId& job, const std::string& trigger_id) = 0;
  // None when the JobManager no longer keeps the checkpoint's statistics (web.checkpoints.history).
  virtual std::optional<CheckpointDetails> checkpoint_details(const JobId& job, std::int64_t checkpoint_id) = 0;
  virtual std::string trigger_disposal(const std::string& savepoint_path) = 0;
  virtual OperationStatus disposal_status(const std::string& trigger_id) = 0;
  virtual void cancel_job(const JobId& job) = 0;
  virtual std::vector<JobOverview> list_jobs() = 0;

  // Web submission (run without a JVM). Uploads `content` as `file_name`; returns the jar id
  // ("<uuid>_<file_name>"). A JobManager with web submission disabled fails it with an
  // operation_failed error that says so.
  virtual std::string upload_jar(const std::string& file_name, const std::string& content) = 0;
  virtual JobId run_jar(const std::string& jar_id, const JarRunRequest& request) = 0;
  virtual void delete_jar(const std::string& jar_id) = 0;
  // The job graph an uploaded jar's program builds (POST /jars/:id/plan): nothing is submitted.
  virtual JobPlan jar_plan(const std::string& jar_id, const JarPlanRequest& request) = 0;
  // The job's state, and its result once it is globally terminal.
  virtual std::string job_state(const JobId& job) = 0;
  virtual JobResult job_result(const JobId& job) = 0;
  // What the job reports it restored from; none when it reports no restore (yet). The
  // JobManager caches these statistics for a few seconds (web.refresh-interval).
  virtual std::optional<RestoredCheckpoint> restored_checkpoint(const JobId& job) = 0;
  // The completed snapshots the JobManager still lists for the job, newest first.
  virtual std::vector<SnapshotHistoryEntry> snapshot_history(const JobId& job) = 0;
  virtual CheckpointsOverview checkpoints_overview(const JobId& job) = 0;
};

// Makes the JobManager client for `settings`; time and sleeps (retry backoff) come from `clock`.
using ApiFactory =
    std::function<std::unique_ptr<JobManagerApi>(const RestSettings& settings, Clock& clock)>;

}  // namespace flinkcli
