#pragma once
// Pieces the savepoint-taking actions share: Flink's untangling of an optional option value
// from the job id, the -type option, the client-side default directory, trigger-then-wait, and
// this client's --trigger-id, --wait-timeout and --job-name.
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "flinkcli/commands/command.hpp"
#include "flinkcli/core/error.hpp"

namespace flinkcli {

// Flink's parseJobId: a missing id is "Missing JobId", a malformed one Flink's format message.
JobId parse_job_id(const std::optional<std::string>& text);

// commons-cli gives an option with an optional value ("cancel -s", "stop -p") the job id as its
// value when no positional follows: "-s <jobId>" is the default directory and that job,
// "-s <dir> <jobId>" a directory and a job. Flink untangles it this way.
struct JobAndDirectory {
  std::optional<std::string> job_id;
  std::optional<std::string> directory;
};
JobAndDirectory untangle_optional_value(const std::optional<std::string>& option_value,
                                        const std::vector<std::string>& positionals);

// -type/--type canonical|native, case-insensitive as Flink parses enums.
OptionSpec savepoint_format_option(bool hidden = false);
SavepointFormat savepoint_format_from(const ParsedArgs& args);
OptionSpec detached_option();

// --trigger-id <32 hex digits> (this client's extension): the trigger id to send, so a re-run
// attaches to the savepoint it already started. Without it, trigger_id_to_send picks one.
OptionSpec trigger_id_option();
std::optional<std::string> trigger_id_from(const ParsedArgs& args);
// A trigger id from the command line: 32 hex digits, lower-cased; else a usage error.
std::string parse_trigger_id(const std::string& text);
std::string trigger_id_to_send(CommandContext& context, const std::optional<std::string>& chosen);

// --wait-timeout <duration> (this client's extension, Flink's duration syntax): bounds the wait
// for the operation instead of client.timeout, each request still bounded by client.timeout.
OptionSpec wait_timeout_option();
std::optional<std::chrono::milliseconds> wait_timeout_from(const ParsedArgs& args);

// --job-name <name> (this client's extension): the job is the one non-terminal job of that name.
// An empty name is a usage error.
OptionSpec job_name_option();
std::optional<std::string> job_name_from(const ParsedArgs& args);
// The job an action acts on: the id from the command line, or the job --job-name names.
struct JobSelector {
  std::optional<std::string> id;
  std::optional<std::string> name;
  // With no non-terminal job of that name, the most recently started terminated one: an
  // operation is followed also after it ended its job (stop), while the JobManager keeps it.
  bool terminated_too = false;
};
// Throws the usage error "Give either a job id or --job-name" when both are set.
void require_one_job_selector(const std::optional<std::string>& job_name, bool job_id_given);
// By name: looks the name up among the JobManager's non-terminal jobs (/jobs/overview); none is
// a not_found error, several an ambiguous one, both listing the candidates. By id: `parse`.
JobId resolve_job(CommandContext& context, const JobSelector& selector,
                  const std::function<JobId(const std::optional<std::string>&)>& parse = parse_job_id);

// The directory to send: the command line's, else the client's configured default
// (execution.checkpointing.savepoint-dir, else state.savepoints.dir), else none (null: the
// JobManager decides). -v says which and why.
std::optional<std::string> savepoint_target(CommandContext& context,
                                            const std::optional<std::string>& command_line);

// What `flink follow` follows: the JobManager keeps savepoints (savepoint, stop, cancel -s),
// disposals and checkpoints in separate caches, so the command says which one to ask.
enum class Followed { savepoint, disposal, checkpoint };

// The command that follows an operation started earlier: "flink follow [-m <jm>] <job> <trigger>",
// "flink follow [-m <jm>] --checkpoint <job> <trigger>" for a checkpoint, or
// "flink follow [-m <jm>] --dispose <trigger>" without a job.
std::string follow_command_line(CommandContext& context, const std::optional<JobId>& job,
                                const std::string& trigger_id, Followed followed = Followed::savepoint);

// Arms the second signal with `message(signal)`: the line (and, in JSON mode, the document) that
// reports what the action leaves on the JobManager if a second signal ends the process at once.
void arm_last_words(CommandContext& context, const std::function<std::string(int)>& message);
// Ends the action for the signal that arrived, saying `message(signal)`.
[[noreturn]] void throw_interrupted(CommandContext& context, const std::function<std::string(int)>& message);

// What a savepoint, stop or cancel -s trigger asked for. The JobManager keys its results by job
// and trigger id, so a trigger id used before answers with that earlier operation's result: the
// result is checked against this before it is reported as success.
struct SavepointRequest {
  enum class Kind { savepoint, stop, cancel };
  Kind kind = Kind::savepoint;
  std::optional<std::string> target_directory;  // none: the JobManager's default
  SavepointFormat format = SavepointFormat::canonical;
  // --trigger-id: an id that may have been used before, so the checkpoint history is waited for
  // (it is cached for web.refresh-interval) and what cannot be checked is said on stderr. An id
  // this client picked at random cannot have been used: one look, and -v says what was not checked.
  bool trigger_id_given = false;
};

// The JobManager serves checkpoint statistics from a cache refreshed every web.refresh-interval
// (3 s by default; Flink's ExecutionGraphCache), so a snapshot that just completed may be missing
// from them for that long: this, plus a margin.
std::chrono::milliseconds history_refresh_interval(CommandContext& context);

// Checks a completed result against `request`: it lies under the directory sent; the job's
// checkpoint history lists it as a savepoint of the request's kind (SAVEPOINT, or SYNC_SAVEPOINT
// for a stop) and format; a stop left the job FINISHED, a cancel -s CANCELED. A mismatch is an
// operation_failed error (exit 5) naming the trigger id and what differs; what could not be
// checked is said on stderr and in the report ("checks", "unverified").
void verify_savepoint_result(CommandContext& context, const JobId& job, const std::string& trigger_id,
                             const std::string& location, const SavepointRequest& request);

// Sends a trigger carrying `trigger_id` (ours) and returns the id the JobManager acknowledged.
// A signal before it is sent: Interrupted, nothing sent. An answer lost or late: the error names
// the trigger id and the follow command. Errors get Flink's leading sentence `failure`.
std::string send_trigger(CommandContext& context, const JobId& job, const std::string& trigger_id,
                         const std::string& what, const std::string& failure,
                         const std::function<std::string()>& trigger, Followed followed = Followed::savepoint);

// Waits for a savepoint (or stop-with-savepoint, cancel -s) and returns its path. A wait that
// ends without completion names the trigger id and the follow command (also the report's
// "follow_command"); a signal ends it with Interrupted saying the same; the operation's own
// failure gets Flink's leading sentence `failure`. `what` names it: "savepoint", ...
std::string wait_for_savepoint(CommandContext& context, const JobId& job, const std::string& trigger_id,
                               const std::string& what, const std::string& failure);
// The same for a checkpoint (/jobs/:id/checkpoints/:triggerId); returns the checkpoint's id.
std::int64_t wait_for_checkpoint(CommandContext& context, const JobId& job, const std::string& trigger_id,
                                 const std::string& failure);
// Java's line for a completed checkpoint: "Checkpoint 3 for job <id> completed." for a CONFIGURED
// one, "Checkpoint(FULL) 3 for job <id> completed." otherwise (recorded on 1.20.5 and 2.3.0).
std::string checkpoint_completed_line(CheckpointType type, std::int64_t id, const JobId& job);
// The same for a disposal.
void wait_for_disposal(CommandContext& context, const std::string& trigger_id, const std::string& failure);

// send_trigger, wait_for_savepoint, then verify_savepoint_result; returns the path and fills the
// report's trigger_id and savepoint_path.
std::string trigger_and_verify(CommandContext& context, const JobId& job, const std::string& trigger_id,
                               const std::string& what, const std::string& failure,
                               const SavepointRequest& request, const std::function<std::string()>& trigger);

// Flink's lines around a savepoint or stop trigger, for savepoint and stop alike:
// "Triggering <operation> [in detached mode ]for job <id>.", then in detached mode
// "<detached_done>, triggerId: <id>", else "Waiting for response..." and the wait.
struct TriggerWording {
  std::string operation;      // "savepoint", "stop-with-savepoint"
  std::string detached_done;  // "Successfully trigger manual savepoint"
  std::string failure;        // Flink's leading sentence for errors
};
// Returns the savepoint path, or none in detached mode. Fills the report: trigger_id, status
// ("triggered" or "completed"), savepoint_path, and the quiet value (the trigger id in detached
// mode, else the path).
std::optional<std::string> trigger_and_wait(CommandContext& context, const JobId& job, bool detached,
                                            const TriggerWording& wording, const SavepointRequest& request,
                                            const std::string& trigger_id,
                                            const std::function<std::string()>& trigger);

// Runs `action`; a CliError from it gets Flink's leading sentence `context` in front.
template <typename Action>
auto with_error_context(const std::string& context, Action&& action) -> decltype(action()) {
  try {
    return action();
  } catch (const CliError& error) {
    if (error.error_class() == ErrorClass::usage || error.error_class() == ErrorClass::config) throw;
    throw error.with_context(context);
  }
}

}  // namespace flinkcli
