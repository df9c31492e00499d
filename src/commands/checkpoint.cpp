// flink checkpoint [-full] <jobId>: a manual checkpoint (Flink 1.19+). Java's client sends
// POST /jobs/:id/checkpoints and waits on /jobs/:id/checkpoints/:triggerId; so do we, with a
// trigger id of our own (the JobManager deduplicates on it, so the trigger may be sent again and a
// wait cut short can be followed with `flink follow --checkpoint`).
#include <spdlog/spdlog.h>

#include "actions.hpp"
#include "flinkcli/core/text.hpp"
#include "savepoint_operations.hpp"

namespace flinkcli {

namespace {

struct CheckpointOptions {
  CheckpointType type = CheckpointType::configured;  // -full: FULL
  std::optional<std::string> trigger_id;               // --trigger-id
  std::optional<std::chrono::milliseconds> wait_timeout;  // --wait-timeout
  std::optional<std::string> job_name;                    // --job-name
  std::optional<std::string> job_id;
};

CheckpointOptions parse(const ParsedArgs& args) {
  CheckpointOptions options;
  if (args.has("full")) options.type = CheckpointType::full;
  options.trigger_id = trigger_id_from(args);
  options.wait_timeout = wait_timeout_from(args);
  options.job_name = job_name_from(args);
  const auto& positionals = args.positionals();
  require_one_job_selector(options.job_name, !positionals.empty() && is_hex_id(positionals.front()));
  if (!options.job_name && !positionals.empty()) options.job_id = positionals.front();
  return options;
}

// The checkpoint's statistics, for the JSON document: the JobManager lists a checkpoint that just
// completed only after its statistics cache refreshes (web.refresh-interval), so it is asked again
// until then. Never fails the action: the checkpoint completed by the JobManager's word.
std::optional<CheckpointDetails> completed_details(CommandContext& context, const JobId& job, std::int64_t id) {
  Clock& clock = context.clock();
  const auto give_up = std::min(clock.now() + history_refresh_interval(context), context.deadline());
  while (true) {
    try {
      if (auto details = context.api().checkpoint_details(job, id)) return details;
    } catch (const CliError& error) {
      if (error.error_class() == ErrorClass::usage || error.error_class() == ErrorClass::config) throw;
      spdlog::debug("checkpoint {}'s statistics could not be read: {}", id, error.what());
      return std::nullopt;
    }
    const std::chrono::milliseconds pause(250);
    if (context.interrupt().requested() || clock.now() + pause > give_up) {
      spdlog::debug("checkpoint {} is not in the job's checkpoint statistics (yet)", id);
      return std::nullopt;
    }
    clock.sleep_for(pause);
  }
}

int run_checkpoint(CommandContext& context, const CheckpointOptions& options) {
  context.set_wait_timeout(options.wait_timeout);
  // A signal from here on is reported with what it leaves running on the JobManager.
  InterruptWatch watch(context.interrupt());
  Report& report = context.report();
  const JobId job = resolve_job(context, {options.job_id, options.job_name}, [](const auto& id) {
    if (!id) throw CliError::usage("Missing JobID. Specify a Job ID to manipulate a checkpoint.");
    return JobId::parse(*id);
  });
  report.set("job_id", job.str());
  // More arguments than the job id: Java ignores them without a word, and so do we.
  const std::string trigger_id = trigger_id_to_send(context, options.trigger_id);
  report.set("trigger_id", trigger_id);
  report.set("checkpoint_type", to_string(options.type));

  const std::string failure = "Failed to trigger a checkpoint for the job " + job.str();
  context.check_settings();  // as Java: a bad setting before any line
  report.line("Triggering checkpoint for job " + job.str() + ".");
  report.line("Waiting for response...");
  const CheckpointTrigger trigger{options.type, trigger_id};
  const std::string acknowledged = send_trigger(
      context, job, trigger_id, "checkpoint", failure, [&] { return context.api().trigger_checkpoint(job, trigger); },
      Followed::checkpoint);
  report.set("trigger_id", acknowledged);
  const std::int64_t id = wait_for_checkpoint(context, job, acknowledged, failure);
  report.set("checkpoint_id", id);
  report.line(checkpoint_completed_line(options.type, id, job));
  report.line("You can resume your program from this checkpoint with the run command.");
  if (report.mode() == OutputMode::json) {
    const auto details = completed_details(context, job, id);
    report.set("external_path",
               details && details->external_path ? JsonDocument(*details->external_path) : JsonDocument());
  }
  report.set_status("completed");
  report.add_value(std::to_string(id));
  return 0;
}

}  // namespace

const CommandSpec& checkpoint_command() {
  static const CommandSpec spec{
      "checkpoint",
      "triggers checkpoints for a running job.",
      "checkpoint [OPTIONS] <Job ID>",
      {
          {"full", "full", Arity::none, "", "Defines whether to trigger this checkpoint as a full one."},
          trigger_id_option(),
          wait_timeout_option(),
          job_name_option(),
      },
      false,
      [](CommandContext& context, const ParsedArgs& args) { return run_checkpoint(context, parse(args)); },
  };
  return spec;
}

}  // namespace flinkcli
