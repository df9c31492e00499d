#pragma once
// The whole client as a function: argv in, exit code out. main() only calls this.
#include <string>
#include <vector>

#include "flinkcli/command.hpp"

namespace flinkcli {

// Runs one invocation. `args` excludes the program name. The only place that turns a CliError
// into output and an exit code.
int run_cli(const std::vector<std::string>& args, Console& console, const Environment& env,
            const ApiFactory& api_factory, Clock& clock);

// The process's real environment, console, HTTP client and clock.
int run_cli_main(int argc, char** argv);

std::string help_text();                                  // flink -h
std::string command_help_text(const CommandSpec& spec);   // flink <action> -h

}  // namespace flinkcli
