#pragma once
// A live one-line progress display on stderr while an action waits ("12.3 s  savepoint in
// progress"), redrawn in place with "\r" and erased when the wait ends. Only where a person
// watches: the caller enables it for a terminal in text mode, so pipes and CI logs never see it.
#include <chrono>
#include <string>
#include <string_view>

#include "flinkcli/core/clock.hpp"
#include "flinkcli/core/console.hpp"

namespace flinkcli {

class ProgressLine {
 public:
  ProgressLine(Console& console, Clock& clock, bool enabled);
  ~ProgressLine();  // erases the line if anything was shown
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // Redraws the line: the time since the wait began, then `state`.
  void show(std::string_view state);

 private:
  Console& m_console;
  Clock& m_clock;
  bool m_enabled;
  std::chrono::steady_clock::time_point m_started;
  std::size_t m_width = 0;  // of the last line drawn, to erase it
};

}  // namespace flinkcli
