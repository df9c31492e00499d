#include "flinkcli/output/progress.hpp"

#include <cstdio>

#include "flinkcli/core/text.hpp"

namespace flinkcli {

ProgressLine::ProgressLine(Console& console, Clock& clock, bool enabled)
    : m_console(console), m_clock(clock), m_enabled(enabled), m_started(clock.now()) {}

ProgressLine::~ProgressLine() {
  if (m_width == 0) return;
  std::string blank(m_width + 2, ' ');  // "\r", spaces over the line, "\r"
  blank.front() = blank.back() = '\r';
  m_console.err_partial(blank);
}

void ProgressLine::show(std::string_view state) {
  if (!m_enabled) return;
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(m_clock.now() - m_started);
  char seconds[32];
  std::snprintf(seconds, sizeof(seconds), "%.1f s", static_cast<double>(elapsed.count()) / 1000.0);
  std::string line = std::string(seconds) + "  " + one_line(state, 70);
  const std::size_t width = line.size();
  if (width < m_width) line += std::string(m_width - width, ' ');  // cover a longer previous line
  m_console.err_partial("\r" + line);
  m_width = std::max(m_width, width);
}

}  // namespace flinkcli
