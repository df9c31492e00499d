#include "flinkcli/core/operation_waiter.hpp"

#include <algorithm>

namespace flinkcli {

OperationStatus wait_for_operation(const std::function<OperationStatus()>& poll,
                                   const std::string& trigger_id, const WaitPolicy& policy,
                                   Clock& clock) {
  const std::string hint = policy.follow_hint.empty()
                               ? "trigger id " + trigger_id + " (the operation may still complete on the cluster)"
                               : policy.follow_hint;
  auto delay = policy.first_delay;
  while (true) {
    OperationStatus status;
    try {
      status = poll();
    } catch (const CliError& error) {
      // An unknown trigger id cannot be followed: the message already names it.
      if (error.error_class() == ErrorClass::not_found) throw;
      throw CliError(error.error_class(), std::string(error.what()) + "; " + hint, error.detail());
    }
    if (status.completed) {
      if (status.failure) throw *status.failure;
      return status;
    }
    const auto remaining = remaining_until(policy.deadline, clock);
    if (remaining.count() == 0) {
      throw CliError(ErrorClass::timeout, "still in progress after " + policy.budget + "; " + hint);
    }
    // Back off, but never past the deadline and never beyond the cap: completion is noticed
    // within max_delay of the JobManager finishing.
    clock.sleep_for(std::min(delay, remaining));
    delay = std::min(delay * 2, policy.max_delay);
  }
}

}  // namespace flinkcli
