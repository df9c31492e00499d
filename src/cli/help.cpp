// Help text in the layout of Flink's commons-cli HelpFormatter: 5 spaces, option column, 3 spaces,
// description wrapped at 80 columns.
#include <algorithm>
#include <sstream>

#include "flinkcli/cli/cli.hpp"

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
  for (const auto& option : spec.options) (option.extension ? extensions : flink_options).push_back(option);
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
  for (const auto& spec : command_table()) {
    if (spec.run) out << command_help_text(spec);
  }
  out << "\nExit codes: 0 success, 1 usage error, 2 configuration error, 3 JobManager unreachable,\n"
         "4 job/savepoint/jar not found, 5 operation failed on the cluster, 6 timed out (the\n"
         "operation may still be running), 7 restore would drop state (see -n), 8 not supported\n"
         "by this client, 9 not a Flink REST answer, 13 stdout could not be written, 130 interrupted.\n"
         "See docs/exit-codes.md.\n";
  return out.str();
}

}  // namespace flinkcli
