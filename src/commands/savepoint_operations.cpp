#include "savepoint_operations.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

#include "flinkcli/core/text.hpp"
#include "flinkcli/output/progress.hpp"

namespace flinkcli {

JobId parse_job_id(const std::optional<std::string>& text) {
  if (!text) throw CliError::usage("Missing JobId");
  return JobId::parse(*text);
}

JobAndDirectory untangle_optional_value(const std::optional<std::string>& option_value,
                                        const std::vector<std::string>& positionals) {
  if (positionals.empty()) return {option_value, std::nullopt};
  return {positionals.front(), option_value};
}

OptionSpec savepoint_format_option(bool hidden) {
  OptionSpec spec{"type", "type", Arity::required, "arg",
                  "Describes the binary format in which a savepoint should be taken. Supported "
                  "options: [canonical - a common format for all state backends, allow for "
                  "changing state backends, native = a specific format for the chosen state "
                  "backend, might be faster to take and restore from."};
  spec.hidden = hidden;
  return spec;
}

SavepointFormat savepoint_format_from(const ParsedArgs& args) {
  const auto value = args.value("type");
  if (!value) return SavepointFormat::canonical;
  if (auto format = parse_savepoint_format(*value)) return *format;
  throw CliError::usage("Invalid savepoint format type '" + *value +
                        "'. Supported options: canonical, native.");
}

OptionSpec detached_option() {
  return {"detached", "", Arity::none, "",
          "Triggering savepoint in detached mode, client and JM are decoupled, return the "
          "savepoint trigger id as the unique identification of the detached savepoint."};
}

OptionSpec trigger_id_option() {
  return extension_option({"", "trigger-id", Arity::required, "triggerId",
                          "The trigger id to use (32 hex digits; this client's extension). Running the same "
                          "command again with the same id attaches to the savepoint it started instead of "
                          "starting another, while the JobManager keeps the result (rest.async.store-duration, "
                          "5 min by default)."});
}

std::string parse_trigger_id(const std::string& text) {
  if (!is_hex_id(text)) {
    throw CliError::usage("Invalid trigger id '" + one_line(text, 200) +
                          "': expected 32 hex digits, e.g. 7bc1eb8a27587d4728b63c2fdb41d37a.");
  }
  return to_lower(text);
}

std::optional<std::string> trigger_id_from(const ParsedArgs& args) {
  const auto value = args.value("trigger-id");
  if (!value) return std::nullopt;
  return parse_trigger_id(*value);
}

std::string trigger_id_to_send(CommandContext& context, const std::optional<std::string>& chosen) {
  return chosen ? *chosen : context.new_trigger_id();
}

OptionSpec wait_timeout_option() {
  return extension_option({"", "wait-timeout", Arity::required, "duration",
                          "How long to wait for the operation to complete, e.g. 30 min (Flink's duration "
                          "syntax; this client's extension). Without it client.timeout bounds the whole "
                          "action; with it each request is still bounded by client.timeout. Ending "
                          "without completion exits 6 and names the command that follows the operation."});
}

std::optional<std::chrono::milliseconds> wait_timeout_from(const ParsedArgs& args) {
  const auto text = args.value("wait-timeout");
  if (!text) return std::nullopt;
  const DurationReading duration = read_flink_duration(*text);
  if (duration.too_large) {
    throw CliError::usage("Invalid --wait-timeout '" + *text + "': at most " + k_max_duration_text + ".");
  }
  if (!duration.value || duration.value->count() <= 0) {
    throw CliError::usage("Invalid --wait-timeout '" + *text +
                          "': expected a positive duration such as 90 s, 30 min or 2 h.");
  }
  return duration.value;
}

OptionSpec job_name_option() {
  return extension_option({"", "job-name", Arity::required, "name",
                          "The job by its name instead of its id: the one job of that name that is not "
                          "finished, cancelled or failed (this client's extension). None is exit 4, "
                          "several exit 11; both list the candidates."});
}

std::optional<std::string> job_name_from(const ParsedArgs& args) { return args.value("job-name"); }

void require_one_job_selector(const std::optional<std::string>& job_name, bool job_id_given) {
  if (job_name && job_id_given) {
    throw CliError::usage("Give either a job id or --job-name, not both.");
  }
}

namespace {

constexpr std::size_t k_max_listed_jobs = 20;

std::string describe_jobs(const std::vector<JobOverview>& jobs, bool with_names) {
  std::string text;
  for (std::size_t i = 0; i < jobs.size() && i < k_max_listed_jobs; ++i) {
    const JobOverview& job = jobs[i];
    if (i > 0) text += ", ";
    if (with_names) {
      text += "'";
      text += one_line(job.name, 200);
      text += "' (" + job.id + ", " + job.state + ")";
    } else {
      text += job.id + " (" + job.state + ")";
    }
  }
  if (jobs.size() > k_max_listed_jobs) {
    text += " and " + std::to_string(jobs.size() - k_max_listed_jobs) + " more";
  }
  return text;
}

JsonDocument job_list_json(const std::vector<JobOverview>& jobs) {
  JsonDocument list = JsonDocument::array();
  for (const auto& job : jobs) list.push_back({{"job_id", job.id}, {"name", job.name}, {"state", job.state}});
  return list;
}

// A value as the shell reads it back: bare when it holds only safe characters, else quoted.
std::string shell_word(const std::string& text) {
  const bool safe = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("._-:/@%+=,").find(c) != std::string_view::npos;
  });
  if (safe) return text;
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

}  // namespace

JobId resolve_job(CommandContext& context, const JobSelector& selector,
                  const std::function<JobId(const std::optional<std::string>&)>& parse) {
  if (!selector.name) return parse(selector.id);
  const std::string& name = *selector.name;
  Report& report = context.report();
  report.set("job_name", name);
  JobManagerApi& api = context.api();
  const auto jobs = with_error_context("Could not look up the job named '" + one_line(name, 200) + "'",
                                       [&] { return api.list_jobs(); });
  std::vector<JobOverview> active;
  std::vector<JobOverview> matches;
  for (const auto& job : jobs) {
    if (is_globally_terminal(job.state)) continue;
    active.push_back(job);
    if (job.name == name) matches.push_back(job);
  }
  auto by_start = [](const JobOverview& a, const JobOverview& b) { return a.start_time_ms < b.start_time_ms; };
  std::stable_sort(active.begin(), active.end(), by_start);
  std::stable_sort(matches.begin(), matches.end(), by_start);
  if (matches.size() == 1) {
    spdlog::debug("job name '{}' is job {} ({})", name, matches.front().id, matches.front().state);
    return JobId::parse(matches.front().id);
  }
  if (matches.empty()) {
    report.set("candidates", job_list_json(active));
    throw CliError(ErrorClass::not_found,
                   "No running job is named '" + one_line(name, 200) + "'" +
                       (active.empty() ? std::string("; no job is running.")
                                       : "; the jobs that are: " + describe_jobs(active, true) + "."));
  }
  report.set("candidates", job_list_json(matches));
  throw CliError(ErrorClass::ambiguous,
                 std::to_string(matches.size()) + " running jobs are named '" + one_line(name, 200) +
                     "': " + describe_jobs(matches, false) + ". Pass the job id instead.");
}

std::optional<std::string> savepoint_target(CommandContext& context,
                                            const std::optional<std::string>& command_line) {
  if (command_line) {
    spdlog::debug("savepoint directory sent: {} (from the command line)", *command_line);
    return command_line;
  }
  const SavepointDirectory configured = context.config().default_savepoint_dir();
  spdlog::debug("savepoint directory sent: {} ({})", configured.path.value_or("null"), configured.source);
  return configured.path;
}

std::string follow_command_line(CommandContext& context, const std::optional<JobId>& job,
                                const std::string& trigger_id) {
  std::string command = "flink follow";
  if (const auto& jobmanager = context.options().jobmanager) command += " -m " + shell_word(*jobmanager);
  command += job ? " " + job->str() + " " + trigger_id : " --dispose " + trigger_id;
  return command;
}

namespace {

// "trigger id <id>: the <what> may still complete; to wait for it, run: flink follow ...".
std::string follow_hint(CommandContext& context, const std::string& what, const std::string& trigger_id,
                        const std::string& command) {
  return "trigger id " + trigger_id + ": the " + what + " may still complete; to wait for it, run: " +
         command + (context.options().dynamic_properties.empty() ? "" : " (with the same -D options)");
}

// Waits through `poll`; a wait that ends without completion puts the follow command in the report.
OperationStatus wait_or_name_follow_command(CommandContext& context, const std::function<OperationStatus()>& poll,
                                            const std::string& trigger_id, const std::string& what,
                                            const std::string& command) {
  WaitPolicy policy = context.wait_policy();
  policy.follow_hint = follow_hint(context, what, trigger_id, command);
  bool completed = false;
  ProgressLine progress(context.console(), context.clock(), context.show_progress());
  try {
    return wait_for_operation(
        [&] {
          OperationStatus status = poll();
          completed = status.completed;
          if (!completed) progress.show(what + " in progress, trigger id " + trigger_id);
          return status;
        },
        trigger_id, policy, context.clock());
  } catch (const CliError& error) {
    // Not for an unknown trigger id: following it would fail the same way.
    if (!completed && error.error_class() != ErrorClass::not_found) context.report().set("follow_command", command);
    throw;
  }
}

}  // namespace

std::string wait_for_savepoint(CommandContext& context, const JobId& job, const std::string& trigger_id) {
  JobManagerApi& api = context.api();
  const OperationStatus status = wait_or_name_follow_command(
      context, [&] { return api.savepoint_status(job, trigger_id); }, trigger_id, "savepoint",
      follow_command_line(context, job, trigger_id));
  if (!status.location) {
    throw CliError(ErrorClass::protocol,
                   "The JobManager reported the savepoint complete but sent no location");
  }
  return *status.location;
}

void wait_for_disposal(CommandContext& context, const std::string& trigger_id) {
  JobManagerApi& api = context.api();
  wait_or_name_follow_command(context, [&] { return api.disposal_status(trigger_id); }, trigger_id,
                              "disposal", follow_command_line(context, std::nullopt, trigger_id));
}

std::optional<std::string> trigger_and_wait(CommandContext& context, const JobId& job, bool detached,
                                            const TriggerWording& wording,
                                            const std::function<std::string()>& trigger) {
  Report& report = context.report();
  if (detached) {
    report.line("Triggering " + wording.operation + " in detached mode for job " + job.str() + ".");
    const std::string trigger_id = with_error_context(wording.failure, trigger);
    report.line(wording.detached_done + ", triggerId: " + trigger_id);
    report.set("trigger_id", trigger_id);
    report.set("follow_command", follow_command_line(context, job, trigger_id));
    report.set_status("triggered");
    report.add_value(trigger_id);
    return std::nullopt;
  }
  report.line("Triggering " + wording.operation + " for job " + job.str() + ".");
  report.line("Waiting for response...");
  const std::string location = with_error_context(wording.failure, [&] {
    const std::string trigger_id = trigger();
    report.set("trigger_id", trigger_id);
    return wait_for_savepoint(context, job, trigger_id);
  });
  report.set("savepoint_path", location);
  report.set_status("completed");
  report.add_value(location);
  return location;
}


}  // namespace flinkcli
