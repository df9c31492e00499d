// savepoint, stop, cancel, dispose and list through the REAL HTTP client against a fake
// JobManager on 127.0.0.1: the request bodies the Java client sends (Flink's RestClusterClient
// and its request bodies), and every way the JobManager can fail us.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>

#include "fake/fake_jobmanager.hpp"
#include "fake/test_support.hpp"

namespace flinkcli::testing {
namespace {

using nlohmann::json;
using Lines = std::vector<std::string>;
using std::chrono::milliseconds;

const std::string J = k_job;
const std::string T = "7bc1eb8a27587d4728b63c2fdb41d37a";
const std::string L = "file:/data/savepoints/savepoint-a48f8e-f8b2e237b6f8";

json in_progress_body() { return {{"status", {{"id", "IN_PROGRESS"}}}, {"operation", nullptr}}; }
json completed_body(const std::string& location) {
  return {{"status", {{"id", "COMPLETED"}}}, {"operation", {{"location", location}}}};
}
json failure_body(const std::string& java_class, const std::string& trace) {
  return {{"status", {{"id", "COMPLETED"}}},
          {"operation",
           {{"failure-cause", {{"class", java_class}, {"stack-trace", trace}, {"serialized-throwable", "rO0AB"}}}}}};
}

class HttpActionsTest : public ::testing::Test {
 protected:
  // The client pointed at the fake; -m goes last, after the action's own arguments.
  CliRun run(std::vector<std::string> args) {
    args.insert(args.end(), {"-m", jm.address()});
    return run_flink_http(args, env);
  }

  // POST <trigger path> -> 202 {"request-id": T}; polls of /jobs/J/savepoints/T -> `polls`.
  void script_savepoint(const std::string& trigger_path, std::vector<CannedReply> polls) {
    jm.on("POST", trigger_path, {CannedReply::json(202, {{"request-id", T}})});
    jm.on("GET", "/jobs/" + J + "/savepoints/" + T, std::move(polls));
  }

  FakeJobManager jm;
  TestEnvironment env;
};

TEST_F(HttpActionsTest, SavepointSendsJavasBodyAndPollsTheTrigger) {
  script_savepoint("/jobs/" + J + "/savepoints",
                   {CannedReply::json(200, in_progress_body()), CannedReply::json(200, in_progress_body()),
                    CannedReply::json(200, completed_body(L))});
  script_result_checks(jm, J, {L});
  const auto result = run({"savepoint", J});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, (Lines{"Triggering savepoint for job " + J + ".", "Waiting for response...",
                               "Savepoint completed. Path: " + L,
                               "You can resume your program from this savepoint with the run command."}));
  EXPECT_TRUE(result.err.empty());
  const std::string poll = "GET /jobs/" + J + "/savepoints/" + T;
  // then the result's check: this savepoint, in the job's checkpoint history
  EXPECT_EQ(jm.request_lines(), (Lines{"POST /jobs/" + J + "/savepoints", poll, poll, poll, "GET /jobs/" + J + "/checkpoints"}));
  const auto trigger = jm.requests().front();
  EXPECT_EQ(trigger.json(),
            json::parse(R"({"target-directory":null,"cancel-job":false,"formatType":"CANONICAL","triggerId":"7bc1eb8a27587d4728b63c2fdb41d37a"})"));
  EXPECT_EQ(trigger.header("Content-Type"), "application/json; charset=UTF-8");
  EXPECT_EQ(trigger.header("Accept"), "application/json");
}

// Every trigger the actions send, argv in, exact JSON body out.
TEST_F(HttpActionsTest, TriggerBodies) {
  struct Case {
    std::vector<std::string> args;
    std::string path;
    std::string body;
  };
  const std::string savepoints = "/jobs/" + J + "/savepoints";
  const std::string stop = "/jobs/" + J + "/stop";
  const Case cases[] = {
      {{"savepoint", J, "file:///data/explicit-dir"}, savepoints,
       R"({"target-directory":"file:///data/explicit-dir","cancel-job":false,"formatType":"CANONICAL","triggerId":"7bc1eb8a27587d4728b63c2fdb41d37a"})"},
      {{"savepoint", "-type", "native", J}, savepoints,
       R"({"target-directory":null,"cancel-job":false,"formatType":"NATIVE","triggerId":"7bc1eb8a27587d4728b63c2fdb41d37a"})"},
      {{"savepoint", "-detached", "--type=NATIVE", J, "file:///d"}, savepoints,
       R"({"target-directory":"file:///d","cancel-job":false,"formatType":"NATIVE","triggerId":"7bc1eb8a27587d4728b63c2fdb41d37a"})"},
      {{"cancel", "-s", J}, savepoints,
       R"({"target-directory":null,"cancel-job":true,"formatType":"CANONICAL","triggerId":"7bc1eb8a27587d4728b63c2fdb41d37a"})"},
      {{"cancel", "-s", "file:///data/cancel-dir", J}, savepoints,
       R"({"target-directory":"file:///data/cancel-dir","cancel-job":true,"formatType":"CANONICAL","triggerId":"7bc1eb8a27587d4728b63c2fdb41d37a"})"},
      {{"stop", J}, stop, R"({"targetDirectory":null,"drain":false,"formatType":"CANONICAL","triggerId":"7bc1eb8a27587d4728b63c2fdb41d37a"})"},
      {{"stop", "-p", J}, stop, R"({"targetDirectory":null,"drain":false,"formatType":"CANONICAL","triggerId":"7bc1eb8a27587d4728b63c2fdb41d37a"})"},
      {{"stop", "-p", "-d", J}, stop, R"({"targetDirectory":null,"drain":true,"formatType":"CANONICAL","triggerId":"7bc1eb8a27587d4728b63c2fdb41d37a"})"},
      {{"stop", "-p", "file:///data/stop-dir", "-d", J}, stop,
       R"({"targetDirectory":"file:///data/stop-dir","drain":true,"formatType":"CANONICAL","triggerId":"7bc1eb8a27587d4728b63c2fdb41d37a"})"},
      {{"stop", "-type", "native", "-detached", J}, stop,
       R"({"targetDirectory":null,"drain":false,"formatType":"NATIVE","triggerId":"7bc1eb8a27587d4728b63c2fdb41d37a"})"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.args.front() + " " + c.args[1]);
    FakeJobManager server;
    serve_savepoints(server, J, T, L);  // the result where the body asked, of its kind and format
    std::vector<std::string> args = c.args;
    args.insert(args.end(), {"-m", server.address()});
    const auto result = run_flink_http(args, env);
    EXPECT_EQ(result.exit_code, 0) << (result.err.empty() ? "" : result.err.front());
    EXPECT_TRUE(result.err.empty()) << result.err.front();  // every check of the result made
    const auto triggers = server.requests_to("POST", c.path);
    ASSERT_EQ(triggers.size(), 1u);
    EXPECT_EQ(triggers[0].json(), json::parse(c.body));
  }
}

TEST_F(HttpActionsTest, DetachedPrintsTheTriggerId) {
  jm.on("POST", "/jobs/" + J + "/savepoints", {CannedReply::json(202, {{"request-id", "c14cbaa84b43fb214d4f179b8e2ac6cf"}})});
  jm.on("POST", "/jobs/" + J + "/stop", {CannedReply::json(202, {{"request-id", "7cf4b642da1f0787787dcb27931faeef"}})});
  const auto savepoint = run({"savepoint", "-detached", J});
  EXPECT_EQ(savepoint.exit_code, 0);
  EXPECT_EQ(savepoint.out, (Lines{"Triggering savepoint in detached mode for job " + J + ".",
                                  "Successfully trigger manual savepoint, triggerId: c14cbaa84b43fb214d4f179b8e2ac6cf"}));
  const auto stop = run({"stop", "-detached", J});
  EXPECT_EQ(stop.exit_code, 0);
  EXPECT_EQ(stop.out, (Lines{"Suspending job \"" + J + "\" with a CANONICAL savepoint.",
                             "Triggering stop-with-savepoint in detached mode for job " + J + ".",
                             "Successfully trigger stop-with-savepoint in detached mode, triggerId: "
                             "7cf4b642da1f0787787dcb27931faeef"}));
  // detached means no polling at all
  EXPECT_EQ(jm.request_lines(), (Lines{"POST /jobs/" + J + "/savepoints", "POST /jobs/" + J + "/stop"}));
}

TEST_F(HttpActionsTest, StopAndCancelWithSavepoint) {
  script_savepoint("/jobs/" + J + "/stop", {CannedReply::json(200, completed_body("file:/data/stop-dir/savepoint-1"))});
  script_result_checks(jm, J, {"file:/data/stop-dir/savepoint-1", "SYNC_SAVEPOINT"}, "FINISHED");
  const auto stop = run({"stop", "-p", "file:///data/stop-dir", "-d", J});
  EXPECT_EQ(stop.exit_code, 0);
  EXPECT_TRUE(stop.err.empty()) << stop.err.front();
  EXPECT_EQ(stop.out, (Lines{"Draining job \"" + J + "\" with a CANONICAL savepoint.",
                             "Triggering stop-with-savepoint for job " + J + ".", "Waiting for response...",
                             "Savepoint completed. Path: file:/data/stop-dir/savepoint-1"}));

  FakeJobManager cancel_jm;
  cancel_jm.on("POST", "/jobs/" + J + "/savepoints", {CannedReply::json(202, {{"request-id", T}})});
  cancel_jm.on("GET", "/jobs/" + J + "/savepoints/" + T, {CannedReply::json(200, completed_body(L))});
  script_result_checks(cancel_jm, J, {L}, "CANCELED");
  const auto cancel = run_flink_http({"cancel", "-s", "-m", cancel_jm.address(), J}, env);
  EXPECT_EQ(cancel.exit_code, 0);
  EXPECT_TRUE(cancel.err.empty()) << cancel.err.front();
  EXPECT_EQ(cancel.out, (Lines{"DEPRECATION WARNING: Cancelling a job with savepoint is deprecated. Use \"stop\" instead.",
                               "Cancelling job " + J + " with CANONICAL savepoint to default savepoint directory.",
                               "Cancelled job " + J + ". Savepoint stored in " + L + "."}));
}

TEST_F(HttpActionsTest, Dispose) {
  jm.on("POST", "/savepoint-disposal", {CannedReply::json(200, {{"request-id", T}})});
  jm.on("GET", "/savepoint-disposal/" + T,
        {CannedReply::json(200, in_progress_body()),
         CannedReply::json(200, {{"status", {{"id", "COMPLETED"}}}, {"operation", json::object()}})});
  const auto result = run({"savepoint", "-d", L});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, (Lines{"Disposing savepoint '" + L + "'.", "Waiting for response...",
                               "Savepoint '" + L + "' disposed."}));
  EXPECT_EQ(jm.request_lines(), (Lines{"POST /savepoint-disposal", "GET /savepoint-disposal/" + T,
                                       "GET /savepoint-disposal/" + T}));
  EXPECT_EQ(jm.requests().front().json(), json({{"savepoint-path", L}}));
}

TEST_F(HttpActionsTest, DisposeOfANonexistentPath) {
  jm.on("POST", "/savepoint-disposal", {CannedReply::json(200, {{"request-id", T}})});
  jm.on("GET", "/savepoint-disposal/" + T,
        {CannedReply::json(200, failure_body("org.apache.flink.util.FlinkException",
                                             "org.apache.flink.util.FlinkException: Could not dispose savepoint "
                                             "file:///data/no-such-savepoint.\n\tat a.B.c(B.java:1)\n"
                                             "Caused by: java.io.FileNotFoundException: Cannot find checkpoint or "
                                             "savepoint file/directory 'file:///data/no-such-savepoint' on file "
                                             "system 'file'.\n\tat a.B.d(B.java:2)\n"))});
  const auto result = run({"savepoint", "-d", "file:///data/no-such-savepoint"});
  EXPECT_EQ(result.exit_code, 4);
  EXPECT_EQ(result.err, (Lines{"Failed to dispose the savepoint 'file:///data/no-such-savepoint': Cannot find "
                               "checkpoint or savepoint file/directory 'file:///data/no-such-savepoint' on "
                               "file system 'file'."}));
}

TEST_F(HttpActionsTest, Cancel) {
  jm.on("PATCH", "/jobs/" + J, {CannedReply::json(202, json::object())});
  jm.on("GET", "/jobs/" + J + "/status",
        {CannedReply::json(200, job_status_body("CANCELLING")), CannedReply::json(200, job_status_body("CANCELED"))});
  const auto result = run({"cancel", J});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, (Lines{"Cancelling job " + J + ".", "Cancelled job " + J + "."}));
  // "Cancelled" once the job is CANCELED, not when the JobManager acknowledges
  const std::string status = "GET /jobs/" + J + "/status";
  EXPECT_EQ(jm.request_lines(), (Lines{"PATCH /jobs/" + J + "?mode=cancel", status, status}));
}

TEST_F(HttpActionsTest, CancelOfAnUnknownJobIsA404WithFlinksErrors) {
  const std::string U = k_unknown_job;
  jm.on("PATCH", "/jobs/" + U,
        {CannedReply::errors(404, {"org.apache.flink.runtime.rest.handler.RestHandlerException: Job could not be "
                                   "found.\n\tat org.apache.flink.runtime.rest.handler.job.JobCancellationHandler."
                                   "lambda$handleRequest$0(JobCancellationHandler.java:128)\n"})});
  const auto result = run({"cancel", U});
  EXPECT_EQ(result.exit_code, 4);
  EXPECT_EQ(result.out, (Lines{"Cancelling job " + U + "."}));
  EXPECT_EQ(result.err, (Lines{"Could not cancel job " + U + ": Job could not be found."}));
}

// docs/actions/stop.md: `follow` waits for a stop's savepoint "also after the job has finished".
// By --job-name too: the stop ended the job, so no running job has that name any more; the newest
// ended job of that name is the one (an older run of the same name is not).
TEST_F(HttpActionsTest, FollowByNameAfterStopFinishedTheJob) {
  const std::string older = "11111111111111111111111111111111";
  auto state = std::make_shared<std::atomic<bool>>(false);  // whether the stop finished J
  jm.on("GET", "/jobs/overview", [state, older](const RecordedRequest&) {
    return CannedReply::json(200, {{"jobs",
                                    {{{"jid", older}, {"name", "orders"}, {"state", "FINISHED"}, {"start-time", 500}},
                                     {{"jid", J}, {"name", "orders"}, {"state", *state ? "FINISHED" : "RUNNING"},
                                      {"start-time", 1000}},
                                     {{"jid", "22222222222222222222222222222222"}, {"name", "other"},
                                      {"state", "RUNNING"}, {"start-time", 2000}}}}});
  });
  serve_savepoints(jm, J, T, L);
  const auto stop = run({"stop", "-detached", "--trigger-id", T, "--job-name", "orders"});
  ASSERT_EQ(stop.exit_code, 0) << ::testing::PrintToString(stop.err);
  *state = true;  // the JobManager ends the job with the stop's savepoint
  const auto follow = run({"follow", "--job-name", "orders", T});
  EXPECT_EQ(follow.exit_code, 0) << ::testing::PrintToString(follow.err);
  EXPECT_EQ(follow.out.at(0), "Following savepoint " + T + " of job " + J + ".");
  EXPECT_EQ(jm.requests_to("GET", "/jobs/" + J + "/savepoints/" + T).size(), 1u);
  EXPECT_TRUE(jm.requests_to("GET", "/jobs/" + older + "/savepoints/" + T).empty());
  // Actions that start an operation still take non-terminal jobs only.
  const auto savepoint = run({"savepoint", "--job-name", "orders"});
  EXPECT_EQ(savepoint.exit_code, 4);
  ASSERT_EQ(savepoint.err.size(), 1u);
  EXPECT_EQ(savepoint.err[0].rfind("No running job is named 'orders'", 0), 0u) << savepoint.err[0];
}

TEST_F(HttpActionsTest, List) {
  ScopedTimeZone utc("UTC");
  jm.on("GET", "/jobs/overview", {CannedReply::raw(200, R"({"jobs":[
    {"jid":"0dd0cc8be2e69bb61ce57dc16314e849","name":"transcript-job-5","jobType":"STREAMING","start-time":1795627746318,"end-time":1795627751508,"duration":5190,"state":"CANCELED","last-modification":1795627751508,"tasks":{"running":0,"total":2},"pending-operators":0},
    {"jid":"a48f8e8b712ac1616c58c37184d4a569","name":"transcript-job-1","jobType":"STREAMING","start-time":1795627668212,"end-time":-1,"duration":9068,"state":"RUNNING","last-modification":1795627669559,"tasks":{"running":2,"total":2},"pending-operators":0},
    {"jid":"5e4ed8edf525e56fd1714fa342fa9067","name":"transcript-job-2","start-time":1795627721000,"end-time":-1,"duration":1,"state":"INITIALIZING","last-modification":0,"tasks":{}}
  ]})")});
  const auto all = run({"list", "-a"});
  EXPECT_EQ(all.exit_code, 0);
  EXPECT_EQ(all.out, (Lines{"Waiting for response...",
                            "------------------ Running/Restarting Jobs -------------------",
                            "25.11.2026 17:27:48 : a48f8e8b712ac1616c58c37184d4a569 : transcript-job-1 (RUNNING)",
                            "--------------------------------------------------------------",
                            "----------------------- Scheduled Jobs -----------------------",
                            "25.11.2026 17:28:41 : 5e4ed8edf525e56fd1714fa342fa9067 : transcript-job-2 (INITIALIZING)",
                            "--------------------------------------------------------------",
                            "---------------------- Terminated Jobs -----------------------",
                            "25.11.2026 17:29:06 : 0dd0cc8be2e69bb61ce57dc16314e849 : transcript-job-5 (CANCELED)",
                            "--------------------------------------------------------------"}));
  EXPECT_EQ(jm.request_lines(), (Lines{"GET /jobs/overview"}));

  FakeJobManager empty;
  empty.on("GET", "/jobs/overview", {CannedReply::json(200, {{"jobs", json::array()}})});
  const auto none = run_flink_http({"list", "-m", empty.address()}, env);
  EXPECT_EQ(none.exit_code, 0);
  EXPECT_EQ(none.out, (Lines{"Waiting for response...", "No running jobs.", "No scheduled jobs."}));
}

TEST_F(HttpActionsTest, UnknownJobIsACompletedOperationWithAFailureCause) {
  const std::string U = k_unknown_job;
  jm.on("POST", "/jobs/" + U + "/savepoints", {CannedReply::json(202, {{"request-id", T}})});
  jm.on("GET", "/jobs/" + U + "/savepoints/" + T,
        {CannedReply::json(200, failure_body("java.util.concurrent.CompletionException",
                                             "java.util.concurrent.CompletionException: "
                                             "org.apache.flink.runtime.messages.FlinkJobNotFoundException: Could "
                                             "not find Flink job (" + U + ")\n\tat java.base/java.util.concurrent."
                                             "CompletableFuture.encodeThrowable(CompletableFuture.java:332)\n"))});
  const auto result = run({"savepoint", U});
  EXPECT_EQ(result.exit_code, 4);
  EXPECT_EQ(result.out, (Lines{"Triggering savepoint for job " + U + ".", "Waiting for response..."}));
  EXPECT_EQ(result.err, (Lines{"Failed to trigger a savepoint for the job " + U + ": Could not find Flink job (" + U + ")"}));
}

// What the JobManager answers to a trigger -> exit code and the one stderr line.
TEST_F(HttpActionsTest, FailedAnswers) {
  struct Case {
    std::string name;
    CannedReply trigger;
    std::vector<CannedReply> polls;
    int exit_code;
    std::string message;  // the whole line
  };
  // the trigger's failure, and the savepoint's own, in Flink's sentence; a poll that fails loses
  // track of a savepoint that may still complete
  const std::string failed = "Failed to trigger a savepoint for the job " + J + ": ";
  const std::string lost = "Lost track of the savepoint while waiting for it: ";
  // a wait that ends without completion says how to attach to the savepoint again
  const std::string follow = "; trigger id " + T + ": the savepoint may still complete; to wait for it, run: flink follow -m " + jm.address() + " " + J + " " + T;
  const Case cases[] = {
      {"404 with errors", CannedReply::errors(404, {"org.apache.flink.runtime.rest.NotFoundException: Job " + J + " not found"}),
       {}, 4, failed + "Job " + J + " not found"},
      {"400 with errors", CannedReply::errors(400, {"Request did not match expected format SavepointTriggerRequestBody."}),
       {}, 5, failed + "Request did not match expected format SavepointTriggerRequestBody."},
      {"500 with a cause chain",
       CannedReply::errors(500, {"org.apache.flink.runtime.rest.handler.RestHandlerException: outer\n\tat a.B.c(B.java:1)\n"
                                 "Caused by: java.lang.IllegalStateException: inner reason\n"}),
       {}, 5, failed + "inner reason"},
      // a proxy's page: one line, no body dumped, the class of an unreachable JobManager
      {"503 without JSON", CannedReply::raw(503, "<html><body>Service Unavailable</body></html>"), {}, 3,
       failed + "The server at http://" + jm.address() + " answered POST /jobs/" + J + "/savepoints with "
       "HTTP 503 instead of the JobManager (a proxy or load balancer without a reachable "
       "JobManager behind it?) Nothing was sent: no savepoint was started."},
      {"malformed JSON", CannedReply::raw(202, "{\"request-id\": "), {}, 9,
       failed + "The server at http://" + jm.address() + " answered POST /jobs/" + J + "/savepoints with "
       "something that is not JSON; is it a Flink JobManager REST endpoint (-m / rest.address / rest.path)?"},
      {"no request id", CannedReply::json(202, {{"id", T}}), {}, 9,
       failed + "The JobManager's answer to the savepoint trigger has no 'request-id' field"},
      {"poll answers garbage", CannedReply::json(202, {{"request-id", T}}), {CannedReply::raw(200, "<html>")}, 9,
       lost + "The server at http://" + jm.address() + " answered GET /jobs/" + J + "/savepoints/" + T +
       " with something that is not JSON; is it a Flink JobManager REST endpoint (-m / rest.address / rest.path)?" +
       follow},
      {"unknown status", CannedReply::json(202, {{"request-id", T}}),
       {CannedReply::json(200, {{"status", {{"id", "EXPLODED"}}}})}, 9,
       lost + "Unknown operation status 'EXPLODED' in GET /jobs/" + J + "/savepoints/" + T + follow},
      {"location of the wrong type", CannedReply::json(202, {{"request-id", T}}),
       {CannedReply::json(200, {{"status", {{"id", "COMPLETED"}}}, {"operation", {{"location", 42}}}})}, 9,
       lost + "The JobManager's answer to GET /jobs/" + J + "/savepoints/" + T + " has an unexpected 'location'" + follow},
      {"completed without location", CannedReply::json(202, {{"request-id", T}}),
       {CannedReply::json(200, {{"status", {{"id", "COMPLETED"}}}, {"operation", json::object()}})}, 9,
       "The JobManager reported the savepoint complete but sent no location"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    FakeJobManager& server = jm;
    server.on("POST", "/jobs/" + J + "/savepoints", {c.trigger});
    if (!c.polls.empty()) server.on("GET", "/jobs/" + J + "/savepoints/" + T, c.polls);
    FakeClock clock;  // retries (the 503) sleep on it
    const auto result = run_flink_http({"savepoint", J, "-m", server.address()}, env, clock);
    EXPECT_EQ(result.exit_code, c.exit_code);
    EXPECT_EQ(result.err, (Lines{c.message}));
    EXPECT_EQ(result.out, (Lines{"Triggering savepoint for job " + J + ".", "Waiting for response..."}));
  }
}

TEST_F(HttpActionsTest, MistypedFieldsAreProtocolErrors) {
  jm.on("GET", "/jobs/overview",
        {CannedReply::json(200, {{"jobs", {{{"jid", J}, {"name", "x"}, {"state", "RUNNING"}, {"start-time", "yesterday"}}}}})});
  const auto result = run({"list"});
  EXPECT_EQ(result.exit_code, 9);
  EXPECT_EQ(result.out, (Lines{"Waiting for response..."}));
  EXPECT_EQ(result.err, (Lines{"Failed to retrieve job list: The JobManager's answer to GET /jobs/overview "
                               "has an unexpected 'start-time'"}));

  // Numbers a long cannot hold, or not whole: converting them would be undefined behaviour (found
  // by fuzz_rest_answers), so they are the JobManager's fault like any other wrong type.
  for (const json& start_time : {json(1.6e37), json(1764085371000.5), json(18446744073709551615ULL)}) {
    SCOPED_TRACE(start_time.dump());
    FakeJobManager odd_number;
    odd_number.on("GET", "/jobs/overview",
                  {CannedReply::json(200, {{"jobs", {{{"jid", J}, {"name", "x"}, {"state", "RUNNING"}, {"start-time", start_time}}}}})});
    const auto odd = run_flink_http({"list", "-m", odd_number.address()}, env);
    EXPECT_EQ(odd.exit_code, 9);
    EXPECT_EQ(odd.err, (Lines{"Failed to retrieve job list: The JobManager's answer to GET /jobs/overview "
                              "has an unexpected 'start-time'"}));
  }

  FakeJobManager no_jobs_field;
  no_jobs_field.on("GET", "/jobs/overview", {CannedReply::json(200, {{"job", json::array()}})});
  const auto missing = run_flink_http({"list", "-m", no_jobs_field.address()}, env);
  EXPECT_EQ(missing.exit_code, 9);
  EXPECT_EQ(missing.err, (Lines{"Failed to retrieve job list: The JobManager's answer to GET /jobs/overview has no 'jobs' field"}));
}

TEST_F(HttpActionsTest, UnreachableJobManagerGivesUpWithinSeconds) {
  const int port = unused_local_port();
  const std::string address = "127.0.0.1:" + std::to_string(port);
  // The default client.timeout is 60 s; refused connections are retried with backoff for 3 s
  // (rest_settings' connect_retry) at most, 8 connects at most.
  FakeClock clock;
  const auto result = run_flink_http({"savepoint", J, "-m", address}, env, clock);
  EXPECT_EQ(result.exit_code, 3);
  expect_backoff_pauses(clock.sleeps);
  EXPECT_GE(clock.elapsed(), milliseconds(1000));
  EXPECT_LT(clock.elapsed(), milliseconds(3000));
  EXPECT_LE(clock.sleeps.size(), 7u);
  if (clock.sleeps.size() < 7) {
    EXPECT_GE(clock.elapsed() + backoff_step(clock.sleeps.size()), milliseconds(3000));
  }
  EXPECT_EQ(result.err, (Lines{"Failed to trigger a savepoint for the job " + J +
                               ": Could not connect to the JobManager at " + address +
                               ": Connection refused. Check that the cluster is running and -m / "
                               "rest.address / rest.port point to its REST endpoint. Nothing was sent: no savepoint "
                               "was started."}));

  // A shorter client.timeout shortens the retries with it.
  FakeClock list_clock;
  const auto list = run_flink_http({"list", "-m", address, "-D", "client.timeout=1s"}, env, list_clock);
  EXPECT_EQ(list.exit_code, 3);
  expect_backoff_pauses(list_clock.sleeps);
  EXPECT_FALSE(list_clock.sleeps.empty());
  EXPECT_LT(list_clock.elapsed(), milliseconds(1000));
  EXPECT_GE(list_clock.elapsed() + backoff_step(list_clock.sleeps.size()), milliseconds(1000));
  ASSERT_EQ(list.err.size(), 1u);
  EXPECT_EQ(list.err[0].rfind("Failed to retrieve job list: Could not connect to the JobManager at " + address, 0), 0u)
      << list.err[0];
}

// Real time: client.timeout bounds a socket's wait for the answer.
TEST_F(HttpActionsTest, SlowJobManagerTimesOutAtClientTimeout) {
  jm.on("POST", "/jobs/" + J + "/savepoints",
        {CannedReply::json(202, {{"request-id", T}}, milliseconds(60000))});
  const auto result = run({"savepoint", J, "-D", "client.timeout=1s"});
  EXPECT_EQ(result.exit_code, 6);
  // Waited for the answer, and gave up at client.timeout rather than when the 60 s delay ended
  // (the upper bound only tells those apart, with room for a loaded machine).
  EXPECT_GE(result.elapsed, milliseconds(900));
  EXPECT_LT(result.elapsed, milliseconds(15000));
  EXPECT_EQ(result.err, (Lines{"Failed to trigger a savepoint for the job " + J + ": The JobManager at " +
                               jm.address() + " did not answer POST /jobs/" + J +
                               "/savepoints within 1 s (client.timeout); trigger id " + T + ": the savepoint may have started; to wait for it, run: flink follow -m " +
                               jm.address() + " " + J + " " + T + " (with the same -D options)"}));
}

TEST_F(HttpActionsTest, ClientTimeoutBoundsTheWholeWaitEvenWhenAPollHangs) {
  // The trigger takes 9.5 s of the 10 s client.timeout (on the clock, without waiting for it),
  // then the status poll hangs: the poll must get the half second left, not a fresh 10 s. The
  // poll's timeout is a socket's, so the clock is real time plus that jump.
  JumpingClock clock;
  jm.on("POST", "/jobs/" + J + "/savepoints", [&](const RecordedRequest&) {
    clock.advance(milliseconds(9500));
    return CannedReply::json(202, {{"request-id", T}});
  });
  jm.on("GET", "/jobs/" + J + "/savepoints/" + T,
        {CannedReply::json(200, in_progress_body(), milliseconds(60000))});
  const auto start = clock.now();
  const auto result = run_flink_http({"savepoint", J, "-D", "client.timeout=10s", "-m", jm.address()}, env, clock);
  EXPECT_EQ(result.exit_code, 6);
  // Ended at the deadline, not 10 s past it (the bound only tells those apart, with room for a
  // loaded machine).
  EXPECT_GE(clock.now() - start, milliseconds(9900));  // whole milliseconds of timeout
  EXPECT_LT(clock.now() - start, milliseconds(15000));
  EXPECT_EQ(jm.requests_to("GET", "/jobs/" + J + "/savepoints/" + T).size(), 1u);
  EXPECT_EQ(result.err, (Lines{"Lost track of the savepoint while waiting for it: The JobManager at " +
                               jm.address() + " did not answer GET /jobs/" + J + "/savepoints/" + T +
                               " within 10 s (client.timeout); trigger id " + T + ": the savepoint may still complete; to wait for it, run: flink follow -m " + jm.address() + " " + J + " " + T + " (with the same -D options)"}));
}

TEST_F(HttpActionsTest, OperationStillRunningAtClientTimeout) {
  script_savepoint("/jobs/" + J + "/savepoints", {CannedReply::json(200, in_progress_body())});
  FakeClock clock;
  const auto result = run_flink_http({"savepoint", J, "-D", "client.timeout=500ms", "-m", jm.address()}, env, clock);
  EXPECT_EQ(result.exit_code, 6);
  EXPECT_EQ(result.err, (Lines{"The savepoint is still in progress after 500 ms (client.timeout); trigger id " + T +
                               ": the savepoint may still complete; to wait for it, run: flink follow -m " + jm.address() +
                               " " + J + " " + T + " (with the same -D options)"}));
  // Polled after 10 ms, backing off to every 100 ms, the last sleep cut to the deadline: a poll
  // after each sleep, and the first.
  EXPECT_EQ(clock.sleeps, (std::vector<milliseconds>{milliseconds(10), milliseconds(20), milliseconds(40), milliseconds(80),
                                                     milliseconds(100), milliseconds(100), milliseconds(100), milliseconds(50)}));
  EXPECT_EQ(jm.requests_to("GET", "/jobs/" + J + "/savepoints/" + T).size(), 9u);
}

TEST_F(HttpActionsTest, ClientConfiguredDefaultDirectoryIsSent) {
  env.conf_dir().write("config.yaml", "execution:\n  checkpointing:\n    savepoint-dir: file:///conf/savepoints\n");
  serve_savepoints(jm, J, T, L);  // each result under the directory its trigger sent
  ASSERT_EQ(run({"savepoint", J}).exit_code, 0);
  ASSERT_EQ(run({"stop", J}).exit_code, 0);
  const auto cancel = run({"cancel", "-s", J});
  ASSERT_EQ(cancel.exit_code, 0);
  EXPECT_EQ(cancel.out.at(1), "Cancelling job " + J + " with CANONICAL savepoint to file:///conf/savepoints.");
  const auto savepoints = jm.requests_to("POST", "/jobs/" + J + "/savepoints");
  ASSERT_EQ(savepoints.size(), 2u);
  EXPECT_EQ(savepoints[0].json()["target-directory"], "file:///conf/savepoints");
  EXPECT_EQ(savepoints[1].json()["target-directory"], "file:///conf/savepoints");
  EXPECT_EQ(savepoints[1].json()["cancel-job"], true);
  EXPECT_EQ(jm.requests_to("POST", "/jobs/" + J + "/stop").at(0).json()["targetDirectory"], "file:///conf/savepoints");

  // the legacy key in the legacy file, and none at all
  TestEnvironment legacy;
  legacy.conf_dir().write("flink-conf.yaml", "state.savepoints.dir: file:///legacy/sp\n");
  ASSERT_EQ(run_flink_http({"savepoint", J, "-m", jm.address()}, legacy).exit_code, 0);
  TestEnvironment none;
  ASSERT_EQ(run_flink_http({"savepoint", J, "-m", jm.address()}, none).exit_code, 0);
  const auto later = jm.requests_to("POST", "/jobs/" + J + "/savepoints");
  ASSERT_EQ(later.size(), 4u);
  EXPECT_EQ(later[2].json()["target-directory"], "file:///legacy/sp");
  EXPECT_EQ(later[3].json()["target-directory"], nullptr);
}

TEST_F(HttpActionsTest, HeadersFromTheEnvironmentOnEveryRequest) {
  env.set("FLINK_REST_CLIENT_HEADERS", "Cookie:authCookie=12:345\nCustomHeader:value1,value2\nmalformed line");
  script_savepoint("/jobs/" + J + "/savepoints", {CannedReply::json(200, in_progress_body()),
                                                  CannedReply::json(200, completed_body(L))});
  script_result_checks(jm, J, {L});
  ASSERT_EQ(run({"savepoint", "--trigger-id", T, J}).exit_code, 0);
  const auto requests = jm.requests();
  ASSERT_EQ(requests.size(), 4u);  // trigger, two polls, the result's check (a given trigger id)
  for (const auto& request : requests) {
    SCOPED_TRACE(request.method + " " + request.target);
    EXPECT_EQ(request.header("Cookie"), "authCookie=12:345");
    EXPECT_EQ(request.header("CustomHeader"), "value1,value2");
    EXPECT_FALSE(request.has_header("malformed line"));
  }
}

TEST_F(HttpActionsTest, EndpointFromConfigurationAndRestPath) {
  // rest.address / rest.port from config.yaml, no -m
  env.conf_dir().write("config.yaml", "rest:\n  address: 127.0.0.1\n  port: " + std::to_string(jm.port()) + "\n");
  jm.on("GET", "/jobs/overview", {CannedReply::json(200, {{"jobs", json::array()}})});
  EXPECT_EQ(run_flink_http({"list"}, env).exit_code, 0);
  // -m http://host:port/prefix puts every path under the prefix
  jm.on("PATCH", "/proxy/flink/jobs/" + J, {CannedReply::json(202, json::object())});
  jm.on("GET", "/proxy/flink/jobs/" + J + "/status", {CannedReply::json(200, job_status_body("CANCELED"))});
  EXPECT_EQ(run_flink_http({"cancel", J, "-m", "http://" + jm.address() + "/proxy/flink/"}, env).exit_code, 0);
  EXPECT_EQ(jm.request_lines(), (Lines{"GET /jobs/overview", "PATCH /proxy/flink/jobs/" + J + "?mode=cancel",
                                       "GET /proxy/flink/jobs/" + J + "/status"}));
}

}  // namespace
}  // namespace flinkcli::testing
