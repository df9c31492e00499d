// Output modes (-o json, -q), --wait-timeout, follow and --job-name: the output layer on its own,
// then every action against the in-memory fake in each mode. The JSON documents are checked
// field by field here; tests/schema/validate_json_output.py validates the built binary's against
// docs/schemas/.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fake/fake_jobmanager.hpp"
#include "fake/fake_jobmanager_api.hpp"
#include "fake/test_support.hpp"
#include "flinkcli/output/report.hpp"

namespace flinkcli::testing {
namespace {

using nlohmann::json;
using Lines = std::vector<std::string>;
using std::chrono::milliseconds;

const std::string J = k_job;
const std::string T = k_trigger;
const std::string L = "file:/data/savepoints/savepoint-a48f8e-f8b2e237b6f8";

// --- the output layer on its own ---------------------------------------------------------------

struct ReportFixture {
  CapturingConsole console;
  FakeClock clock;
  Report report{console, clock, std::chrono::system_clock::time_point(milliseconds(1764085371123))};
};

TEST(Report, TextPrintsFlinksLinesAtOnceAndNothingAtTheEnd) {
  ReportFixture f;
  f.report.line("Triggering savepoint for job x.");
  EXPECT_EQ(f.console.stdout_lines, (Lines{"Triggering savepoint for job x."}));  // before the wait
  f.report.notice("DEPRECATION WARNING: ...");
  f.report.set("job_id", J);
  f.report.add_value(L);
  EXPECT_EQ(f.report.succeed(), 0);
  EXPECT_EQ(f.console.stdout_lines, (Lines{"Triggering savepoint for job x.", "DEPRECATION WARNING: ..."}));
  EXPECT_TRUE(f.console.stderr_lines.empty());
}

TEST(Report, JsonIsOneDocumentAtTheEnd) {
  ReportFixture f;
  f.report.set_mode(OutputMode::json);
  f.report.set_document("savepoint");
  f.report.line("Triggering savepoint for job x.");
  f.report.notice("Provided more arguments than required. Ignoring not needed arguments.");
  f.report.set("job_id", J);
  f.report.set("trigger_id", "0");
  f.report.set("trigger_id", T);  // replaced in place
  f.report.add_value(L);
  f.clock.advance(milliseconds(1234));
  EXPECT_TRUE(f.console.stdout_lines.empty());
  EXPECT_EQ(f.console.stderr_lines, (Lines{"Provided more arguments than required. Ignoring not needed arguments."}));
  EXPECT_EQ(f.report.succeed(), 0);
  EXPECT_EQ(f.report.succeed(), 0);  // once only
  ASSERT_EQ(f.console.stdout_lines.size(), 1u);
  EXPECT_EQ(f.console.stdout_lines[0],
            R"({"schema":"flinkcli.savepoint/1","action":"savepoint","status":"completed","job_id":")" + J +
                R"(","trigger_id":")" + T +
                R"(","started_at":"2025-11-25T15:42:51.123Z","duration_ms":1234,"notices":["Provided more arguments than required. Ignoring not needed arguments."]})");
}

TEST(Report, QuietPrintsOnlyTheValues) {
  ReportFixture f;
  f.report.set_mode(OutputMode::quiet);
  f.report.line("Waiting for response...");
  f.report.notice("DEPRECATION WARNING: ...");
  f.report.add_value("a");
  f.report.add_value("b");
  f.report.succeed();
  EXPECT_EQ(f.console.stdout_lines, (Lines{"a", "b"}));
  EXPECT_EQ(f.console.stderr_lines, (Lines{"DEPRECATION WARNING: ..."}));
}

TEST(Report, FailuresPerMode) {
  const CliError usage = CliError::usage("Missing JobId");
  const CliError timeout(ErrorClass::timeout, "still in progress\nafter 1 s", "the detail");
  {
    ReportFixture f;  // text: Flink's argument error on stdout, others one line on stderr
    EXPECT_EQ(f.report.fail(usage), 1);
    EXPECT_EQ(f.console.stdout_lines, (Lines{"Missing JobId", "", k_help_hint}));
    ReportFixture g;
    EXPECT_EQ(g.report.fail(timeout), 6);
    EXPECT_EQ(g.console.stderr_lines, (Lines{"still in progress after 1 s"}));
  }
  {
    ReportFixture f;  // quiet: every error one line on stderr, stdout empty
    f.report.set_mode(OutputMode::quiet);
    f.report.add_value("never printed");
    EXPECT_EQ(f.report.fail(usage), 1);
    EXPECT_TRUE(f.console.stdout_lines.empty());
    EXPECT_EQ(f.console.stderr_lines, (Lines{"Missing JobId"}));
  }
  {
    ReportFixture f;  // json: the document carries the error; -v adds the detail
    f.report.set_mode(OutputMode::json);
    f.report.set_verbose(true);
    f.report.set_document("stop");
    f.report.set("job_id", J);
    EXPECT_EQ(f.report.fail(timeout), 6);
    EXPECT_TRUE(f.console.stderr_lines.empty());
    ASSERT_EQ(f.console.stdout_lines.size(), 1u);
    const json doc = json::parse(f.console.stdout_lines[0]);
    EXPECT_EQ(doc["schema"], "flinkcli.stop/1");
    EXPECT_EQ(doc["status"], "timed_out");
    EXPECT_EQ(doc["job_id"], J);
    EXPECT_EQ(doc["error"], json({{"class", "timeout"}, {"exit_code", 6}, {"message", "still in progress after 1 s"},
                                  {"detail", "the detail"}}));
  }
  {
    ReportFixture f;  // no action: the error document
    f.report.set_mode(OutputMode::json);
    f.report.fail(usage);
    const json doc = json::parse(f.console.stdout_lines.at(0));
    EXPECT_EQ(doc["schema"], "flinkcli.error/1");
    EXPECT_TRUE(doc["action"].is_null());
    EXPECT_EQ(doc["status"], "failed");
  }
}

TEST(Report, InterruptedIsExit130) {
  ReportFixture f;
  f.report.set_mode(OutputMode::json);
  f.report.set_document("run");
  EXPECT_EQ(f.report.interrupted("Interrupted: job x keeps running."), 130);
  const json doc = json::parse(f.console.stdout_lines.at(0));
  EXPECT_EQ(doc["status"], "interrupted");
  EXPECT_EQ(doc["error"]["class"], "interrupted");
  EXPECT_EQ(doc["error"]["exit_code"], 130);
}

TEST(Report, InvalidUtf8FromTheServerStillMakesADocument) {
  ReportFixture f;
  f.report.set_mode(OutputMode::json);
  f.report.set_document("list");
  f.report.set("name", std::string("caf\xe9"));
  f.report.succeed();
  EXPECT_EQ(json::parse(f.console.stdout_lines.at(0))["name"], "caf\xef\xbf\xbd");
}

TEST(OutputMode, ScanFindsJsonAndQuietWithoutTheOptionTable) {
  using V = std::vector<std::string>;
  EXPECT_EQ(scan_output_mode(V{"x", "-o", "json"}), OutputMode::json);
  EXPECT_EQ(scan_output_mode(V{"-o", "JSON", "x"}), OutputMode::json);
  EXPECT_EQ(scan_output_mode(V{"--output", "json"}), OutputMode::json);
  EXPECT_EQ(scan_output_mode(V{"--output=json"}), OutputMode::json);
  EXPECT_EQ(scan_output_mode(V{"--out", "json"}), OutputMode::json);
  EXPECT_EQ(scan_output_mode(V{"-ojson"}), OutputMode::json);
  EXPECT_EQ(scan_output_mode(V{"-o=json"}), OutputMode::json);
  EXPECT_EQ(scan_output_mode(V{"-output", "json"}), OutputMode::json);
  EXPECT_EQ(scan_output_mode(V{"-o", "text"}), OutputMode::text);
  EXPECT_EQ(scan_output_mode(V{"-q"}), OutputMode::quiet);
  EXPECT_EQ(scan_output_mode(V{"--quiet"}), OutputMode::quiet);
  EXPECT_EQ(scan_output_mode(V{"--qu"}), OutputMode::quiet);
  EXPECT_EQ(scan_output_mode(V{"-q", "-o", "json"}), OutputMode::json);
  EXPECT_EQ(scan_output_mode(V{"--", "-o", "json"}), OutputMode::text);
  EXPECT_EQ(scan_output_mode(V{"json", "-s", "-oops"}), OutputMode::text);
  EXPECT_EQ(parse_output_format("Json"), OutputMode::json);
}

TEST(OutputMode, ScanSkipsRunsProgramArguments) {
  using V = std::vector<std::string>;
  std::vector<OptionSpec> run_options = find_command("run")->options;
  run_options.insert(run_options.end(), general_option_specs().begin(), general_option_specs().end());
  struct Case {
    V args;
    OutputMode expected;
  };
  // Java hands -o/-q inside -a's values to the program (run -j job.jar -a --input in -o json
  // printed ARGS [--input] [in] [-o] [json])
  const Case cases[] = {
      {{"-j", "job.jar", "-a", "--input", "in", "-o", "json", "--p"}, OutputMode::text},
      {{"-a", "-q", "-j", "job.jar"}, OutputMode::text},
      {{"--arguments", "-o", "json"}, OutputMode::text},
      {{"-ax", "-ojson"}, OutputMode::text},
      {{"-a", "x", "--input", "-q", "-p", "2", "-q"}, OutputMode::quiet},
      {{"-a", "x", "-j", "job.jar", "-o", "json"}, OutputMode::json},
      {{"-o", "json", "-a", "x"}, OutputMode::json},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(scan_output_mode(c.args, run_options), c.expected) << c.args.size() << " " << c.args.back();
  }
  // list's -a is --all: no values
  EXPECT_EQ(scan_output_mode(V{"-a", "-o", "json"}), OutputMode::json);
  EXPECT_EQ(parse_output_format("yaml"), std::nullopt);
}

// --- every action in each mode ------------------------------------------------------------------

class OutputTest : public ::testing::Test {
 protected:
  CliRun run(const std::vector<std::string>& args) { return run_flink(args, env, cluster.factory(), clock); }

  // Runs in JSON mode: exactly one line on stdout, parsed.
  json run_json(std::vector<std::string> args, int exit_code) {
    args.insert(args.begin() + 1, {"-o", "json"});
    last = run(args);
    EXPECT_EQ(last.exit_code, exit_code) << (last.err.empty() ? "" : last.err.front());
    EXPECT_EQ(last.out.size(), 1u);
    return last.out.empty() ? json() : json::parse(last.out.front());
  }
  CliRun run_quiet(std::vector<std::string> args) {
    args.insert(args.begin() + 1, "-q");
    return run(args);
  }

  TestEnvironment env;
  FakeCluster cluster;
  FakeClock clock;
  CliRun last;
  ScopedTimeZone utc{"UTC"};
};

TEST_F(OutputTest, SavepointJson) {
  const json doc = run_json({"savepoint", J, "file:///sp"}, 0);
  EXPECT_EQ(doc["schema"], "flinkcli.savepoint/1");
  EXPECT_EQ(doc["action"], "savepoint");
  EXPECT_EQ(doc["status"], "completed");
  EXPECT_EQ(doc["job_id"], J);
  EXPECT_EQ(doc["trigger_id"], T);
  EXPECT_EQ(doc["target_directory"], "file:///sp");
  EXPECT_EQ(doc["format"], "CANONICAL");
  EXPECT_EQ(doc["detached"], false);
  EXPECT_EQ(doc["savepoint_path"], "file:///sp/savepoint-a48f8e-f8b2e237b6f8");  // under the directory sent
  EXPECT_EQ(doc["checks"], (json{{"directory", "verified"}, {"kind_and_format", "verified"},
                                 {"job_state", "not_applicable"}}));
  EXPECT_FALSE(doc.contains("unverified"));
  EXPECT_FALSE(doc.contains("error"));
  EXPECT_FALSE(doc.contains("follow_command"));
  EXPECT_TRUE(last.err.empty());

  const json detached = run_json({"savepoint", "-detached", "-type", "native", J}, 0);
  EXPECT_EQ(detached["status"], "triggered");
  EXPECT_EQ(detached["format"], "NATIVE");
  EXPECT_EQ(detached["target_directory"], nullptr);
  EXPECT_EQ(detached["follow_command"], "flink follow " + J + " " + T);
  EXPECT_FALSE(detached.contains("savepoint_path"));

  // Flink's notice goes to stderr and into the document
  const json extra = run_json({"savepoint", J, "d", "x"}, 0);
  EXPECT_EQ(last.err, (Lines{"Provided more arguments than required. Ignoring not needed arguments."}));
  EXPECT_EQ(extra["notices"], json::array({"Provided more arguments than required. Ignoring not needed arguments."}));
}

TEST_F(OutputTest, SavepointFailuresAreDocumentsWithTheExitCode) {
  cluster.statuses = {failed_with("org.apache.flink.util.FlinkException: declined\n")};
  const json failed = run_json({"savepoint", J}, 5);
  EXPECT_EQ(failed["status"], "failed");
  EXPECT_EQ(failed["error"]["class"], "operation_failed");
  EXPECT_EQ(failed["error"]["exit_code"], 5);
  EXPECT_EQ(failed["error"]["message"], "Failed to trigger a savepoint for the job " + J + ": declined");
  EXPECT_EQ(failed["trigger_id"], T);
  EXPECT_FALSE(failed.contains("follow_command"));  // it completed: nothing to follow
  EXPECT_TRUE(last.err.empty());

  cluster.statuses = {in_progress()};
  const json timed_out = run_json({"savepoint", J, "-m", "jm:8081", "-Dclient.timeout=1s"}, 6);
  EXPECT_EQ(timed_out["status"], "timed_out");
  EXPECT_EQ(timed_out["error"]["class"], "timeout");
  EXPECT_EQ(timed_out["follow_command"], "flink follow -m jm:8081 " + J + " " + T);

  // argument errors, before and by the parse, are JSON once -o json is on the command line
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"savepoint"}, {"savepoint", "not-a-job"}, {"savepoint", "--bogus", J}, {"savepoint", J, "-q"},
           {"savepoint", "-type", "fancy", J}, {"savepoint", "--wait-timeout", "soon", J}}) {
    SCOPED_TRACE(args.back());
    const json usage = run_json(args, 1);
    EXPECT_EQ(usage["schema"], "flinkcli.savepoint/1");
    EXPECT_EQ(usage["status"], "failed");
    EXPECT_EQ(usage["error"]["class"], "usage");
  }
  EXPECT_EQ(run_json({"savepoint", "-d"}, 1)["error"]["message"], "Missing argument for option: d");
  const json unknown = run_json({"frobnicate"}, 1);
  EXPECT_EQ(unknown["schema"], "flinkcli.error/1");
  EXPECT_EQ(unknown["error"]["message"],
            "\"frobnicate\" is not a valid action. Valid actions are \"run\", \"list\", \"savepoint\", "
            "\"checkpoint\", \"stop\", \"cancel\", \"follow\", \"inspect\", \"snapshots\", or \"prune\".");
  EXPECT_EQ(run_json({"info", "x.jar"}, 8)["error"]["class"], "unsupported");
  EXPECT_EQ(cluster.factory_calls, 2);  // argument errors never reach the cluster
}

TEST_F(OutputTest, TextStaysFlinksWhenJsonOptionsAreAbsent) {
  // -o text is the default, spelled out
  const auto result = run({"savepoint", "-o", "text", J});
  EXPECT_EQ(result.out, (Lines{"Triggering savepoint for job " + J + ".", "Waiting for response...",
                               "Savepoint completed. Path: " + L,
                               "You can resume your program from this savepoint with the run command."}));
  // an invalid -o is an argument error in Flink's layout
  const auto bad = run({"savepoint", "-o", "yaml", J});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(bad.out, (Lines{"Invalid output format 'yaml'. Supported: text, json.", "", k_help_hint}));
  // the unknown-action text lists every action this client runs, its own included
  const auto unknown = run({"frobnicate"});
  EXPECT_EQ(unknown.out.at(2), "Valid actions are \"run\", \"list\", \"savepoint\", \"checkpoint\", \"stop\", "
                               "\"cancel\", \"follow\", \"inspect\", \"snapshots\", or \"prune\".");
}

TEST_F(OutputTest, QuietValues) {
  struct Case {
    std::vector<std::string> args;
    Lines out;
    Lines err = {};
  };
  cluster.jobs = {{"22222222222222222222222222222222", "b", "RUNNING", 2000},
                  {"11111111111111111111111111111111", "a", "RUNNING", 1000},
                  {"33333333333333333333333333333333", "c", "CREATED", 3000},
                  {"44444444444444444444444444444444", "d", "FINISHED", 500}};
  TempDir jars;
  const std::string jar = jars.write("job.jar", fake_jar_bytes("q")).string();
  const Case cases[] = {
      {{"savepoint", J}, {L}},
      {{"savepoint", "-detached", J}, {T}},
      {{"savepoint", J, "d", "extra"}, {"d/savepoint-a48f8e-f8b2e237b6f8"},  // under the (relative) directory sent
       {"Provided more arguments than required. Ignoring not needed arguments."}},
      {{"savepoint", "-d", L}, {}},
      {{"stop", J}, {L}},
      {{"stop", "--drain", "-detached", J}, {T}},
      {{"cancel", J}, {}},
      {{"cancel", "-s", J}, {L},
       {"DEPRECATION WARNING: Cancelling a job with savepoint is deprecated. Use \"stop\" instead."}},
      {{"list"}, {"11111111111111111111111111111111", "22222222222222222222222222222222", "33333333333333333333333333333333"}},
      {{"list", "-r"}, {"11111111111111111111111111111111", "22222222222222222222222222222222"}},
      {{"list", "-s"}, {"33333333333333333333333333333333"}},
      {{"list", "-a"}, {"11111111111111111111111111111111", "22222222222222222222222222222222",
                        "33333333333333333333333333333333", "44444444444444444444444444444444"}},
      {{"run", "-d", jar}, {cluster.submitted_job}},
      {{"run", jar}, {}},
      {{"follow", J, T}, {L}},
      {{"follow", "--dispose", T}, {}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.args.front() + " " + c.args.back());
    FakeCluster fresh = cluster;
    std::vector<std::string> args = c.args;
    args.insert(args.begin() + 1, "--quiet");
    const auto result = run_flink(args, env, fresh.factory(), clock);
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_EQ(result.out, c.out);
    EXPECT_EQ(result.err, c.err);
  }
  // errors: one line on stderr, nothing on stdout
  const auto usage = run_quiet({"savepoint"});
  EXPECT_EQ(usage.exit_code, 1);
  EXPECT_TRUE(usage.out.empty());
  EXPECT_EQ(usage.err, (Lines{"Missing JobID. Specify a Job ID to trigger a savepoint."}));
  cluster.statuses = {in_progress()};
  const auto timed_out = run_quiet({"stop", J, "-Dclient.timeout=1s"});
  EXPECT_EQ(timed_out.exit_code, 6);
  EXPECT_TRUE(timed_out.out.empty());
  EXPECT_EQ(timed_out.err.size(), 1u);
}

TEST_F(OutputTest, StopCancelDisposeJson) {
  const json stop = run_json({"stop", "-d", "-p", "file:///s", J}, 0);
  EXPECT_EQ(stop["schema"], "flinkcli.stop/1");
  EXPECT_EQ(stop["drain"], true);
  EXPECT_EQ(stop["target_directory"], "file:///s");
  EXPECT_EQ(stop["savepoint_path"], "file:///s/savepoint-a48f8e-f8b2e237b6f8");  // under the directory sent
  EXPECT_EQ(stop["checks"], (json{{"directory", "verified"}, {"kind_and_format", "verified"},
                                  {"job_state", "verified"}}));
  EXPECT_EQ(stop["job_state"], "FINISHED");

  const json cancel = run_json({"cancel", J}, 0);
  EXPECT_EQ(cancel["schema"], "flinkcli.cancel/1");
  EXPECT_EQ(cancel["with_savepoint"], false);
  EXPECT_FALSE(cancel.contains("savepoint_path"));

  FakeCluster fresh;
  cluster = fresh;
  const json cancel_s = run_json({"cancel", "-s", J}, 0);
  EXPECT_EQ(cancel_s["with_savepoint"], true);
  EXPECT_EQ(cancel_s["savepoint_path"], L);
  EXPECT_EQ(cancel_s["checks"], (json{{"directory", "not_applicable"}, {"kind_and_format", "verified"},
                                      {"job_state", "verified"}}));
  EXPECT_EQ(cancel_s["job_state"], "CANCELED");
  EXPECT_EQ(cancel_s["notices"].size(), 1u);
  EXPECT_EQ(last.err.size(), 1u);  // the deprecation line, on stderr

  cluster = fresh;
  const json dispose = run_json({"savepoint", "-d", L}, 0);
  EXPECT_EQ(dispose["schema"], "flinkcli.dispose/1");
  EXPECT_EQ(dispose["action"], "dispose");
  EXPECT_EQ(dispose["savepoint_path"], L);
  EXPECT_EQ(dispose["trigger_id"], T);

  cluster = fresh;
  cluster.statuses = {in_progress()};
  const json slow_dispose = run_json({"savepoint", "-d", L, "--wait-timeout", "2s"}, 6);
  EXPECT_EQ(slow_dispose["follow_command"], "flink follow --dispose " + T);
  EXPECT_NE(slow_dispose["error"]["message"].get<std::string>().find(
                "still in progress after 2 s (--wait-timeout); trigger id " + T +
                ": the disposal may still complete; to wait for it, run: flink follow --dispose " + T),
            std::string::npos);
}

TEST_F(OutputTest, ListJson) {
  cluster.jobs = {{"22222222222222222222222222222222", "b", "RUNNING", 1795627700000},
                  {"33333333333333333333333333333333", "c", "INITIALIZING", 1795627800000},
                  {"44444444444444444444444444444444", "d", "CANCELED", 1795627600000}};
  const json doc = run_json({"list", "-a"}, 0);
  EXPECT_EQ(doc["schema"], "flinkcli.list/1");
  EXPECT_EQ(doc["sections"], json::array({"running", "scheduled", "terminated"}));
  ASSERT_EQ(doc["jobs"].size(), 3u);
  EXPECT_EQ(doc["jobs"][0], json::parse(R"({"job_id":"22222222222222222222222222222222","name":"b","state":"RUNNING",
      "section":"running","start_time":"2026-11-25T17:28:20.000Z","start_time_ms":1795627700000})"));
  EXPECT_EQ(doc["jobs"][1]["section"], "scheduled");
  EXPECT_EQ(doc["jobs"][2]["section"], "terminated");
  const json running = run_json({"list", "-r"}, 0);
  EXPECT_EQ(running["sections"], json::array({"running"}));
  EXPECT_EQ(running["jobs"].size(), 1u);
  cluster.jobs.clear();
  EXPECT_EQ(run_json({"list"}, 0)["jobs"], json::array());
}

TEST_F(OutputTest, RunJson) {
  TempDir jars;
  const std::string jar = jars.write("job.jar", fake_jar_bytes("r")).string();
  const json detached = run_json({"run", "-d", "-s", "file:/sp", "-cm", "claim", jar}, 0);
  EXPECT_EQ(detached["schema"], "flinkcli.run/1");
  EXPECT_EQ(detached["status"], "submitted");
  EXPECT_EQ(detached["job_id"], cluster.submitted_job);
  EXPECT_EQ(detached["jar"], jar);
  EXPECT_EQ(detached["jar_id"], cluster.uploaded_jar_id);
  EXPECT_EQ(detached["jar_uploaded"], true);
  EXPECT_EQ(detached["jar_deleted"], true);
  EXPECT_EQ(detached["from_savepoint"], "file:/sp");
  EXPECT_EQ(detached["claim_mode"], "CLAIM");

  const json attached = run_json({"run", jar, "-o", "json"}, 0);  // after the jar: the program's
  EXPECT_EQ(attached["status"], "finished");
  EXPECT_EQ(attached["job_state"], "FINISHED");
  EXPECT_EQ(attached["job_runtime_ms"], 4126);
  EXPECT_EQ(cluster.run_request->program_args, (std::vector<std::string>{"-o", "json"}));

  cluster.job_states = {"FAILED"};
  cluster.result.failure_message = "java.lang.RuntimeException: boom";
  const json failed = run_json({"run", jar}, 5);
  EXPECT_EQ(failed["status"], "failed");
  EXPECT_EQ(failed["job_state"], "FAILED");

  // LEGACY and -rm notices go to stderr
  const json legacy = run_json({"run", "-d", "-s", "file:/sp", "-rm", "legacy", jar}, 0);
  EXPECT_EQ(legacy["notices"].size(), 2u);
  EXPECT_EQ(last.err.size(), 2u);

  FakeInterrupt interrupt;
  interrupt.after = 1;
  cluster.job_states = {"RUNNING"};
  const auto interrupted = run_flink({"run", "-o", "json", jar}, env, cluster.factory(), clock, &interrupt);
  EXPECT_EQ(interrupted.exit_code, 130);
  ASSERT_EQ(interrupted.out.size(), 1u);
  EXPECT_EQ(json::parse(interrupted.out[0])["status"], "interrupted");
  EXPECT_EQ(interrupted.err.size(), 1u);
}

// --- --wait-timeout --------------------------------------------------------------------------------

TEST_F(OutputTest, WaitTimeoutOutlastsClientTimeout) {
  // 40 polls in progress: 3.75 s on the fake clock, past client.timeout=1s
  std::vector<OperationStatus> slow(40, in_progress());
  slow.push_back(completed_at(L));
  cluster.statuses = slow;

  FakeCluster without = cluster;
  const auto bounded = run_flink({"savepoint", J, "-Dclient.timeout=1s"}, env, without.factory(), clock);
  EXPECT_EQ(bounded.exit_code, 6);

  FakeClock wait_clock;
  const auto waited = run_flink({"savepoint", "--wait-timeout", "10 min", J, "-Dclient.timeout=1s"}, env,
                                cluster.factory(), wait_clock);
  EXPECT_EQ(waited.exit_code, 0) << (waited.err.empty() ? "" : waited.err[0]);
  EXPECT_EQ(waited.out.at(2), "Savepoint completed. Path: " + L);
  // Past client.timeout: 40 sleeps, 10 ms backing off to 100 ms.
  EXPECT_EQ(wait_clock.total_slept(), milliseconds(3750));

  // the same for stop and cancel -s, and a wait that outlasts --wait-timeout too; the message
  // names what is waited for
  const std::pair<std::vector<std::string>, std::string> actions[] = {{{"stop", J}, "stop-with-savepoint"},
                                                                      {{"cancel", "-s", J}, "savepoint"}};
  for (const auto& [action, what] : actions) {
    SCOPED_TRACE(action.front());
    FakeCluster slow_cluster = cluster;
    FakeClock action_clock;
    auto args = action;
    args.insert(args.end(), {"--wait-timeout", "1min", "-Dclient.timeout=1s"});
    EXPECT_EQ(run_flink(args, env, slow_cluster.factory(), action_clock).exit_code, 0);

    FakeCluster stuck = cluster;
    stuck.statuses = {in_progress()};
    FakeClock stuck_clock;
    args = action;
    args.insert(args.end(), {"--wait-timeout", "90s", "-m", "jm:8081"});
    const auto timed_out = run_flink(args, env, stuck.factory(), stuck_clock);
    EXPECT_EQ(timed_out.exit_code, 6);
    EXPECT_EQ(stuck_clock.total_slept(), std::chrono::seconds(90));
    ASSERT_EQ(timed_out.err.size(), 1u);
    EXPECT_NE(timed_out.err[0].find("The " + what + " is still in progress after 90 s (--wait-timeout); trigger id " +
                                    T + ": the " + what + " may still complete; to wait for it, run: flink follow -m jm:8081 " +
                                    J + " " + T),
              std::string::npos)
        << timed_out.err[0];
  }
}

TEST_F(OutputTest, WaitTimeoutArgumentErrors) {
  const struct {
    std::vector<std::string> args;
    std::string message;
  } cases[] = {
      {{"savepoint", "--wait-timeout", "soon", J}, "Invalid --wait-timeout 'soon': expected a positive duration such as 90 s, 30 min or 2 h."},
      {{"savepoint", "--wait-timeout", "0", J}, "Invalid --wait-timeout '0': expected a positive duration such as 90 s, 30 min or 2 h."},
      {{"savepoint", "--wait-timeout", "200000 d", J}, "Invalid --wait-timeout '200000 d': at most 10 years (3650 d)."},
      {{"savepoint", "--wait-timeout", "9223372036854775807 ms", J},
       "Invalid --wait-timeout '9223372036854775807 ms': at most 10 years (3650 d)."},
      {{"savepoint", "-detached", "--wait-timeout", "1s", J}, "--wait-timeout cannot be used with -detached: nothing is waited for."},
      {{"stop", "-detached", "--wait-timeout", "1s", J}, "--wait-timeout cannot be used with -detached: nothing is waited for."},
      {{"cancel", "--wait-timeout", "1s", J}, "--wait-timeout needs -s: a plain cancel waits for nothing."},
      {{"follow", "--no-wait", "--wait-timeout", "1s", J, T}, "--no-wait and --wait-timeout exclude each other."},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.message);
    const auto result = run(c.args);
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_EQ(result.out, (Lines{c.message, "", k_help_hint}));
  }
  EXPECT_EQ(cluster.factory_calls, 0);
}

// Through the real HTTP client: with --wait-timeout each request keeps client.timeout, and the
// wait may last longer than it.
TEST(WaitTimeoutHttp, EachRequestStillBoundedByClientTimeout) {
  TestEnvironment env;
  FakeJobManager jm;
  jm.on("POST", "/jobs/" + J + "/savepoints", {CannedReply::json(202, {{"request-id", T}})});
  const json running = {{"status", {{"id", "IN_PROGRESS"}}}, {"operation", nullptr}};
  const json done = {{"status", {{"id", "COMPLETED"}}}, {"operation", {{"location", L}}}};
  std::vector<CannedReply> polls(12, CannedReply::json(200, running));
  polls.push_back(CannedReply::json(200, done));
  jm.on("GET", "/jobs/" + J + "/savepoints/" + T, polls);
  FakeClock clock;
  const auto waited = run_flink_http({"savepoint", J, "--wait-timeout", "20s", "-m", jm.address(), "-D",
                                      "client.timeout=400ms"}, env, clock);
  EXPECT_EQ(waited.exit_code, 0) << (waited.err.empty() ? "" : waited.err[0]);
  // The wait outlasted client.timeout: 12 polls in progress, 10 ms backing off to 100 ms.
  EXPECT_EQ(clock.elapsed(), milliseconds(950));
  EXPECT_EQ(clock.sleeps.size(), 12u);

  FakeJobManager hangs;
  hangs.on("POST", "/jobs/" + J + "/savepoints", {CannedReply::json(202, {{"request-id", T}})});
  hangs.on("GET", "/jobs/" + J + "/savepoints/" + T, {CannedReply::json(200, running, milliseconds(60000))});
  // Real time: client.timeout bounds a socket's wait for the answer.
  const auto hung = run_flink_http({"savepoint", J, "--wait-timeout", "20s", "-m", hangs.address(), "-D",
                                    "client.timeout=500ms"}, env);
  EXPECT_EQ(hung.exit_code, 6);
  // The hanging poll got client.timeout, not the 20 s left (the bound only tells those apart,
  // with room for a loaded machine).
  EXPECT_LT(hung.elapsed, milliseconds(15000));
  ASSERT_EQ(hung.err.size(), 1u);
  EXPECT_NE(hung.err[0].find("within 500 ms (client.timeout)"), std::string::npos) << hung.err[0];
  EXPECT_NE(hung.err[0].find("flink follow -m " + hangs.address() + " " + J + " " + T), std::string::npos);
}

// --- follow ------------------------------------------------------------------------------------

TEST_F(OutputTest, FollowWaitsLikeABlockingSavepointWithoutTriggering) {
  cluster.statuses = {in_progress(), in_progress(), completed_at(L)};
  const auto result = run({"follow", J, T});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, (Lines{"Following savepoint " + T + " of job " + J + ".", "Waiting for response...",
                               "Savepoint completed. Path: " + L,
                               "You can resume your program from this savepoint with the run command."}));
  const std::string poll = "savepoint_status " + J + " " + T;
  EXPECT_EQ(cluster.calls, (Lines{poll, poll, poll}));  // read-only: no trigger
  EXPECT_TRUE(cluster.sent_trigger_ids.empty());

  const json doc = run_json({"follow", J, T.substr(0, 16) + "ABCDEF0123456789"}, 0);
  EXPECT_EQ(doc["trigger_id"], T.substr(0, 16) + "abcdef0123456789");  // lower case, as Flink prints ids
  EXPECT_EQ(doc["operation"], "savepoint");
  EXPECT_EQ(doc["wait"], true);
}

TEST_F(OutputTest, FollowNoWaitPrintsTheState) {
  cluster.statuses = {in_progress()};
  const auto running = run({"follow", "--no-wait", "-m", "jm:8081", J, T});
  EXPECT_EQ(running.exit_code, 0);
  EXPECT_EQ(running.out, (Lines{"Following savepoint " + T + " of job " + J + ".",
                                "Savepoint in progress. To wait for it, run: flink follow -m jm:8081 " + J + " " + T}));
  EXPECT_EQ(cluster.calls.size(), 1u);
  EXPECT_TRUE(clock.sleeps.empty());
  const json doc = run_json({"follow", "--no-wait", J, T}, 0);
  EXPECT_EQ(doc["status"], "in_progress");
  EXPECT_EQ(doc["wait"], false);
  EXPECT_EQ(doc["follow_command"], "flink follow " + J + " " + T);

  FakeCluster done;
  const auto completed = run_flink({"follow", "--no-wait", J, T}, env, done.factory(), clock);
  EXPECT_EQ(completed.out, (Lines{"Following savepoint " + T + " of job " + J + ".", "Savepoint completed. Path: " + L,
                                  "You can resume your program from this savepoint with the run command."}));

  FakeCluster declined;
  declined.statuses = {failed_with("org.apache.flink.util.FlinkException: declined\n")};
  const auto failed = run_flink({"follow", "--no-wait", J, T}, env, declined.factory(), clock);
  EXPECT_EQ(failed.exit_code, 5);
  EXPECT_EQ(failed.err, (Lines{"Failed to follow the savepoint " + T + " of job " + J + ": declined"}));
}

TEST_F(OutputTest, FollowADisposal) {
  cluster.statuses = {in_progress(), completed_empty()};
  const auto result = run({"follow", "--dispose", T});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, (Lines{"Following savepoint disposal " + T + ".", "Waiting for response...", "Savepoint disposed."}));
  EXPECT_EQ(cluster.calls, (Lines{"disposal_status " + T, "disposal_status " + T}));

  FakeCluster running;
  running.statuses = {in_progress()};
  const auto status = run_flink({"follow", "-d", "--no-wait", T}, env, running.factory(), clock);
  EXPECT_EQ(status.out, (Lines{"Following savepoint disposal " + T + ".",
                               "Savepoint disposal in progress. To wait for it, run: flink follow --dispose " + T}));
  FakeClock wait_clock;
  const auto timed_out = run_flink({"follow", "-d", T, "--wait-timeout", "5s"}, env, running.factory(), wait_clock);
  EXPECT_EQ(timed_out.exit_code, 6);
  EXPECT_EQ(wait_clock.total_slept(), std::chrono::seconds(5));
}

TEST_F(OutputTest, FollowArgumentErrors) {
  const struct {
    std::vector<std::string> args;
    std::string message;
  } cases[] = {
      {{"follow"}, "Missing JobID or trigger id. Specify both: follow <jobId> <triggerId>."},
      {{"follow", J}, "Missing JobID or trigger id. Specify both: follow <jobId> <triggerId>."},
      {{"follow", "--dispose"}, "Missing trigger id. Specify the disposal's trigger id: follow --dispose <triggerId>."},
      {{"follow", "--job-name", "x"}, "Missing trigger id. Specify it after the job: follow --job-name <name> <triggerId>."},
      {{"follow", J, "xyz"}, "Invalid trigger id 'xyz': expected 32 hex digits, e.g. 7bc1eb8a27587d4728b63c2fdb41d37a."},
      {{"follow", "nope", T}, "Cannot parse JobID from \"nope\". The expected format is [0-9a-fA-F]{32}, e.g. fd72014d4c864993a2e5a9287b4a9c5d."},
      {{"follow", J, T, "extra"}, "Too many arguments: extra."},
      {{"follow", "--job-name", "x", J, T}, "Give either a job id or --job-name, not both."},
      {{"follow", "--dispose", "--job-name", "x", T}, "--job-name cannot be used with --dispose: a disposal belongs to no job."},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.message);
    const auto result = run(c.args);
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_EQ(result.out, (Lines{c.message, "", k_help_hint}));
  }
  EXPECT_EQ(cluster.factory_calls, 0);
}

// --- --job-name ------------------------------------------------------------------------------------

class JobNameTest : public OutputTest {
 protected:
  void SetUp() override {
    cluster.jobs = {{J, "orders", "RUNNING", 1000},
                    {"11111111111111111111111111111111", "orders", "FINISHED", 500},  // terminal: ignored
                    {"22222222222222222222222222222222", "dup", "RUNNING", 2000},
                    {"33333333333333333333333333333333", "dup", "RESTARTING", 3000},
                    {"44444444444444444444444444444444", "starting", "INITIALIZING", 4000}};
  }
};

TEST_F(JobNameTest, ResolvedAmongNonTerminalJobs) {
  const std::string poll = "savepoint_status " + J + " " + T;
  // after the poll, the checks of the result: its history entry (and for stop, cancel -s, the job's state)
  const std::string history = "snapshot_history " + J;
  const std::string state = "job_state " + J;
  struct Case {
    std::vector<std::string> args;
    Lines calls;
  };
  const Case cases[] = {
      {{"savepoint", "--job-name", "orders"},
       {"list_jobs", "trigger_savepoint " + J + " target=null cancel=false format=CANONICAL", poll, history}},
      {{"savepoint", "--job-name=orders", "file:///sp"},
       {"list_jobs", "trigger_savepoint " + J + " target=file:///sp cancel=false format=CANONICAL", poll, history}},
      {{"stop", "--job-name", "orders", "-p", "file:///s", "-d"},
       {"list_jobs", "trigger_stop " + J + " target=file:///s drain=true format=CANONICAL", poll, history, state}},
      {{"stop", "-p", "--job-name", "orders"},
       {"list_jobs", "trigger_stop " + J + " target=null drain=false format=CANONICAL", poll, history, state}},
      {{"cancel", "--job-name", "orders"}, {"list_jobs", "cancel_job " + J, state}},
      {{"cancel", "-s", "file:///c", "--job-name", "orders"},
       {"list_jobs", "trigger_savepoint " + J + " target=file:///c cancel=true format=CANONICAL", poll, history, state}},
      {{"follow", "--job-name", "orders", T}, {"list_jobs", poll}},
      {{"savepoint", "--job-name", "starting"},
       {"list_jobs", "trigger_savepoint 44444444444444444444444444444444 target=null cancel=false format=CANONICAL",
        "savepoint_status 44444444444444444444444444444444 " + T, "snapshot_history 44444444444444444444444444444444"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.args.front() + " " + c.args.back());
    FakeCluster fresh = cluster;
    const auto result = run_flink(c.args, env, fresh.factory(), clock);
    EXPECT_EQ(result.exit_code, 0) << (result.err.empty() ? "" : result.err[0]);
    EXPECT_EQ(fresh.calls, c.calls);
  }
  // text output is the same as with the id
  const auto by_name = run({"savepoint", "--job-name", "orders"});
  EXPECT_EQ(by_name.out.at(0), "Triggering savepoint for job " + J + ".");
  const json doc = run_json({"stop", "--job-name", "orders"}, 0);
  EXPECT_EQ(doc["job_id"], J);
  EXPECT_EQ(doc["job_name"], "orders");
}

TEST_F(JobNameTest, NoneOrSeveralListTheCandidates) {
  const auto several = run({"savepoint", "--job-name", "dup"});
  EXPECT_EQ(several.exit_code, 11);
  EXPECT_TRUE(several.out.empty());
  EXPECT_EQ(several.err, (Lines{"2 running jobs are named 'dup': 22222222222222222222222222222222 (RUNNING), "
                                "33333333333333333333333333333333 (RESTARTING). Pass the job id instead."}));
  EXPECT_EQ(cluster.calls, (Lines{"list_jobs"}));  // nothing triggered

  const auto none = run({"stop", "--job-name", "payments"});
  EXPECT_EQ(none.exit_code, 4);
  EXPECT_EQ(none.err, (Lines{"No running job is named 'payments'; the jobs that are: 'orders' (" + J +
                             ", RUNNING), 'dup' (22222222222222222222222222222222, RUNNING), 'dup' "
                             "(33333333333333333333333333333333, RESTARTING), 'starting' "
                             "(44444444444444444444444444444444, INITIALIZING)."}));

  const json doc = run_json({"cancel", "--job-name", "dup"}, 11);
  EXPECT_EQ(doc["error"]["class"], "ambiguous");
  EXPECT_EQ(doc["job_name"], "dup");
  EXPECT_EQ(doc["candidates"], json::parse(R"([{"job_id":"22222222222222222222222222222222","name":"dup","state":"RUNNING"},
      {"job_id":"33333333333333333333333333333333","name":"dup","state":"RESTARTING"}])"));

  cluster.jobs = {{"11111111111111111111111111111111", "orders", "FINISHED", 500}};
  const auto nothing_running = run({"savepoint", "--job-name", "orders"});
  EXPECT_EQ(nothing_running.exit_code, 4);
  EXPECT_EQ(nothing_running.err, (Lines{"No running job is named 'orders'; no job is running."}));

  cluster.fail("list_jobs", ErrorClass::unreachable, "Could not connect to the JobManager at jm:8081: Connection refused");
  const auto unreachable = run({"savepoint", "--job-name", "orders"});
  EXPECT_EQ(unreachable.exit_code, 3);
  EXPECT_EQ(unreachable.err, (Lines{"Could not look up the job named 'orders': Could not connect to the JobManager at "
                                    "jm:8081: Connection refused"}));
}

TEST_F(JobNameTest, ArgumentErrors) {
  const struct {
    std::vector<std::string> args;
    std::string message;
  } cases[] = {
      {{"savepoint", "--job-name", "orders", J}, "Give either a job id or --job-name, not both."},
      {{"stop", "--job-name", "orders", J}, "Give either a job id or --job-name, not both."},
      {{"cancel", J, "--job-name", "orders"}, "Give either a job id or --job-name, not both."},
      {{"cancel", "-s", "file:///x", J, "--job-name", "orders"}, "Give either a job id or --job-name, not both."},
      {{"savepoint", "-d", L, "--job-name", "orders"}, "--job-name cannot be used with -d: a disposal needs no job."},
      // No job is selected by an empty name: a usage error, not a lookup listing every job.
      {{"savepoint", "--job-name", ""}, "--job-name needs a non-empty job name."},
      {{"stop", "--job-name="}, "--job-name needs a non-empty job name."},
      {{"cancel", "--job-name", ""}, "--job-name needs a non-empty job name."},
      {{"follow", "--job-name", "", T}, "--job-name needs a non-empty job name."},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.message);
    const auto result = run(c.args);
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_EQ(result.out, (Lines{c.message, "", k_help_hint}));
  }
  EXPECT_EQ(cluster.factory_calls, 0);
}

// --- names that clash with nothing in Flink ----------------------------------------------------

TEST_F(OutputTest, OurLongOptionsNeverTakeAPrefixFlinkAccepts) {
  // cancel --w is Flink's --withSavepoint even beside --wait-timeout
  const auto cancel = run({"cancel", "--w", "file:///c", J});
  EXPECT_EQ(cancel.exit_code, 0);
  EXPECT_EQ(cluster.calls.at(0), "trigger_savepoint " + J + " target=file:///c cancel=true format=CANONICAL");
  // --job is Flink's --jobmanager beside --job-name; --j stays Flink's ambiguity
  const auto job = run({"stop", "--job", "jm:8081", J});
  EXPECT_EQ(job.exit_code, 0);
  ASSERT_TRUE(cluster.settings);
  EXPECT_EQ(cluster.settings->endpoint.host_port(), "jm:8081");
  const auto ambiguous = run({"savepoint", "--j", "x", J});
  EXPECT_EQ(ambiguous.out.at(0), "Ambiguous option: '--j'  (could be: 'jarfile', 'jobmanager')");
  // where no Flink option matches, our prefixes work
  EXPECT_EQ(run({"stop", "--wait", "1min", J}).exit_code, 0);
  EXPECT_EQ(run({"list", "--qui"}).exit_code, 0);
  EXPECT_EQ(run({"list", "--out=json"}).out.size(), 1u);
  EXPECT_EQ(run({"list", "-rq"}).exit_code, 0);
}

}  // namespace
}  // namespace flinkcli::testing
