// flink savepoint <jobId> [targetDirectory] | savepoint -d <savepointPath>
#include "commands/savepoint_operations.hpp"

namespace flinkcli {

std::vector<OptionSpec> savepoint_options() {
  return {
      {"d", "dispose", Arity::required, "arg", "Path of savepoint to dispose."},
      detached_option(),
      {"j", "jarfile", Arity::required, "jarfile",
       "Flink program JAR file. Accepted for compatibility; not needed by this client."},
      savepoint_format_option(),
  };
}

namespace {

int dispose_savepoint(CommandContext& context, const std::string& path) {
  Console& console = context.console();
  console.out("Disposing savepoint '" + path + "'.");
  JobManagerApi& api = context.api();
  // Java prints this line before the first answer arrives; so do we, for identical stdout.
  console.out("Waiting for response...");
  with_error_context("Failed to dispose the savepoint '" + path + "'", [&] {
    const std::string trigger_id = api.trigger_disposal(path);
    wait_for_operation([&] { return api.disposal_status(trigger_id); }, trigger_id,
                       context.wait_policy(), context.clock());
  });
  console.out("Savepoint '" + path + "' disposed.");
  return 0;
}

}  // namespace

int run_savepoint(CommandContext& context) {
  const ParsedArgs& args = context.args();
  if (auto dispose_path = args.value("d")) return dispose_savepoint(context, *dispose_path);

  const auto& positionals = args.positionals();
  if (positionals.empty()) {
    throw CliError::usage("Missing JobID. Specify a Job ID to trigger a savepoint.");
  }
  const JobId job = JobId::parse(positionals[0]);
  SavepointTrigger trigger;
  trigger.format = parse_savepoint_format(args);
  Console& console = context.console();
  if (positionals.size() >= 3) {
    console.out("Provided more arguments than required. Ignoring not needed arguments.");
  }
  trigger.target_directory =
      positionals.size() >= 2 ? std::optional(positionals[1]) : client_savepoint_dir(context);

  const std::string failure = "Failed to trigger a savepoint for the job " + job.str();
  if (args.has("detached")) {
    console.out("Triggering savepoint in detached mode for job " + job.str() + ".");
    const std::string trigger_id =
        with_error_context(failure, [&] { return context.api().trigger_savepoint(job, trigger); });
    console.out("Successfully trigger manual savepoint, triggerId: " + trigger_id);
    return 0;
  }

  JobManagerApi& api = context.api();
  console.out("Triggering savepoint for job " + job.str() + ".");
  console.out("Waiting for response...");
  const std::string location = with_error_context(failure, [&] {
    const std::string trigger_id = api.trigger_savepoint(job, trigger);
    return wait_for_savepoint(context, job, trigger_id);
  });
  console.out("Savepoint completed. Path: " + location);
  console.out("You can resume your program from this savepoint with the run command.");
  return 0;
}

}  // namespace flinkcli
