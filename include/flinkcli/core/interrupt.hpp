#pragma once
// Ctrl-C as a flag an action polls, injected so that interrupted waits are unit-tested. Watching
// is scoped: the previous SIGINT disposition comes back on every path out of the scope.
namespace flinkcli {

class Interrupt {
 public:
  virtual ~Interrupt() = default;
  virtual void start_watching() = 0;  // Ctrl-C sets the flag instead of ending the process
  virtual void stop_watching() = 0;   // the previous SIGINT handling is back
  virtual bool requested() const = 0;
};

// The process's SIGINT.
class SigintInterrupt final : public Interrupt {
 public:
  void start_watching() override;
  void stop_watching() override;
  bool requested() const override;
};

class InterruptWatch {
 public:
  explicit InterruptWatch(Interrupt& interrupt) : m_interrupt(interrupt) { m_interrupt.start_watching(); }
  ~InterruptWatch() { m_interrupt.stop_watching(); }
  InterruptWatch(const InterruptWatch&) = delete;
  InterruptWatch& operator=(const InterruptWatch&) = delete;

 private:
  Interrupt& m_interrupt;
};

}  // namespace flinkcli
