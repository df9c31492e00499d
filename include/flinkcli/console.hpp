#pragma once
// The output layer: every line a user or script sees goes through a Console, so tests can
// capture it and stdout never mixes with logs.
#include <string>
#include <string_view>
#include <vector>

namespace flinkcli {

class Console {
 public:
  virtual ~Console() = default;
  virtual void out(std::string_view line) = 0;  // stdout, one line
  virtual void err(std::string_view line) = 0;  // stderr, one line
};

class StdConsole final : public Console {
 public:
  void out(std::string_view line) override;
  void err(std::string_view line) override;
};

// Records lines for tests.
class CapturingConsole final : public Console {
 public:
  void out(std::string_view line) override { stdout_lines.emplace_back(line); }
  void err(std::string_view line) override { stderr_lines.emplace_back(line); }
  std::string stdout_text() const;
  std::string stderr_text() const;

  std::vector<std::string> stdout_lines;
  std::vector<std::string> stderr_lines;
};

}  // namespace flinkcli
