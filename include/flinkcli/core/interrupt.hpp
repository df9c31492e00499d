#pragma once
// Ctrl-C (SIGINT), SIGTERM and SIGHUP as a flag an action polls, injected so that interrupted
// waits are unit-tested. Watching is scoped: the previous dispositions come back on every path
// out of the scope.
#include <functional>
#include <stdexcept>
#include <string>

namespace flinkcli {

// What the process prints if a second signal ends it while the action is blocked (in a request
// that has not answered yet): the stderr line and, in JSON mode, the document for stdout.
struct LastWords {
  std::string stderr_line;
  std::string stdout_text;  // "" outside JSON mode
};

class Interrupt {
 public:
  virtual ~Interrupt() = default;
  // SIGINT, SIGTERM and SIGHUP set the flag instead of ending the process.
  virtual void start_watching() = 0;
  virtual void stop_watching() = 0;  // the previous handling is back
  virtual bool requested() const = 0;
  // The signal that arrived first (SIGINT, SIGTERM, SIGHUP); 0 while none has.
  virtual int signal_number() const = 0;
  // Arms (or, with null, disarms) the second signal: it ends the process at once, after writing
  // what `words(first_signal)` returned when armed. Armed once an operation may be running on the
  // JobManager, so even a wait stuck in a request reports the operation's trigger id.
  virtual void set_last_words(const std::function<LastWords(int signal_number)>& words) { (void)words; }
};

// The process's SIGINT, SIGTERM and SIGHUP.
class SignalInterrupt final : public Interrupt {
 public:
  void start_watching() override;
  void stop_watching() override;
  bool requested() const override;
  int signal_number() const override;
  void set_last_words(const std::function<LastWords(int signal_number)>& words) override;
};

// "SIGINT", "SIGTERM", "SIGHUP", else "signal <n>".
std::string signal_name(int signal_number);

// Thrown when an action stops because of a signal; run_cli prints `what()` on stderr (in JSON
// mode, the document with status "interrupted") and exits 128 + the signal.
class Interrupted : public std::runtime_error {
 public:
  Interrupted(int signal_number, const std::string& message)
      : std::runtime_error(message), m_signal(signal_number) {}
  int signal_number() const { return m_signal; }

 private:
  int m_signal;
};

class InterruptWatch {
 public:
  explicit InterruptWatch(Interrupt& interrupt) : m_interrupt(interrupt) { m_interrupt.start_watching(); }
  ~InterruptWatch() {
    m_interrupt.set_last_words(nullptr);
    m_interrupt.stop_watching();
  }
  InterruptWatch(const InterruptWatch&) = delete;
  InterruptWatch& operator=(const InterruptWatch&) = delete;

 private:
  Interrupt& m_interrupt;
};

}  // namespace flinkcli
