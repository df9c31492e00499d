#pragma once
// Time and sleeping, injected so that deadlines, backoff and retries are tested without waiting.
#include <chrono>

namespace flinkcli {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::steady_clock::time_point now() = 0;
  virtual void sleep_for(std::chrono::milliseconds duration) = 0;
};

class SystemClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point now() override { return std::chrono::steady_clock::now(); }
  void sleep_for(std::chrono::milliseconds duration) override;
};

// The time left until `deadline`, in whole milliseconds, never negative.
std::chrono::milliseconds remaining_until(std::chrono::steady_clock::time_point deadline,
                                          Clock& clock);

}  // namespace flinkcli
