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

struct JarInfo {
  std::string id;    // "<uuid>_<name>.jar"
  std::string name;  // the uploaded file name
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
  virtual std::string trigger_disposal(const std::string& savepoint_path) = 0;
  virtual OperationStatus disposal_status(const std::string& trigger_id) = 0;
  virtual void cancel_job(const JobId& job) = 0;
  virtual std::vector<JobOverview> list_jobs() = 0;

  // Web submission (run without a JVM). A JobManager with web submission disabled fails
  // list_jars with an operation_failed error that says so.
  virtual std::vector<JarInfo> list_jars() = 0;
  // Uploads `content` as `file_name`; returns the jar id.
  virtual std::string upload_jar(const std::string& file_name, const std::string& content) = 0;
  virtual JobId run_jar(const std::string& jar_id, const JarRunRequest& request) = 0;
  virtual void delete_jar(const std::string& jar_id) = 0;
  // The job's state, and its result once it is globally terminal.
  virtual std::string job_state(const JobId& job) = 0;
  virtual JobResult job_result(const JobId& job) = 0;
  // What the job reports it restored from; none when it reports no restore (yet). The
  // JobManager caches these statistics for a few seconds (web.refresh-interval).
  virtual std::optional<RestoredCheckpoint> restored_checkpoint(const JobId& job) = 0;
};

// Makes the JobManager client for `settings`; time and sleeps (retry backoff) come from `clock`.
using ApiFactory =
    std::function<std::unique_ptr<JobManagerApi>(const RestSettings& settings, Clock& clock)>;

}  // namespace flinkcli
