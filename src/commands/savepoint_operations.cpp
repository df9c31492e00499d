#include "savepoint_operations.hpp"

#include <spdlog/spdlog.h>

#include "flinkcli/core/text.hpp"

namespace flinkcli {

JobId parse_job_id(const std::optional<std::string>& text) {
  if (!text) throw CliError::usage("Missing JobId");
  return JobId::parse(*text);
}

JobAndDirectory untangle_optional_value(const std::optional<std::string>& option_value,
                                        const std::vector<std::string>& positionals) {
  if (positionals.empty()) return {option_value, std::nullopt};
  return {positionals.front(), option_value};
}

OptionSpec savepoint_format_option(bool hidden) {
  OptionSpec spec{"type", "type", Arity::required, "arg",
                  "Describes the binary format in which a savepoint should be taken. Supported "
                  "options: [canonical - a common format for all state backends, allow for "
                  "changing state backends, native = a specific format for the chosen state "
                  "backend, might be faster to take and restore from."};
  spec.hidden = hidden;
  return spec;
}

SavepointFormat savepoint_format_from(const ParsedArgs& args) {
  const auto value = args.value("type");
  if (!value) return SavepointFormat::canonical;
  if (auto format = parse_savepoint_format(*value)) return *format;
  throw CliError::usage("Invalid savepoint format type '" + *value +
                        "'. Supported options: canonical, native.");
}

OptionSpec detached_option() {
  return {"detached", "", Arity::none, "",
          "Triggering savepoint in detached mode, client and JM are decoupled, return the "
          "savepoint trigger id as the unique identification of the detached savepoint."};
}

OptionSpec trigger_id_option() {
  OptionSpec spec{"", "trigger-id", Arity::required, "triggerId",
          "The trigger id to use (32 hex digits; this client's extension). Running the same "
          "command again with the same id attaches to the savepoint it started instead of "
          "starting another, while the JobManager keeps the result (rest.async.store-duration, "
          "5 min by default)."};
  spec.extension = true;
  return spec;
}

std::optional<std::string> trigger_id_from(const ParsedArgs& args) {
  const auto value = args.value("trigger-id");
  if (!value) return std::nullopt;
  if (!is_hex_id(*value)) {
    throw CliError::usage("Invalid trigger id '" + *value +
                          "': expected 32 hex digits, e.g. 7bc1eb8a27587d4728b63c2fdb41d37a.");
  }
  return to_lower(*value);
}

std::string trigger_id_to_send(CommandContext& context, const std::optional<std::string>& chosen) {
  return chosen ? *chosen : context.new_trigger_id();
}

std::optional<std::string> savepoint_target(CommandContext& context,
                                            const std::optional<std::string>& command_line) {
  if (command_line) {
    spdlog::debug("savepoint directory sent: {} (from the command line)", *command_line);
    return command_line;
  }
  const SavepointDirectory configured = context.config().default_savepoint_dir();
  spdlog::debug("savepoint directory sent: {} ({})", configured.path.value_or("null"), configured.source);
  return configured.path;
}

std::string wait_for_savepoint(CommandContext& context, const JobId& job, const std::string& trigger_id) {
  JobManagerApi& api = context.api();
  WaitPolicy policy = context.wait_policy();
  policy.follow_hint = "trigger id " + trigger_id +
                       ": the savepoint may still complete; to follow it, run the same command "
                       "again with --trigger-id " + trigger_id;
  const OperationStatus status = wait_for_operation(
      [&] { return api.savepoint_status(job, trigger_id); }, trigger_id, policy, context.clock());
  if (!status.location) {
    throw CliError(ErrorClass::protocol,
                   "The JobManager reported the savepoint complete but sent no location");
  }
  return *status.location;
}

std::optional<std::string> trigger_and_wait(CommandContext& context, const JobId& job, bool detached,
                                            const TriggerWording& wording,
                                            const std::function<std::string()>& trigger) {
  Console& console = context.console();
  if (detached) {
    console.out("Triggering " + wording.operation + " in detached mode for job " + job.str() + ".");
    const std::string trigger_id = with_error_context(wording.failure, trigger);
    console.out(wording.detached_done + ", triggerId: " + trigger_id);
    return std::nullopt;
  }
  console.out("Triggering " + wording.operation + " for job " + job.str() + ".");
  console.out("Waiting for response...");
  return with_error_context(wording.failure, [&] { return wait_for_savepoint(context, job, trigger()); });
}

}  // namespace flinkcli
