// flink savepoint <jobId> [targetDirectory] | savepoint -d <savepointPath>
#include "actions.hpp"
#include "savepoint_operations.hpp"

namespace flinkcli {

namespace {

struct SavepointOptions {
  std::optional<std::string> dispose_path;  // -d, --dispose
  bool detached = false;                    // -detached
  SavepointFormat format = SavepointFormat::canonical;
  std::optional<std::string> trigger_id;  // --trigger-id
  std::optional<std::string> job_id;
  std::optional<std::string> target_directory;
  bool extra_arguments = false;  // more positionals than <jobId> [<dir>]
};

SavepointOptions parse(const ParsedArgs& args) {
  SavepointOptions options;
  options.dispose_path = args.value("d");
  options.detached = args.has("detached");
  options.format = savepoint_format_from(args);
  options.trigger_id = trigger_id_from(args);
  const auto& positionals = args.positionals();
  if (!positionals.empty()) options.job_id = positionals[0];
  if (positionals.size() >= 2) options.target_directory = positionals[1];
  options.extra_arguments = positionals.size() >= 3;
  return options;
}

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

int run_savepoint(CommandContext& context, const SavepointOptions& options) {
  if (options.dispose_path) {
    if (options.trigger_id) {
      throw CliError::usage("--trigger-id cannot be used with -d: the JobManager picks a disposal's "
                            "trigger id.");
    }
    return dispose_savepoint(context, *options.dispose_path);
  }
  if (!options.job_id) throw CliError::usage("Missing JobID. Specify a Job ID to trigger a savepoint.");
  const JobId job = JobId::parse(*options.job_id);
  Console& console = context.console();
  if (options.extra_arguments) {
    console.out("Provided more arguments than required. Ignoring not needed arguments.");
  }
  SavepointTrigger trigger;
  trigger.format = options.format;
  trigger.trigger_id = trigger_id_to_send(context, options.trigger_id);
  trigger.target_directory = savepoint_target(context, options.target_directory);

  const TriggerWording wording{"savepoint", "Successfully trigger manual savepoint",
                               "Failed to trigger a savepoint for the job " + job.str()};
  const auto location = trigger_and_wait(context, job, options.detached, wording,
                                         [&] { return context.api().trigger_savepoint(job, trigger); });
  if (!location) return 0;
  console.out("Savepoint completed. Path: " + *location);
  console.out("You can resume your program from this savepoint with the run command.");
  return 0;
}

}  // namespace

const CommandSpec& savepoint_command() {
  static const CommandSpec spec{
      "savepoint",
      "triggers savepoints for a running job or disposes existing ones.",
      "savepoint [OPTIONS] <Job ID> [<target directory>]",
      {
          {"d", "dispose", Arity::required, "arg", "Path of savepoint to dispose."},
          detached_option(),
          {"j", "jarfile", Arity::required, "jarfile",
           "Flink program JAR file. Accepted for compatibility; not needed by this client."},
          savepoint_format_option(),
          trigger_id_option(),
      },
      false,
      [](CommandContext& context, const ParsedArgs& args) { return run_savepoint(context, parse(args)); },
  };
  return spec;
}

}  // namespace flinkcli
