// The trigger-and-poll loop behind savepoint, stop, cancel -s and dispose, on a fake clock.
#include <gtest/gtest.h>

#include "fake/fake_jobmanager_api.hpp"
#include "fake/test_support.hpp"
#include "flinkcli/core/error.hpp"
#include "flinkcli/config/configuration.hpp"
#include "flinkcli/core/operation_waiter.hpp"

namespace flinkcli::testing {
namespace {

using std::chrono::milliseconds;
using Sleeps = std::vector<milliseconds>;

const std::string k_trigger = "7bc1eb8a27587d4728b63c2fdb41d37a";

// Answers `statuses` in order (the last repeats) and counts the polls.
struct ScriptedPoll {
  std::vector<OperationStatus> statuses;
  std::size_t polls = 0;
  OperationStatus operator()() { return statuses[std::min(polls++, statuses.size() - 1)]; }
};

// A deadline `timeout` after the fake clock's start, as the context sets it.
WaitPolicy policy_for(milliseconds timeout) {
  WaitPolicy policy;
  policy.deadline = std::chrono::steady_clock::time_point{} + timeout;
  policy.budget = format_duration(timeout) + " (client.timeout)";
  return policy;
}

TEST(OperationWaiter, PollsUntilCompletedAndReturnsTheLocation) {
  ScriptedPoll poll{{in_progress(), in_progress(), in_progress(), completed_at("file:/sp/savepoint-1")}};
  FakeClock clock;
  const OperationStatus status =
      wait_for_operation(std::ref(poll), k_trigger, policy_for(milliseconds(60000)), clock);
  EXPECT_TRUE(status.completed);
  EXPECT_EQ(status.location, std::optional<std::string>("file:/sp/savepoint-1"));
  EXPECT_EQ(poll.polls, 4u);
  EXPECT_EQ(clock.sleeps, (Sleeps{milliseconds(10), milliseconds(20), milliseconds(40)}));
}

TEST(OperationWaiter, CompletedAtOnceDoesNotSleep) {
  ScriptedPoll poll{{completed_empty()}};
  FakeClock clock;
  const OperationStatus status = wait_for_operation(std::ref(poll), k_trigger, policy_for(milliseconds(60000)), clock);
  EXPECT_TRUE(status.completed);
  EXPECT_FALSE(status.location);
  EXPECT_TRUE(clock.sleeps.empty());
}

TEST(OperationWaiter, BacksOffButNeverBeyondOneHundredMilliseconds) {
  ScriptedPoll poll{std::vector<OperationStatus>(12, in_progress())};
  poll.statuses.push_back(completed_empty());
  FakeClock clock;
  wait_for_operation(std::ref(poll), k_trigger, policy_for(milliseconds(60000)), clock);
  EXPECT_EQ(clock.sleeps,
            (Sleeps{milliseconds(10), milliseconds(20), milliseconds(40), milliseconds(80),
                    milliseconds(100), milliseconds(100), milliseconds(100), milliseconds(100),
                    milliseconds(100), milliseconds(100), milliseconds(100), milliseconds(100)}));
}

TEST(OperationWaiter, FailureCauseThrowsWithItsClass) {
  struct Case {
    std::string trace;
    ErrorClass error_class;
    std::string message;
  };
  const Case cases[] = {
      {"java.util.concurrent.CompletionException: "
       "org.apache.flink.runtime.messages.FlinkJobNotFoundException: Could not find Flink job "
       "(00000000000000000000000000000000)\n\tat a.B.c(B.java:1)\n",
       ErrorClass::not_found, "Could not find Flink job (00000000000000000000000000000000)"},
      {"java.util.concurrent.CompletionException: java.lang.IllegalStateException: No savepoint "
       "directory configured.\n\tat a.B.c(B.java:1)\n",
       ErrorClass::operation_failed, "No savepoint directory configured."},
      {"org.apache.flink.runtime.checkpoint.CheckpointException: Checkpoint Coordinator is "
       "suspending.\n\tat a.B.c(B.java:1)\n",
       ErrorClass::operation_failed, "Checkpoint Coordinator is suspending."},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.message);
    ScriptedPoll poll{{in_progress(), failed_with(c.trace)}};
    FakeClock clock;
    try {
      wait_for_operation(std::ref(poll), k_trigger, policy_for(milliseconds(60000)), clock);
      ADD_FAILURE() << "expected a failure";
    } catch (const CliError& error) {
      EXPECT_EQ(error.error_class(), c.error_class);
      EXPECT_EQ(std::string(error.what()), c.message);
      EXPECT_NE(error.detail().find(c.message), std::string::npos) << error.detail();
    }
  }
}

// A poll that fails says the operation was lost track of and names the follow command, except
// when the JobManager no longer knows the trigger id (restarted, result expired, or lost with a
// failed-over leader): following it again would only fail the same way. A poll that could not
// reach the JobManager leaves the operation's outcome unknown (exit 16), not "unreachable" (3):
// the trigger got through.
TEST(OperationWaiter, FailedPollNamesTheFollowCommandUnlessTheTriggerIsUnknown) {
  struct Case {
    ErrorClass error_class;   // the poll's
    ErrorClass thrown_class;  // the wait's
    bool hint;
  };
  const std::string lost = "Lost track of the savepoint while waiting for it: ";
  for (const Case& c : {Case{ErrorClass::unreachable, ErrorClass::outcome_unknown, true},
                        Case{ErrorClass::timeout, ErrorClass::timeout, true},
                        Case{ErrorClass::protocol, ErrorClass::protocol, true},
                        Case{ErrorClass::not_found, ErrorClass::not_found, false}}) {
    SCOPED_TRACE(error_class_name(c.error_class));
    FakeClock clock;
    WaitPolicy policy = policy_for(milliseconds(60000));
    policy.follow_hint = "to wait for it, run: flink follow J T";
    policy.poll_failure_context = "Lost track of the savepoint while waiting for it";
    int polls = 0;
    try {
      wait_for_operation(
          [&]() -> OperationStatus {
            if (polls++ == 0) return in_progress();
            throw CliError(c.error_class, "the poll failed");
          },
          k_trigger, policy, clock);
      ADD_FAILURE() << "expected a failure";
    } catch (const CliError& error) {
      EXPECT_EQ(error.error_class(), c.thrown_class);
      EXPECT_EQ(std::string(error.what()),
                c.hint ? lost + "the poll failed; to wait for it, run: flink follow J T" : "the poll failed");
    }
  }
}

TEST(OperationWaiter, TimeoutNamesTheTriggerId) {
  ScriptedPoll poll{{in_progress()}};
  FakeClock clock;
  const WaitPolicy policy = policy_for(milliseconds(1000));
  try {
    wait_for_operation(std::ref(poll), k_trigger, policy, clock);
    ADD_FAILURE() << "expected a timeout";
  } catch (const CliError& error) {
    EXPECT_EQ(error.error_class(), ErrorClass::timeout);
    EXPECT_EQ(error.exit_code(), 6);
    EXPECT_EQ(std::string(error.what()),
              "still in progress after 1 s (client.timeout); trigger id " + k_trigger + " (the operation may still complete on the cluster)");
  }
  // it waits the whole timeout, no longer, and polls once more at the deadline
  EXPECT_EQ(clock.total_slept(), milliseconds(1000));
  for (auto sleep : clock.sleeps) {
    EXPECT_GE(sleep, milliseconds(1));
    EXPECT_LE(sleep, milliseconds(100));
  }
  EXPECT_EQ(poll.polls, clock.sleeps.size() + 1);
}

TEST(OperationWaiter, CompletionAtTheLastPollBeforeTheDeadlineWins) {
  FakeClock clock;
  const WaitPolicy policy = policy_for(milliseconds(70));  // sleeps 10, 20, 40: the fourth poll is at the deadline
  ScriptedPoll poll{{in_progress(), in_progress(), in_progress(), completed_at("file:/sp")}};
  EXPECT_EQ(wait_for_operation(std::ref(poll), k_trigger, policy, clock).location,
            std::optional<std::string>("file:/sp"));
}

}  // namespace
}  // namespace flinkcli::testing
