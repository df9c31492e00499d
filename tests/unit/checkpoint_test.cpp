// flink checkpoint and follow --checkpoint through the REAL HTTP client against the loopback fake
// JobManager: the request Java's client sends, Java's lines (recorded on 1.20.5 and 2.3.0), JSON
// and quiet output, and every way the JobManager can fail us.
#include <gtest/gtest.h>

#include "fake/fake_jobmanager.hpp"
#include "fake/test_support.hpp"

namespace flinkcli::testing {
namespace {

using nlohmann::json;
using Lines = std::vector<std::string>;
using std::chrono::milliseconds;

const std::string J = k_job;
const std::string T = k_trigger;
const std::string Z = k_unknown_job;
const std::string checkpoints = "/jobs/" + J + "/checkpoints";
const std::string poll = checkpoints + "/" + T;

json in_progress() { return {{"status", {{"id", "IN_PROGRESS"}}}, {"operation", nullptr}}; }
json completed(std::int64_t id) { return {{"status", {{"id", "COMPLETED"}}}, {"operation", {{"checkpointId", id}}}}; }
// A failed checkpoint as 1.20.5 and 2.3.0 answer it: "failureCause", not savepoints' "failure-cause".
json failed(const std::string& trace) {
  return {{"status", {{"id", "COMPLETED"}}},
          {"operation", {{"failureCause", {{"class", "java.util.concurrent.CompletionException"}, {"stack-trace", trace}}}}}};
}
// GET /jobs/:id/checkpoints/details/:id as 1.20.5 answers it.
json details(std::int64_t id, const std::string& external_path) {
  return {{"className", "completed"}, {"id", id}, {"status", "COMPLETED"}, {"is_savepoint", false},
          {"savepointFormat", nullptr}, {"checkpoint_type", "CHECKPOINT"}, {"external_path", external_path},
          {"discarded", false}, {"tasks", json::object()}};
}

class CheckpointTest : public ::testing::Test {
 protected:
  CliRun run(std::vector<std::string> args) {
    args.insert(args.end(), {"-m", jm.address()});
    return run_flink_http(args, env);
  }
  void script(std::vector<CannedReply> polls) {
    jm.on("POST", checkpoints, {CannedReply::json(202, {{"request-id", T}})});
    jm.on("GET", poll, std::move(polls));
  }

  FakeJobManager jm;
  TestEnvironment env;
};

TEST_F(CheckpointTest, ConfiguredCheckpointPrintsJavasLines) {
  script({CannedReply::json(200, in_progress()), CannedReply::json(200, completed(3))});
  const auto result = run({"checkpoint", J});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, (Lines{"Triggering checkpoint for job " + J + ".", "Waiting for response...",
                               "Checkpoint 3 for job " + J + " completed.",
                               "You can resume your program from this checkpoint with the run command."}));
  EXPECT_TRUE(result.err.empty());
  // text mode reads nothing after the result: Java's lines need only the id
  EXPECT_EQ(jm.request_lines(), (Lines{"POST " + checkpoints, "GET " + poll, "GET " + poll}));
  const auto trigger = jm.requests().front();
  EXPECT_EQ(trigger.json(), json::parse(R"({"checkpointType":"CONFIGURED","triggerId":")" + T + "\"}"));
  EXPECT_EQ(trigger.header("Content-Type"), "application/json; charset=UTF-8");
}

TEST_F(CheckpointTest, FullCheckpointSaysSoAsJavaDoes) {
  for (const char* flag : {"-full", "--full"}) {
    SCOPED_TRACE(flag);
    FakeJobManager server;
    server.on("POST", checkpoints, {CannedReply::json(202, {{"request-id", T}})});
    server.on("GET", poll, {CannedReply::json(200, completed(4))});
    const auto result = run_flink_http({"checkpoint", flag, J, "-m", server.address()}, env);
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_EQ(result.out.at(2), "Checkpoint(FULL) 4 for job " + J + " completed.");
    EXPECT_EQ(server.requests_to("POST", checkpoints).at(0).json()["checkpointType"], "FULL");
  }
}

TEST_F(CheckpointTest, JsonHasTheIdTypeAndExternalPath) {
  script({CannedReply::json(200, completed(7))});
  jm.on("GET", checkpoints + "/details/7", {CannedReply::json(200, details(7, "file:/data/chk/" + J + "/chk-7"))});
  const auto result = run({"checkpoint", "-full", J, "-o", "json"});
  EXPECT_EQ(result.exit_code, 0);
  ASSERT_EQ(result.out.size(), 1u);
  const json document = json::parse(result.out[0]);
  EXPECT_EQ(document["schema"], "flinkcli.checkpoint/1");
  EXPECT_EQ(document["status"], "completed");
  EXPECT_EQ(document["checkpoint_id"], 7);
  EXPECT_EQ(document["checkpoint_type"], "FULL");
  EXPECT_EQ(document["trigger_id"], T);
  EXPECT_EQ(document["external_path"], "file:/data/chk/" + J + "/chk-7");
  EXPECT_FALSE(document.contains("follow_command"));
}

TEST_F(CheckpointTest, JsonExternalPathIsNullWhenTheCheckpointHasNone) {
  script({CannedReply::json(200, completed(2))});
  // JobManager checkpoint storage: Flink's placeholder, not a path
  jm.on("GET", checkpoints + "/details/2", {CannedReply::json(200, details(2, "<checkpoint-not-externally-addressable>"))});
  const json document = json::parse(run({"checkpoint", J, "-o", "json"}).out.at(0));
  EXPECT_TRUE(document["external_path"].is_null());
  EXPECT_EQ(document["checkpoint_type"], "CONFIGURED");
}

TEST_F(CheckpointTest, JsonWaitsForTheStatisticsCacheThenGivesUpWithoutFailing) {
  script({CannedReply::json(200, completed(5))});
  // not in the statistics yet (they are cached for web.refresh-interval), then there
  jm.on("GET", checkpoints + "/details/5",
        {CannedReply::errors(404, {"org.apache.flink.runtime.rest.handler.RestHandlerException: Could not find "
                                   "checkpointing statistics for checkpoint 5.\n\tat x.Y(Y.java:1)\n"}),
         CannedReply::json(200, details(5, "file:/c/chk-5"))});
  const json found = json::parse(run({"checkpoint", J, "-o", "json", "-D", "web.refresh-interval=1s"}).out.at(0));
  EXPECT_EQ(found["external_path"], "file:/c/chk-5");

  FakeJobManager never;
  never.on("POST", checkpoints, {CannedReply::json(202, {{"request-id", T}})});
  never.on("GET", poll, {CannedReply::json(200, completed(6))});
  never.on("GET", checkpoints + "/details/6",
           {CannedReply::errors(404, {"org.apache.flink.runtime.rest.handler.RestHandlerException: Could not find "
                                      "checkpointing statistics for checkpoint 6.\n\tat x.Y(Y.java:1)\n"})});
  FakeClock clock;
  const auto result = run_flink_http(
      {"checkpoint", J, "-m", never.address(), "-o", "json", "-D", "web.refresh-interval=200ms"}, env, clock);
  EXPECT_EQ(result.exit_code, 0);  // the checkpoint completed by the JobManager's word
  const json document = json::parse(result.out.at(0));
  EXPECT_EQ(document["checkpoint_id"], 6);
  EXPECT_TRUE(document["external_path"].is_null());
  // Asked every 250 ms while the next ask fits in the refresh interval and half a second: at 0,
  // 250 and 500 ms.
  EXPECT_EQ(clock.sleeps, (std::vector<milliseconds>{milliseconds(250), milliseconds(250)}));
  EXPECT_EQ(never.requests_to("GET", checkpoints + "/details/6").size(), 3u);
}

TEST_F(CheckpointTest, QuietPrintsTheId) {
  script({CannedReply::json(200, completed(11))});
  const auto result = run({"checkpoint", J, "-q"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, (Lines{"11"}));
  EXPECT_TRUE(result.err.empty());
}

TEST_F(CheckpointTest, UnknownOrFinishedJobIsNotFoundWithJavasPrefix) {
  // Recorded: Flink 1.20.5 and 2.3.0 accept the trigger (202) and fail the operation.
  const std::string trace =
      "java.util.concurrent.CompletionException: org.apache.flink.runtime.messages.FlinkJobNotFoundException: "
      "Could not find Flink job (" + Z + ")\n\tat java.base/java.util.concurrent.CompletableFuture.encodeThrowable("
      "CompletableFuture.java:332)\n";
  jm.on("POST", "/jobs/" + Z + "/checkpoints", {CannedReply::json(202, {{"request-id", T}})});
  jm.on("GET", "/jobs/" + Z + "/checkpoints/" + T, {CannedReply::json(200, failed(trace))});
  const auto result = run({"checkpoint", Z});
  EXPECT_EQ(result.exit_code, 4);
  EXPECT_EQ(result.out, (Lines{"Triggering checkpoint for job " + Z + ".", "Waiting for response..."}));
  EXPECT_EQ(result.err, (Lines{"Failed to trigger a checkpoint for the job " + Z + ": Could not find Flink job (" + Z + ")"}));
}

TEST_F(CheckpointTest, AFailedCheckpointIsExit5) {
  script({CannedReply::json(200, failed("org.apache.flink.runtime.checkpoint.CheckpointException: "
                                        "Checkpoint was declined (tasks not ready)\n\tat x.Y(Y.java:1)\n"))});
  const auto result = run({"checkpoint", J});
  EXPECT_EQ(result.exit_code, 5);
  ASSERT_EQ(result.err.size(), 1u);
  EXPECT_EQ(result.err[0].rfind("Failed to trigger a checkpoint for the job " + J + ": ", 0), 0u) << result.err[0];
  EXPECT_NE(result.err[0].find("Checkpoint was declined"), std::string::npos) << result.err[0];
}

TEST_F(CheckpointTest, ArgumentErrorsAreJavasAndSendNothing) {
  const auto missing = run({"checkpoint"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.out, (Lines{"Missing JobID. Specify a Job ID to manipulate a checkpoint.", "", k_help_hint}));
  const auto bad = run({"checkpoint", "not-a-job"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(bad.out.at(0), "Cannot parse JobID from \"not-a-job\". The expected format is [0-9a-fA-F]{32}, e.g. "
                           "fd72014d4c864993a2e5a9287b4a9c5d.");
  const auto unknown = run({"checkpoint", "-type", "native", J});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_TRUE(jm.requests().empty());
}

TEST_F(CheckpointTest, ExtraArgumentsAreIgnoredSilentlyAsJavaDoes) {
  script({CannedReply::json(200, completed(4))});
  const auto result = run({"checkpoint", J, "extra"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out.size(), 4u);
  EXPECT_TRUE(result.err.empty());
}

TEST_F(CheckpointTest, AWaitThatOutlivesItsTimeNamesFollowCheckpoint) {
  script({CannedReply::json(200, in_progress())});
  const auto result = run({"checkpoint", J, "-D", "client.timeout=300ms"});
  EXPECT_EQ(result.exit_code, 6);
  ASSERT_EQ(result.err.size(), 1u);
  EXPECT_NE(result.err[0].find("trigger id " + T), std::string::npos) << result.err[0];
  EXPECT_NE(result.err[0].find("flink follow -m " + jm.address() + " --checkpoint " + J + " " + T +
                               " (with the same -D options)"),
            std::string::npos)
      << result.err[0];
  // never triggered twice
  EXPECT_EQ(jm.requests_to("POST", checkpoints).size(), 1u);

  const auto json_result = run({"checkpoint", J, "--wait-timeout", "300ms", "-o", "json"});
  EXPECT_EQ(json_result.exit_code, 6);
  const json document = json::parse(json_result.out.at(0));
  EXPECT_EQ(document["status"], "timed_out");
  EXPECT_EQ(document["follow_command"], "flink follow -m " + jm.address() + " --checkpoint " + J + " " + T);
}

TEST_F(CheckpointTest, TriggerIdAndJobName) {
  const std::string mine = "0123456789abcdef0123456789abcdef";
  jm.on("POST", checkpoints, {CannedReply::json(202, {{"request-id", mine}})});
  jm.on("GET", checkpoints + "/" + mine, {CannedReply::json(200, completed(9))});
  jm.on("GET", "/jobs/overview", {CannedReply::json(200, {{"jobs", {{{"jid", J}, {"name", "orders"}, {"state", "RUNNING"},
                                                                      {"start-time", 1}}}}})});
  const auto result = run({"checkpoint", "--job-name", "orders", "--trigger-id", "0123456789ABCDEF0123456789ABCDEF"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out.at(2), "Checkpoint 9 for job " + J + " completed.");
  EXPECT_EQ(jm.requests_to("POST", checkpoints).at(0).json()["triggerId"], mine);
  const auto both = run({"checkpoint", "--job-name", "orders", J});
  EXPECT_EQ(both.exit_code, 1);
}

TEST_F(CheckpointTest, FollowCheckpoint) {
  script({CannedReply::json(200, in_progress()), CannedReply::json(200, completed(12))});
  const auto result = run({"follow", "--checkpoint", J, T});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, (Lines{"Following checkpoint " + T + " of job " + J + ".", "Waiting for response...",
                               "Checkpoint 12 for job " + J + " completed."}));
  EXPECT_EQ(jm.requests_to("POST", checkpoints).size(), 0u);  // read-only

  FakeJobManager pending;
  pending.on("GET", poll, {CannedReply::json(200, in_progress())});
  const auto look = run_flink_http({"follow", "--checkpoint", "--no-wait", J, T, "-m", pending.address(), "-o", "json"}, env);
  EXPECT_EQ(look.exit_code, 0);
  const json document = json::parse(look.out.at(0));
  EXPECT_EQ(document["status"], "in_progress");
  EXPECT_EQ(document["operation"], "checkpoint");
  EXPECT_EQ(document["follow_command"], "flink follow -m " + pending.address() + " --checkpoint " + J + " " + T);

  FakeJobManager done;
  done.on("GET", poll, {CannedReply::json(200, completed(13))});
  const auto quiet = run_flink_http({"follow", "--checkpoint", J, T, "-m", done.address(), "-q"}, env);
  EXPECT_EQ(quiet.out, (Lines{"13"}));

  const auto both = run({"follow", "--checkpoint", "--dispose", T});
  EXPECT_EQ(both.exit_code, 1);
  EXPECT_EQ(both.out.at(0), "--checkpoint and --dispose exclude each other.");
}

TEST_F(CheckpointTest, FollowCheckpointOfAnUnknownTriggerIsNotFound) {
  // 1.20.5's answer for a trigger id it does not hold
  jm.on("GET", poll, {CannedReply::errors(404, {"org.apache.flink.runtime.rest.handler.RestHandlerException: There is no "
                                                "checkpoint operation with triggerId=" + T + " for job " + J +
                                                ".\n\tat x.Y(Y.java:1)\n"})});
  const auto result = run({"follow", "--checkpoint", J, T});
  EXPECT_EQ(result.exit_code, 4);
  ASSERT_EQ(result.err.size(), 1u);
  EXPECT_NE(result.err[0].find("does not know trigger id " + T), std::string::npos) << result.err[0];
}

TEST_F(CheckpointTest, ALostTriggerAnswerIsSentAgainWithTheSameTriggerId) {
  // The trigger carries our id, so a 503 from a proxy may be retried: the JobManager deduplicates.
  jm.on("POST", checkpoints, {CannedReply::raw(503, "busy"), CannedReply::json(202, {{"request-id", T}})});
  jm.on("GET", poll, {CannedReply::json(200, completed(1))});
  const auto result = run({"checkpoint", J});
  EXPECT_EQ(result.exit_code, 0) << (result.err.empty() ? "" : result.err.front());
  const auto triggers = jm.requests_to("POST", checkpoints);
  ASSERT_EQ(triggers.size(), 2u);
  EXPECT_EQ(triggers[0].json()["triggerId"], triggers[1].json()["triggerId"]);
}

}  // namespace
}  // namespace flinkcli::testing
