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
  auto stop_if_interrupted = [&] {
    if (policy.interrupt && policy.interrupt->requested()) {
      const int signal_number = policy.interrupt->signal_number();
      throw Interrupted(signal_number, policy.interrupted_message ? policy.interrupted_message(signal_number)
                                                                 : "Interrupted by " + signal_name(signal_number) + "; " + hint);
    }
  };
  while (true) {
    OperationStatus status;
    try {
      status = poll();
    } catch (const CliError& error) {
      // An unknown trigger id cannot be followed: the message already names it.
      if (error.error_class() == ErrorClass::not_found) throw;
      const ErrorClass error_class =
          error.error_class() == ErrorClass::unreachable ? ErrorClass::outcome_unknown : error.error_class();
      const std::string context = policy.poll_failure_context.empty() ? "" : policy.poll_failure_context + ": ";
      throw CliError(error_class, context + error.what() + "; " + hint, error.detail());
    }
    if (status.completed) {
      if (status.failure) throw *status.failure;
      return status;
    }
    stop_if_interrupted();
    const auto remaining = remaining_until(policy.deadline, clock);
    if (remaining.count() == 0) {
      const std::string subject = policy.subject.empty() ? "" : policy.subject + " is ";
      throw CliError(ErrorClass::timeout, subject + "still in progress after " + policy.budget + "; " + hint);
    }
    // Back off, but never past the deadline and never beyond the cap: completion is noticed
    // within max_delay of the JobManager finishing.
    clock.sleep_for(std::min(delay, remaining));
    stop_if_interrupted();
    delay = std::min(delay * 2, policy.max_delay);
  }
}

}  // namespace flinkcli
