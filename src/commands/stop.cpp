// flink stop [-p [savepointPath]] [-d] [-type ...] [-detached] <jobId>
#include "commands/savepoint_operations.hpp"

namespace flinkcli {

std::vector<OptionSpec> stop_options() {
  return {
      {"d", "drain", Arity::none, "",
       "Send MAX_WATERMARK before taking the savepoint and stopping the pipeline."},
      detached_option(),
      {"p", "savepointPath", Arity::optional, "savepointPath",
       "Path to the savepoint (for example hdfs:///flink/savepoint-1537). If no directory is "
       "specified, the configured default will be used "
       "(\"execution.checkpointing.savepoint-dir\")."},
      savepoint_format_option(),
  };
}

int run_stop(CommandContext& context) {
  const ParsedArgs& args = context.args();
  const auto& positionals = args.positionals();
  // As in Flink: "stop -p <jobId>" means the default directory and that job.
  StopTrigger trigger;
  trigger.target_directory = args.has("p") && !positionals.empty() ? args.value("p") : std::nullopt;
  const JobId job = positionals.empty() ? parse_job_id(args.value("p")) : JobId::parse(positionals[0]);
  trigger.drain = args.has("d");
  trigger.format = parse_savepoint_format(args);
  if (!trigger.target_directory) trigger.target_directory = client_savepoint_dir(context);

  Console& console = context.console();
  console.out(std::string(trigger.drain ? "Draining job \"" : "Suspending job \"") + job.str() +
              "\" with a " + to_string(trigger.format) + " savepoint.");
  JobManagerApi& api = context.api();
  const std::string failure = "Could not stop with a savepoint job \"" + job.str() + "\"";
  if (args.has("detached")) {
    console.out("Triggering stop-with-savepoint in detached mode for job " + job.str() + ".");
    const std::string trigger_id = with_error_context(failure, [&] { return api.trigger_stop(job, trigger); });
    console.out("Successfully trigger stop-with-savepoint in detached mode, triggerId: " + trigger_id);
    return 0;
  }
  console.out("Triggering stop-with-savepoint for job " + job.str() + ".");
  console.out("Waiting for response...");
  const std::string location = with_error_context(failure, [&] {
    return wait_for_savepoint(context, job, api.trigger_stop(job, trigger));
  });
  console.out("Savepoint completed. Path: " + location);
  return 0;
}

}  // namespace flinkcli
