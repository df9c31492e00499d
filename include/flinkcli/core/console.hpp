#pragma once
// The output layer: every line a user or script sees goes through a Console, so tests can
// capture it and stdout never mixes with logs. Writing never throws and never stops an action:
// a reader that went away is ignored (as the Java client ignores it); any other write failure is
// remembered and reported once the action is done.
#include <optional>
#include <string>
#include <string_view>

namespace flinkcli {

class Console {
 public:
  virtual ~Console() = default;
  virtual void out(std::string_view line) = 0;  // stdout, one line
  // stdout text without a line end: the start of a line too long to hold at once (a JSON
  // document listing millions of files); the next out() ends it.
  virtual void out_partial(std::string_view text) = 0;
  virtual void err(std::string_view line) = 0;  // stderr, one line
  // stderr text without a line end, for a live progress line a terminal redraws ("\r...").
  virtual void err_partial(std::string_view text) { (void)text; }
  // Why stdout lost lines, other than a closed pipe ("No space left on device"); none if it didn't.
  virtual std::optional<std::string> output_failure() const { return std::nullopt; }
};

// Writes whole lines to file descriptors with write(2): no stdio buffer to lose at exit, EPIPE
// seen as an error code (the process ignores SIGPIPE).
class FdConsole final : public Console {
 public:
  FdConsole(int out_fd = 1, int err_fd = 2) : m_out_fd(out_fd), m_err_fd(err_fd) {}
  void out(std::string_view line) override;
  void out_partial(std::string_view text) override;
  void err(std::string_view line) override;
  void err_partial(std::string_view text) override;
  std::optional<std::string> output_failure() const override { return m_out_failure; }

 private:
  int m_out_fd;
  int m_err_fd;
  bool m_out_closed = false;  // the reader went away, or a write failed: stop writing
  std::optional<std::string> m_out_failure;
};

}  // namespace flinkcli
