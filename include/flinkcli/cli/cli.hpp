#pragma once
// The whole client as a function: argv in, exit code out. main() only calls run_cli_main.
#include <string>
#include <vector>

#include "flinkcli/commands/command.hpp"

namespace flinkcli {

// Runs one invocation. `args` excludes the program name. The only place that turns a CliError
// into output and an exit code.
int run_cli(const std::vector<std::string>& args, Runtime& runtime);

// The process's real environment, console, HTTP client, clock and SIGINT.
int run_cli_main(int argc, char** argv);

std::string help_text();                                  // flink -h
std::string command_help_text(const CommandSpec& spec);   // flink <action> -h

}  // namespace flinkcli
