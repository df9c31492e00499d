#pragma once
// Pieces the savepoint-taking actions share: Flink's untangling of an optional option value
// from the job id, the -type option, the client-side default directory, and trigger-then-wait.
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
std::string trigger_id_to_send(CommandContext& context, const std::optional<std::string>& chosen);

// The directory to send: the command line's, else the client's configured default
// (execution.checkpointing.savepoint-dir, else state.savepoints.dir), else none (null: the
// JobManager decides). -v says which and why.
std::optional<std::string> savepoint_target(CommandContext& context,
                                            const std::optional<std::string>& command_line);

// Waits for a savepoint (or stop-with-savepoint) trigger and returns the savepoint path. A wait
// that ends without completion says how to attach to the savepoint again.
std::string wait_for_savepoint(CommandContext& context, const JobId& job, const std::string& trigger_id);

// Flink's lines around a savepoint or stop trigger, for savepoint and stop alike:
// "Triggering <operation> [in detached mode ]for job <id>.", then in detached mode
// "<detached_done>, triggerId: <id>", else "Waiting for response..." and the wait.
struct TriggerWording {
  std::string operation;      // "savepoint", "stop-with-savepoint"
  std::string detached_done;  // "Successfully trigger manual savepoint"
  std::string failure;        // Flink's leading sentence for errors
};
// Returns the savepoint path, or none in detached mode.
std::optional<std::string> trigger_and_wait(CommandContext& context, const JobId& job, bool detached,
                                            const TriggerWording& wording,
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
