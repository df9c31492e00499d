// flink run [-s <savepoint> [-n] [-cm mode]] [-c class] [-p n] [-d] <jar> [args...]
// Without a JVM we cannot run main() locally, so the jar goes through the JobManager's web
// submission endpoints: upload (unless an identical jar is there), run, delete what we uploaded.
#include <atomic>
#include <csignal>
#include <regex>
#include <set>
#include <spdlog/spdlog.h>

#include "commands/jar_upload.hpp"
#include "commands/savepoint_operations.hpp"
#include "flinkcli/flink_error_text.hpp"

namespace flinkcli {

namespace {

// Flink's run options that need a JVM or Python on the client.
const char* const k_jvm_only_options[] = {"C", "py", "pyfs", "pym", "pyarch", "pyclientexec",
                                          "pyexec", "pypath", "pyreq"};

std::atomic<bool> g_interrupted{false};
extern "C" void on_interrupt(int) { g_interrupted = true; }

std::optional<std::string> claim_mode(const ParsedArgs& args) {
  auto claim = args.value("cm");
  auto restore = args.value("rm");
  if (claim && restore && *claim != *restore) {
    throw CliError::usage("Conflicting options: -cm/--claimMode " + *claim +
                          " and -rm/--restoreMode " + *restore + ".");
  }
  auto value = claim ? claim : restore;
  if (!value) return std::nullopt;
  std::string upper = *value;
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  if (upper != "CLAIM" && upper != "NO_CLAIM" && upper != "LEGACY") {
    throw CliError::usage("Invalid claim mode '" + *value + "'. Supported options: claim, no_claim, legacy.");
  }
  return upper;
}

JarRunRequest build_request(const ParsedArgs& args) {
  JarRunRequest request;
  const auto& positionals = args.positionals();
  request.program_args.assign(positionals.begin() + 1, positionals.end());
  request.entry_class = args.value("c");
  request.savepoint_path = args.value("s");
  request.allow_non_restored_state = args.has("n");
  request.claim_mode = claim_mode(args);
  if (auto parallelism = args.value("p")) {
    try {
      std::size_t used = 0;
      request.parallelism = std::stoi(*parallelism, &used);
      if (used != parallelism->size() || *request.parallelism <= 0) throw std::invalid_argument("");
    } catch (const std::exception&) {
      throw CliError::usage("The parallelism must be a positive number: " + *parallelism);
    }
  }
  // The -D entries alone, parsed as the client's own configuration parses them.
  Configuration job_configuration;
  apply_dynamic_properties(job_configuration, args.values("D"));
  request.flink_configuration = job_configuration.values();
  return request;
}

// The JobManager's refusal of a restore, made readable: which operators have no home.
CliError restore_error(const CliError& error, const std::string& savepoint) {
  if (error.error_class() != ErrorClass::restore_mismatch) return error;
  std::set<std::string> operators;
  static const std::regex operator_id("state for operator ([0-9a-fA-F]{32})");
  const std::string text = std::string(error.what()) + "\n" + error.detail();
  for (std::sregex_iterator it(text.begin(), text.end(), operator_id), end; it != end; ++it) {
    operators.insert((*it)[1]);
  }
  std::string ids;
  for (const auto& id : operators) ids += (ids.empty() ? "" : ", ") + id;
  return CliError(ErrorClass::restore_mismatch,
                  "Cannot restore from savepoint " + savepoint + ": it holds state for operator(s) " +
                      ids + " that the new program does not have. To skip that state, run again with "
                      "-n (--allowNonRestoredState).",
                  error.detail());
}

int wait_for_job(CommandContext& context, const JobId& job, bool cancel_on_interrupt) {
  JobManagerApi& api = context.api();
  g_interrupted = false;
  auto previous = std::signal(SIGINT, on_interrupt);
  std::chrono::milliseconds delay(50);
  std::string state;
  while (true) {
    state = api.job_state(job);
    if (state == "FINISHED" || state == "FAILED" || state == "CANCELED") break;
    if (g_interrupted) {
      std::signal(SIGINT, previous);
      if (cancel_on_interrupt) {
        context.console().err("Interrupted: cancelling job " + job.str() + " (-sae).");
        api.cancel_job(job);
      } else {
        context.console().err("Interrupted: job " + job.str() + " keeps running.");
      }
      return 130;
    }
    context.clock().sleep_for(delay);
    delay = std::min(delay * 2, std::chrono::milliseconds(500));
  }
  std::signal(SIGINT, previous);
  const JobResult result = api.job_result(job);
  if (state != "FINISHED") {
    const std::string cause = result.failure_text.empty() ? "" : ": " + root_cause_message(result.failure_text);
    throw CliError(ErrorClass::operation_failed,
                   "Job " + job.str() + (state == "CANCELED" ? " was cancelled" : " failed") + cause,
                   cause_chain(result.failure_text));
  }
  Console& console = context.console();
  console.out("Program execution finished");
  console.out("Job with JobID " + job.str() + " has finished.");
  console.out("Job Runtime: " + std::to_string(result.duration_ms) + " ms");
  console.out("");
  return 0;
}

}  // namespace

std::vector<OptionSpec> run_options() {
  return {
      {"c", "class", Arity::required, "classname",
       "Class with the program entry point (\"main()\" method). Only needed if the JAR file does "
       "not specify the class in its manifest."},
      {"C", "classpath", Arity::required, "url", "Not supported by this client (needs a JVM)."},
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
      {"py", "python", Arity::required, "pythonFile", "Not supported by this client."},
      {"pyarch", "pyArchives", Arity::required, "arg", "Not supported by this client."},
      {"pyclientexec", "pyClientExecutable", Arity::required, "arg", "Not supported by this client."},
      {"pyexec", "pyExecutable", Arity::required, "arg", "Not supported by this client."},
      {"pyfs", "pyFiles", Arity::required, "pythonFiles", "Not supported by this client."},
      {"pym", "pyModule", Arity::required, "pythonModule", "Not supported by this client."},
      {"pypath", "pyPythonPath", Arity::required, "arg", "Not supported by this client."},
      {"pyreq", "pyRequirements", Arity::required, "arg", "Not supported by this client."},
      {"rm", "restoreMode", Arity::required, "arg",
       "This option is deprecated, please use 'claimMode' instead."},
      {"s", "fromSavepoint", Arity::required, "savepointPath",
       "Path to a savepoint to restore the job from (for example hdfs:///flink/savepoint-1537)."},
      {"sae", "shutdownOnAttachedExit", Arity::none, "",
       "If the job is submitted in attached mode, cancel the job when the CLI is interrupted "
       "(Ctrl + C)."},
      {"", "keepJar", Arity::none, "",
       "Keep the uploaded jar on the JobManager after the run (this client's extension); a later "
       "run of the identical jar then skips the upload."},
  };
}

int run_run(CommandContext& context) {
  const ParsedArgs& args = context.args();
  for (const char* option : k_jvm_only_options) {
    if (args.has(option)) {
      throw CliError(ErrorClass::unsupported,
                     "Option -" + std::string(option) + " is not supported by this client: it "
                     "needs a JVM or Python on the client. Use the Java bin/flink for it.");
    }
  }
  if (args.positionals().empty()) throw CliError::usage("Java program should be specified a JAR file.");
  const std::string jar_path = args.positionals().front();
  const bool detached = args.has("d");
  if (detached && args.has("sae")) {
    throw CliError::usage("The -sae/--shutdownOnAttachedExit option cannot be used with -d/--detached.");
  }
  const JarRunRequest request = build_request(args);
  const std::string jar_content = read_jar(jar_path);  // a bad jar fails before any network call

  JobManagerApi& api = context.api();
  const std::string failure = "Could not submit the job from " + jar_path;
  const auto [jar_id, uploaded] = with_error_context(failure, [&] {
    try {
      return provide_jar(api, jar_path, jar_content);
    } catch (const CliError& error) {
      if (error.error_class() != ErrorClass::not_found) throw;
      throw CliError(ErrorClass::operation_failed,
                     "the JobManager does not accept jar submissions (/jars answered 404; is "
                     "web.submit.enable false?)");
    }
  });
  const bool keep = args.has("keepJar");
  // The job's code is in the BlobServer after the run call, so the uploaded file is no longer
  // needed, whether the run worked or not. A failed clean-up must not hide the run's outcome.
  auto delete_uploaded = [&] {
    if (!uploaded || keep) return;
    try {
      api.delete_jar(jar_id);
    } catch (const CliError& error) {
      spdlog::warn("could not delete uploaded jar {}: {}", jar_id, error.what());
    }
  };
  std::optional<JobId> job;
  try {
    job = api.run_jar(jar_id, request);
  } catch (const CliError& error) {
    delete_uploaded();
    throw restore_error(error, request.savepoint_path.value_or("")).with_context(failure);
  }
  delete_uploaded();
  context.console().out("Job has been submitted with JobID " + job->str());
  if (detached) return 0;
  // Attached, the client waits as long as the job runs; each poll keeps its own client.timeout.
  api.set_deadline(std::nullopt);
  return wait_for_job(context, *job, args.has("sae"));
}

}  // namespace flinkcli
