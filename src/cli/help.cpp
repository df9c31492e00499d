// Help text in the layout of Flink's commons-cli HelpFormatter: 5 spaces, option column, 3 spaces,
// description wrapped at 80 columns.
#include <algorithm>
#include <sstream>

#include "flinkcli/cli/cli.hpp"
#include "flinkcli/cli/reference.hpp"
#include "flinkcli/core/error.hpp"

namespace flinkcli {

namespace {

constexpr std::size_t k_width = 80;
constexpr std::size_t k_left_pad = 5;
constexpr std::size_t k_desc_pad = 3;

std::string option_label(const OptionSpec& spec) {
  std::string label;
  if (!spec.short_name.empty()) label = "-" + spec.short_name;
  if (!spec.long_name.empty()) label += (label.empty() ? "--" : ",--") + spec.long_name;
  if (spec.arity == Arity::required || spec.arity == Arity::many) label += " <" + spec.arg_name + ">";
  if (spec.arity == Arity::optional) label += " [<" + spec.arg_name + ">]";
  return label;
}

std::vector<std::string> wrap(const std::string& text, std::size_t width) {
  std::vector<std::string> lines;
  std::istringstream words(text);
  std::string word;
  std::string line;
  while (words >> word) {
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      lines.push_back(line);
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

void append_options(std::ostringstream& out, std::vector<OptionSpec> options) {
  std::erase_if(options, [](const OptionSpec& spec) { return spec.hidden; });
  std::sort(options.begin(), options.end(), [](const OptionSpec& a, const OptionSpec& b) {
    return a.key() < b.key();
  });
  std::size_t column = 0;
  for (const auto& spec : options) column = std::max(column, option_label(spec).size());
  const std::size_t desc_start = k_left_pad + column + k_desc_pad;
  for (const auto& spec : options) {
    const std::string label = option_label(spec);
    auto lines = wrap(spec.description, desc_start < k_width ? k_width - desc_start : 20);
    if (lines.empty()) lines.emplace_back();
    out << std::string(k_left_pad, ' ') << label << std::string(desc_start - k_left_pad - label.size(), ' ')
        << lines.front() << '\n';
    for (std::size_t i = 1; i < lines.size(); ++i) {
      out << std::string(desc_start, ' ') << lines[i] << '\n';
    }
  }
}

}  // namespace

std::string command_help_text(const CommandSpec& spec) {
  std::ostringstream out;
  out << "\nAction \"" << spec.name << "\" " << spec.summary << "\n\n";
  out << "  Syntax: " << spec.syntax << "\n";
  // Flink's options in Flink's layout; ours apart, so their width does not shift Flink's columns.
  std::vector<OptionSpec> flink_options;
  std::vector<OptionSpec> extensions;
  // (An action of this client's own, such as follow, lists all its options as the action's.)
  for (const auto& option : spec.options) {
    (option.extension && !spec.extension ? extensions : flink_options).push_back(option);
  }
  out << "  \"" << spec.name << "\" action options:\n";
  append_options(out, flink_options);
  if (!extensions.empty()) {
    out << "  Options of this client (not in Flink's):\n";
    append_options(out, extensions);
  }
  out << "  General options:\n";
  append_options(out, general_option_specs());
  return out.str();
}

std::string help_text() {
  std::ostringstream out;
  out << "./flink <ACTION> [OPTIONS] [ARGUMENTS]\n\nThe following actions are available:\n";
  std::string jvm_bound;
  for (const auto& spec : command_table()) {
    if (spec.run) {
      out << command_help_text(spec);
    } else {
      jvm_bound += (jvm_bound.empty() ? "\"" : "\", \"") + spec.name;
    }
  }
  // Java's actions that run a program or Python on the client: not in this client.
  out << "\nNeed a JVM on the client (use the Java bin/flink): " << jvm_bound << "\", and run -py (Python).\n";
  // Generated from exit_code_docs(), as the man page's EXIT STATUS is.
  std::string codes = "Exit codes:";
  const auto& docs = exit_code_docs();
  for (std::size_t i = 0; i < docs.size(); ++i) {
    codes.append(" ").append(std::to_string(docs[i].code)).append(" ").append(docs[i].summary);
    codes += i + 1 < docs.size() ? "," : ".";
  }
  out << "\n";
  for (const auto& line : wrap(codes, k_width)) out << line << "\n";
  out << "See docs/exit-codes.md and man flink.\nShell completion: flink " << k_completion_flag
      << " bash|zsh|fish.\n";
  return out.str();
}

namespace {

// A few words per failure class. A switch without default: a new class without words here is a
// compiler warning (-Wswitch), so the help and the man page cannot forget it.
const char* exit_summary(ErrorClass error_class) {
  switch (error_class) {
    case ErrorClass::usage: return "usage error";
    case ErrorClass::config: return "configuration error";
    case ErrorClass::unreachable: return "JobManager unreachable";
    case ErrorClass::not_found: return "job/savepoint/jar not found";
    case ErrorClass::operation_failed: return "operation failed on the cluster";
    case ErrorClass::timeout: return "timed out (the operation may still be running)";
    case ErrorClass::restore_mismatch: return "restore would drop state (see -n)";
    case ErrorClass::unsupported: return "not supported by this client";
    case ErrorClass::protocol: return "not a Flink REST answer";
    case ErrorClass::tls: return "TLS handshake failed";
    case ErrorClass::ambiguous: return "job name matches several jobs";
    case ErrorClass::no_leader: return "no leading JobManager found (HA)";
    case ErrorClass::restore_not_verified: return "restore not verified (run --verify-restore)";
    case ErrorClass::bad_savepoint: return "unreadable savepoint metadata";
    case ErrorClass::outcome_unknown: return "outcome unknown: the answer was lost after the request was sent";
    case ErrorClass::storage_access: return "object storage refused access (credentials, signature, permissions)";
    case ErrorClass::output: return "stdout could not be written";
  }
  return "failure";
}

}  // namespace

const std::vector<ExitCodeDoc>& exit_code_docs() {
  static const std::vector<ExitCodeDoc> docs = [] {
    std::vector<ExitCodeDoc> list = {{0, "success"},
                                     {interrupted_exit_code(1), "interrupted by SIGHUP"},
                                     {interrupted_exit_code(2), "interrupted (Ctrl-C, SIGINT)"},
                                     {interrupted_exit_code(15), "interrupted by SIGTERM"}};
    // Every class up to `output`, which error.hpp keeps last; the numbers from exit_code_for().
    for (int i = 0; i <= static_cast<int>(ErrorClass::output); ++i) {
      const auto error_class = static_cast<ErrorClass>(i);
      list.push_back({exit_code_for(error_class), exit_summary(error_class)});
    }
    std::stable_sort(list.begin(), list.end(),
                     [](const ExitCodeDoc& a, const ExitCodeDoc& b) { return a.code < b.code; });
    return list;
  }();
  return docs;
}

}  // namespace flinkcli
