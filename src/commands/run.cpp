// flink run [-s <savepoint> [-n] [-cm mode]] [-c class] [-p n] [-d] <jar> [args...]
// Without a JVM we cannot run main() locally, so the jar goes through the JobManager's web
// submission endpoints: upload a copy of our own, run it, delete that copy.
#include <filesystem>
#include <set>

#include "actions.hpp"
#include "flinkcli/output/progress.hpp"
#include "flinkcli/core/text.hpp"
#include "jar_upload.hpp"
#include "savepoint_operations.hpp"
#include "flinkcli/commands/savepoint_paths.hpp"

namespace flinkcli {

namespace {

// Flink's run options that need a JVM or Python on the client.
const char* const k_jvm_only_options[] = {"C", "py", "pyfs", "pym", "pyarch", "pyclientexec",
                                          "pyexec", "pypath", "pyreq"};

struct RunOptions {
  std::string jar;
  JarRunRequest request;  // program arguments, -c, -p, -s, -n, -cm/-rm, -D
  bool detached = false;                   // -d
  bool shutdown_on_attached_exit = false;  // -sae
  bool keep_jar = false;                   // --keepJar (this client's extension)
  bool deprecated_restore_mode = false;    // -rm used (with -s, without -cm): Flink says so
  bool verify_restore = false;             // --verify-restore (this client's extension)
};

// -cm/--claimMode, else the older -rm/--restoreMode, upper case as the REST API takes it. As in
// Flink's CliFrontendParser, both are read only with -s, and -cm wins: -rm is then ignored.
std::optional<std::string> claim_mode(const ParsedArgs& args) {
  if (!args.has("s")) return std::nullopt;
  const auto value = args.has("cm") ? args.value("cm") : args.value("rm");
  if (!value) return std::nullopt;
  const std::string upper = to_upper(*value);
  if (upper != "CLAIM" && upper != "NO_CLAIM" && upper != "LEGACY") {
    throw CliError::usage("Invalid claim mode '" + *value + "'. Supported options: claim, no_claim, legacy.");
  }
  return upper;
}

RunOptions parse(const ParsedArgs& args) {
  for (const char* option : k_jvm_only_options) {
    if (args.has(option)) {
      throw CliError(ErrorClass::unsupported,
                     "Option -" + std::string(option) + " is not supported by this client: it "
                     "needs a JVM or Python on the client. Use the Java bin/flink for it.");
    }
  }
  // Flink's ProgramOptions: -a gives the program arguments instead of the positionals, and -j
  // the jar instead of the first positional.
  std::vector<std::string> arguments = args.has("a") ? args.values("a") : args.positionals();
  std::optional<std::string> jar = args.value("j");
  if (!jar && !arguments.empty()) {
    jar = arguments.front();
    arguments.erase(arguments.begin());
  }
  if (!jar) throw CliError::usage("Java program should be specified a JAR file.");
  RunOptions options;
  options.jar = *jar;
  options.detached = args.has("d");
  options.shutdown_on_attached_exit = args.has("sae");
  options.keep_jar = args.has("keepJar");
  if (options.detached && options.shutdown_on_attached_exit) {
    throw CliError::usage("The -sae/--shutdownOnAttachedExit option cannot be used with -d/--detached.");
  }
  JarRunRequest& request = options.request;
  request.program_args = std::move(arguments);
  request.entry_class = args.value("c");
  request.savepoint_path = args.value("s");
  request.allow_non_restored_state = args.has("n");
  request.claim_mode = claim_mode(args);
  options.deprecated_restore_mode = request.claim_mode && !args.has("cm");
  request.parallelism = parallelism(args);
  options.verify_restore = args.has("verify-restore");
  if (options.verify_restore && !request.savepoint_path) {
    throw CliError::usage("--verify-restore needs -s <savepointPath>: it checks the restore from that savepoint.");
  }
  // The -D entries alone, parsed as the client's own configuration parses them.
  Configuration job_configuration;
  apply_dynamic_properties(job_configuration, args.values("D"));
  request.flink_configuration = job_configuration.values();
  return options;
}

// The JobManager's refusal of a restore, made readable: which operators have no home.
CliError restore_error(const CliError& error, const std::string& savepoint) {
  if (error.error_class() != ErrorClass::restore_mismatch) return error;
  // "state for operator <32 hex>", found by a linear scan (the text can be long).
  std::set<std::string> operators;
  const std::string text = std::string(error.what()) + "\n" + error.detail();
  const std::string marker = "state for operator ";
  for (auto at = text.find(marker); at != std::string::npos; at = text.find(marker, at + 1)) {
    const std::string candidate = text.substr(at + marker.size(), 32);
    if (is_hex_id(candidate)) operators.insert(candidate);
  }
  std::string ids;
  for (const auto& id : operators) ids += (ids.empty() ? "" : ", ") + id;
  return CliError(ErrorClass::restore_mismatch,
                  "Cannot restore from savepoint " + savepoint + ": it holds state for operator(s) " +
                      ids + " that the new program does not have. To skip that state, run again with "
                      "-n (--allowNonRestoredState).",
                  error.detail());
}

// --verify-restore: waits (within the action's deadline) until the job reports the snapshot it
// restored from (/jobs/:id/checkpoints, latest.restored), and fails unless it is `savepoint`.
void verify_restore(CommandContext& context, const JobId& job, const std::string& savepoint) {
  JobManagerApi& api = context.api();
  Report& report = context.report();
  const auto deadline = context.deadline();
  const std::string failure = "Restore of job " + job.str() + " from " +
                              (savepoint.empty() ? std::string("an empty -s path") : savepoint) + " not verified";
  std::chrono::milliseconds delay(100);
  std::string last_state = "unknown";
  while (true) {
    std::optional<RestoredCheckpoint> restored;
    try {
      restored = api.restored_checkpoint(job);
      if (!restored) {
        last_state = api.job_state(job);
        if (is_globally_terminal(last_state)) {
          throw CliError(ErrorClass::restore_not_verified,
                         failure + ": the job is " + last_state + " and reported no restore");
        }
      }
    } catch (const CliError& error) {
      // No statistics yet (404 while the job initializes): ask again. A deadline that passed
      // during a call is the same verdict as one that passes between calls.
      if (error.error_class() == ErrorClass::timeout) break;
      if (error.error_class() != ErrorClass::not_found) throw;
    }
    if (restored) {
      report.set("restored_from", restored->external_path);
      if (savepoint_identity(restored->external_path) != savepoint_identity(savepoint)) {
        report.set("restore_verified", false);
        throw CliError(ErrorClass::restore_not_verified,
                       failure + ": it restored from " +
                           (restored->external_path.empty() ? "a checkpoint without a path" : restored->external_path) +
                           " (" + (restored->is_savepoint ? "savepoint" : "checkpoint") + " " +
                           std::to_string(restored->id) + ")");
      }
      report.set("restore_verified", true);
      report.line("Job " + job.str() + " restored from savepoint " + restored->external_path + " (verified).");
      return;
    }
    if (context.interrupt().requested()) {
      throw_interrupted(context, [&](int signal_number) {
        return "Interrupted by " + signal_name(signal_number) + ": job " + job.str() +
               " was submitted and keeps running; its restore from " + savepoint + " was not verified.";
      });
    }
    if (context.clock().now() + delay >= deadline) break;
    context.clock().sleep_for(delay);
    delay = std::min(delay * 2, std::chrono::milliseconds(1000));
  }
  report.set("restore_verified", false);
  throw CliError(ErrorClass::restore_not_verified,
                 failure + ": the job (" + last_state + ") reported no restore before the deadline (client.timeout)");
}

// Polls the job until it is globally terminal; none when Ctrl-C came first. SIGINT is ours only
// inside this function.
std::optional<std::string> poll_until_terminal(CommandContext& context, const JobId& job) {
  JobManagerApi& api = context.api();
  ProgressLine progress(context.console(), context.clock(), context.show_progress());
  std::chrono::milliseconds delay(50);
  while (true) {
    const std::string state = api.job_state(job);
    if (is_globally_terminal(state)) return state;
    progress.show("job " + job.str() + " " + state);
    if (context.interrupt().requested()) return std::nullopt;
    context.clock().sleep_for(delay);
    delay = std::min(delay * 2, std::chrono::milliseconds(500));
  }
}

int wait_for_job(CommandContext& context, const JobId& job, bool cancel_on_interrupt) {
  JobManagerApi& api = context.api();
  Report& report = context.report();
  const auto state = poll_until_terminal(context, job);
  if (!state) {
    if (cancel_on_interrupt) {
      const std::string message = "Interrupted: cancelling job " + job.str() + " (-sae).";
      context.console().err(message);
      api.cancel_job(job);
      report.set("job_state", "CANCELLING");
      return report.interrupted(message, context.interrupt().signal_number());
    }
    const std::string message = "Interrupted: job " + job.str() + " keeps running.";
    context.console().err(message);
    return report.interrupted(message, context.interrupt().signal_number());
  }
  report.set("job_state", *state);
  const JobResult result = api.job_result(job);
  report.set("job_runtime_ms", result.duration_ms);
  if (*state != "FINISHED") {
    const std::string cause = result.failure_message.empty() ? "" : ": " + result.failure_message;
    throw CliError(ErrorClass::operation_failed,
                   "Job " + job.str() + (*state == "CANCELED" ? " was cancelled" : " failed") + cause,
                   result.failure_detail);
  }
  report.line("Program execution finished");
  report.line("Job with JobID " + job.str() + " has finished.");
  report.line("Job Runtime: " + std::to_string(result.duration_ms) + " ms");
  report.line("");
  report.set_status("finished");
  return 0;
}

OptionSpec hidden_option(OptionSpec spec) {
  spec.hidden = true;  // accepted, as Java's run accepts them, and left out of its help as Java does
  return spec;
}

std::vector<OptionSpec> run_option_specs() {
  return {
      {"c", "class", Arity::required, "classname",
       "Class with the program entry point (\"main()\" method). Only needed if the JAR file does "
       "not specify the class in its manifest."},
      {"C", "classpath", Arity::required, "url", "Not supported by this client (needs a JVM)."},
      hidden_option({"a", "arguments", Arity::many, "programArgs", "Program arguments."}),
      hidden_option({"j", "jarfile", Arity::required, "jarfile", "Flink program JAR file."}),
      {"cm", "claimMode", Arity::required, "arg",
       "Defines how should we restore from the given savepoint. Supported options: [claim, "
       "no_claim (default), legacy (deprecated)]."},
      {"d", "detached", Arity::none, "", "If present, runs the job in detached mode"},
      {"n", "allowNonRestoredState", Arity::none, "",
       "Allow to skip savepoint state that cannot be restored. You need to allow this if you "
       "removed an operator from your program that was part of the program when the savepoint "
       "was triggered."},
      {"p", "parallelism", Arity::required, "parallelism",
       "The parallelism with which to run the program. Optional flag to override the default "
       "value specified in the configuration."},
      // In Flink's order (ProgramOptions): an ambiguous prefix lists its candidates in it.
      {"py", "python", Arity::required, "pythonFile", "Not supported by this client."},
      {"pyfs", "pyFiles", Arity::required, "pythonFiles", "Not supported by this client."},
      {"pym", "pyModule", Arity::required, "pythonModule", "Not supported by this client."},
      {"pyreq", "pyRequirements", Arity::required, "arg", "Not supported by this client."},
      {"pyarch", "pyArchives", Arity::required, "arg", "Not supported by this client."},
      {"pyexec", "pyExecutable", Arity::required, "arg", "Not supported by this client."},
      {"pyclientexec", "pyClientExecutable", Arity::required, "arg", "Not supported by this client."},
      {"pypath", "pyPythonPath", Arity::required, "arg", "Not supported by this client."},
      {"rm", "restoreMode", Arity::required, "arg",
       "This option is deprecated, please use 'claimMode' instead."},
      {"s", "fromSavepoint", Arity::required, "savepointPath",
       "Path to a savepoint to restore the job from (for example hdfs:///flink/savepoint-1537)."},
      {"sae", "shutdownOnAttachedExit", Arity::none, "",
       "If the job is submitted in attached mode, cancel the job when the CLI is interrupted "
       "(Ctrl + C)."},
      extension_option({"", "verify-restore", Arity::none, "",
       "With -s: after submitting, wait (within client.timeout) until the job reports that it "
       "restored from exactly that savepoint; exit 14 if it restored from another path or from "
       "nothing (this client's extension)."}),
      extension_option({"", "keepJar", Arity::none, "",
       "Keep the uploaded jar on the JobManager after the run (this client's extension); every "
       "run uploads a copy of its own, so a kept jar is for the web UI, not a later run."}),
  };
}

int run_run(CommandContext& context, const RunOptions& options) {
  const JarRunRequest& request = options.request;
  Report& report = context.report();
  report.set("jar", options.jar);
  report.set("detached", options.detached);
  report.set("from_savepoint", request.savepoint_path ? JsonDocument(*request.savepoint_path) : JsonDocument());
  if (request.savepoint_path) {
    report.set("claim_mode", request.claim_mode ? JsonDocument(*request.claim_mode) : JsonDocument());
    report.set("allow_non_restored_state", request.allow_non_restored_state);
  }
  // Flink's notices, in Flink's order: -rm when the options are read, LEGACY after the jar check.
  if (options.deprecated_restore_mode) {
    report.notice("The option 'restoreMode' is deprecated. Please use 'claimMode' instead.");
  }
  const std::string jar_content = read_jar(options.jar);  // a bad jar fails before any network call
  if (request.claim_mode == "LEGACY") {
    report.notice("Warning: The LEGACY restore mode is deprecated, please use CLAIM or NO_CLAIM mode "
                  "instead.");
  }

  JobManagerApi& api = context.api();
  // A signal from here on is reported with what it leaves on the JobManager: nothing, or a job.
  InterruptWatch watch(context.interrupt());
  Interrupt& interrupt = context.interrupt();
  const std::string failure = "Could not submit the job from " + options.jar;
  arm_last_words(context, [](int signal_number) {
    return "Interrupted by " + signal_name(signal_number) +
           " while the jar was uploaded: nothing was submitted; a copy of the jar may be left on the JobManager "
           "(GET /jars)";
  });
  const std::string jar_id = with_error_context(
      failure, [&] { return upload_jar_copy(api, options.jar, jar_content, context.new_trigger_id()); });
  report.set("jar_id", jar_id);
  report.set("jar_uploaded", true);
  // The job's code is in the BlobServer after the run call, so our copy is no longer needed,
  // whether the run worked or not. A failed clean-up must not hide the run's outcome.
  auto delete_copy = [&] {
    report.set("jar_deleted", !options.keep_jar && delete_uploaded_jar(api, jar_id));
  };
  if (interrupt.requested()) {
    delete_copy();
    throw_interrupted(context, [](int signal_number) {
      return "Interrupted by " + signal_name(signal_number) + " before the job was submitted: nothing was submitted.";
    });
  }
  arm_last_words(context, [jar = options.jar](int signal_number) {
    return "Interrupted by " + signal_name(signal_number) + " before the JobManager answered the submission of " + jar +
           ": the job may have been submitted; check with: flink list";
  });
  std::optional<JobId> job;
  try {
    job = api.run_jar(jar_id, request);
  } catch (const CliError& error) {
    delete_copy();
    throw restore_error(error, request.savepoint_path.value_or("")).with_context(failure);
  }
  interrupt.set_last_words(nullptr);
  delete_copy();
  report.line("Job has been submitted with JobID " + job->str());
  report.set("job_id", job->str());
  const auto keeps_running = [&](int signal_number) {
    return "Interrupted by " + signal_name(signal_number) + ": job " + job->str() +
           " was submitted and keeps running (it is not cancelled).";
  };
  if (options.verify_restore) {
    verify_restore(context, *job, *request.savepoint_path);
  }
  // Attached, the wait reports a signal itself (and cancels the job with -sae).
  if (options.detached && interrupt.requested()) throw_interrupted(context, keeps_running);
  if (options.detached) {
    report.set_status("submitted");
    report.add_value(job->str());
    return 0;
  }
  // Attached, the client waits as long as the job runs; each poll keeps its own client.timeout.
  api.set_deadline(std::nullopt);
  return wait_for_job(context, *job, options.shutdown_on_attached_exit);
}

}  // namespace

const CommandSpec& run_command() {
  static const CommandSpec spec{
      "run",
      "compiles and runs a program.",
      "run [OPTIONS] <jar-file> <arguments>",
      run_option_specs(),
      true,
      [](CommandContext& context, const ParsedArgs& args) { return run_run(context, parse(args)); },
  };
  return spec;
}

}  // namespace flinkcli
