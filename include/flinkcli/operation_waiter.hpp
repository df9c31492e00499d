#pragma once
// The one trigger-and-poll loop behind savepoint, stop, cancel -s and dispose.
#include <chrono>
#include <functional>
#include <string>

#include "flinkcli/jobmanager_api.hpp"

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

struct WaitPolicy {
  std::chrono::milliseconds timeout{60000};
  std::chrono::milliseconds first_delay{10};
  std::chrono::milliseconds max_delay{100};  // keeps completion latency under ~100 ms
};

// Polls `poll` until the operation completes and returns its status. A completion with a
// failure-cause throws (class from the cause); running past the timeout throws a timeout error
// that names `trigger_id` so the operation can be followed.
OperationStatus wait_for_operation(const std::function<OperationStatus()>& poll,
                                   const std::string& trigger_id, const WaitPolicy& policy,
                                   Clock& clock);

}  // namespace flinkcli
