// flink follow [--no-wait] [--wait-timeout <d>] [--checkpoint] <jobId> <triggerId>
//   | follow --dispose <triggerId>
// This client's own action (Flink has no "follow"): the state of, or the wait for, a savepoint,
// stop-with-savepoint or cancel -s started earlier (-detached, a wait that timed out or was cut
// short, another machine), a checkpoint (`flink checkpoint`), or a disposal, by its trigger id.
// Read-only: it never triggers anything, so it is safe to run any number of times while the
// JobManager keeps the operation (rest.async.store-duration, 5 min by default, after completion).
#include "actions.hpp"
#include "flinkcli/core/text.hpp"
#include "savepoint_operations.hpp"

namespace flinkcli {

namespace {

struct FollowOptions {
  bool dispose = false;  // --dispose: the trigger id is a disposal's
  bool checkpoint = false;  // --checkpoint: the trigger id is a checkpoint's
  bool no_wait = false;  // --no-wait: one look at the state, no wait
  std::optional<std::chrono::milliseconds> wait_timeout;  // --wait-timeout
  std::optional<std::string> job_name;                    // --job-name
  std::optional<std::string> job_id;
  std::string trigger_id;
};


FollowOptions parse(const ParsedArgs& args) {
  FollowOptions options;
  options.dispose = args.has("d");
  options.checkpoint = args.has("checkpoint");
  if (options.dispose && options.checkpoint) {
    throw CliError::usage("--checkpoint and --dispose exclude each other.");
  }
  options.no_wait = args.has("no-wait");
  options.wait_timeout = wait_timeout_from(args);
  options.job_name = job_name_from(args);
  if (options.no_wait && options.wait_timeout) {
    throw CliError::usage("--no-wait and --wait-timeout exclude each other.");
  }
  if (options.dispose && options.job_name) {
    throw CliError::usage("--job-name cannot be used with --dispose: a disposal belongs to no job.");
  }
  const auto& positionals = args.positionals();
  const std::size_t wanted = options.dispose || options.job_name ? 1 : 2;
  if (positionals.size() < wanted) {
    throw CliError::usage(options.dispose ? "Missing trigger id. Specify the disposal's trigger id: follow --dispose <triggerId>."
                                          : options.job_name ? "Missing trigger id. Specify it after the job: follow --job-name <name> <triggerId>."
                                                             : "Missing JobID or trigger id. Specify both: follow <jobId> <triggerId>.");
  }
  if (positionals.size() > wanted) {
    require_one_job_selector(options.job_name, true);
    throw CliError::usage("Too many arguments: " + one_line(positionals[wanted], 200) + ".");
  }
  if (wanted == 2) options.job_id = positionals.front();
  options.trigger_id = parse_trigger_id(positionals.back());
  return options;
}

int follow_disposal(CommandContext& context, const FollowOptions& options) {
  Report& report = context.report();
  const std::string& trigger_id = options.trigger_id;
  report.set("operation", "dispose");
  report.set("job_id", nullptr);
  report.set("trigger_id", trigger_id);
  report.set("wait", !options.no_wait);
  report.line("Following savepoint disposal " + trigger_id + ".");
  const std::string failure = "Failed to dispose the savepoint (trigger id " + trigger_id + ")";
  JobManagerApi& api = context.api();
  if (options.no_wait) {
    const OperationStatus status = with_error_context(failure, [&] {
      OperationStatus polled = api.disposal_status(trigger_id);
      if (polled.failure) throw *polled.failure;
      return polled;
    });
    if (!status.completed) {
      const std::string command = follow_command_line(context, std::nullopt, trigger_id);
      report.line("Savepoint disposal in progress. To wait for it, run: " + command);
      report.set("follow_command", command);
      report.set_status("in_progress");
      return 0;
    }
  } else {
    report.line("Waiting for response...");
    wait_for_disposal(context, trigger_id, failure);
  }
  report.line("Savepoint disposed.");
  report.set_status("completed");
  return 0;
}

int follow_savepoint(CommandContext& context, const FollowOptions& options) {
  Report& report = context.report();
  const std::string& trigger_id = options.trigger_id;
  report.set("operation", "savepoint");
  // A stop's savepoint is followed also after the stop finished the job.
  const JobId job = resolve_job(context, {options.job_id, options.job_name, true});
  report.set("job_id", job.str());
  report.set("trigger_id", trigger_id);
  report.set("wait", !options.no_wait);
  report.line("Following savepoint " + trigger_id + " of job " + job.str() + ".");
  const std::string failure = "Failed to follow the savepoint " + trigger_id + " of job " + job.str();
  JobManagerApi& api = context.api();
  std::string location;
  if (options.no_wait) {
    const OperationStatus status = with_error_context(failure, [&] {
      OperationStatus polled = api.savepoint_status(job, trigger_id);
      if (polled.failure) throw *polled.failure;
      return polled;
    });
    if (!status.completed) {
      const std::string command = follow_command_line(context, job, trigger_id);
      report.line("Savepoint in progress. To wait for it, run: " + command);
      report.set("follow_command", command);
      report.set_status("in_progress");
      return 0;
    }
    if (!status.location) {
      throw CliError(ErrorClass::protocol, "The JobManager reported the savepoint complete but sent no location");
    }
    location = *status.location;
  } else {
    report.line("Waiting for response...");
    location = wait_for_savepoint(context, job, trigger_id, "savepoint", failure);
  }
  // The lines of a blocking savepoint.
  report.line("Savepoint completed. Path: " + location);
  report.line("You can resume your program from this savepoint with the run command.");
  report.set("savepoint_path", location);
  report.set_status("completed");
  report.add_value(location);
  return 0;
}

int follow_checkpoint(CommandContext& context, const FollowOptions& options) {
  Report& report = context.report();
  const std::string& trigger_id = options.trigger_id;
  report.set("operation", "checkpoint");
  const JobId job = resolve_job(context, {options.job_id, options.job_name});
  report.set("job_id", job.str());
  report.set("trigger_id", trigger_id);
  report.set("wait", !options.no_wait);
  report.line("Following checkpoint " + trigger_id + " of job " + job.str() + ".");
  const std::string failure = "Failed to follow the checkpoint " + trigger_id + " of job " + job.str();
  JobManagerApi& api = context.api();
  std::int64_t id = 0;
  if (options.no_wait) {
    const OperationStatus status = with_error_context(failure, [&] {
      OperationStatus polled = api.checkpoint_status(job, trigger_id);
      if (polled.failure) throw *polled.failure;
      return polled;
    });
    if (!status.completed) {
      const std::string command = follow_command_line(context, job, trigger_id, Followed::checkpoint);
      report.line("Checkpoint in progress. To wait for it, run: " + command);
      report.set("follow_command", command);
      report.set_status("in_progress");
      return 0;
    }
    if (!status.checkpoint_id) {
      throw CliError(ErrorClass::protocol, "The JobManager reported the checkpoint complete but sent no checkpoint id");
    }
    id = *status.checkpoint_id;
  } else {
    report.line("Waiting for response...");
    id = wait_for_checkpoint(context, job, trigger_id, failure);
  }
  // The line of a blocking checkpoint.
  report.line(checkpoint_completed_line(CheckpointType::configured, id, job));
  report.set("checkpoint_id", id);
  report.set_status("completed");
  report.add_value(std::to_string(id));
  return 0;
}

int run_follow(CommandContext& context, const FollowOptions& options) {
  context.set_wait_timeout(options.wait_timeout);
  InterruptWatch watch(context.interrupt());
  if (options.dispose) return follow_disposal(context, options);
  return options.checkpoint ? follow_checkpoint(context, options) : follow_savepoint(context, options);
}

}  // namespace

const CommandSpec& follow_command() {
  static const CommandSpec spec{
      "follow",
      "waits for (or shows) a savepoint, checkpoint or disposal by its trigger id.",
      "follow [OPTIONS] <Job ID> <Trigger ID> | follow --dispose <Trigger ID>",
      {
          extension_option({"", "checkpoint", Arity::none, "",
                            "The trigger id is a checkpoint's (flink checkpoint)."}),
          extension_option({"d", "dispose", Arity::none, "",
                            "The trigger id is a savepoint disposal's (savepoint -d); no job id."}),
          extension_option({"", "no-wait", Arity::none, "",
                            "Print the operation's current state and return: in progress (exit 0), "
                            "completed, or failed."}),
          wait_timeout_option(),
          job_name_option(),
      },
      false,
      [](CommandContext& context, const ParsedArgs& args) { return run_follow(context, parse(args)); },
      true,
  };
  return spec;
}

}  // namespace flinkcli
