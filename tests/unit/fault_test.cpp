// Fault injection on loopback (issue 14): a JobManager, or what stands in front of it, failing in
// every way we know of. Each scenario ends in its documented exit code and one clear line, within
// the action's deadline (on the injected clock), and never with a second savepoint: every trigger
// sent again carries the same trigger id, and what cannot be deduplicated is never sent twice.
#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>

#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "fake/fake_jobmanager.hpp"
#include "fake/raw_server.hpp"
#include "fake/test_support.hpp"
#include "flinkcli/rest/http_jobmanager_api.hpp"

namespace flinkcli::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using Lines = std::vector<std::string>;

// Real time: client.timeout bounds a socket's wait. A hang far longer than any client.timeout
// here, so that only the client's timeout can end the wait, however loaded the machine
// (RawServer cuts it short when the test ends).
constexpr milliseconds k_hang(60000);

const std::string J = k_job;
const std::string T = k_trigger;
const std::string L = "file:/data/savepoints/savepoint-a48f8e-f8b2e237b6f8";
const std::string trigger_path = "/jobs/" + J + "/savepoints";
const std::string poll_path = "/jobs/" + J + "/savepoints/" + T;

RawAction accepted() { return RawAction::http(202, json{{"request-id", T}}.dump()); }
RawAction completed() {
  return RawAction::http(200, json{{"status", {{"id", "COMPLETED"}}}, {"operation", {{"location", L}}}}.dump());
}
RawAction failed(const std::string& trace) {
  return RawAction::http(200, json{{"status", {{"id", "COMPLETED"}}},
                                   {"operation", {{"failure-cause", {{"class", "x"}, {"stack-trace", trace}}}}}}
                                  .dump());
}
RawAction flink_error(int status, const std::string& text) {
  return RawAction::http(status, json{{"errors", {text}}}.dump());
}
const std::string election = "Service temporarily unavailable due to an ongoing leader election. Please refresh.";
const std::string proxy_page = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";

// The checks after a completed savepoint (SAVEPOINT, the job RUNNING) or stop (SYNC_SAVEPOINT,
// FINISHED), answered as Flink does: the savepoint at L in the job's history, and the job's state.
std::optional<RawAction> result_check(const RawRequest& request, const std::string& checkpoint_type,
                                      const std::string& state) {
  if (request.method != "GET") return std::nullopt;
  if (request.target == "/jobs/" + J + "/checkpoints") {
    return RawAction::http(200, checkpoints_body({L, checkpoint_type}).dump());
  }
  if (request.target == "/jobs/" + J + "/status") return RawAction::http(200, job_status_body(state).dump());
  return std::nullopt;
}

// POST the trigger -> `on_trigger` (by attempt), GET the poll -> `on_poll` (by attempt); the
// result's checks as Flink answers them.
RawServer::Handler savepoint_script(std::function<RawAction(int)> on_trigger, std::function<RawAction(int)> on_poll) {
  auto triggers = std::make_shared<int>(0);
  auto polls = std::make_shared<int>(0);
  return [=](const RawRequest& request, int) {
    if (request.method == "POST" && request.target == trigger_path) return on_trigger((*triggers)++);
    if (request.method == "GET" && request.target == poll_path) return on_poll((*polls)++);
    if (auto check = result_check(request, "SAVEPOINT", "RUNNING")) return *check;
    return flink_error(404, "Not found: " + request.target);
  };
}

struct FaultCase {
  std::string name;
  std::vector<std::string> args;  // -m and -D client.timeout=5s are added
  RawServer::Handler handler;
  int exit_code;
  std::string message_part;           // in the one stderr line ("" for success)
  std::string method;                 // requests counted (e.g. POST to the trigger path)
  std::string path;
  int requests;
};

// The command that follows the savepoint, after the fake's address.
const std::string follow_hint = "trigger id " + T + ": the savepoint may still complete; to wait for it, run: flink follow -m 127.0.0.1:";
const std::string follow_ids = std::string(" ").append(k_job).append(" ").append(T);

std::vector<FaultCase> fault_cases() {
  std::vector<FaultCase> cases;
  const std::vector<std::string> savepoint = {"savepoint", J};
  cases.push_back({"reset mid-trigger: sent again with the same trigger id", savepoint,
                   savepoint_script([](int n) { return n == 0 ? RawAction::reset_connection() : accepted(); },
                                    [](int) { return completed(); }),
                   0, "", "POST", trigger_path, 2});
  cases.push_back({"reset mid-poll: the poll is repeated", savepoint,
                   savepoint_script([](int) { return accepted(); },
                                    [](int n) { return n == 0 ? RawAction::reset_connection() : completed(); }),
                   0, "", "POST", trigger_path, 1});
  cases.push_back({"503 from a proxy, then the trigger gets through", savepoint,
                   savepoint_script([](int n) { return n == 0 ? RawAction::http(503, proxy_page, "text/html") : accepted(); },
                                    [](int) { return completed(); }),
                   0, "", "POST", trigger_path, 2});
  cases.push_back({"503 leader election during the poll is no failed savepoint", savepoint,
                   savepoint_script([](int) { return accepted(); },
                                    [](int n) {
                                      return n < 2 ? flink_error(503, "Service temporarily unavailable due to an "
                                                                      "ongoing leader election. Please refresh.")
                                                   : completed();
                                    }),
                   0, "", "GET", poll_path, 3});
  cases.push_back({"COMPLETED with a failure-cause", savepoint,
                   savepoint_script([](int) { return accepted(); },
                                    [](int) {
                                      return failed("org.apache.flink.runtime.checkpoint.CheckpointException: "
                                                    "Checkpoint was declined (task not ready)\n\tat a.B.c(B.java:1)\n");
                                    }),
                   5, "Checkpoint was declined (task not ready)", "POST", trigger_path, 1});
  cases.push_back({"unknown job: the operation fails with FlinkJobNotFoundException", savepoint,
                   savepoint_script([](int) { return accepted(); },
                                    [](int) {
                                      return failed("java.util.concurrent.CompletionException: org.apache.flink."
                                                    "runtime.messages.FlinkJobNotFoundException: Could not find "
                                                    "Flink job (" + J + ")");
                                    }),
                   4, "Could not find Flink job (" + J + ")", "POST", trigger_path, 1});
  cases.push_back({"404 on the trigger: not a Flink endpoint", savepoint,
                   savepoint_script([](int) { return flink_error(404, "Not found: " + trigger_path); },
                                    [](int) { return completed(); }),
                   9, "has no REST endpoint POST " + trigger_path, "POST", trigger_path, 1});
  cases.push_back({"409 on the trigger is permanent: not retried", savepoint,
                   savepoint_script([](int) {
                                      return flink_error(409, "org.apache.flink.runtime.rest.handler."
                                                              "RestHandlerException: Savepoint already in progress");
                                    },
                                    [](int) { return completed(); }),
                   5, "Savepoint already in progress", "POST", trigger_path, 1});
  cases.push_back({"400 on the trigger is permanent: not retried", savepoint,
                   savepoint_script([](int) {
                                      return flink_error(400, "Request did not match expected format "
                                                              "SavepointTriggerRequestBody.");
                                    },
                                    [](int) { return completed(); }),
                   5, "Request did not match expected format", "POST", trigger_path, 1});
  cases.push_back({"malformed JSON on the poll", savepoint,
                   savepoint_script([](int) { return accepted(); },
                                    [](int) { return RawAction::http(200, "{\"status\": "); }),
                   9, "not JSON", "POST", trigger_path, 1});
  cases.push_back({"a JobManager that restarted no longer knows the trigger (404 on the poll)", savepoint,
                   savepoint_script([](int) { return accepted(); },
                                    [](int) {
                                      return flink_error(404, "org.apache.flink.runtime.rest.NotFoundException: "
                                                              "Operation not found under key: org.apache.flink."
                                                              "runtime.rest.handler.job.AsynchronousJobOperationKey@1f");
                                    }),
                   4, "does not know trigger id " + T, "POST", trigger_path, 1});
  // the savepoint was triggered: whether it completes is unknown (16), not an unreachable JobManager (3)
  cases.push_back({"the JobManager dies after the trigger: polls are refused", savepoint,
                   savepoint_script([](int) { RawAction a = accepted(); a.then_stop = true; return a; },
                                    [](int) { return completed(); }),
                   16, "Connection refused", "POST", trigger_path, 1});
  cases.push_back({"stop: reset mid-trigger, sent again with the same trigger id", {"stop", J},
                   [](const RawRequest& request, int index) {
                     if (request.method == "POST") return index == 0 ? RawAction::reset_connection() : accepted();
                     if (auto check = result_check(request, "SYNC_SAVEPOINT", "FINISHED")) return *check;
                     return completed();
                   },
                   0, "", "POST", "/jobs/" + J + "/stop", 2});
  // A request that may have arrived and lost its answer: exit 16, sent once, and what to check.
  const std::string dispose_lost = "and its answer was lost (connection closed or reset before a whole answer arrived); whether it took "
                                   "effect is unknown: check whether file:///sp/savepoint-1 still exists before "
                                   "disposing again";
  const std::string cancel_lost = "check with `flink list` whether job " + J + " is cancelling";
  cases.push_back({"dispose: reset mid-trigger is never sent again (Flink picks its id)",
                   {"savepoint", "-d", "file:///sp/savepoint-1"},
                   [](const RawRequest&, int) { return RawAction::reset_connection(); },
                   16, "POST /savepoint-disposal was sent to the JobManager at 127.0.0.1:", "POST",
                   "/savepoint-disposal", 1});
  cases.push_back({"dispose: reset, and the line says what to check", {"savepoint", "-d", "file:///sp/savepoint-1"},
                   [](const RawRequest&, int) { return RawAction::reset_connection(); },
                   16, dispose_lost, "POST", "/savepoint-disposal", 1});
  cases.push_back({"dispose: a proxy's 502 after the POST", {"savepoint", "-d", "file:///sp/savepoint-1"},
                   [](const RawRequest&, int) { return RawAction::http(502, proxy_page, "text/html"); },
                   16, "its answer was lost (HTTP 502 from a proxy or load balancer)", "POST", "/savepoint-disposal", 1});
  cases.push_back({"dispose: a proxy's 504 after the POST", {"savepoint", "-d", "file:///sp/savepoint-1"},
                   [](const RawRequest&, int) { return RawAction::http(504, proxy_page, "text/html"); },
                   16, "HTTP 504 from a proxy", "POST", "/savepoint-disposal", 1});
  cases.push_back({"cancel: reset is never sent again", {"cancel", J},
                   [](const RawRequest&, int) { return RawAction::reset_connection(); },
                   16, "PATCH /jobs/" + J + "?mode=cancel was sent to the JobManager at 127.0.0.1:", "PATCH",
                   "/jobs/" + J, 1});
  cases.push_back({"cancel: reset, and the line says what to check", {"cancel", J},
                   [](const RawRequest&, int) { return RawAction::reset_connection(); },
                   16, cancel_lost, "PATCH", "/jobs/" + J, 1});
  cases.push_back({"cancel: a proxy's 504 after the PATCH", {"cancel", J},
                   [](const RawRequest&, int) { return RawAction::http(504, proxy_page, "text/html"); },
                   16, cancel_lost, "PATCH", "/jobs/" + J, 1});
  cases.push_back({"cancel: the JobManager's own 502 after the PATCH", {"cancel", J},
                   [](const RawRequest&, int) { return flink_error(502, "upstream gone"); },
                   16, "HTTP 502: upstream gone); whether it took effect is unknown: " + cancel_lost, "PATCH",
                   "/jobs/" + J, 1});
  cases.push_back({"cancel: a proxy's 503 (nothing was passed on) stays unreachable", {"cancel", J},
                   [](const RawRequest&, int) { return RawAction::http(503, proxy_page, "text/html"); },
                   3, "HTTP 503 instead of the JobManager", "PATCH", "/jobs/" + J, 1});
  cases.push_back({"cancel: Flink's 503 while electing a leader: nothing was done, not sent again", {"cancel", J},
                   [](const RawRequest&, int) { return flink_error(503, election); },
                   3, "is electing a leader (HTTP 503 for PATCH /jobs/" + J + "?mode=cancel): nothing was done",
                   "PATCH", "/jobs/" + J, 1});
  cases.push_back({"savepoint: every retry of the trigger loses its answer", savepoint,
                   savepoint_script([](int) { return RawAction::reset_connection(); }, [](int) { return completed(); }),
                   16, "POST " + trigger_path + " was sent to the JobManager at 127.0.0.1:", "POST", trigger_path, 8});
  cases.push_back({"savepoint: every retry of the trigger answered by a proxy's 502", savepoint,
                   savepoint_script([](int) { return RawAction::http(502, proxy_page, "text/html"); },
                                    [](int) { return completed(); }),
                   16, "its answer was lost (HTTP 502 from a proxy or load balancer)", "POST", trigger_path, 8});
  // The trigger may have arrived before the JobManager died: not "nothing was sent".
  cases.push_back({"savepoint: reset mid-trigger, then the JobManager is gone", savepoint,
                   savepoint_script([](int) { RawAction reset = RawAction::reset_connection(); reset.then_stop = true; return reset; },
                                    [](int) { return completed(); }),
                   16, "an earlier attempt's answer was lost, then: Could not connect", "POST", trigger_path, 1});
  // The savepoint was triggered: losing the JobManager while waiting leaves its outcome unknown.
  cases.push_back({"savepoint: a proxy's 503 on every poll is still capped at 8 attempts", savepoint,
                   savepoint_script([](int) { return accepted(); },
                                    [](int) { return RawAction::http(503, proxy_page, "text/html"); }),
                   16, "HTTP 503 instead of the JobManager", "GET", poll_path, 8});
  cases.push_back({"list: reset, then the read is repeated", {"list"},
                   [](const RawRequest&, int index) {
                     return index == 0 ? RawAction::reset_connection() : RawAction::http(200, R"({"jobs":[]})");
                   },
                   0, "", "GET", "/jobs/overview", 2});
  cases.push_back({"list: a proxy answers 502 HTML every time", {"list"},
                   [](const RawRequest&, int) { return RawAction::http(502, proxy_page, "text/html"); },
                   3, "HTTP 502 instead of the JobManager", "GET", "/jobs/overview", 8});
  cases.push_back({"list: a TLS port answers plain HTTP with a redirect to https", {"list"},
                   [](const RawRequest& request, int) {
                     return RawAction::http(301, "", "text/plain",
                                            "Location: https://127.0.0.1:1" + request.target + "\r\n");
                   },
                   9, "it serves https: use -m https://", "GET", "/jobs/overview", 1});
  cases.push_back({"list: an answer larger than 64 MiB", {"list"},
                   [](const RawRequest&, int) {
                     std::string huge = R"({"jobs":[)";
                     huge.append(std::size_t{65} << 20, ' ');
                     return RawAction::http(200, huge + "]}");
                   },
                   9, "more than 64 MiB", "GET", "/jobs/overview", 1});
  cases.push_back({"list: JSON nested 100,000 deep", {"list"},
                   [](const RawRequest&, int) {
                     return RawAction::http(200, std::string(100000, '[') + std::string(100000, ']'));
                   },
                   9, "has no 'jobs' field", "GET", "/jobs/overview", 1});
  cases.push_back({"list: the answer is not HTTP at all", {"list"},
                   [](const RawRequest&, int) { return RawAction{RawAction::Kind::answer, "SSH-2.0-OpenSSH_9.2\r\n"}; },
                   3, "Connection to the JobManager", "GET", "/jobs/overview", 8});
  cases.push_back({"trigger answered 200 with an empty body", savepoint,
                   savepoint_script([](int) { return RawAction::http(200, ""); }, [](int) { return completed(); }),
                   9, "has no 'request-id' field", "POST", trigger_path, 1});
  return cases;
}

TEST(FaultInjection, EachFaultEndsInItsExitCodeWithOneLineAndNoDuplicateTrigger) {
  TestEnvironment env;
  for (const auto& c : fault_cases()) {
    SCOPED_TRACE(c.name);
    RawServer server(c.handler);
    FakeClock clock;
    std::vector<std::string> args = c.args;
    args.insert(args.end(), {"-m", server.address(), "-D", "client.timeout=5s"});
    const auto result = run_flink_http(args, env, clock);
    EXPECT_EQ(result.exit_code, c.exit_code) << ::testing::PrintToString(result.err);
    if (c.exit_code == 0) {
      EXPECT_TRUE(result.err.empty()) << result.err.front();
    } else {
      ASSERT_EQ(result.err.size(), 1u) << ::testing::PrintToString(result.err);
      EXPECT_NE(result.err[0].find(c.message_part), std::string::npos) << result.err[0];
      EXPECT_EQ(result.err[0].find('<'), std::string::npos) << "no HTML: " << result.err[0];
      EXPECT_LE(result.err[0].size(), 2000u);
    }
    EXPECT_EQ(server.count(c.method, c.path), c.requests);
    EXPECT_LE(clock.elapsed(), milliseconds(5000));  // within the action's deadline (injected clock)
    // However often a trigger was sent, it was one savepoint: every trigger carries a trigger id,
    // and always the same one (a body without one would otherwise go unnoticed).
    std::set<std::string> trigger_ids;
    std::size_t triggers = 0;
    for (const auto& request : server.requests()) {
      // a disposal's id is the JobManager's, not in the body
      if (request.method != "POST" || request.body.empty() || request.target.find("/jobs/") != 0) continue;
      ++triggers;
      const json body = json::parse(request.body, nullptr, false);
      ASSERT_TRUE(body.is_object() && body.contains("triggerId")) << request.body;
      trigger_ids.insert(body["triggerId"].dump());
    }
    EXPECT_EQ(trigger_ids.size(), triggers == 0 ? 0u : 1u);
  }
}

// A wait that ends without completion names the trigger id and how to follow it; a completed
// failure does not.
TEST(FaultInjection, InterruptedWaitsSayHowToFollowTheSavepoint) {
  TestEnvironment env;
  // Ctrl-C for real, while the JobManager answers a poll: the savepoint goes on, and the line
  // says how to wait for it; nothing is cancelled or triggered again.
  const pid_t self = ::getpid();
  RawServer polled(savepoint_script([](int) { return accepted(); },
                                    [self](int) {
                                      ::kill(self, SIGINT);
                                      RawAction in_progress = RawAction::http(200, json{{"status", {{"id", "IN_PROGRESS"}}}, {"operation", nullptr}}.dump());
                                      in_progress.delay = milliseconds(100);
                                      return in_progress;
                                    }));
  SystemClock real_clock;
  SignalInterrupt interrupt;
  const auto interrupted =
      run_flink({"savepoint", J, "-m", polled.address()}, env, make_http_jobmanager_api, real_clock, &interrupt);
  EXPECT_EQ(interrupted.exit_code, 130);
  ASSERT_EQ(interrupted.err.size(), 1u);
  EXPECT_NE(interrupted.err[0].find("Interrupted by SIGINT: the savepoint goes on in the JobManager"), std::string::npos)
      << interrupted.err[0];
  EXPECT_NE(interrupted.err[0].find("trigger id " + T), std::string::npos) << interrupted.err[0];
  EXPECT_NE(interrupted.err[0].find(polled.address() + follow_ids), std::string::npos) << interrupted.err[0];
  EXPECT_EQ(polled.count("POST", trigger_path), 1);
  EXPECT_EQ(polled.count("PATCH", "/jobs/"), 0);

  RawServer dies(savepoint_script([](int) { RawAction a = accepted(); a.then_stop = true; return a; },
                                  [](int) { return completed(); }));
  FakeClock clock;
  const auto refused = run_flink_http({"savepoint", J, "-m", dies.address()}, env, clock);
  ASSERT_EQ(refused.err.size(), 1u);
  EXPECT_NE(refused.err[0].find(follow_hint), std::string::npos) << refused.err[0];
  EXPECT_NE(refused.err[0].find(dies.address() + follow_ids), std::string::npos) << refused.err[0];

  RawServer slow(savepoint_script([](int) { return accepted(); },
                                  [](int) { return RawAction::hang_for(k_hang); }));
  const auto timed_out = run_flink_http({"savepoint", J, "-m", slow.address(), "-D", "client.timeout=1s"}, env);
  EXPECT_EQ(timed_out.exit_code, 6);
  ASSERT_EQ(timed_out.err.size(), 1u);
  EXPECT_NE(timed_out.err[0].find(follow_hint), std::string::npos) << timed_out.err[0];

  // a trigger that gets no answer in time: a timeout, and not sent again (it may have arrived)
  RawServer silent(savepoint_script([](int) { return RawAction::hang_for(k_hang); },
                                    [](int) { return completed(); }));
  const auto unanswered = run_flink_http({"savepoint", J, "-m", silent.address(), "-D", "client.timeout=1s"}, env);
  EXPECT_EQ(unanswered.exit_code, 6);
  ASSERT_EQ(unanswered.err.size(), 1u);
  EXPECT_NE(unanswered.err[0].find("did not answer POST " + trigger_path + " within 1 s (client.timeout)"),
            std::string::npos)
      << unanswered.err[0];
  EXPECT_EQ(silent.count("POST", trigger_path), 1);

  RawServer declined(savepoint_script([](int) { return accepted(); },
                                      [](int) { return failed("x.Y: declined"); }));
  const auto failure = run_flink_http({"savepoint", J, "-m", declined.address()}, env, clock);
  EXPECT_EQ(failure.exit_code, 5);
  ASSERT_EQ(failure.err.size(), 1u);
  EXPECT_EQ(failure.err[0].find("--trigger-id"), std::string::npos) << failure.err[0];
  EXPECT_EQ(failure.err[0].find("flink follow"), std::string::npos) << failure.err[0];

  // following it: the same command with --trigger-id sends that id and attaches
  RawServer again(savepoint_script([](int) { return accepted(); }, [](int) { return completed(); }));
  const auto followed = run_flink_http({"savepoint", J, "--trigger-id", T, "-m", again.address()}, env, clock);
  EXPECT_EQ(followed.exit_code, 0);
  ASSERT_EQ(again.count("POST", trigger_path), 1);
  EXPECT_EQ(json::parse(again.requests().front().body)["triggerId"], T);
}

// A run's requests, with `run_answer` for POST /jars/x_job.jar/run and `upload_answer` for the upload.
RawServer::Handler run_script(RawAction upload_answer, RawAction run_answer) {
  return [=](const RawRequest& request, int) {
    if (request.method == "GET" && request.target == "/jars") return RawAction::http(200, R"({"files":[]})");
    if (request.method == "POST" && request.target == "/jars/upload") return upload_answer;
    if (request.method == "POST" && request.target == "/jars/x_job.jar/run") return run_answer;
    return RawAction::http(200, "{}");
  };
}

const RawAction uploaded = RawAction::http(200, R"({"filename":"/tmp/flink-web/x_job.jar","status":"success"})");

// run submits a job: a lost answer to /jars/:id/run is never sent again (two jobs), and its exit
// code is not "unreachable", which a script may retry on.
TEST(FaultInjection, LostRunAnswerIsNeverSentAgain) {
  TestEnvironment env;
  TempDir jars;
  const std::string jar = jars.write("job.jar", fake_jar_bytes("fault")).string();
  struct Case {
    std::string name;
    RawAction run_answer;
    std::string cause;
  };
  const Case cases[] = {
      {"reset", RawAction::reset_connection(), "connection closed or reset before a whole answer arrived"},
      {"a proxy's 502", RawAction::http(502, proxy_page, "text/html"), "HTTP 502 from a proxy or load balancer"},
      {"a proxy's 504", RawAction::http(504, proxy_page, "text/html"), "HTTP 504 from a proxy or load balancer"},
      {"the JobManager's own 504", flink_error(504, "gateway timeout"), "HTTP 504: gateway timeout"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    RawServer server(run_script(uploaded, c.run_answer));
    FakeClock clock;
    const auto result = run_flink_http({"run", "-d", "-m", server.address(), jar}, env, clock);
    EXPECT_EQ(result.exit_code, 16);
    ASSERT_EQ(result.err.size(), 1u) << ::testing::PrintToString(result.err);
    EXPECT_NE(result.err[0].find("POST /jars/x_job.jar/run was sent to the JobManager at " + server.address() +
                                 " and its answer was lost (" + c.cause +
                                 "); whether it took effect is unknown: check with `flink list` whether the job "
                                 "was submitted before running again"),
              std::string::npos)
        << result.err[0];
    EXPECT_EQ(server.count("POST", "/jars/x_job.jar/run"), 1);
    EXPECT_EQ(server.count("DELETE", "/jars/x_job.jar"), 1);  // still cleaned up
  }
}

TEST(FaultInjection, LostUploadAnswerIsNeverSentAgain) {
  TestEnvironment env;
  TempDir jars;
  const std::string jar = jars.write("job.jar", fake_jar_bytes("fault")).string();
  for (const RawAction& upload_answer : {RawAction::reset_connection(), RawAction::http(502, proxy_page, "text/html")}) {
    RawServer server(run_script(upload_answer, RawAction::http(200, R"({"jobid":")" + J + R"("})")));
    FakeClock clock;
    const auto result = run_flink_http({"run", "-d", "-m", server.address(), jar}, env, clock);
    EXPECT_EQ(result.exit_code, 16);
    ASSERT_EQ(result.err.size(), 1u) << ::testing::PrintToString(result.err);
    EXPECT_NE(result.err[0].find("POST /jars/upload was sent to the JobManager at " + server.address()),
              std::string::npos)
        << result.err[0];
    EXPECT_NE(result.err[0].find("a copy of the jar may be left on the JobManager (`GET /jars`); run again to upload it anew"),
              std::string::npos)
        << result.err[0];
    EXPECT_EQ(server.count("POST", "/jars/upload"), 1);
    EXPECT_EQ(server.count("POST", "/jars/x_job.jar/run"), 0);
  }
}

// A non-idempotent request that gets no answer in time may have arrived: not a timeout that
// invites running it again, but an unknown outcome.
TEST(FaultInjection, UnansweredCancelIsAnUnknownOutcome) {
  TestEnvironment env;
  RawServer silent([](const RawRequest&, int) { return RawAction::hang_for(k_hang); });
  const auto result = run_flink_http({"cancel", J, "-m", silent.address(), "-D", "client.timeout=1s"}, env);
  EXPECT_EQ(result.exit_code, 16);
  ASSERT_EQ(result.err.size(), 1u);
  EXPECT_NE(result.err[0].find("and its answer was lost (no answer within 1 s (client.timeout))"), std::string::npos)
      << result.err[0];
  EXPECT_EQ(silent.count("PATCH", "/jobs/" + J), 1);
}

// Flink answers 503 while it elects a leader: a poll is retried until the deadline, past the cap
// of 8 attempts that holds for a proxy's answers.
TEST(FaultInjection, LeaderElectionIsWaitedForUntilTheDeadline) {
  TestEnvironment env;
  RawServer server(savepoint_script([](int) { return accepted(); },
                                    [](int n) { return n < 12 ? flink_error(503, election) : completed(); }));
  FakeClock clock;
  const auto result = run_flink_http({"savepoint", J, "-v", "-m", server.address(), "-D", "client.timeout=60s"}, env,
                                     clock);
  EXPECT_EQ(result.exit_code, 0) << ::testing::PrintToString(result.err);
  EXPECT_EQ(server.count("GET", poll_path), 13);
  EXPECT_EQ(server.count("POST", trigger_path), 1);
  bool said_until_the_deadline = false;
  for (const auto& line : result.err) {
    EXPECT_EQ(line.find(" of 8)"), std::string::npos) << line;  // no cap where there is none
    said_until_the_deadline = said_until_the_deadline || line.find("(attempt 12, until the deadline)") != std::string::npos;
  }
  EXPECT_TRUE(said_until_the_deadline) << ::testing::PrintToString(result.err);

  // still electing at the deadline: the savepoint was triggered and its outcome is unknown; the
  // line says why and how to follow it
  RawServer electing(savepoint_script([](int) { return accepted(); }, [](int) { return flink_error(503, election); }));
  FakeClock later;
  const auto ended = run_flink_http({"savepoint", J, "-m", electing.address(), "-D", "client.timeout=20s"}, env, later);
  EXPECT_EQ(ended.exit_code, 16);
  ASSERT_EQ(ended.err.size(), 1u);
  EXPECT_NE(ended.err[0].find("is electing a leader (HTTP 503 for GET " + poll_path + ")"), std::string::npos)
      << ended.err[0];
  EXPECT_NE(ended.err[0].find(follow_hint), std::string::npos) << ended.err[0];
  // Polled with backoff past the cap of 8, until the next pause would not fit before the deadline.
  EXPECT_GT(electing.count("GET", poll_path), 8);
  EXPECT_EQ(electing.count("GET", poll_path), static_cast<int>(later.sleeps.size()) + 1);
  expect_backoff_pauses(later.sleeps);
  EXPECT_LT(later.elapsed(), milliseconds(20000));
  EXPECT_GE(later.elapsed() + backoff_step(later.sleeps.size()), milliseconds(20000));
}

}  // namespace
}  // namespace flinkcli::testing
