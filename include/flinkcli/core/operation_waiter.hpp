#pragma once
// The one poll loop behind savepoint, stop, cancel -s and dispose.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "flinkcli/core/clock.hpp"
#include "flinkcli/core/error.hpp"
#include "flinkcli/core/interrupt.hpp"

namespace flinkcli {

// The state of an asynchronous operation (savepoint, stop, disposal) as the waiter sees it.
struct OperationStatus {
  bool completed = false;
  std::optional<std::string> location;  // savepoint path once completed
  std::optional<std::int64_t> checkpoint_id;  // a checkpoint's id once completed
  std::optional<CliError> failure;      // completed, but failed: what to report
};

struct WaitPolicy {
  // The action's one deadline, shared with every request it makes (client.timeout).
  std::chrono::steady_clock::time_point deadline;
  std::string budget;  // how the deadline was set, for the timeout message ("1 s (client.timeout)")
  // Said when the wait ends without completion (timeout, a failed poll): how to follow the
  // operation. Empty: "trigger id <id> (the operation may still complete on the cluster)".
  std::string follow_hint;
  // Checked after every poll and sleep: a signal ends the wait with Interrupted carrying
  // `interrupted_message` (the operation is never cancelled). None: not watched.
  const Interrupt* interrupt = nullptr;
  std::function<std::string(int signal_number)> interrupted_message;
  // Put before a failed poll's error ("Lost track of the savepoint of job ..."); a poll that
  // could not reach the JobManager becomes outcome_unknown: the operation runs, its end is unknown.
  std::string poll_failure_context;
  // What is waited for, starting the timeout's sentence ("The savepoint of job <id>").
  std::string subject;
  std::chrono::milliseconds first_delay{10};
  std::chrono::milliseconds max_delay{100};  // keeps completion latency under ~100 ms
};

// Polls `poll` until the operation completes and returns its status. A completion with a
// failure throws that failure. Running past the deadline, or a poll that fails, throws an error
// ending in the policy's follow hint, so the operation can be followed; a signal throws
// Interrupted.
OperationStatus wait_for_operation(const std::function<OperationStatus()>& poll,
                                   const std::string& trigger_id, const WaitPolicy& policy,
                                   Clock& clock);

}  // namespace flinkcli
