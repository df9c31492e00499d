#pragma once
// Pieces the savepoint-taking actions share: job id and format arguments, the client-side default
// directory, and trigger-then-wait.
#include <functional>
#include <optional>
#include <string>

#include "flinkcli/command.hpp"
#include "flinkcli/error.hpp"

namespace flinkcli {

// Flink's parseJobId: a missing id is "Missing JobId", a malformed one Flink's format message.
JobId parse_job_id(const std::optional<std::string>& text);

// -type/--type canonical|native (case-insensitive, as Flink parses enums).
SavepointFormat parse_savepoint_format(const ParsedArgs& args);
OptionSpec savepoint_format_option();
OptionSpec detached_option();

// The directory to send when none is on the command line: the client's configured default
// (execution.checkpointing.savepoint-dir, else state.savepoints.dir), else none (null: the
// JobManager decides).
std::optional<std::string> client_savepoint_dir(CommandContext& context);

// Waits for a savepoint (or stop-with-savepoint) trigger and returns the savepoint path.
std::string wait_for_savepoint(CommandContext& context, const JobId& job, const std::string& trigger_id);

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
