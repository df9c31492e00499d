#include "commands/savepoint_operations.hpp"

#include <algorithm>

namespace flinkcli {

JobId parse_job_id(const std::optional<std::string>& text) {
  if (!text) throw CliError::usage("Missing JobId");
  return JobId::parse(*text);
}

OptionSpec savepoint_format_option() {
  return {"type", "type", Arity::required, "arg",
          "Describes the binary format in which a savepoint should be taken. Supported options: "
          "[canonical - a common format for all state backends, allow for changing state "
          "backends, native = a specific format for the chosen state backend, might be faster to "
          "take and restore from."};
}

OptionSpec detached_option() {
  return {"detached", "", Arity::none, "",
          "Triggering savepoint in detached mode, client and JM are decoupled, return the "
          "savepoint trigger id as the unique identification of the detached savepoint."};
}

SavepointFormat parse_savepoint_format(const ParsedArgs& args) {
  const auto value = args.value("type");
  if (!value) return SavepointFormat::canonical;
  std::string lower = *value;
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  if (lower == "canonical") return SavepointFormat::canonical;
  if (lower == "native") return SavepointFormat::native;
  throw CliError::usage("Invalid savepoint format type '" + *value +
                        "'. Supported options: canonical, native.");
}

std::optional<std::string> client_savepoint_dir(CommandContext& context) {
  return context.config().default_savepoint_dir();
}

std::string wait_for_savepoint(CommandContext& context, const JobId& job, const std::string& trigger_id) {
  JobManagerApi& api = context.api();
  const OperationStatus status = wait_for_operation(
      [&] { return api.savepoint_status(job, trigger_id); }, trigger_id, context.wait_policy(),
      context.clock());
  if (!status.location) {
    throw CliError(ErrorClass::protocol,
                   "The JobManager reported the savepoint complete but sent no location");
  }
  return *status.location;
}

}  // namespace flinkcli
