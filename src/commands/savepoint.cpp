// flink savepoint <jobId> [targetDirectory] | savepoint -d <savepointPath> [--offline]
#include "actions.hpp"
#include "offline_dispose.hpp"
#include "savepoint_operations.hpp"

namespace flinkcli {

namespace {

struct SavepointOptions {
  std::optional<std::string> dispose_path;  // -d, --dispose
  bool offline = false;                     // --offline: dispose without a JobManager
  bool detached = false;                    // -detached
  SavepointFormat format = SavepointFormat::canonical;
  std::optional<std::string> trigger_id;  // --trigger-id
  std::optional<std::chrono::milliseconds> wait_timeout;  // --wait-timeout
  std::optional<std::string> job_name;                    // --job-name
  std::optional<std::string> job_id;
  std::optional<std::string> target_directory;
  bool extra_arguments = false;  // more positionals than <jobId> [<dir>]
};

SavepointOptions parse(const ParsedArgs& args) {
  SavepointOptions options;
  options.dispose_path = args.value("d");
  options.offline = args.has("offline");
  if (options.offline && !options.dispose_path) {
    throw CliError::usage("--offline only means something with -d <savepointPath>: a savepoint is taken by the "
                          "JobManager.");
  }
  options.detached = args.has("detached");
  options.format = savepoint_format_from(args);
  options.trigger_id = trigger_id_from(args);
  options.wait_timeout = wait_timeout_from(args);
  options.job_name = job_name_from(args);
  auto positionals = args.positionals();
  if (options.job_name) {
    // --job-name takes the job id's place: the positionals are [<target directory>].
    require_one_job_selector(options.job_name, !positionals.empty() && is_hex_id(positionals.front()));
    positionals.insert(positionals.begin(), std::string());
  }
  if (!positionals.empty() && !options.job_name) options.job_id = positionals[0];
  if (positionals.size() >= 2) options.target_directory = positionals[1];
  options.extra_arguments = positionals.size() >= 3;
  return options;
}

int dispose_savepoint(CommandContext& context, const std::string& path) {
  Report& report = context.report();
  report.set("savepoint_path", path);
  context.check_settings();  // as Java: a bad setting before any line
  report.line("Disposing savepoint '" + path + "'.");
  JobManagerApi& api = context.api();
  // Java prints this line before the first answer arrives; so do we, for identical stdout.
  report.line("Waiting for response...");
  const std::string failure = "Failed to dispose the savepoint '" + path + "'";
  // The JobManager picks a disposal's trigger id: until it answers, there is no id to follow.
  const auto unanswered = [path](int signal_number) {
    return "Interrupted by " + signal_name(signal_number) + " before the JobManager answered the disposal of '" + path +
           "': the disposal may have started (it is not cancelled); check whether the savepoint still exists "
           "before disposing of it again.";
  };
  if (context.interrupt().requested()) {
    throw_interrupted(context, [](int signal_number) {
      return "Interrupted by " + signal_name(signal_number) + " before the disposal was sent: nothing was sent.";
    });
  }
  arm_last_words(context, unanswered);
  const std::string trigger_id = with_error_context(failure, [&] {
    try {
      return api.trigger_disposal(path);
    } catch (const CliError& error) {
      // Nothing was sent: the disposal can still be done without the JobManager.
      if (error.error_class() != ErrorClass::unreachable) throw;
      const std::string message = error.what();
      throw CliError(ErrorClass::unreachable,
                     message + (message.ends_with(".") ? " " : ". ") +
                         "Without a JobManager, --offline disposes of it: flink savepoint -d " + path + " --offline",
                     error.detail());
    }
  });
  // From here on the disposal has an id: a signal that came meanwhile is reported with it.
  report.set("trigger_id", trigger_id);
  wait_for_disposal(context, trigger_id, failure);
  report.line("Savepoint '" + path + "' disposed.");
  return 0;
}

int run_savepoint(CommandContext& context, const SavepointOptions& options) {
  if (options.wait_timeout && options.detached) {
    throw CliError::usage("--wait-timeout cannot be used with -detached: nothing is waited for.");
  }
  context.set_wait_timeout(options.wait_timeout);
  // A signal from here on is reported with what it leaves running on the JobManager.
  InterruptWatch watch(context.interrupt());
  if (options.dispose_path) {
    context.report().set_document("dispose");
    if (options.trigger_id) {
      throw CliError::usage("--trigger-id cannot be used with -d: the JobManager picks a disposal's "
                            "trigger id.");
    }
    if (options.job_name) throw CliError::usage("--job-name cannot be used with -d: a disposal needs no job.");
    if (options.offline) return dispose_offline(context, *options.dispose_path);
    return dispose_savepoint(context, *options.dispose_path);
  }
  Report& report = context.report();
  const JobId job = resolve_job(context, {options.job_id, options.job_name}, [](const auto& id) {
    if (!id) throw CliError::usage("Missing JobID. Specify a Job ID to trigger a savepoint.");
    return JobId::parse(*id);
  });
  report.set("job_id", job.str());
  if (options.extra_arguments) {
    report.notice("Provided more arguments than required. Ignoring not needed arguments.");
  }
  SavepointTrigger trigger;
  trigger.format = options.format;
  trigger.trigger_id = trigger_id_to_send(context, options.trigger_id);
  trigger.target_directory = savepoint_target(context, options.target_directory);
  const SavepointRequest request{SavepointRequest::Kind::savepoint, trigger.target_directory, trigger.format,
                                 options.trigger_id.has_value()};
  report.set("trigger_id", *trigger.trigger_id);
  report.set("target_directory", trigger.target_directory ? JsonDocument(*trigger.target_directory) : JsonDocument());
  report.set("format", to_string(trigger.format));
  report.set("detached", options.detached);

  const TriggerWording wording{"savepoint", "Successfully trigger manual savepoint",
                               "Failed to trigger a savepoint for the job " + job.str()};
  const auto location = trigger_and_wait(context, job, options.detached, wording, request, *trigger.trigger_id,
                                         [&] { return context.api().trigger_savepoint(job, trigger); });
  if (!location) return 0;
  report.line("Savepoint completed. Path: " + *location);
  report.line("You can resume your program from this savepoint with the run command.");
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
          wait_timeout_option(),
          job_name_option(),
          extension_option({"", "offline", Arity::none, "",
                            "With -d: dispose of the savepoint without a JobManager, reading its _metadata (a "
                            "local or s3:// path; not a checkpoint, nor one naming files outside its directory)."}),
      },
      false,
      [](CommandContext& context, const ParsedArgs& args) { return run_savepoint(context, parse(args)); },
  };
  return spec;
}

}  // namespace flinkcli
