#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <sstream>

#include "flinkcli/cli/cli.hpp"
#include "flinkcli/cli/reference.hpp"
#include "flinkcli/core/error.hpp"
#include "flinkcli/core/logging.hpp"
#include "flinkcli/core/text.hpp"
#include "flinkcli/rest/http_jobmanager_api.hpp"

namespace flinkcli {

namespace {

void print_lines(Console& console, const std::string& text, bool to_stdout = true) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) to_stdout ? console.out(line) : console.err(line);
}

std::string valid_actions();

// Flink's message, listing every action this client runs (its own, such as "follow", included;
// Java's JVM-bound actions left out: they would only say they need a JVM).
int print_unknown_action(Console& console, const std::string& action) {
  console.out("\"" + action + "\" is not a valid action.");
  console.out("");
  console.out("Valid actions are " + valid_actions() + ".");
  console.out("");
  console.out("Specify the version option (-v or --version) to print Flink version.");
  console.out("");
  console.out("Specify the help option (-h or --help) to get help on the command.");
  return exit_code_for(ErrorClass::usage);
}

// An error outside any action's output mode (text), rendered by the output layer.
int report(Console& console, const CliError& error, bool verbose) {
  return print_error(console, error, OutputMode::text, verbose);
}

std::string valid_actions() {
  std::vector<std::string> names;
  for (const auto& spec : command_table()) {
    if (spec.run) names.push_back("\"" + spec.name + "\"");
  }
  std::string valid;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) valid += i + 1 == names.size() ? ", or " : ", ";
    valid += names[i];
  }
  return valid;
}

// Flink's REST API speaks UTF-8 only; a stray byte would otherwise fail deep in the JSON layer.
void require_utf8_arguments(const std::vector<std::string>& args) {
  for (const auto& arg : args) {
    if (!is_valid_utf8(arg)) {
      throw CliError::usage("The argument '" + one_line(arg, 200) +
                            "' is not valid UTF-8 text, which Flink's REST API requires.");
    }
  }
}

int run_action(const std::vector<std::string>& args, Runtime& runtime) {
  Console& console = runtime.console;
  setup_logging(false, console);
  if (args.empty()) {
    print_lines(console, help_text());
    console.out("");
    console.out("");
    console.out("Please specify an action.");
    return exit_code_for(ErrorClass::usage);
  }
  const std::string& action = args.front();
  if (action == "-h" || action == "--help") {
    print_lines(console, help_text());
    return 0;
  }
  if (action == "-v" || action == "--version") {
    console.out(std::string("Version: ") + FLINKCLI_VERSION +
                " (flinkcli, native client for the Flink 1.20 and 2.x REST API)");
    return 0;
  }
  if (action == k_completion_flag || action == k_man_flag) {  // ours; no Flink action starts with --
    try {
      print_lines(console, generated_reference(args));
      return 0;
    } catch (const CliError& error) {
      return report(console, error, false);
    }
  }
  // Until the action's options are parsed, errors are rendered in the mode a plain scan of the
  // arguments finds (so with -o json, argument errors are JSON too); then in the parsed mode.
  const CommandSpec* spec = find_command(action);
  std::vector<OptionSpec> options;
  if (spec) {
    options = spec->options;
    options.insert(options.end(), general_option_specs().begin(), general_option_specs().end());
  }
  Report report(console, runtime.clock, runtime.wall_clock(), scan_output_mode({args.begin() + 1, args.end()}, options));
  if (!spec) {
    if (report.mode() == OutputMode::text) return print_unknown_action(console, action);
    std::string message = "\"";
    message += one_line(action, 200);
    message += "\" is not a valid action. Valid actions are " + valid_actions() + ".";
    return report.fail(CliError::usage(message));
  }
  if (!spec->run) {  // an error document: there is no schema for Java's JVM-only actions
    return report.fail(CliError(ErrorClass::unsupported,
                                "The \"" + action + "\" action is not supported by this client: it "
                                "needs a JVM on the client. Use the Java bin/flink for it."));
  }
  report.set_document(spec->name);

  try {
    const ParsedArgs parsed = parse_options(options, {args.begin() + 1, args.end()},
                                            spec->stop_at_non_option);
    GeneralOptions general = parse_general_options(parsed);
    report.set_mode(general.output);
    report.set_verbose(general.verbose);
    setup_logging(general.verbose, console);
    if (general.help) {
      print_lines(console, command_help_text(*spec));
      return 0;
    }
    require_utf8_arguments(args);
    CommandContext context(std::move(general), runtime, report);
    const int exit_code = spec->run(context, parsed);
    return exit_code == 0 ? report.succeed() : exit_code;
  } catch (const CliError& error) {
    return report.fail(error);
  } catch (const Interrupted& interrupted) {
    console.err(one_line(interrupted.what(), k_max_error_line));
    return report.interrupted(interrupted.what(), interrupted.signal_number());
  } catch (const std::exception& error) {
    return report.fail(CliError(ErrorClass::operation_failed, std::string("Unexpected error: ") + error.what()));
  }
}

}  // namespace

int run_cli(const std::vector<std::string>& args, Runtime& runtime) {
  const int exit_code = run_action(args, runtime);
  // The action ran to its end whatever happened to stdout; a lost savepoint path must not look
  // like success to a script, but a reader that went away (| head -1) is not a failure.
  if (auto failure = runtime.console.output_failure()) {
    runtime.console.err("Could not write to standard output: " + *failure +
                        ". The action itself completed; its output was lost.");
    if (exit_code == 0) return exit_code_for(ErrorClass::output);
  }
  return exit_code;
}

int run_cli_main(int argc, char** argv) {
  // A closed pipe must not kill the client mid-action: writes fail with EPIPE instead.
  std::signal(SIGPIPE, SIG_IGN);
  FdConsole console;
  SystemClock clock;
  SignalInterrupt interrupt;
  char self[4096];
  const ssize_t length = readlink("/proc/self/exe", self, sizeof(self) - 1);
  Environment environment{
      [](const std::string& name) -> std::optional<std::string> {
        const char* value = std::getenv(name.c_str());
        return value ? std::optional<std::string>(value) : std::nullopt;
      },
      length > 0 ? std::string(self, static_cast<std::size_t>(length)) : argv[0],
  };
  Runtime runtime{console, clock, interrupt, std::move(environment), make_http_jobmanager_api};
  runtime.store_factory = make_snapshot_store;  // local disks and S3 (storage layer)
  runtime.stderr_is_terminal = ::isatty(2) == 1;
  return run_cli({argv + 1, argv + argc}, runtime);
}

}  // namespace flinkcli
