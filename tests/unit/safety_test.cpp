// Nothing lost, nothing done twice, nothing misreported: a result is checked against the request
// it answers (a trigger id used before answers with the earlier operation's result), a signal
// during a wait reports the operation it leaves running, and a trigger whose answer was lost or
// late names its trigger id and the command that follows it. Against the loopback fake
// JobManager (real HTTP), with real signals where a signal is the point.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "fake/fake_jobmanager.hpp"
#include "fake/test_support.hpp"
#include "flinkcli/rest/http_jobmanager_api.hpp"

namespace flinkcli::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using Lines = std::vector<std::string>;

const std::string J = k_job;
const std::string T = k_trigger;
const std::string dir_a = "file:/data/savepoints/a";
const std::string in_a = "file:/data/savepoints/a/savepoint-a48f8e-f8b2e237b6f8";
const std::string in_b = "file:/data/savepoints/b/savepoint-a48f8e-0123456789ab";

json in_progress() { return {{"status", {{"id", "IN_PROGRESS"}}}, {"operation", nullptr}}; }
json completed(const std::string& location) {
  return {{"status", {{"id", "COMPLETED"}}}, {"operation", {{"location", location}}}};
}
// GET /jobs/:id/checkpoints as Flink 1.20.5 answers it, with one completed history entry.
json history_of(const std::string& type, const std::string& format, const std::string& path, bool is_savepoint = true) {
  return {{"counts", {{"completed", 1}}},
          {"latest", {{"completed", nullptr}, {"restored", nullptr}}},
          {"history",
           {{{"className", "completed"}, {"id", 7}, {"status", "COMPLETED"}, {"is_savepoint", is_savepoint},
             {"savepointFormat", format}, {"checkpoint_type", type}, {"external_path", path}, {"discarded", false}}}}};
}
json empty_history() { return {{"counts", {{"completed", 0}}}, {"latest", {{"restored", nullptr}}}, {"history", json::array()}}; }

struct VerificationCase {
  std::string name;
  std::vector<std::string> args;
  std::string location;           // what the poll reports
  json history;                   // GET /jobs/J/checkpoints
  std::vector<std::string> states;  // GET /jobs/J/status, in order (last repeats); empty: 404
  int exit_code;
  std::string message_part;       // in the one stderr line ("" : no stderr at all)
};

std::vector<VerificationCase> verification_cases() {
  const std::string savepoints = "/jobs/" + J + "/savepoints";
  return {
      {"savepoint: its own result", {"savepoint", J, dir_a}, in_a, history_of("SAVEPOINT", "CANONICAL", in_a), {"RUNNING"}, 0, ""},
      {"savepoint: the cached result lies in another directory", {"savepoint", J, dir_a}, in_b,
       history_of("SAVEPOINT", "CANONICAL", in_b), {"RUNNING"}, 5, "it is not under the directory sent, " + dir_a},
      {"savepoint: the cached result has another format", {"savepoint", "-type", "native", J}, in_a,
       history_of("SAVEPOINT", "CANONICAL", in_a), {"RUNNING"}, 5, "the format asked for is NATIVE, but it is CANONICAL"},
      {"savepoint: the cached result is a stop's", {"savepoint", J}, in_a,
       history_of("SYNC_SAVEPOINT", "CANONICAL", in_a), {"FINISHED"}, 5, "this one is a SYNC_SAVEPOINT (a stop's)"},
      {"savepoint: the history lists a checkpoint at that path", {"savepoint", J}, in_a,
       history_of("CHECKPOINT", "CANONICAL", in_a, false), {"RUNNING"}, 5, "it is a checkpoint, not a savepoint"},
      {"savepoint: not in the history any more: said, not failed", {"savepoint", J}, in_a, empty_history(), {"RUNNING"},
       0, "Note: trigger id " + T + " completed, but this client could not verify its kind and format"},
      {"stop: its own result", {"stop", "-p", dir_a, J}, in_a, history_of("SYNC_SAVEPOINT", "CANONICAL", in_a),
       {"FINISHED"}, 0, ""},
      {"stop: answered with an earlier savepoint's result", {"stop", J}, in_a, history_of("SAVEPOINT", "CANONICAL", in_a),
       {"RUNNING"}, 5, "a stop-with-savepoint takes a SYNC_SAVEPOINT, but this one is a SAVEPOINT"},
      {"stop: the job keeps running (history unknown)", {"stop", J}, in_a, empty_history(), {"RUNNING"}, 5,
       "should leave the job FINISHED, but it is still RUNNING"},
      {"stop: the job was cancelled, not stopped", {"stop", J}, in_a, history_of("SYNC_SAVEPOINT", "CANONICAL", in_a),
       {"CANCELED"}, 5, "should leave the job FINISHED, but it is CANCELED"},
      {"stop: the job's state is gone: said, not failed", {"stop", J}, in_a,
       history_of("SYNC_SAVEPOINT", "CANONICAL", in_a), {}, 0, "could not verify the job's state"},
      {"cancel -s: its own result, CANCELLING on the way", {"cancel", "-s", J}, in_a,
       history_of("SAVEPOINT", "CANONICAL", in_a), {"CANCELLING", "CANCELLING", "CANCELED"}, 0, ""},
      {"cancel -s: answered with an earlier savepoint's result", {"cancel", "-s", J}, in_a,
       history_of("SAVEPOINT", "CANONICAL", in_a), {"RUNNING"}, 5, "should leave the job CANCELED, but it is still RUNNING"},
      {"cancel -s: answered with a stop's result", {"cancel", "-s", J}, in_a,
       history_of("SYNC_SAVEPOINT", "CANONICAL", in_a), {"FINISHED"}, 5, "this one is a SYNC_SAVEPOINT"},
  };
}

TEST(ResultVerification, AReusedTriggerIdNeverYieldsAnotherOperationsResultAsSuccess) {
  TestEnvironment env;
  for (const auto& c : verification_cases()) {
    SCOPED_TRACE(c.name);
    FakeJobManager jm;
    const std::string trigger_path = "/jobs/" + J + (c.args[0] == "stop" ? "/stop" : "/savepoints");
    jm.on("POST", trigger_path, {CannedReply::json(202, {{"request-id", T}})});
    jm.on("GET", "/jobs/" + J + "/savepoints/" + T, {CannedReply::json(200, completed(c.location))});
    jm.on("GET", "/jobs/" + J + "/checkpoints", {CannedReply::json(200, c.history)});
    if (c.states.empty()) {
      jm.on("GET", "/jobs/" + J + "/status",
            {CannedReply::errors(404, {"org.apache.flink.runtime.rest.NotFoundException: Job " + J + " not found"})});
    } else {
      std::vector<CannedReply> states;
      for (const auto& state : c.states) states.push_back(CannedReply::json(200, {{"status", state}}));
      jm.on("GET", "/jobs/" + J + "/status", states);
    }
    std::vector<std::string> args = c.args;
    args.insert(args.end(), {"-m", jm.address(), "--trigger-id", T});  // an id that may have been used before
    FakeClock clock;
    const auto result = run_flink_http(args, env, clock);
    EXPECT_EQ(result.exit_code, c.exit_code);
    if (c.message_part.empty()) {
      EXPECT_TRUE(result.err.empty()) << result.err.front();
    } else {
      ASSERT_EQ(result.err.size(), 1u);
      EXPECT_NE(result.err[0].find(c.message_part), std::string::npos) << result.err[0];
      EXPECT_NE(result.err[0].find(T), std::string::npos) << "names the trigger id: " << result.err[0];
    }
    const bool success_line_printed = std::any_of(result.out.begin(), result.out.end(), [](const std::string& line) {
      return line.rfind("Savepoint completed.", 0) == 0 || line.find("Savepoint stored in") != std::string::npos;
    });
    EXPECT_EQ(success_line_printed, c.exit_code == 0) << "success is printed only for a verified result";
    // The trigger id is sent unchanged: re-attaching with --trigger-id keeps working.
    EXPECT_EQ(jm.requests_to("POST", trigger_path).at(0).json()["triggerId"], T);
  }
}

TEST(ResultVerification, JsonSaysWhatWasCheckedAndAMismatchIsExit5) {
  TestEnvironment env;
  FakeJobManager jm;
  jm.on("POST", "/jobs/" + J + "/stop", {CannedReply::json(202, {{"request-id", T}})});
  jm.on("GET", "/jobs/" + J + "/savepoints/" + T, {CannedReply::json(200, completed(in_a))});
  jm.on("GET", "/jobs/" + J + "/checkpoints", {CannedReply::json(200, history_of("SYNC_SAVEPOINT", "NATIVE", in_a))});
  jm.on("GET", "/jobs/" + J + "/status", {CannedReply::json(200, {{"status", "FINISHED"}})});
  FakeClock clock;
  const auto ok = run_flink_http({"stop", "-o", "json", "-type", "native", "-p", dir_a, J, "-m", jm.address(), "--trigger-id", T},
                                 env, clock);
  ASSERT_EQ(ok.exit_code, 0);
  const json document = json::parse(ok.out.at(0));
  EXPECT_EQ(document["checks"], (json{{"directory", "verified"}, {"kind_and_format", "verified"}, {"job_state", "verified"}}));
  EXPECT_EQ(document["job_state"], "FINISHED");
  EXPECT_FALSE(document.contains("follow_command")) << "a completed operation needs no follow";

  const auto mismatch = run_flink_http({"stop", "-o", "json", "-p", dir_a, J, "-m", jm.address(), "--trigger-id", T}, env, clock);
  // An id this client picked itself cannot have been used before: the history gets one look (it
  // is cached for web.refresh-interval), and what it cannot show is in the JSON, not on stderr.
  jm.on("GET", "/jobs/" + J + "/checkpoints", {CannedReply::json(200, empty_history())});
  FakeClock own_clock;
  const auto own_id = run_flink_http({"stop", "-o", "json", "-p", dir_a, J, "-m", jm.address()}, env, own_clock);
  ASSERT_EQ(own_id.exit_code, 0) << own_id.out.at(0);
  const json own = json::parse(own_id.out.at(0));
  EXPECT_EQ(own["checks"], (json{{"directory", "verified"}, {"kind_and_format", "unverified"}, {"job_state", "verified"}}));
  EXPECT_NE(own["unverified"].get<std::string>().find("not in the job's checkpoint history yet"), std::string::npos);
  EXPECT_TRUE(own_id.err.empty()) << own_id.err.front();
  EXPECT_EQ(jm.requests_to("GET", "/jobs/" + J + "/checkpoints").size(), 3u) << "one look for an id of our own";
  EXPECT_EQ(own_clock.total_slept(), milliseconds(0)) << "no wait for the history";
  EXPECT_EQ(mismatch.exit_code, 5);
  const json failed = json::parse(mismatch.out.at(0));
  EXPECT_EQ(failed["status"], "failed");
  EXPECT_EQ(failed["error"]["class"], "operation_failed");
  EXPECT_NE(failed["error"]["message"].get<std::string>().find("the format asked for is CANONICAL"), std::string::npos);
}

// Each exit 6 or 16 after a trigger may have arrived names the trigger id and the follow
// command; a trigger that never left says nothing was sent.
// Real time: client.timeout bounds a socket's wait; the answers come far later, so only it ends
// the wait however loaded the machine (the fake cuts the delay short when the test ends).
TEST(TriggerAnswers, LostOrLateAnswersNameTheFollowCommand) {
  TestEnvironment env;
  FakeJobManager slow;
  slow.on("POST", "/jobs/" + J + "/savepoints", {CannedReply::json(202, {{"request-id", T}}, milliseconds(60000))});
  slow.on("GET", "/jobs/" + J + "/savepoints/" + T, {CannedReply::json(200, completed(in_a))});
  const auto late = run_flink_http({"savepoint", J, "-m", slow.address(), "-D", "client.timeout=1s", "-o", "json"}, env);
  EXPECT_EQ(late.exit_code, 6);
  const json document = json::parse(late.out.at(0));
  const std::string follow = "flink follow -m " + slow.address() + " " + J + " " + T;
  EXPECT_EQ(document["follow_command"], follow);
  EXPECT_EQ(document["trigger_id"], T);
  ASSERT_EQ(late.err.size(), 0u);
  const std::string message = document["error"]["message"];
  EXPECT_NE(message.find("trigger id " + T), std::string::npos) << message;
  EXPECT_NE(message.find(follow + " (with the same -D options)"), std::string::npos) << message;

  // The same for a checkpoint, whose follow command says --checkpoint.
  FakeJobManager slow_checkpoint;
  slow_checkpoint.on("POST", "/jobs/" + J + "/checkpoints", {CannedReply::json(202, {{"request-id", T}}, milliseconds(60000))});
  const auto late_checkpoint =
      run_flink_http({"checkpoint", J, "-m", slow_checkpoint.address(), "-D", "client.timeout=1s"}, env);
  EXPECT_EQ(late_checkpoint.exit_code, 6);
  ASSERT_EQ(late_checkpoint.err.size(), 1u);
  EXPECT_NE(late_checkpoint.err[0].find("Failed to trigger a checkpoint for the job " + J + ": "), std::string::npos)
      << late_checkpoint.err[0];
  EXPECT_NE(late_checkpoint.err[0].find("flink follow -m " + slow_checkpoint.address() + " --checkpoint " + J + " " + T +
                                        " (with the same -D options)"),
            std::string::npos)
      << late_checkpoint.err[0];

  // Nothing listens: nothing was sent, and no follow command is offered.
  const auto refused = run_flink_http({"savepoint", J, "-m", "127.0.0.1:" + std::to_string(unused_local_port()),
                                       "-D", "client.timeout=2s"},
                                      env);
  EXPECT_EQ(refused.exit_code, 3);
  ASSERT_EQ(refused.err.size(), 1u);
  EXPECT_NE(refused.err[0].find("Nothing was sent: no savepoint was started."), std::string::npos) << refused.err[0];
  EXPECT_EQ(refused.err[0].find("flink follow"), std::string::npos) << refused.err[0];
}

// A real signal, sent by the fake JobManager while it handles a request of the phase under test.
struct SignalCase {
  std::string name;
  std::vector<std::string> args;
  int signal_number;
  std::string phase;         // "before", "trigger", "wait"
  std::string message_part;  // in the one stderr line
  bool names_follow_command;
};

TEST(Signals, AWaitCutShortReportsTheOperationAndNeverCancelsIt) {
  TestEnvironment env;
  const std::string dispose_id = "d1d2d3d4d5d6d7d8d9d0d1d2d3d4d5d6";
  const std::vector<SignalCase> cases = {
      {"savepoint, SIGINT during the wait", {"savepoint", J}, SIGINT, "wait", "the savepoint goes on in the JobManager", true},
      {"savepoint, SIGTERM during the trigger", {"savepoint", J}, SIGTERM, "trigger", "the savepoint goes on in the JobManager", true},
      {"savepoint, SIGHUP before the trigger", {"savepoint", "--job-name", "app"}, SIGHUP, "before",
       "before the savepoint was triggered: nothing was sent", false},
      {"stop, SIGTERM during the wait", {"stop", J}, SIGTERM, "wait", "the stop-with-savepoint goes on in the JobManager", true},
      {"cancel -s, SIGINT during the wait", {"cancel", "-s", J}, SIGINT, "wait", "the savepoint goes on in the JobManager", true},
      {"follow, SIGHUP during the wait", {"follow", J, T}, SIGHUP, "wait", "the savepoint goes on in the JobManager", true},
      {"dispose, SIGTERM during the wait", {"savepoint", "-d", in_a}, SIGTERM, "wait", "the disposal goes on in the JobManager", true},
      {"checkpoint, SIGINT during the wait", {"checkpoint", J}, SIGINT, "wait", "the checkpoint goes on in the JobManager", true},
      {"checkpoint -full, SIGTERM during the trigger", {"checkpoint", "-full", J}, SIGTERM, "trigger",
       "the checkpoint goes on in the JobManager", true},
      {"checkpoint, SIGHUP before the trigger", {"checkpoint", "--job-name", "app"}, SIGHUP, "before",
       "before the checkpoint was triggered: nothing was sent", false},
      {"follow --checkpoint, SIGTERM during the wait", {"follow", "--checkpoint", J, T}, SIGTERM, "wait",
       "the checkpoint goes on in the JobManager", true},
      // the answer arrives after the signal: the disposal is reported by the id it then has
      {"dispose, SIGINT during the trigger", {"savepoint", "-d", in_a}, SIGINT, "trigger",
       "the disposal goes on in the JobManager", true},
  };
  for (const auto& c : cases) {
    for (const bool json_output : {false, true}) {
      SCOPED_TRACE(c.name + (json_output ? " (-o json)" : ""));
      FakeJobManager jm;
      const pid_t self = ::getpid();
      auto raise_then = [&, self](json answer, int status) {
        return [self, answer, status, signal_number = c.signal_number](const RecordedRequest&) {
          ::kill(self, signal_number);
          CannedReply reply = CannedReply::json(status, answer);
          reply.delay = milliseconds(200);  // the signal arrives while the client waits for this answer
          return reply;
        };
      };
      const bool dispose = c.args[1] == "-d";
      // checkpoints have their own trigger and cache on the JobManager, and their own follow command
      const bool checkpoint = c.args[0] == "checkpoint" || c.args[1] == "--checkpoint";
      const std::string trigger_path = dispose      ? "/savepoint-disposal"
                                       : checkpoint ? "/jobs/" + J + "/checkpoints"
                                                    : "/jobs/" + J + (c.args[0] == "stop" ? "/stop" : "/savepoints");
      const std::string poll_path = dispose      ? "/savepoint-disposal/" + dispose_id
                                    : checkpoint ? "/jobs/" + J + "/checkpoints/" + T
                                                 : "/jobs/" + J + "/savepoints/" + T;
      const std::string id = dispose ? dispose_id : T;
      json jobs = {{"jobs", {{{"jid", J}, {"name", "app"}, {"state", "RUNNING"}, {"start-time", 1}}}}};
      if (c.phase == "before") {
        jm.on("GET", "/jobs/overview", raise_then(jobs, 200));
      }
      if (c.phase == "trigger") {
        jm.on("POST", trigger_path, raise_then({{"request-id", id}}, dispose ? 200 : 202));
      } else {
        jm.on("POST", trigger_path, {CannedReply::json(dispose ? 200 : 202, {{"request-id", id}})});
      }
      if (c.phase == "wait") {
        jm.on("GET", poll_path, raise_then(in_progress(), 200));
      } else {
        jm.on("GET", poll_path, {CannedReply::json(200, in_progress())});
      }
      std::vector<std::string> args = c.args;
      args.insert(args.end(), {"-m", jm.address()});
      if (json_output) args.insert(args.end(), {"-o", "json"});
      SystemClock clock;
      SignalInterrupt interrupt;
      const auto result = run_flink(args, env, make_http_jobmanager_api, clock, &interrupt);
      EXPECT_EQ(result.exit_code, 128 + c.signal_number);
      Lines err = result.err;  // cancel -s: Flink's deprecation notice goes to stderr with -o json
      std::erase_if(err, [](const std::string& line) { return line.rfind("DEPRECATION WARNING", 0) == 0; });
      ASSERT_EQ(err.size(), 1u);
      EXPECT_NE(err[0].find(c.message_part), std::string::npos) << err[0];
      EXPECT_NE(err[0].find(signal_name(c.signal_number)), std::string::npos) << err[0];
      const std::string follow = "flink follow -m " + jm.address() +
                                 (dispose ? " --dispose " + id : (checkpoint ? " --checkpoint " : " ") + J + " " + id);
      EXPECT_EQ(err[0].find(follow) != std::string::npos, c.names_follow_command) << err[0];
      // Never cancelled, never sent again.
      for (const auto& request : jm.requests()) EXPECT_NE(request.method, "PATCH");
      EXPECT_LE(jm.requests_to("POST", trigger_path).size(), 1u);
      if (json_output) {
        ASSERT_EQ(result.out.size(), 1u);
        const json document = json::parse(result.out[0]);
        EXPECT_EQ(document["status"], "interrupted");
        EXPECT_EQ(document["error"]["class"], "interrupted");
        EXPECT_EQ(document["error"]["exit_code"], 128 + c.signal_number);
        if (c.names_follow_command) {
          EXPECT_EQ(document["follow_command"], follow);
          EXPECT_EQ(document["trigger_id"], id);
        }
      } else {
        EXPECT_TRUE(result.out.empty() || (result.out.back().rfind("Savepoint completed", 0) != 0 &&
                                           result.out.back().rfind("Checkpoint", 0) != 0));
      }
    }
  }
}

// run: a signal while the jar is uploaded means nothing was submitted (and the copy is deleted);
// during the submission, the job is named and keeps running; plain cancel: a signal never hides
// that the cancel was sent.
TEST(Signals, RunAndCancelSayWhatTheSignalLeftBehind) {
  TestEnvironment env;
  TempDir jars;
  const std::string jar = jars.write("job.jar", fake_jar_bytes("signals")).string();
  const std::string submitted = "b03c4fea69492ff7b636af1aa8bca047";
  for (const std::string phase : {"upload", "submission"}) {
    SCOPED_TRACE(phase);
    FakeJobManager jm;
    const pid_t self = ::getpid();
    auto answer_after_signal = [self](json body) {
      return [self, body](const RecordedRequest&) {
        ::kill(self, SIGTERM);
        CannedReply reply = CannedReply::json(200, body);
        reply.delay = milliseconds(200);
        return reply;
      };
    };
    const json uploaded = {{"filename", "/tmp/flink-web-upload/x_job.jar"}, {"status", "success"}};
    if (phase == "upload") {
      jm.on("POST", "/jars/upload", answer_after_signal(uploaded));
    } else {
      jm.on("POST", "/jars/upload", {CannedReply::json(200, uploaded)});
    }
    jm.on("POST", "/jars/x_job.jar/run", answer_after_signal({{"jobid", submitted}}));
    jm.on("DELETE", "/jars/x_job.jar", {CannedReply::json(200, json::object())});
    SystemClock clock;
    SignalInterrupt interrupt;
    const auto result = run_flink({"run", "-d", "-m", jm.address(), jar}, env, make_http_jobmanager_api, clock, &interrupt);
    EXPECT_EQ(result.exit_code, 128 + SIGTERM);
    ASSERT_EQ(result.err.size(), 1u) << ::testing::PrintToString(result.err);
    EXPECT_EQ(jm.requests_to("DELETE", "/jars/x_job.jar").size(), 1u) << "the copy is deleted either way";
    if (phase == "upload") {
      EXPECT_NE(result.err[0].find("before the job was submitted: nothing was submitted"), std::string::npos) << result.err[0];
      EXPECT_TRUE(jm.requests_to("POST", "/jars/x_job.jar/run").empty());
    } else {
      EXPECT_NE(result.err[0].find("job " + submitted + " was submitted and keeps running"), std::string::npos)
          << result.err[0];
      EXPECT_EQ(result.out, (Lines{"Job has been submitted with JobID " + submitted}));
    }
  }

  // cancel: the signal arrives while the JobManager takes the cancel; the job is still CANCELLING
  FakeJobManager jm;
  const pid_t self = ::getpid();
  jm.on("PATCH", "/jobs/" + J, [self](const RecordedRequest&) {
    ::kill(self, SIGINT);
    CannedReply reply = CannedReply::json(202, json::object());
    reply.delay = milliseconds(200);
    return reply;
  });
  jm.on("GET", "/jobs/" + J + "/status", {CannedReply::json(200, {{"status", "CANCELLING"}})});
  SystemClock clock;
  SignalInterrupt interrupt;
  const auto result = run_flink({"cancel", J, "-m", jm.address()}, env, make_http_jobmanager_api, clock, &interrupt);
  EXPECT_EQ(result.exit_code, 130);
  ASSERT_EQ(result.err.size(), 1u);
  EXPECT_NE(result.err[0].find("job " + J + " is CANCELLING; the cancellation goes on in the JobManager"),
            std::string::npos)
      << result.err[0];
  EXPECT_EQ(jm.requests_to("PATCH", "/jobs/" + J).size(), 1u);
}

// Once the trigger may have arrived, a second signal has the process print the operation's
// line (armed in advance) even when it cannot stop sooner.
TEST(Signals, TheLastWordsNameTheTriggerOnceItMayHaveArrived) {
  TestEnvironment env;
  FakeJobManager jm;
  jm.on("POST", "/jobs/" + J + "/savepoints", {CannedReply::json(202, {{"request-id", T}})});
  jm.on("GET", "/jobs/" + J + "/savepoints/" + T, {CannedReply::json(200, in_progress())});
  FakeClock clock;
  FakeInterrupt interrupt;
  interrupt.after = 1000000;  // never fires; only the armed words are looked at
  interrupt.signal = SIGTERM;
  run_flink({"savepoint", J, "-m", jm.address(), "-D", "client.timeout=1s"}, env, make_http_jobmanager_api, clock,
            &interrupt);
  ASSERT_TRUE(interrupt.last_words.has_value());
  EXPECT_NE(interrupt.last_words->stderr_line.find("trigger id " + T), std::string::npos)
      << interrupt.last_words->stderr_line;
  EXPECT_NE(interrupt.last_words->stderr_line.find("flink follow -m " + jm.address() + " " + J + " " + T),
            std::string::npos);
  EXPECT_NE(interrupt.last_words->stderr_line.find("SIGTERM"), std::string::npos);
  EXPECT_EQ(interrupt.starts, 1);
  EXPECT_EQ(interrupt.stops, 1);

  // A disposal's id is the JobManager's: before its answer, the words say how to check instead.
  FakeJobManager unanswered;
  unanswered.on("POST", "/savepoint-disposal", {CannedReply::errors(500, {"java.lang.RuntimeException: x"})});
  FakeInterrupt dispose_interrupt;
  dispose_interrupt.after = 1000000;
  run_flink({"savepoint", "-d", in_a, "-m", unanswered.address()}, env, make_http_jobmanager_api, clock,
            &dispose_interrupt);
  ASSERT_TRUE(dispose_interrupt.last_words.has_value());
  EXPECT_NE(dispose_interrupt.last_words->stderr_line.find("before the JobManager answered the disposal of '" + in_a +
                                                           "': the disposal may have started"),
            std::string::npos)
      << dispose_interrupt.last_words->stderr_line;
  EXPECT_NE(dispose_interrupt.last_words->stderr_line.find("check whether the savepoint still exists"), std::string::npos);
}

}  // namespace
}  // namespace flinkcli::testing
