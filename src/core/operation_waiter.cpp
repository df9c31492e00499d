#include "flinkcli/operation_waiter.hpp"

#include <algorithm>
#include <thread>

#include "flinkcli/configuration.hpp"
#include "flinkcli/error.hpp"
#include "flinkcli/flink_error_text.hpp"

namespace flinkcli {

void SystemClock::sleep_for(std::chrono::milliseconds duration) {
  std::this_thread::sleep_for(duration);
}

OperationStatus wait_for_operation(const std::function<OperationStatus()>& poll,
                                   const std::string& trigger_id, const WaitPolicy& policy,
                                   Clock& clock) {
  const auto deadline = clock.now() + policy.timeout;
  auto delay = policy.first_delay;
  while (true) {
    OperationStatus status = poll();
    if (status.completed) {
      if (status.failure_class) {
        throw CliError(classify_java_failure(status.failure_text),
                       root_cause_message(status.failure_text), cause_chain(status.failure_text));
      }
      return status;
    }
    const auto now = clock.now();
    if (now >= deadline) {
      throw CliError(ErrorClass::timeout,
                     "still in progress after " + format_duration(policy.timeout) +
                         " (client.timeout); trigger id " + trigger_id +
                         " (the operation may still complete on the cluster)");
    }
    // Back off, but never past the deadline and never beyond the cap: completion is noticed
    // within max_delay of the JobManager finishing.
    auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    clock.sleep_for(std::max(std::chrono::milliseconds(1), std::min(delay, remaining)));
    delay = std::min(delay * 2, policy.max_delay);
  }
}

}  // namespace flinkcli
