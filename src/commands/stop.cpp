// flink stop [-p [savepointPath]] [-d] [-type ...] [-detached] <jobId>
#include "actions.hpp"
#include "savepoint_operations.hpp"

namespace flinkcli {

namespace {

struct StopOptions {
  std::optional<std::string> job_id;
  std::optional<std::string> target_directory;  // -p <dir>; -p alone means the default
  bool drain = false;                           // -d, --drain
  bool detached = false;                        // -detached
  SavepointFormat format = SavepointFormat::canonical;
  std::optional<std::string> trigger_id;  // --trigger-id
  std::optional<std::chrono::milliseconds> wait_timeout;  // --wait-timeout
  std::optional<std::string> job_name;                    // --job-name
};

StopOptions parse(const ParsedArgs& args) {
  StopOptions options;
  options.job_name = job_name_from(args);
  if (options.job_name) {
    // No job id to untangle: -p's value is the directory.
    require_one_job_selector(options.job_name, !args.positionals().empty());
    options.target_directory = args.value("p");
  } else {
    // As in Flink: "stop -p <jobId>" means the default directory and that job.
    const auto untangled = untangle_optional_value(args.value("p"), args.positionals());
    options.job_id = untangled.job_id;
    options.target_directory = untangled.directory;
  }
  options.drain = args.has("d");
  options.detached = args.has("detached");
  options.format = savepoint_format_from(args);
  options.trigger_id = trigger_id_from(args);
  options.wait_timeout = wait_timeout_from(args);
  return options;
}

int run_stop(CommandContext& context, const StopOptions& options) {
  if (options.wait_timeout && options.detached) {
    throw CliError::usage("--wait-timeout cannot be used with -detached: nothing is waited for.");
  }
  context.set_wait_timeout(options.wait_timeout);
  InterruptWatch watch(context.interrupt());
  Report& report = context.report();
  const JobId job = resolve_job(context, {options.job_id, options.job_name});
  report.set("job_id", job.str());
  StopTrigger trigger;
  trigger.drain = options.drain;
  trigger.format = options.format;
  trigger.trigger_id = trigger_id_to_send(context, options.trigger_id);
  trigger.target_directory = savepoint_target(context, options.target_directory);
  const SavepointRequest request{SavepointRequest::Kind::stop, trigger.target_directory, trigger.format,
                                 options.trigger_id.has_value()};
  report.set("trigger_id", *trigger.trigger_id);
  report.set("target_directory", trigger.target_directory ? JsonDocument(*trigger.target_directory) : JsonDocument());
  report.set("format", to_string(trigger.format));
  report.set("drain", trigger.drain);
  report.set("detached", options.detached);

  report.line(std::string(trigger.drain ? "Draining job \"" : "Suspending job \"") + job.str() +
              "\" with a " + to_string(trigger.format) + " savepoint.");
  const TriggerWording wording{"stop-with-savepoint",
                               "Successfully trigger stop-with-savepoint in detached mode",
                               "Could not stop with a savepoint job \"" + job.str() + "\""};
  const auto location = trigger_and_wait(context, job, options.detached, wording, request, *trigger.trigger_id,
                                         [&] { return context.api().trigger_stop(job, trigger); });
  if (location) report.line("Savepoint completed. Path: " + *location);
  return 0;
}

}  // namespace

const CommandSpec& stop_command() {
  static const CommandSpec spec{
      "stop",
      "stops a running program with a savepoint (streaming jobs only).",
      "stop [OPTIONS] <Job ID>",
      {
          {"d", "drain", Arity::none, "",
           "Send MAX_WATERMARK before taking the savepoint and stopping the pipeline."},
          detached_option(),
          {"p", "savepointPath", Arity::optional, "savepointPath",
           "Path to the savepoint (for example hdfs:///flink/savepoint-1537). If no directory is "
           "specified, the configured default will be used "
           "(\"execution.checkpointing.savepoint-dir\")."},
          savepoint_format_option(),
          trigger_id_option(),
          wait_timeout_option(),
          job_name_option(),
      },
      false,
      [](CommandContext& context, const ParsedArgs& args) { return run_stop(context, parse(args)); },
  };
  return spec;
}

}  // namespace flinkcli
