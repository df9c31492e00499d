#pragma once
// What is generated from the one table of actions and options (command_table() and
// general_option_specs()) besides the help: the list of exit codes, the shell completion scripts
// (`flink --completion bash|zsh|fish`) and the man page (`flink --man`, scdoc source turned into
// flink.1 by the build). Hidden options stay out of all of them, as they stay out of the help;
// the completion scripts still know them, to read a command line correctly.
//
// Both entry points are first arguments Flink's CliFrontend has no action for (it answers
// '"--completion" is not a valid action.'), so they clash with nothing in Flink's command line.
#include <string>
#include <vector>

namespace flinkcli {

struct ExitCodeDoc {
  int code;
  std::string summary;  // a few words: "JobManager unreachable"
};
// Every exit code the client uses, in ascending order (docs/exit-codes.md explains each).
const std::vector<ExitCodeDoc>& exit_code_docs();

inline constexpr const char* k_completion_flag = "--completion";
inline constexpr const char* k_man_flag = "--man";

// "bash", "zsh", "fish".
const std::vector<std::string>& completion_shells();
// The completion script for `shell`; throws CliError::usage for a shell not in the list.
std::string completion_script(const std::string& shell);

// The man page flink(1) in scdoc syntax: actions, their options, general options, environment,
// files, exit status.
std::string man_page_scdoc();

// What `flink --completion <shell>` and `flink --man` print (`args` as given, the flag first);
// throws CliError::usage for a missing or unknown shell or an extra argument.
std::string generated_reference(const std::vector<std::string>& args);

}  // namespace flinkcli
