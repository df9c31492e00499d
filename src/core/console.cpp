#include "flinkcli/console.hpp"

#include <cstdio>

namespace flinkcli {

namespace {
void write_line(std::FILE* stream, std::string_view line) {
  std::fwrite(line.data(), 1, line.size(), stream);
  std::fputc('\n', stream);
  std::fflush(stream);  // progress lines must appear before a long wait, as Java's do
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) {
    text += line;
    text += '\n';
  }
  return text;
}
}  // namespace

void StdConsole::out(std::string_view line) { write_line(stdout, line); }
void StdConsole::err(std::string_view line) { write_line(stderr, line); }

std::string CapturingConsole::stdout_text() const { return join_lines(stdout_lines); }
std::string CapturingConsole::stderr_text() const { return join_lines(stderr_lines); }

}  // namespace flinkcli
