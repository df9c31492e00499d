// flink cancel <jobId> | cancel -s [targetDirectory] <jobId> (deprecated by Flink, still used)
#include "commands/savepoint_operations.hpp"

namespace flinkcli {

std::vector<OptionSpec> cancel_options() {
  return {
      {"s", "withSavepoint", Arity::optional, "targetDirectory",
       "**DEPRECATION WARNING**: Cancelling a job with savepoint is deprecated. Use \"stop\" "
       "instead. Trigger savepoint and cancel job. The target directory is optional. If no "
       "directory is specified, the configured default directory "
       "(execution.checkpointing.savepoint-dir) is used."},
  };
}

namespace {

int cancel_with_savepoint(CommandContext& context) {
  Console& console = context.console();
  const ParsedArgs& args = context.args();
  console.out("DEPRECATION WARNING: Cancelling a job with savepoint is deprecated. Use \"stop\" instead.");
  // commons-cli gives "-s <jobId>" the job id as the option's value; Flink untangles it here.
  const auto& positionals = args.positionals();
  const JobId job = positionals.empty() ? parse_job_id(args.value("s")) : JobId::parse(positionals[0]);
  SavepointTrigger trigger;
  trigger.cancel_job = true;
  trigger.target_directory = positionals.empty() ? std::nullopt : args.value("s");
  if (!trigger.target_directory) trigger.target_directory = client_savepoint_dir(context);

  const std::string format = to_string(trigger.format);
  console.out("Cancelling job " + job.str() + " with " + format + " savepoint to " +
              (trigger.target_directory ? *trigger.target_directory + "."
                                        : std::string("default savepoint directory.")));
  JobManagerApi& api = context.api();
  const std::string location = with_error_context("Could not cancel job " + job.str(), [&] {
    return wait_for_savepoint(context, job, api.trigger_savepoint(job, trigger));
  });
  console.out("Cancelled job " + job.str() + ". Savepoint stored in " + location + ".");
  return 0;
}

}  // namespace

int run_cancel(CommandContext& context) {
  if (context.args().has("s")) return cancel_with_savepoint(context);

  const auto& positionals = context.args().positionals();
  if (positionals.empty()) throw CliError::usage("Missing JobID. Specify a JobID to cancel a job.");
  const JobId job = JobId::parse(positionals[0]);
  Console& console = context.console();
  console.out("Cancelling job " + job.str() + ".");
  JobManagerApi& api = context.api();
  with_error_context("Could not cancel job " + job.str(), [&] { api.cancel_job(job); });
  console.out("Cancelled job " + job.str() + ".");
  return 0;
}

}  // namespace flinkcli
