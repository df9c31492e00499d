#include "flinkcli/cli.hpp"

#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "core/logging.hpp"
#include "flinkcli/error.hpp"

namespace flinkcli {

namespace {

// Actions of the Java client that need a JVM on the client side.
constexpr const char* k_unsupported_actions[] = {"info", "run-application", "checkpoint"};

void print_lines(Console& console, const std::string& text, bool to_stdout = true) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) to_stdout ? console.out(line) : console.err(line);
}

int print_unknown_action(Console& console, const std::string& action) {
  std::string valid;
  const auto& table = command_table();
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (i > 0) valid += i + 1 == table.size() ? ", or " : ", ";
    valid += "\"" + table[i].name + "\"";
  }
  console.out("\"" + action + "\" is not a valid action.");
  console.out("");
  console.out("Valid actions are " + valid + ".");
  console.out("");
  console.out("Specify the version option (-v or --version) to print Flink version.");
  console.out("");
  console.out("Specify the help option (-h or --help) to get help on the command.");
  return 1;
}

int report(Console& console, const CliError& error, bool verbose) {
  if (error.error_class() == ErrorClass::usage) {
    // Flink's handleArgException: message, empty line, hint, all on stdout.
    console.out(error.what());
    console.out("");
    console.out("Use the help option (-h or --help) to get help on the command.");
    return error.exit_code();
  }
  console.err(error.what());
  if (verbose && !error.detail().empty()) print_lines(console, error.detail(), false);
  return error.exit_code();
}

}  // namespace

int run_cli(const std::vector<std::string>& args, Console& console, const Environment& env,
            const ApiFactory& api_factory, Clock& clock) {
  if (args.empty()) {
    print_lines(console, help_text());
    console.out("");
    console.out("");
    console.out("Please specify an action.");
    return 1;
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
  for (const char* unsupported : k_unsupported_actions) {
    if (action == unsupported) {
      console.err("The \"" + action + "\" action is not supported by this client: it needs a JVM "
                  "on the client. Use the Java bin/flink for it.");
      return exit_code_for(ErrorClass::unsupported);
    }
  }
  const CommandSpec* spec = find_command(action);
  if (!spec) return print_unknown_action(console, action);

  bool verbose = false;
  try {
    std::vector<OptionSpec> options = spec->options;
    options.insert(options.end(), general_options().begin(), general_options().end());
    ParsedArgs parsed = parse_options(options, {args.begin() + 1, args.end()},
                                      spec->stop_at_non_option);
    verbose = parsed.has("v");
    setup_logging(verbose);
    if (parsed.has("h")) {
      print_lines(console, command_help_text(*spec));
      return 0;
    }
    CommandContext context(std::move(parsed), console, env, api_factory, clock);
    return spec->run(context);
  } catch (const CliError& error) {
    return report(console, error, verbose);
  } catch (const std::exception& error) {
    return report(console, CliError(ErrorClass::operation_failed, error.what()), verbose);
  }
}

int run_cli_main(int argc, char** argv) {
  StdConsole console;
  SystemClock clock;
  setup_logging(false);
  Environment env;
  env.getenv = [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    return value ? std::optional<std::string>(value) : std::nullopt;
  };
  char self[4096];
  const ssize_t length = readlink("/proc/self/exe", self, sizeof(self) - 1);
  env.executable = length > 0 ? std::string(self, static_cast<std::size_t>(length)) : argv[0];
  return run_cli({argv + 1, argv + argc}, console, env, make_http_jobmanager_api, clock);
}

}  // namespace flinkcli
