#include "flinkcli/core/clock.hpp"

#include <algorithm>
#include <thread>

namespace flinkcli {

void SystemClock::sleep_for(std::chrono::milliseconds duration) {
  std::this_thread::sleep_for(duration);
}

std::chrono::milliseconds remaining_until(std::chrono::steady_clock::time_point deadline,
                                          Clock& clock) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock.now());
  return std::max(left, std::chrono::milliseconds(0));
}

}  // namespace flinkcli
