#include "savepoint_operations.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

#include "flinkcli/core/text.hpp"
#include "flinkcli/output/progress.hpp"
#include "flinkcli/commands/savepoint_paths.hpp"

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

std::optional<std::string> job_name_from(const ParsedArgs& args) {
  auto name = args.value("job-name");
  // No job has an empty name worth selecting; listing every job to say so would only mislead.
  if (name && name->empty()) throw CliError::usage("--job-name needs a non-empty job name.");
  return name;
}

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
  std::vector<JobOverview> terminated_matches;
  for (const auto& job : jobs) {
    if (is_globally_terminal(job.state)) {
      if (job.name == name) terminated_matches.push_back(job);
      continue;
    }
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
  if (matches.empty() && selector.terminated_too && !terminated_matches.empty()) {
    // The job an operation just ended (stop): the newest of that name, as a re-run would be.
    const JobOverview& newest = *std::max_element(terminated_matches.begin(), terminated_matches.end(), by_start);
    spdlog::debug("job name '{}' is job {} ({}), the newest of {} ended job(s) of that name", name, newest.id,
                  newest.state, terminated_matches.size());
    return JobId::parse(newest.id);
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
                                const std::string& trigger_id, Followed followed) {
  std::string command = "flink follow";
  if (const auto& jobmanager = context.options().jobmanager) command += " -m " + shell_word(*jobmanager);
  if (!job) return command + " --dispose " + trigger_id;
  if (followed == Followed::checkpoint) command += " --checkpoint";
  return command + " " + job->str() + " " + trigger_id;
}

void arm_last_words(CommandContext& context, const std::function<std::string(int)>& message) {
  Report& report = context.report();
  context.interrupt().set_last_words([&report, message](int signal_number) {
    return report.last_words(message(signal_number), signal_number);
  });
}

void throw_interrupted(CommandContext& context, const std::function<std::string(int)>& message) {
  const int signal_number = context.interrupt().signal_number();
  throw Interrupted(signal_number, message(signal_number));
}

namespace {

std::string same_dynamic_properties(CommandContext& context) {
  return context.options().dynamic_properties.empty() ? "" : " (with the same -D options)";
}

// "trigger id <id>: the <what> may still complete; to wait for it, run: flink follow ...".
std::string follow_hint(CommandContext& context, const std::string& what, const std::string& trigger_id,
                        const std::string& command) {
  return "trigger id " + trigger_id + ": the " + what + " may still complete; to wait for it, run: " + command +
         same_dynamic_properties(context);
}

// The interrupted wait's line: the operation is never cancelled, and this is how to find it again.
std::string goes_on_message(CommandContext& context, int signal_number, const std::string& what,
                            const std::string& trigger_id, const std::string& command) {
  return "Interrupted by " + signal_name(signal_number) + ": the " + what +
         " goes on in the JobManager (it is not cancelled); trigger id " + trigger_id + "; to wait for it, run: " +
         command + same_dynamic_properties(context);
}

// Waits through `poll` (a completed failure gets Flink's leading sentence `failure`); a wait that
// ends without completion puts the follow command in the report; a signal ends it with
// `interrupted`.
OperationStatus wait_or_name_follow_command(CommandContext& context, const std::function<OperationStatus()>& poll,
                                            const std::string& trigger_id, const std::string& what,
                                            const std::string& command, const std::string& failure,
                                            const std::function<std::string(int)>& interrupted) {
  WaitPolicy policy = context.wait_policy();
  policy.follow_hint = follow_hint(context, what, trigger_id, command);
  policy.interrupt = &context.interrupt();
  policy.interrupted_message = interrupted;
  policy.poll_failure_context = "Lost track of the " + what + " while waiting for it";
  policy.subject = "The " + what;
  arm_last_words(context, interrupted);
  context.report().set("follow_command", command);
  // A signal that came while the trigger's answer was awaited: the operation has its id now.
  if (context.interrupt().requested()) throw_interrupted(context, interrupted);
  bool completed = false;
  ProgressLine progress(context.console(), context.clock(), context.show_progress());
  try {
    OperationStatus status = wait_for_operation(
        [&] {
          OperationStatus status = poll();
          completed = status.completed;
          if (status.failure) status.failure = status.failure->with_context(failure);
          if (!completed) progress.show(what + " in progress, " + trigger_id);
          return status;
        },
        trigger_id, policy, context.clock());
    // Completed: nothing goes on in the JobManager that a follow could find.
    context.interrupt().set_last_words(nullptr);
    context.report().erase("follow_command");
    return status;
  } catch (const CliError& error) {
    // Not for an unknown trigger id (following it would fail the same way), nor a completed one.
    if (completed || error.error_class() == ErrorClass::not_found) context.report().erase("follow_command");
    throw;
  }
}

std::string require_location(const OperationStatus& status) {
  if (!status.location) {
    throw CliError(ErrorClass::protocol, "The JobManager reported the savepoint complete but sent no location");
  }
  return *status.location;
}

const char* expected_checkpoint_type(SavepointRequest::Kind kind) {
  return kind == SavepointRequest::Kind::stop ? "SYNC_SAVEPOINT" : "SAVEPOINT";
}

const char* kind_name(SavepointRequest::Kind kind) {
  switch (kind) {
    case SavepointRequest::Kind::savepoint: return "savepoint";
    case SavepointRequest::Kind::stop: return "stop-with-savepoint";
    case SavepointRequest::Kind::cancel: return "cancel with savepoint";
  }
  return "savepoint";
}

// A result that is not what the request asked for: exit 5, naming the trigger id and what differs.
// With --trigger-id it is another operation's, cached under the same id; with an id of our own it
// cannot be, and the job's state is what disagrees.
[[noreturn]] void throw_foreign_result(const SavepointRequest& request, const std::string& trigger_id,
                                       const std::string& location, const std::string& mismatch) {
  if (!request.trigger_id_given) {
    throw CliError(ErrorClass::operation_failed,
                   "The JobManager reported trigger id " + trigger_id + " complete (" + location + "), but " + mismatch +
                       ". Check the job with: flink list -a");
  }
  throw CliError(ErrorClass::operation_failed,
                 "The JobManager answered trigger id " + trigger_id + " with the result of another operation (" +
                     location + "): " + mismatch +
                     ". The trigger id was used before; run again with a new --trigger-id (or none).");
}

// How long a job may still be reported RUNNING after its stop or cancel -s completed: the
// JobManager leaves RUNNING before it completes either (recorded on 1.20.5 and 2.3.0), so only a
// slow status answer can show it.
constexpr std::chrono::milliseconds k_running_grace{2000};

// stop: FINISHED; cancel -s: CANCELED (CANCELLING on the way). Returns the state, or "" when the
// job's state could not be read.
std::string check_job_state(CommandContext& context, const JobId& job, const std::string& trigger_id,
                            const std::string& location, const SavepointRequest& request,
                            std::vector<std::string>& unverified) {
  const SavepointRequest::Kind kind = request.kind;
  const std::string expected = kind == SavepointRequest::Kind::stop ? "FINISHED" : "CANCELED";
  JobManagerApi& api = context.api();
  Clock& clock = context.clock();
  const auto first_look = clock.now();
  const auto deadline = context.deadline();
  std::chrono::milliseconds delay(20);
  while (true) {
    std::string state;
    try {
      state = api.job_state(job);
    } catch (const CliError& error) {
      // The operation completed by the JobManager's word; only this check could not be made.
      if (error.error_class() == ErrorClass::usage || error.error_class() == ErrorClass::config) throw;
      unverified.push_back("the job's state (" + one_line(error.what(), 200) + ")");
      return "";
    }
    if (state == expected) return state;
    if (is_globally_terminal(state)) {
      throw_foreign_result(request, trigger_id, location, std::string("the ") + kind_name(kind) + " should leave the job " +
                                                     expected + ", but it is " + state);
    }
    if (state == "RUNNING" && clock.now() - first_look >= k_running_grace) {
      throw_foreign_result(request, trigger_id, location, std::string("the ") + kind_name(kind) + " should leave the job " +
                                                     expected + ", but it is still RUNNING");
    }
    if (context.interrupt().requested() || clock.now() + delay >= deadline) {
      unverified.push_back("the job's state (still " + state + ")");
      return "";
    }
    clock.sleep_for(delay);
    delay = std::min(delay * 2, std::chrono::milliseconds(200));
  }
}

}  // namespace

std::chrono::milliseconds history_refresh_interval(CommandContext& context) {
  const auto configured = context.config().get("web.refresh-interval");
  const auto parsed = configured ? parse_flink_duration(*configured) : std::nullopt;
  return (parsed && parsed->count() > 0 && *parsed < std::chrono::minutes(1) ? *parsed : std::chrono::milliseconds(3000)) +
         std::chrono::milliseconds(500);
}

namespace {

// The result's entry in the job's checkpoint history: a savepoint, of the trigger's kind and format.
void check_history(CommandContext& context, const JobId& job, const std::string& trigger_id,
                   const std::string& location, const SavepointRequest& request,
                   std::vector<std::string>& unverified) {
  const std::string identity = savepoint_identity(location);
  Clock& clock = context.clock();
  // Only an id given with --trigger-id may answer with another operation's result: worth waiting
  // for the cache. An id of our own gets one look, so back-to-back savepoints stay fast.
  const auto give_up = request.trigger_id_given
                           ? std::min(clock.now() + history_refresh_interval(context), context.deadline())
                           : clock.now();
  std::optional<SnapshotHistoryEntry> entry;
  while (true) {
    std::vector<SnapshotHistoryEntry> history;
    try {
      history = context.api().snapshot_history(job);
    } catch (const CliError& error) {
      if (error.error_class() == ErrorClass::usage || error.error_class() == ErrorClass::config) throw;
      unverified.push_back("its kind and format (" + one_line(error.what(), 200) + ")");
      return;
    }
    const auto found = std::find_if(history.begin(), history.end(), [&](const SnapshotHistoryEntry& candidate) {
      return !candidate.external_path.empty() && savepoint_identity(candidate.external_path) == identity;
    });
    if (found != history.end()) {
      entry = *found;
      break;
    }
    const std::chrono::milliseconds pause(250);
    if (context.interrupt().requested() || clock.now() + pause > give_up) break;
    clock.sleep_for(pause);
  }
  if (!entry) {
    unverified.push_back(std::string("its kind and format (not in the job's checkpoint history") +
                         (request.trigger_id_given ? ", which keeps the latest web.checkpoints.history entries)"
                                                   : " yet: it is cached for web.refresh-interval)"));
    return;
  }
  if (!entry->is_savepoint) throw_foreign_result(request, trigger_id, location, "it is a checkpoint, not a savepoint");
  const std::string expected_type = expected_checkpoint_type(request.kind);
  if (!entry->checkpoint_type.empty() && entry->checkpoint_type != expected_type) {
    throw_foreign_result(request, trigger_id, location,
                         std::string("a ") + kind_name(request.kind) + " takes a " + expected_type +
                             ", but this one is a " + entry->checkpoint_type +
                             (entry->checkpoint_type == "SYNC_SAVEPOINT" ? " (a stop's)" : ""));
  }
  if (!entry->savepoint_format.empty() && entry->savepoint_format != to_string(request.format)) {
    throw_foreign_result(request, trigger_id, location,
                         std::string("the format asked for is ") + to_string(request.format) + ", but it is " +
                             entry->savepoint_format);
  }
}

}  // namespace

void verify_savepoint_result(CommandContext& context, const JobId& job, const std::string& trigger_id,
                             const std::string& location, const SavepointRequest& request) {
  Report& report = context.report();
  JsonDocument checks = JsonDocument::object();
  checks["directory"] = "not_applicable";
  if (request.target_directory) {
    const std::string entropy_key = context.config().get("s3.entropy.key").value_or("");
    if (!lies_under(location, *request.target_directory, entropy_key)) {
      throw_foreign_result(request, trigger_id, location,
                           "it is not under the directory sent, " + *request.target_directory);
    }
    checks["directory"] = "verified";
  }
  std::vector<std::string> unverified;
  check_history(context, job, trigger_id, location, request, unverified);
  checks["kind_and_format"] = unverified.empty() ? "verified" : "unverified";
  if (request.kind != SavepointRequest::Kind::savepoint) {
    const std::size_t before = unverified.size();
    const std::string state = check_job_state(context, job, trigger_id, location, request, unverified);
    checks["job_state"] = unverified.size() == before ? "verified" : "unverified";
    if (!state.empty()) report.set("job_state", state);
  } else {
    checks["job_state"] = "not_applicable";
  }
  report.set("checks", checks);
  if (unverified.empty()) return;
  std::string what;
  for (const auto& item : unverified) what += (what.empty() ? "" : "; ") + item;
  report.set("unverified", what);
  const std::string note = "trigger id " + trigger_id + " completed, but this client could not verify " + what;
  // Not a failure: the JobManager reported this very trigger complete. Said on stderr, so the
  // lines scripts read stay Flink's; for an id of our own only with -v, as no other operation can
  // have been answered under it.
  if (request.trigger_id_given || checks["job_state"] == "unverified") {
    context.console().err("Note: " + note + ".");
  } else {
    spdlog::debug("{} (the trigger id is this client's own: no other operation can have answered)", note);
  }
}

std::string send_trigger(CommandContext& context, const JobId& job, const std::string& trigger_id,
                         const std::string& what, const std::string& failure,
                         const std::function<std::string()>& trigger, Followed followed) {
  Report& report = context.report();
  Interrupt& interrupt = context.interrupt();
  if (interrupt.requested()) {
    throw_interrupted(context, [&](int signal_number) {
      return "Interrupted by " + signal_name(signal_number) + " before the " + what + " was triggered: nothing was sent.";
    });
  }
  const std::string command = follow_command_line(context, job, trigger_id, followed);
  const auto may_have_started = [&context, what, trigger_id, command](int signal_number) {
    return "Interrupted by " + signal_name(signal_number) + " before the JobManager answered the " + what +
           " trigger: the " + what + " may have started (it is not cancelled); trigger id " + trigger_id +
           "; to wait for it, run: " + command + same_dynamic_properties(context);
  };
  arm_last_words(context, may_have_started);
  std::string acknowledged;
  try {
    acknowledged = trigger();
  } catch (const CliError& error) {
    const ErrorClass error_class = error.error_class();
    if (error_class == ErrorClass::usage || error_class == ErrorClass::config) throw;
    if (interrupt.requested()) {
      report.set("follow_command", command);
      throw_interrupted(context, may_have_started);
    }
    if (error_class == ErrorClass::timeout || error_class == ErrorClass::outcome_unknown) {
      // The trigger may have arrived: the operation may run, and this is how to find it.
      report.set("follow_command", command);
      throw CliError(error_class,
                     failure + ": " + error.what() + "; trigger id " + trigger_id + ": the " + what +
                         " may have started; to wait for it, run: " + command + same_dynamic_properties(context),
                     error.detail());
    }
    if (error_class == ErrorClass::unreachable) {
      throw CliError(error_class, failure + ": " + error.what() + " Nothing was sent: no " + what + " was started.",
                     error.detail());
    }
    throw error.with_context(failure);
  }
  if (interrupt.requested()) {
    report.set("follow_command", command);
    throw_interrupted(context, [&](int signal_number) {
      return goes_on_message(context, signal_number, what, trigger_id, command);
    });
  }
  return acknowledged;
}

std::string wait_for_savepoint(CommandContext& context, const JobId& job, const std::string& trigger_id,
                               const std::string& what, const std::string& failure) {
  JobManagerApi& api = context.api();
  const std::string command = follow_command_line(context, job, trigger_id);
  const OperationStatus status = wait_or_name_follow_command(
      context, [&] { return api.savepoint_status(job, trigger_id); }, trigger_id, what, command, failure,
      [&context, what, trigger_id, command](int signal_number) {
        return goes_on_message(context, signal_number, what, trigger_id, command);
      });
  return require_location(status);
}

std::int64_t wait_for_checkpoint(CommandContext& context, const JobId& job, const std::string& trigger_id,
                                 const std::string& failure) {
  JobManagerApi& api = context.api();
  const std::string command = follow_command_line(context, job, trigger_id, Followed::checkpoint);
  const OperationStatus status = wait_or_name_follow_command(
      context, [&] { return api.checkpoint_status(job, trigger_id); }, trigger_id, "checkpoint", command, failure,
      [&context, trigger_id, command](int signal_number) {
        return goes_on_message(context, signal_number, "checkpoint", trigger_id, command);
      });
  if (!status.checkpoint_id) {
    throw CliError(ErrorClass::protocol, "The JobManager reported the checkpoint complete but sent no checkpoint id");
  }
  return *status.checkpoint_id;
}

std::string checkpoint_completed_line(CheckpointType type, std::int64_t id, const JobId& job) {
  const std::string kind = type == CheckpointType::configured ? "" : std::string("(") + to_string(type) + ")";
  return "Checkpoint" + kind + " " + std::to_string(id) + " for job " + job.str() + " completed.";
}

void wait_for_disposal(CommandContext& context, const std::string& trigger_id, const std::string& failure) {
  JobManagerApi& api = context.api();
  const std::string command = follow_command_line(context, std::nullopt, trigger_id);
  wait_or_name_follow_command(
      context, [&] { return api.disposal_status(trigger_id); }, trigger_id, "disposal", command, failure,
      [&context, trigger_id, command](int signal_number) {
        return goes_on_message(context, signal_number, "disposal", trigger_id, command);
      });
}

std::string trigger_and_verify(CommandContext& context, const JobId& job, const std::string& trigger_id,
                               const std::string& what, const std::string& failure,
                               const SavepointRequest& request, const std::function<std::string()>& trigger) {
  Report& report = context.report();
  const std::string acknowledged = send_trigger(context, job, trigger_id, what, failure, trigger);
  report.set("trigger_id", acknowledged);
  const std::string location = wait_for_savepoint(context, job, acknowledged, what, failure);
  report.set("savepoint_path", location);
  verify_savepoint_result(context, job, acknowledged, location, request);
  return location;
}

std::optional<std::string> trigger_and_wait(CommandContext& context, const JobId& job, bool detached,
                                            const TriggerWording& wording, const SavepointRequest& request,
                                            const std::string& trigger_id,
                                            const std::function<std::string()>& trigger) {
  Report& report = context.report();
  // A bad setting is reported before "Triggering …", as by Java (after stop's "Suspending job").
  context.check_settings();
  if (detached) {
    report.line("Triggering " + wording.operation + " in detached mode for job " + job.str() + ".");
    const std::string acknowledged = send_trigger(context, job, trigger_id, wording.operation, wording.failure, trigger);
    report.line(wording.detached_done + ", triggerId: " + acknowledged);
    report.set("trigger_id", acknowledged);
    report.set("follow_command", follow_command_line(context, job, acknowledged));
    report.set_status("triggered");
    report.add_value(acknowledged);
    return std::nullopt;
  }
  report.line("Triggering " + wording.operation + " for job " + job.str() + ".");
  report.line("Waiting for response...");
  const std::string location =
      trigger_and_verify(context, job, trigger_id, wording.operation, wording.failure, request, trigger);
  report.set_status("completed");
  report.add_value(location);
  return location;
}

}  // namespace flinkcli
