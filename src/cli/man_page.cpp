// The man page flink(1), in scdoc syntax, from the same tables as the help: the actions this
// client runs with their options (Flink's, then this client's own), the general options and the
// exit codes. The build turns it into roff with scdoc(1) (cmake/install.cmake).
#include <algorithm>
#include <sstream>

#include "flinkcli/cli/reference.hpp"
#include "flinkcli/commands/command.hpp"
#include "flinkcli/core/error.hpp"
#include "flinkcli/core/text.hpp"

namespace flinkcli {

namespace {

// scdoc's inline markup (*bold*, _underline_) and its escape character, made literal.
std::string escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\' || c == '*' || c == '_') out += '\\';
    out += c;
  }
  return out;
}

std::string option_label(const OptionSpec& spec) {
  std::string label;
  if (!spec.short_name.empty()) label = "*-" + escaped(spec.short_name) + "*";
  if (!spec.long_name.empty()) label += (label.empty() ? "*--" : ", *--") + escaped(spec.long_name) + "*";
  std::string arg = "_";  // appended, not "_" + ...: g++ 12 warns wrongly (-Wrestrict) on that
  arg += escaped(spec.arg_name.empty() ? "value" : spec.arg_name);
  arg += "_";
  if (spec.arity == Arity::required) label += " " + arg;
  if (spec.arity == Arity::many) label += " " + arg + "...";
  if (spec.arity == Arity::optional) label += " [" + arg + "]";
  return label;
}

void append_options(std::ostringstream& out, std::vector<OptionSpec> options) {
  std::erase_if(options, [](const OptionSpec& spec) { return spec.hidden; });
  std::sort(options.begin(), options.end(),
            [](const OptionSpec& a, const OptionSpec& b) { return a.key() < b.key(); });
  for (const auto& spec : options) {
    out << option_label(spec) << "\n\t" << escaped(spec.description) << "\n\n";
  }
}

std::string capitalized(std::string text) {
  if (!text.empty() && text.front() >= 'a' && text.front() <= 'z') text.front() = static_cast<char>(text.front() - 'a' + 'A');
  return text;
}

}  // namespace

std::string man_page_scdoc() {
  std::ostringstream out;
  out << "flink(1) \"flinkcli " << FLINKCLI_VERSION << "\" \"Apache Flink native client\"\n\n";
  out << "# NAME\n\nflink - native client for the savepoint lifecycle of Apache Flink jobs, a drop-in for "
         "Flink's bin/flink\n\n";

  out << "# SYNOPSIS\n\n*flink* _action_ [_options_] [_arguments_]\n\n";
  for (const auto& spec : command_table()) {
    if (spec.run) out << "*flink " << escaped(spec.name) << "* " << escaped(spec.syntax.substr(spec.name.size() + 1)) << "\n\n";
  }
  out << "*flink* *-h*|*--help*\n\n*flink* *-v*|*--version*\n\n*flink* *" << k_completion_flag
      << "* *bash*|*zsh*|*fish*\n\n";

  out << "# DESCRIPTION\n\n"
         "*flink* is a native (C++) replacement for the Java command-line client of Apache Flink 1.20 "
         "and 2.x, for what operators and deployment pipelines do with savepoints: trigger and dispose "
         "of savepoints, trigger checkpoints, stop or cancel a job with a savepoint, run a jar restoring "
         "a savepoint, and list jobs, against a session cluster through its JobManager's REST API. It starts in "
         "milliseconds without a JVM, takes Flink's options with Apache commons-cli's rules "
         "(single-dash long options such as *-type* and *-detached*, optional values that take the "
         "next word), prints the lines Flink prints, reads Flink's configuration files, and exits with "
         "a code per failure class (see *EXIT STATUS*).\n\n"
         "Options and arguments may be mixed in any order, except that everything after the jar file "
         "of *run* goes to the program. Results go to standard output in Flink's wording; errors are "
         "one line on standard error (argument errors on standard output, as Flink prints them).\n\n"
         "The actions *run-application* and *info* of Flink's client, and Python programs (*run -py*), "
         "need a JVM on the client and are not supported (exit 8).\n\n";

  out << "# ACTIONS\n\n";
  for (const auto& spec : command_table()) {
    if (!spec.run) continue;
    out << "## " << escaped(spec.name) << "\n\n" << escaped(capitalized(spec.summary)) << "\n\n";
    out << "Syntax: *flink " << escaped(spec.syntax) << "*\n\n";
    std::vector<OptionSpec> flink_options;
    std::vector<OptionSpec> extensions;
    for (const auto& option : spec.options) (option.extension ? extensions : flink_options).push_back(option);
    append_options(out, flink_options);
    if (std::any_of(extensions.begin(), extensions.end(), [](const OptionSpec& o) { return !o.hidden; })) {
      out << "Options of this client (not in Flink's):\n\n";
      append_options(out, extensions);
    }
  }

  out << "# GENERAL OPTIONS\n\nEvery action takes these.\n\n";
  append_options(out, general_option_specs());

  out << "# EXIT STATUS\n\n"
         "Flink's Java client exits 1 on every failure; this client keeps 0 for success and 1 for "
         "argument errors and gives every other failure class its own code.\n\n";
  for (const auto& doc : exit_code_docs()) {
    out << "*" << doc.code << "*\n\t" << escaped(capitalized(doc.summary)) << ".\n\n";
  }

  out << "# ENVIRONMENT\n\n"
         "*FLINK_CONF_DIR*\n\tThe configuration directory, holding _config.yaml_ (or the legacy "
         "_flink-conf.yaml_). Without it, the _conf_ directory beside the binary's directory "
         "(_<dir of flink>/../conf_, symlinks resolved) is read; with no file there, the defaults apply "
         "(localhost:8081), so *-m* alone works.\n\n"
         "*FLINK\\_REST\\_CLIENT\\_HEADERS*\n\tExtra HTTP headers for every REST call, newline-separated "
         "_Name:Value_ lines, as Flink's client reads them.\n\n"
         "*FLINKCLI\\_COMPLETION\\_TIMEOUT\\_MS*\n\tHow long the shell completion waits for the "
         "JobManager's list of jobs, in milliseconds (default 1000; 0 turns the lookup off).\n\n";

  out << "# FILES\n\n"
         "_<conf dir>/config.yaml_, _<conf dir>/flink-conf.yaml_\n\tFlink's configuration: "
         "*rest.address*, *rest.port*, *rest.path*, *client.timeout*, the REST TLS keys and the default "
         "savepoint directory (*execution.checkpointing.savepoint-dir*) are read; *-m* and *-D* "
         "override them.\n\n";

  out << "# SHELL COMPLETION\n\n"
         "*flink " << k_completion_flag << "* _shell_ prints the completion script for *bash*, *zsh* or "
         "*fish*, generated from the same tables as this page. Installed packages put them where the "
         "shells find them (_share/bash-completion/completions/flink_, "
         "_share/zsh/vendor-completions/\\_flink_, _share/fish/vendor\\_completions.d/flink.fish_); "
         "otherwise, e.g. in _~/.bashrc_:\n\n"
         "```\nsource <(flink " << k_completion_flag << " bash)\n```\n\n"
         "Actions, options and their values complete offline. Job ids are asked of the JobManager "
         "(*flink list*, with the *-m* and *-D* options already on the command line) and offered only "
         "when it answers within *FLINKCLI\\_COMPLETION\\_TIMEOUT\\_MS*.\n\n";

  out << "# EXAMPLES\n\n"
         "Take a savepoint into a directory (the last line names it):\n\n"
         "```\nflink savepoint a48f8e8b712ac1616c58c37184d4a569 file:///data/savepoints\n```\n\n"
         "Stop a job with a savepoint, then restore it from a new jar:\n\n"
         "```\nflink stop -p file:///data/savepoints a48f8e8b712ac1616c58c37184d4a569\n"
         "flink run -d -s file:///data/savepoints/savepoint-a48f8e-f8b2e237b6f8 job.jar\n```\n\n"
         "Use another JobManager and a longer timeout:\n\n"
         "```\nflink list -m https://jobmanager:8081 -D client.timeout=2min\n```\n\n";

  out << "# SEE ALSO\n\n"
         "Flink's command-line interface: "
         "https://nightlies.apache.org/flink/flink-docs-stable/docs/deployment/cli/\n\n"
         "The client's documentation, installed in _share/doc/flinkcli/_: usage.md, one page per action "
         "in _actions/_, configuration.md, exit-codes.md, compatibility.md, json-output.md and the JSON "
         "schemas in _schemas/_.\n";
  return out.str();
}

std::string generated_reference(const std::vector<std::string>& args) {
  if (!args.empty() && args.front() == k_man_flag) {
    if (args.size() > 1) throw CliError::usage("Unexpected argument after " + std::string(k_man_flag) + ": " + one_line(args[1], 100));
    return man_page_scdoc();
  }
  if (args.size() < 2) {
    throw CliError::usage(std::string("Missing argument for ") + k_completion_flag + ": the shell (bash, zsh or fish).");
  }
  if (args.size() > 2) {
    throw CliError::usage("Unexpected argument after " + std::string(k_completion_flag) + " " + one_line(args[1], 100) +
                          ": " + one_line(args[2], 100));
  }
  return completion_script(args[1]);
}

}  // namespace flinkcli
