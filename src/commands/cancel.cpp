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
  std::optional<std::chrono::milliseconds> wait_timeout;  // --wait-timeout
  std::optional<std::string> job_name;                    // --job-name
};

CancelOptions parse(const ParsedArgs& args) {
  CancelOptions options;
  options.with_savepoint = args.has("s");
  options.format = savepoint_format_from(args);
  options.trigger_id = trigger_id_from(args);
  options.wait_timeout = wait_timeout_from(args);
  options.job_name = job_name_from(args);
  if (options.job_name) {
    // No job id to untangle: -s's value is the directory.
    require_one_job_selector(options.job_name, !args.positionals().empty());
    options.target_directory = args.value("s");
  } else if (options.with_savepoint) {
    const auto untangled = untangle_optional_value(args.value("s"), args.positionals());
    options.job_id = untangled.job_id;
    options.target_directory = untangled.directory;
  } else if (!args.positionals().empty()) {
    options.job_id = args.positionals().front();
  }
  return options;
}

int cancel_with_savepoint(CommandContext& context, const CancelOptions& options) {
  Report& report = context.report();
  report.notice("DEPRECATION WARNING: Cancelling a job with savepoint is deprecated. Use \"stop\" instead.");
  context.set_wait_timeout(options.wait_timeout);
  InterruptWatch watch(context.interrupt());
  const JobId job = resolve_job(context, {options.job_id, options.job_name});
  report.set("job_id", job.str());
  report.set("with_savepoint", true);
  SavepointTrigger trigger;
  trigger.cancel_job = true;
  trigger.format = options.format;
  trigger.trigger_id = trigger_id_to_send(context, options.trigger_id);
  trigger.target_directory = savepoint_target(context, options.target_directory);
  report.set("trigger_id", *trigger.trigger_id);
  report.set("target_directory", trigger.target_directory ? JsonDocument(*trigger.target_directory) : JsonDocument());
  report.set("format", to_string(trigger.format));

  report.line("Cancelling job " + job.str() + " with " + to_string(trigger.format) + " savepoint to " +
              (trigger.target_directory ? *trigger.target_directory + "."
                                        : std::string("default savepoint directory.")));
  JobManagerApi& api = context.api();
  const SavepointRequest request{SavepointRequest::Kind::cancel, trigger.target_directory, trigger.format,
                                 options.trigger_id.has_value()};
  const std::string location =
      trigger_and_verify(context, job, *trigger.trigger_id, "savepoint", "Could not cancel job " + job.str(), request,
                         [&] { return api.trigger_savepoint(job, trigger); });
  report.line("Cancelled job " + job.str() + ". Savepoint stored in " + location + ".");
  report.add_value(location);
  return 0;
}

// The JobManager acknowledges a cancel once the job is CANCELLING; "Cancelled" is said once it is
// CANCELED (or ended otherwise), so a script that starts the next job right after finds the
// slots free and the old job gone.
std::string wait_until_cancelled(CommandContext& context, const JobId& job) {
  JobManagerApi& api = context.api();
  Clock& clock = context.clock();
  const auto deadline = context.deadline();
  std::chrono::milliseconds delay(10);
  while (true) {
    const std::string state = with_error_context("Job " + job.str() + " is being cancelled, but its state could not be read",
                                                 [&] { return api.job_state(job); });
    if (is_globally_terminal(state)) return state;
    if (context.interrupt().requested()) {
      throw_interrupted(context, [&](int signal_number) {
        return "Interrupted by " + signal_name(signal_number) + ": job " + job.str() + " is " + state +
               "; the cancellation goes on in the JobManager (check with: flink list -a)";
      });
    }
    if (clock.now() + delay >= deadline) {
      throw CliError(ErrorClass::timeout, "Job " + job.str() + " is still " + state + " after " +
                                              context.wait_policy().budget +
                                              "; the cancellation goes on in the JobManager (check with: flink list -a)");
    }
    clock.sleep_for(delay);
    delay = std::min(delay * 2, std::chrono::milliseconds(100));
  }
}

int run_cancel(CommandContext& context, const CancelOptions& options) {
  if (options.with_savepoint) return cancel_with_savepoint(context, options);
  if (options.trigger_id) throw CliError::usage("--trigger-id needs -s: a plain cancel takes no savepoint.");
  if (options.wait_timeout) throw CliError::usage("--wait-timeout needs -s: a plain cancel waits for nothing.");
  Report& report = context.report();
  const JobId job = resolve_job(context, {options.job_id, options.job_name}, [](const auto& id) {
    if (!id) throw CliError::usage("Missing JobID. Specify a JobID to cancel a job.");
    return JobId::parse(*id);
  });
  report.set("job_id", job.str());
  report.set("with_savepoint", false);
  report.line("Cancelling job " + job.str() + ".");
  JobManagerApi& api = context.api();
  // From the cancel on: a signal during the wait for CANCELED says the cancellation goes on.
  InterruptWatch watch(context.interrupt());
  with_error_context("Could not cancel job " + job.str(), [&] { api.cancel_job(job); });
  report.set("job_state", wait_until_cancelled(context, job));
  report.line("Cancelled job " + job.str() + ".");
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
          wait_timeout_option(),
          job_name_option(),
      },
      false,
      [](CommandContext& context, const ParsedArgs& args) { return run_cancel(context, parse(args)); },
  };
  return spec;
}

}  // namespace flinkcli
