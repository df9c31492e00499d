// flink cancel <jobId> | cancel -s [targetDirectory] <jobId> (deprecated by Flink, still used)
#include "actions.hpp"
#include "savepoint_operations.hpp"

namespace flinkcli {

namespace {

struct CancelOptions {
  bool with_savepoint = false;  // -s, --withSavepoint
  std::optional<std::string> job_id;
  std::optional<std::string> target_directory;
  SavepointFormat format = SavepointFormat::canonical;  // -type: accepted, not in Java's help
  std::optional<std::string> trigger_id;                // --trigger-id
};

CancelOptions parse(const ParsedArgs& args) {
  CancelOptions options;
  options.with_savepoint = args.has("s");
  options.format = savepoint_format_from(args);
  options.trigger_id = trigger_id_from(args);
  if (options.with_savepoint) {
    const auto untangled = untangle_optional_value(args.value("s"), args.positionals());
    options.job_id = untangled.job_id;
    options.target_directory = untangled.directory;
  } else if (!args.positionals().empty()) {
    options.job_id = args.positionals().front();
  }
  return options;
}

int cancel_with_savepoint(CommandContext& context, const CancelOptions& options) {
  Console& console = context.console();
  console.out("DEPRECATION WARNING: Cancelling a job with savepoint is deprecated. Use \"stop\" instead.");
  const JobId job = parse_job_id(options.job_id);
  SavepointTrigger trigger;
  trigger.cancel_job = true;
  trigger.format = options.format;
  trigger.trigger_id = trigger_id_to_send(context, options.trigger_id);
  trigger.target_directory = savepoint_target(context, options.target_directory);

  console.out("Cancelling job " + job.str() + " with " + to_string(trigger.format) + " savepoint to " +
              (trigger.target_directory ? *trigger.target_directory + "."
                                        : std::string("default savepoint directory.")));
  JobManagerApi& api = context.api();
  const std::string location = with_error_context("Could not cancel job " + job.str(), [&] {
    return wait_for_savepoint(context, job, api.trigger_savepoint(job, trigger));
  });
  console.out("Cancelled job " + job.str() + ". Savepoint stored in " + location + ".");
  return 0;
}

int run_cancel(CommandContext& context, const CancelOptions& options) {
  if (options.with_savepoint) return cancel_with_savepoint(context, options);
  if (options.trigger_id) throw CliError::usage("--trigger-id needs -s: a plain cancel takes no savepoint.");
  if (!options.job_id) throw CliError::usage("Missing JobID. Specify a JobID to cancel a job.");
  const JobId job = JobId::parse(*options.job_id);
  Console& console = context.console();
  console.out("Cancelling job " + job.str() + ".");
  JobManagerApi& api = context.api();
  with_error_context("Could not cancel job " + job.str(), [&] { api.cancel_job(job); });
  console.out("Cancelled job " + job.str() + ".");
  return 0;
}

}  // namespace

const CommandSpec& cancel_command() {
  static const CommandSpec spec{
      "cancel",
      "cancels a running program.",
      "cancel [OPTIONS] <Job ID>",
      {
          {"s", "withSavepoint", Arity::optional, "targetDirectory",
           "**DEPRECATION WARNING**: Cancelling a job with savepoint is deprecated. Use \"stop\" "
           "instead. Trigger savepoint and cancel job. The target directory is optional. If no "
           "directory is specified, the configured default directory "
           "(execution.checkpointing.savepoint-dir) is used."},
          savepoint_format_option(/*hidden=*/true),
          trigger_id_option(),
      },
      false,
      [](CommandContext& context, const ParsedArgs& args) { return run_cancel(context, parse(args)); },
  };
  return spec;
}

}  // namespace flinkcli
