// Each action against the in-memory fake: argv in, exact stdout (the lines Flink 2.3.0's Java
// client printed) and the calls that reached the cluster out.
#include <gtest/gtest.h>

#include <algorithm>

#include "fake/fake_jobmanager_api.hpp"
#include "fake/test_support.hpp"

namespace flinkcli::testing {
namespace {

using Lines = std::vector<std::string>;

const std::string J = k_job;
const std::string T = "7bc1eb8a27587d4728b63c2fdb41d37a";  // the fake's trigger id
const std::string L = "file:/data/savepoints/savepoint-a48f8e-f8b2e237b6f8";
const std::string Deprecation =
    "DEPRECATION WARNING: Cancelling a job with savepoint is deprecated. Use \"stop\" instead.";

const std::string job_not_found_trace =
    "java.util.concurrent.CompletionException: "
    "org.apache.flink.runtime.messages.FlinkJobNotFoundException: Could not find Flink job "
    "(00000000000000000000000000000000)\n"
    "\tat java.base/java.util.concurrent.CompletableFuture.encodeThrowable(CompletableFuture.java:332)\n"
    "\tat java.base/java.util.concurrent.CompletableFuture.uniComposeStage(CompletableFuture.java:1177)\n"
    "Caused by: org.apache.flink.runtime.messages.FlinkJobNotFoundException: Could not find Flink "
    "job (00000000000000000000000000000000)\n"
    "\tat org.apache.flink.runtime.dispatcher.Dispatcher.lambda$requestJobStatus$21(Dispatcher.java:1012)\n";

struct ActionCase {
  std::string name;
  std::vector<std::string> args;
  Lines out;
  Lines calls;
  int exit_code = 0;
  Lines err = {};
};

class CommandTest : public ::testing::Test {
 protected:
  CliRun run(const std::vector<std::string>& args) {
    return run_flink(args, env, cluster.factory(), clock);
  }

  void check(const ActionCase& c) {
    SCOPED_TRACE(c.name);
    FakeCluster fresh = cluster;  // each row starts from the same script
    const auto result = run_flink(c.args, env, fresh.factory(), clock);
    EXPECT_EQ(result.exit_code, c.exit_code);
    EXPECT_EQ(result.out, c.out);
    Lines err = result.err;  // -v diagnostics are checked where they are the point
    std::erase_if(err, [](const std::string& line) { return line.rfind("flink: debug: ", 0) == 0; });
    EXPECT_EQ(err, c.err);
    EXPECT_EQ(fresh.calls, c.calls);
  }

  TestEnvironment env;
  FakeCluster cluster;
  FakeClock clock;
};

TEST_F(CommandTest, Savepoint) {
  // The JobManager puts the savepoint under the directory sent (else under its default one).
  auto done_at = [](const std::string& location) {
    return Lines{"Triggering savepoint for job " + J + ".", "Waiting for response...",
                 "Savepoint completed. Path: " + location,
                 "You can resume your program from this savepoint with the run command."};
  };
  const Lines done = done_at(L);
  // The poll, then the check that the result is this request's: its entry in the history.
  const std::string poll = "savepoint_status " + J + " " + T;
  const std::string history = "snapshot_history " + J;
  const ActionCase cases[] = {
      {"default directory", {"savepoint", J, "-m", "localhost:8081"}, done,
       {"trigger_savepoint " + J + " target=null cancel=false format=CANONICAL", poll, history}},
      {"explicit directory", {"savepoint", J, "file:///data/explicit-dir"},
       done_at("file:///data/explicit-dir/savepoint-a48f8e-f8b2e237b6f8"),
       {"trigger_savepoint " + J + " target=file:///data/explicit-dir cancel=false format=CANONICAL", poll, history}},
      {"native format", {"savepoint", "-type", "native", J}, done,
       {"trigger_savepoint " + J + " target=null cancel=false format=NATIVE", poll, history}},
      {"format is case-insensitive", {"savepoint", "--type=NATIVE", J}, done,
       {"trigger_savepoint " + J + " target=null cancel=false format=NATIVE", poll, history}},
      {"canonical explicitly", {"savepoint", "--type", "Canonical", J}, done,
       {"trigger_savepoint " + J + " target=null cancel=false format=CANONICAL", poll, history}},
      {"upper-case job id is Flink's lower case", {"savepoint", "A48F8E8B712AC1616C58C37184D4A569"}, done,
       {"trigger_savepoint " + J + " target=null cancel=false format=CANONICAL", poll, history}},
      {"verbose flag accepted", {"savepoint", "-v", J}, done,
       {"trigger_savepoint " + J + " target=null cancel=false format=CANONICAL", poll, history}},
      {"too many arguments",
       {"savepoint", J, "file:///data/x", "extra"},
       {"Provided more arguments than required. Ignoring not needed arguments.",
        "Triggering savepoint for job " + J + ".", "Waiting for response...",
        "Savepoint completed. Path: file:///data/x/savepoint-a48f8e-f8b2e237b6f8",
        "You can resume your program from this savepoint with the run command."},
       {"trigger_savepoint " + J + " target=file:///data/x cancel=false format=CANONICAL", poll, history}},
      {"detached",
       {"savepoint", "-detached", J},
       {"Triggering savepoint in detached mode for job " + J + ".",
        "Successfully trigger manual savepoint, triggerId: " + T},
       {"trigger_savepoint " + J + " target=null cancel=false format=CANONICAL"}},
      {"dispose",
       {"savepoint", "-d", L},
       {"Disposing savepoint '" + L + "'.", "Waiting for response...", "Savepoint '" + L + "' disposed."},
       {"trigger_disposal " + L, "disposal_status " + T}},
      {"dispose, long form", {"savepoint", "--dispose=" + L},
       {"Disposing savepoint '" + L + "'.", "Waiting for response...", "Savepoint '" + L + "' disposed."},
       {"trigger_disposal " + L, "disposal_status " + T}},
  };
  for (const auto& c : cases) check(c);
}

TEST_F(CommandTest, SavepointPollsUntilCompleted) {
  cluster.statuses = {in_progress(), in_progress(), in_progress(), completed_at(L)};
  const auto result = run({"savepoint", J});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out.at(2), "Savepoint completed. Path: " + L);
  EXPECT_EQ(cluster.calls.size(), 6u);  // trigger + 4 polls + the history entry's check
  EXPECT_EQ(clock.sleeps, (std::vector<std::chrono::milliseconds>{
                              std::chrono::milliseconds(10), std::chrono::milliseconds(20),
                              std::chrono::milliseconds(40)}));
}

TEST_F(CommandTest, Cancel) {
  const std::string poll = "savepoint_status " + J + " " + T;
  // The result's checks: its entry in the history, and the job left CANCELED.
  const std::string history = "snapshot_history " + J;
  const std::string state = "job_state " + J;
  const ActionCase cases[] = {
      // "Cancelled" once the job is CANCELED, not when the JobManager acknowledges
      {"plain", {"cancel", J}, {"Cancelling job " + J + ".", "Cancelled job " + J + "."},
       {"cancel_job " + J, state}},
      {"with savepoint, -s swallows the job id: default directory",
       {"cancel", "-s", "-m", "localhost:8081", J},
       {Deprecation,
        "Cancelling job " + J + " with CANONICAL savepoint to default savepoint directory.",
        "Cancelled job " + J + ". Savepoint stored in " + L + "."},
       {"trigger_savepoint " + J + " target=null cancel=true format=CANONICAL", poll, history,
        state}},
      {"with savepoint, -s <jobId>", {"cancel", "-s", J},
       {Deprecation,
        "Cancelling job " + J + " with CANONICAL savepoint to default savepoint directory.",
        "Cancelled job " + J + ". Savepoint stored in " + L + "."},
       {"trigger_savepoint " + J + " target=null cancel=true format=CANONICAL", poll, history,
        state}},
      {"with savepoint, explicit directory", {"cancel", "-s", "file:///data/cancel-dir", J},
       {Deprecation, "Cancelling job " + J + " with CANONICAL savepoint to file:///data/cancel-dir.",
        "Cancelled job " + J + ". Savepoint stored in file:///data/cancel-dir/savepoint-a48f8e-f8b2e237b6f8."},
       {"trigger_savepoint " + J + " target=file:///data/cancel-dir cancel=true format=CANONICAL", poll, history,
        state}},
      {"with savepoint, long form", {"cancel", "--withSavepoint=file:///d", J},
       {Deprecation, "Cancelling job " + J + " with CANONICAL savepoint to file:///d.",
        "Cancelled job " + J + ". Savepoint stored in file:///d/savepoint-a48f8e-f8b2e237b6f8."},
       {"trigger_savepoint " + J + " target=file:///d cancel=true format=CANONICAL", poll, history,
        state}},
  };
  for (const auto& c : cases) check(c);
}

TEST_F(CommandTest, Stop) {
  const std::string poll = "savepoint_status " + J + " " + T;
  // The result's checks: its entry in the history, and the job left FINISHED.
  const std::string history = "snapshot_history " + J;
  const std::string state = "job_state " + J;
  auto suspending = [](const std::string& format) {
    return "Suspending job \"" + J + "\" with a " + format + " savepoint.";
  };
  // The JobManager puts the savepoint under the directory sent (else under its default one).
  auto lines = [&](const std::string& first, const std::string& location = L) {
    return Lines{first, "Triggering stop-with-savepoint for job " + J + ".", "Waiting for response...",
                 "Savepoint completed. Path: " + location};
  };
  const std::string draining = "Draining job \"" + J + "\" with a CANONICAL savepoint.";
  const ActionCase cases[] = {
      {"default directory", {"stop", "-m", "localhost:8081", J}, lines(suspending("CANONICAL")),
       {"trigger_stop " + J + " target=null drain=false format=CANONICAL", poll, history, state}},
      {"-p <jobId> is the default directory", {"stop", "-p", J}, lines(suspending("CANONICAL")),
       {"trigger_stop " + J + " target=null drain=false format=CANONICAL", poll, history, state}},
      {"-p -d <jobId>: default directory and drain", {"stop", "-p", "-d", J}, lines(draining),
       {"trigger_stop " + J + " target=null drain=true format=CANONICAL", poll, history, state}},
      {"-d -p dir <jobId>", {"stop", "-d", "-p", "test-target-dir", J},
       lines(draining, "test-target-dir/savepoint-a48f8e-f8b2e237b6f8"),
       {"trigger_stop " + J + " target=test-target-dir drain=true format=CANONICAL", poll, history, state}},
      {"explicit dir then drain", {"stop", "-p", "file:///data/stop-dir", "-d", J},
       lines(draining, "file:///data/stop-dir/savepoint-a48f8e-f8b2e237b6f8"),
       {"trigger_stop " + J + " target=file:///data/stop-dir drain=true format=CANONICAL", poll, history, state}},
      {"long options", {"stop", "--savepointPath", "file:///s", "--drain", J},
       lines(draining, "file:///s/savepoint-a48f8e-f8b2e237b6f8"),
       {"trigger_stop " + J + " target=file:///s drain=true format=CANONICAL", poll, history, state}},
      {"native", {"stop", "-type", "native", J}, lines(suspending("NATIVE")),
       {"trigger_stop " + J + " target=null drain=false format=NATIVE", poll, history, state}},
      {"detached",
       {"stop", "-detached", J},
       {suspending("CANONICAL"),
        "Triggering stop-with-savepoint in detached mode for job " + J + ".",
        "Successfully trigger stop-with-savepoint in detached mode, triggerId: " + T},
       {"trigger_stop " + J + " target=null drain=false format=CANONICAL"}},
  };
  for (const auto& c : cases) check(c);
}

// The product's rule: with no directory on the command line, send the client's configured one.
TEST_F(CommandTest, ClientConfiguredSavepointDirectoryIsSent) {
  struct DirCase {
    std::string conf;  // config.yaml
    std::vector<std::string> extra_args;
    std::string sent;  // "null" when none
  };
  const DirCase dirs[] = {
      {"execution:\n  checkpointing:\n    savepoint-dir: file:///conf/sp\n", {}, "file:///conf/sp"},
      {"execution.checkpointing.savepoint-dir: file:///conf/flat\n", {}, "file:///conf/flat"},
      {"state.savepoints.dir: file:///conf/legacy-key\n", {}, "file:///conf/legacy-key"},
      {"state.savepoints.dir: file:///old\nexecution.checkpointing.savepoint-dir: file:///new\n", {},
       "file:///new"},
      {"execution.checkpointing.savepoint-dir: file:///conf/sp\n",
       {"-Dexecution.checkpointing.savepoint-dir=file:///d-dir"}, "file:///d-dir"},
      {"", {"-D", "state.savepoints.dir=file:///d-legacy"}, "file:///d-legacy"},
      {"rest.port: 8081\n", {}, "null"},
  };
  for (const auto& d : dirs) {
    SCOPED_TRACE(d.conf + " " + (d.extra_args.empty() ? "" : d.extra_args.back()));
    TestEnvironment dir_env;
    dir_env.conf_dir().write("config.yaml", d.conf);
    auto with_extra = [&](std::vector<std::string> args) {
      args.insert(args.end(), d.extra_args.begin(), d.extra_args.end());
      return args;
    };

    FakeCluster savepoint;
    const auto sp = run_flink(with_extra({"savepoint", J}), dir_env, savepoint.factory(), clock);
    EXPECT_EQ(sp.exit_code, 0);
    EXPECT_EQ(savepoint.calls.at(0), "trigger_savepoint " + J + " target=" + d.sent +
                                         " cancel=false format=CANONICAL");

    FakeCluster stop;
    EXPECT_EQ(run_flink(with_extra({"stop", "-p", J}), dir_env, stop.factory(), clock).exit_code, 0);
    EXPECT_EQ(stop.calls.at(0), "trigger_stop " + J + " target=" + d.sent + " drain=false format=CANONICAL");

    FakeCluster cancel;
    const auto cancelled = run_flink(with_extra({"cancel", "-s", J}), dir_env, cancel.factory(), clock);
    EXPECT_EQ(cancelled.exit_code, 0);
    EXPECT_EQ(cancel.calls.at(0), "trigger_savepoint " + J + " target=" + d.sent +
                                      " cancel=true format=CANONICAL");
    // the progress line names what was sent
    EXPECT_EQ(cancelled.out.at(1),
              "Cancelling job " + J + " with CANONICAL savepoint to " +
                  (d.sent == "null" ? "default savepoint directory." : d.sent + "."));

    // a directory on the command line always wins
    FakeCluster explicit_dir;
    run_flink(with_extra({"savepoint", J, "file:///cli"}), dir_env, explicit_dir.factory(), clock);
    EXPECT_EQ(explicit_dir.calls.at(0),
              "trigger_savepoint " + J + " target=file:///cli cancel=false format=CANONICAL");
  }
}

TEST_F(CommandTest, FailuresArePrefixedWithFlinksSentence) {
  const std::string U = k_unknown_job;
  FakeCluster not_found;
  not_found.statuses = {failed_with(job_not_found_trace)};
  const auto savepoint = run_flink({"savepoint", U}, env, not_found.factory(), clock);
  EXPECT_EQ(savepoint.exit_code, 4);
  EXPECT_EQ(savepoint.out, (Lines{"Triggering savepoint for job " + U + ".", "Waiting for response..."}));
  EXPECT_EQ(savepoint.err, (Lines{"Failed to trigger a savepoint for the job " + U +
                                  ": Could not find Flink job (" + U + ")"}));

  FakeCluster stop_not_found = not_found;
  stop_not_found.calls.clear();
  const auto stop = run_flink({"stop", U}, env, stop_not_found.factory(), clock);
  EXPECT_EQ(stop.exit_code, 4);
  EXPECT_EQ(stop.err, (Lines{"Could not stop with a savepoint job \"" + U +
                             "\": Could not find Flink job (" + U + ")"}));

  FakeCluster cancel_not_found = not_found;
  const auto cancel_s = run_flink({"cancel", "-s", U}, env, cancel_not_found.factory(), clock);
  EXPECT_EQ(cancel_s.exit_code, 4);
  EXPECT_EQ(cancel_s.err, (Lines{"Could not cancel job " + U + ": Could not find Flink job (" + U + ")"}));

  FakeCluster cancel;
  cancel.fail("cancel_job", ErrorClass::not_found, "Job could not be found.");
  const auto plain_cancel = run_flink({"cancel", U}, env, cancel.factory(), clock);
  EXPECT_EQ(plain_cancel.exit_code, 4);
  EXPECT_EQ(plain_cancel.out, (Lines{"Cancelling job " + U + "."}));
  EXPECT_EQ(plain_cancel.err, (Lines{"Could not cancel job " + U + ": Job could not be found."}));

  FakeCluster dispose;
  dispose.statuses = {failed_with(
      "org.apache.flink.util.FlinkException: Could not dispose savepoint file:///data/no-such-savepoint.\n"
      "\tat org.apache.flink.runtime.dispatcher.Dispatcher.lambda$disposeSavepoint$11(Dispatcher.java:800)\n"
      "Caused by: java.io.FileNotFoundException: Cannot find checkpoint or savepoint file/directory "
      "'file:///data/no-such-savepoint' on file system 'file'.\n"
      "\tat org.apache.flink.runtime.state.filesystem.AbstractFsCheckpointStorageAccess.resolveCheckpointPointer(AbstractFsCheckpointStorageAccess.java:290)\n")};
  const auto disposed = run_flink({"savepoint", "-d", "file:///data/no-such-savepoint"}, env,
                                  dispose.factory(), clock);
  EXPECT_EQ(disposed.exit_code, 4);
  EXPECT_EQ(disposed.out, (Lines{"Disposing savepoint 'file:///data/no-such-savepoint'.",
                                 "Waiting for response..."}));
  EXPECT_EQ(disposed.err,
            (Lines{"Failed to dispose the savepoint 'file:///data/no-such-savepoint': Cannot find "
                   "checkpoint or savepoint file/directory 'file:///data/no-such-savepoint' on file "
                   "system 'file'."}));

  FakeCluster no_dir;
  no_dir.statuses = {failed_with(
      "java.util.concurrent.CompletionException: java.lang.IllegalStateException: No savepoint "
      "directory configured. You can either specify a directory while cancelling via -s "
      ":targetDirectory or configure a cluster-wide default via key "
      "'execution.checkpointing.savepoint-dir'.\n\tat x.y.Z.f(Z.java:1)\n")};
  const auto failed = run_flink({"savepoint", J}, env, no_dir.factory(), clock);
  EXPECT_EQ(failed.exit_code, 5);
  EXPECT_EQ(failed.err,
            (Lines{"Failed to trigger a savepoint for the job " + J +
                   ": No savepoint directory configured. You can either specify a directory while "
                   "cancelling via -s :targetDirectory or configure a cluster-wide default via key "
                   "'execution.checkpointing.savepoint-dir'."}));

  FakeCluster unreachable;
  unreachable.fail("trigger_savepoint", ErrorClass::unreachable,
                   "Could not connect to the JobManager at 127.0.0.1:1: Connection refused");
  const auto refused = run_flink({"savepoint", "-detached", J}, env, unreachable.factory(), clock);
  EXPECT_EQ(refused.exit_code, 3);
  // and it says that no savepoint was started
  EXPECT_EQ(refused.err, (Lines{"Failed to trigger a savepoint for the job " + J +
                                ": Could not connect to the JobManager at 127.0.0.1:1: Connection refused "
                                "Nothing was sent: no savepoint was started."}));

  FakeCluster no_location;
  no_location.statuses = {completed_empty()};
  const auto protocol = run_flink({"savepoint", J}, env, no_location.factory(), clock);
  EXPECT_EQ(protocol.exit_code, 9);
  // said as it is: the savepoint completed, only its answer lacks the location
  EXPECT_EQ(protocol.err, (Lines{"The JobManager reported the savepoint complete but sent no location"}));
}

TEST_F(CommandTest, WaitingIsBoundedByClientTimeout) {
  cluster.statuses = {in_progress()};
  const auto result = run({"savepoint", J, "-D", "client.timeout=1s"});
  EXPECT_EQ(result.exit_code, 6);
  // names what is waited for
  EXPECT_EQ(result.err, (Lines{"The savepoint is still in progress after 1 s (client.timeout); trigger id " + T +
                               ": the savepoint may still complete; to wait for it, run: flink follow " + J + " " + T +
                               " (with the same -D options)"}));
  EXPECT_EQ(clock.total_slept(), std::chrono::milliseconds(1000));

  FakeClock stop_clock;
  FakeCluster stop_cluster;
  stop_cluster.statuses = {in_progress()};
  const auto stop = run_flink({"stop", J, "-Dclient.timeout=2 min"}, env, stop_cluster.factory(), stop_clock);
  EXPECT_EQ(stop.exit_code, 6);
  EXPECT_EQ(stop_clock.total_slept(), std::chrono::minutes(2));
  for (auto sleep : stop_clock.sleeps) EXPECT_LE(sleep, std::chrono::milliseconds(100));
}

class ListTest : public CommandTest {
 protected:
  ScopedTimeZone utc{"UTC"};
};

JobOverview job(const std::string& id, const std::string& name, const std::string& state, std::int64_t start) {
  return {id, name, state, start};
}

TEST_F(ListTest, SectionsAsFlinkPrintsThem) {
  const std::string running_header = "------------------ Running/Restarting Jobs -------------------";
  const std::string scheduled_header = "----------------------- Scheduled Jobs -----------------------";
  const std::string terminated_header = "---------------------- Terminated Jobs -----------------------";
  const std::string rule = "--------------------------------------------------------------";
  // start-time 1795627668212 is 25.11.2026 17:27:48 UTC (the transcript's list)
  cluster.jobs = {
      job("0dd0cc8be2e69bb61ce57dc16314e849", "transcript-job-5", "CANCELED", 1795627746318),
      job("a48f8e8b712ac1616c58c37184d4a569", "transcript-job-1", "FINISHED", 1795627668212),
      job("3f207895ce66f98f90111e2c849cdea2", "transcript-job-3", "FAILED", 1795627730000),
      job("33333333333333333333333333333333", "same-start-running", "RUNNING", 1795627800000),
      job("22222222222222222222222222222222", "running", "RUNNING", 1795627700000),
      job("11111111111111111111111111111111", "restarting", "RESTARTING", 1795627800000),
      job("44444444444444444444444444444444", "created", "CREATED", 1795627900000),
      job("55555555555555555555555555555555", "initializing", "INITIALIZING", 1795627850000),
      job("66666666666666666666666666666666", "suspended", "SUSPENDED", 1795627600000),
  };
  const Lines running = {
      running_header,
      "25.11.2026 17:26:40 : 66666666666666666666666666666666 : suspended (SUSPENDED)",
      "25.11.2026 17:28:20 : 22222222222222222222222222222222 : running (RUNNING)",
      // same start time: Flink's groups are ordered by state name first
      "25.11.2026 17:30:00 : 11111111111111111111111111111111 : restarting (RESTARTING)",
      "25.11.2026 17:30:00 : 33333333333333333333333333333333 : same-start-running (RUNNING)",
      rule,
  };
  const Lines scheduled = {
      scheduled_header,
      "25.11.2026 17:30:50 : 55555555555555555555555555555555 : initializing (INITIALIZING)",
      "25.11.2026 17:31:40 : 44444444444444444444444444444444 : created (CREATED)",
      rule,
  };
  const Lines terminated = {
      terminated_header,
      "25.11.2026 17:27:48 : a48f8e8b712ac1616c58c37184d4a569 : transcript-job-1 (FINISHED)",
      "25.11.2026 17:28:50 : 3f207895ce66f98f90111e2c849cdea2 : transcript-job-3 (FAILED)",
      "25.11.2026 17:29:06 : 0dd0cc8be2e69bb61ce57dc16314e849 : transcript-job-5 (CANCELED)",
      rule,
  };
  auto join = [](std::initializer_list<Lines> parts) {
    Lines all = {"Waiting for response..."};
    for (const auto& part : parts) all.insert(all.end(), part.begin(), part.end());
    return all;
  };
  const ActionCase cases[] = {
      {"default: running and scheduled", {"list"}, join({running, scheduled}), {"list_jobs"}},
      {"-r", {"list", "-r"}, join({running}), {"list_jobs"}},
      {"-s", {"list", "-s"}, join({scheduled}), {"list_jobs"}},
      {"-rs", {"list", "-rs"}, join({running, scheduled}), {"list_jobs"}},
      {"-a", {"list", "-a"}, join({running, scheduled, terminated}), {"list_jobs"}},
  };
  for (const auto& c : cases) check(c);
}

TEST_F(ListTest, EmptySections) {
  const ActionCase empty[] = {
      {"no jobs", {"list"}, {"Waiting for response...", "No running jobs.", "No scheduled jobs."}, {"list_jobs"}},
      {"no jobs, -a: no terminated section at all", {"list", "-a"},
       {"Waiting for response...", "No running jobs.", "No scheduled jobs."}, {"list_jobs"}},
      {"-r", {"list", "-r"}, {"Waiting for response...", "No running jobs."}, {"list_jobs"}},
      {"-s", {"list", "-s"}, {"Waiting for response...", "No scheduled jobs."}, {"list_jobs"}},
  };
  for (const auto& c : empty) check(c);

  // the transcript's "list -a after stop"
  cluster.jobs = {job(J, "transcript-job-1", "FINISHED", 1795627668212)};
  check({"only terminated", {"list", "-a"},
         {"Waiting for response...", "No running jobs.", "No scheduled jobs.",
          "---------------------- Terminated Jobs -----------------------",
          "25.11.2026 17:27:48 : " + J + " : transcript-job-1 (FINISHED)",
          "--------------------------------------------------------------"},
         {"list_jobs"}});
}

class RunTest : public CommandTest {
 protected:
  std::string jar(const std::string& name = "job.jar", const std::string& tag = "a") {
    return jars.write(name, fake_jar_bytes(tag)).string();
  }
  TempDir jars;
};

TEST_F(RunTest, DetachedUploadsRunsAndDeletes) {
  const std::string path = jar();
  const std::string id = cluster.uploaded_jar_id;
  const std::string job = cluster.submitted_job;
  const auto result = run({"run", "-d", path, "--name", "transcript-job-1"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, (Lines{"Job has been submitted with JobID " + job}));
  EXPECT_TRUE(result.err.empty());
  EXPECT_EQ(cluster.calls, (Lines{"upload_jar " + cluster.uploaded_name, "run_jar " + id, "delete_jar " + id}));
  EXPECT_EQ(cluster.uploaded_content, fake_jar_bytes("a"));  // the jar's bytes, as read once
}

TEST_F(RunTest, RequestCarriesEveryOption) {
  const std::string path = jar();
  const auto result = run({"run", "-d", "-s", "file:/sp", "-n", "-cm", "no_claim", "-p", "3", "-c",
                           "com.example.Job", "-Dpipeline.name=x", "-Dflag", path, "--name",
                           "a b", "", "-p", "7"});
  ASSERT_EQ(result.exit_code, 0) << (result.err.empty() ? "" : result.err[0]);
  ASSERT_TRUE(cluster.run_request);
  const JarRunRequest& request = *cluster.run_request;
  EXPECT_EQ(request.program_args, (std::vector<std::string>{"--name", "a b", "", "-p", "7"}));
  EXPECT_EQ(request.savepoint_path, std::optional<std::string>("file:/sp"));
  EXPECT_TRUE(request.allow_non_restored_state);
  EXPECT_EQ(request.claim_mode, std::optional<std::string>("NO_CLAIM"));
  EXPECT_EQ(request.parallelism, std::optional<int>(3));
  EXPECT_EQ(request.entry_class, std::optional<std::string>("com.example.Job"));
  EXPECT_EQ(request.flink_configuration,
            (std::map<std::string, std::string>{{"pipeline.name", "x"}, {"flag", "true"}}));
  // <stem>-<16 hex of the content's SHA-256>-<8 hex of the run's random id>.jar
  EXPECT_EQ(cluster.uploaded_name.rfind("job-", 0), 0u) << cluster.uploaded_name;
  EXPECT_EQ(cluster.uploaded_name.substr(20), std::string("-") + std::string(k_trigger, 8) + ".jar")
      << cluster.uploaded_name;
  EXPECT_EQ(cluster.uploaded_name.substr(4, 16).find_first_not_of("0123456789abcdef"), std::string::npos)
      << cluster.uploaded_name;

  FakeCluster restore_mode = cluster;
  restore_mode.run_request.reset();
  run_flink({"run", "-d", "-rm", "CLAIM", path}, env, restore_mode.factory(), clock);
  EXPECT_EQ(restore_mode.run_request->claim_mode, std::nullopt);  // no -s: Flink ignores -rm
  EXPECT_FALSE(restore_mode.run_request->allow_non_restored_state);
  EXPECT_FALSE(restore_mode.run_request->savepoint_path);
}

TEST_F(RunTest, AttachedWaitsForTheResult) {
  const std::string path = jar();
  const std::string job = cluster.submitted_job;
  cluster.job_states = {"INITIALIZING", "RUNNING", "RUNNING", "FINISHED"};
  const auto result = run({"run", path, "--count", "300"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, (Lines{"Job has been submitted with JobID " + job, "Program execution finished",
                               "Job with JobID " + job + " has finished.", "Job Runtime: 4126 ms", ""}));
  EXPECT_EQ(std::count(cluster.calls.begin(), cluster.calls.end(), "job_state " + job), 4);
  EXPECT_EQ(cluster.calls.back(), "job_result " + job);
  EXPECT_EQ(clock.sleeps.size(), 3u);
}

TEST_F(RunTest, AttachedFailedJobReportsTheRootCause) {
  const std::string path = jar();
  const std::string job = cluster.submitted_job;
  cluster.job_states = {"RUNNING", "FAILED"};
  cluster.result = {43, "/ by zero",
                    "org.apache.flink.runtime.client.JobInitializationException: Could not start the JobMaster.\n"
                    "Caused by: java.lang.ArithmeticException: / by zero"};
  const auto result = run({"run", path});
  EXPECT_EQ(result.exit_code, 5);
  EXPECT_EQ(result.out, (Lines{"Job has been submitted with JobID " + job}));
  EXPECT_EQ(result.err, (Lines{"Job " + job + " failed: / by zero"}));
}

TEST_F(RunTest, JarProblemsAreFoundBeforeAnyCall) {
  const std::string missing = (jars / "missing.jar").string();
  const auto no_file = run({"run", missing});
  EXPECT_EQ(no_file.exit_code, 4);
  // Java's prefix, which scripts grep for (issue 13, defect 11); our exit code
  EXPECT_EQ(no_file.err, (Lines{"Could not get job jar and dependencies from JAR file: JAR file does not exist: " + missing}));

  const std::string text_file = jars.write("notes.jar", "just some text").string();
  const auto not_a_jar = run({"run", "-d", text_file});
  EXPECT_EQ(not_a_jar.exit_code, 1);
  EXPECT_EQ(not_a_jar.out, (Lines{"Could not get job jar and dependencies from JAR file: Not a JAR file (no ZIP header): " + text_file, "", k_help_hint}));

  const auto directory = run({"run", jars.path().string()});
  EXPECT_EQ(directory.exit_code, 1);
  EXPECT_EQ(cluster.factory_calls, 0);
  EXPECT_TRUE(cluster.calls.empty());
}

// Every run uploads a copy of its own and deletes that copy only: a jar another run uploaded may
// be deleted by it at any moment. A failed delete is one warning naming the jar, not a failure.
TEST_F(RunTest, UploadsAndDeletesItsOwnCopyOnly) {
  const std::string path = jar();
  const std::string id = cluster.uploaded_jar_id;
  const std::string job = cluster.submitted_job;
  struct Case {
    std::string name;
    std::vector<std::string> options;
    bool delete_fails;
    Lines calls_after_upload;
    Lines err;
    bool jar_deleted;
  };
  const Case cases[] = {
      {"detached", {"-d"}, false, {"run_jar " + id, "delete_jar " + id}, {}, true},
      {"attached", {}, false, {"run_jar " + id, "delete_jar " + id, "job_state " + job, "job_result " + job}, {}, true},
      {"--keepJar", {"-d", "--keepJar"}, false, {"run_jar " + id}, {}, false},
      {"failed delete", {"-d"}, true, {"run_jar " + id, "delete_jar " + id},
       {"flink: warning: could not delete uploaded jar " + id + ": connection reset"}, false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    FakeCluster jobmanager = cluster;
    if (c.delete_fails) jobmanager.fail("delete_jar", ErrorClass::unreachable, "connection reset");
    std::vector<std::string> args = {"run", "-o", "json"};
    args.insert(args.end(), c.options.begin(), c.options.end());
    args.push_back(path);
    const auto result = run_flink(args, env, jobmanager.factory(), clock);
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_EQ(result.err, c.err);
    Lines expected = {"upload_jar " + jobmanager.uploaded_name};
    expected.insert(expected.end(), c.calls_after_upload.begin(), c.calls_after_upload.end());
    EXPECT_EQ(jobmanager.calls, expected);
    ASSERT_EQ(result.out.size(), 1u);
    const auto document = nlohmann::json::parse(result.out[0]);
    EXPECT_EQ(document["jar_id"], id);
    EXPECT_EQ(document["jar_uploaded"], true);
    EXPECT_EQ(document["jar_deleted"], c.jar_deleted);
  }
}

TEST_F(RunTest, RefusedRestoreNamesTheOperatorAndStillDeletesTheJar) {
  const std::string path = jar();
  const std::string trace =
      "org.apache.flink.runtime.rest.handler.RestHandlerException: Could not execute application.\n"
      "Caused by: java.lang.IllegalStateException: Failed to rollback to checkpoint/savepoint "
      "file:/data/jar-sp/savepoint-665dcc-78ad2460d177. Cannot map checkpoint/savepoint state for "
      "operator 669e744bc7ecccbc3f0b13f20411860b to the new program, because the operator is not "
      "available in the new program. If you want to allow to skip this, you can set the "
      "--allowNonRestoredState option on the CLI.";
  cluster.failures.insert_or_assign(
      "run_jar", CliError(ErrorClass::restore_mismatch,
                          "Failed to rollback to checkpoint/savepoint file:/data/jar-sp/savepoint-665dcc-78ad2460d177. "
                          "Cannot map checkpoint/savepoint state for operator 669e744bc7ecccbc3f0b13f20411860b to "
                          "the new program, because the operator is not available in the new program. If you want "
                          "to allow to skip this, you can set the --allowNonRestoredState option on the CLI.",
                          trace));
  const auto result = run({"run", "-d", "-s", "file:/data/jar-sp/savepoint-665dcc-78ad2460d177", path});
  EXPECT_EQ(result.exit_code, 7);
  EXPECT_TRUE(result.out.empty());
  EXPECT_EQ(result.err,
            (Lines{"Could not submit the job from " + path +
                   ": Cannot restore from savepoint file:/data/jar-sp/savepoint-665dcc-78ad2460d177: it "
                   "holds state for operator(s) 669e744bc7ecccbc3f0b13f20411860b that the new program "
                   "does not have. To skip that state, run again with -n (--allowNonRestoredState)."}));
  EXPECT_EQ(cluster.calls.back(), "delete_jar " + cluster.uploaded_jar_id);

  // a failing clean-up does not hide why the run failed
  FakeCluster delete_fails = cluster;
  delete_fails.calls.clear();
  delete_fails.fail("delete_jar", ErrorClass::unreachable, "connection reset");
  const auto masked = run_flink({"run", "-d", "-s", "file:/sp", path}, env, delete_fails.factory(), clock);
  EXPECT_EQ(masked.exit_code, 7);
  ASSERT_EQ(masked.err.size(), 2u);
  EXPECT_EQ(masked.err.at(0), "flink: warning: could not delete uploaded jar " + cluster.uploaded_jar_id +
                                  ": connection reset");
  EXPECT_NE(masked.err.at(1).find("operator(s) 669e744bc7ecccbc3f0b13f20411860b"), std::string::npos);
}

TEST_F(RunTest, WebSubmissionDisabled) {
  const std::string path = jar();
  cluster.fail("upload_jar", ErrorClass::operation_failed, "the JobManager does not accept jar submissions");
  const auto result = run({"run", "-d", path});
  EXPECT_EQ(result.exit_code, 5);
  EXPECT_EQ(result.err, (Lines{"Could not submit the job from " + path +
                               ": the JobManager does not accept jar submissions"}));
  ASSERT_EQ(cluster.calls.size(), 1u);
  EXPECT_EQ(cluster.calls[0].rfind("upload_jar job-", 0), 0u) << cluster.calls[0];
}

// Claim modes as Flink's CliFrontendParser reads them (issue 13, defect 11): only with -s, -cm
// before -rm (then ignored), case-insensitive, and Flink's notices on stdout in Flink's order.
TEST_F(RunTest, ClaimModesAsFlinkReadsThem) {
  const std::string path = jar();
  const std::string submitted = "Job has been submitted with JobID " + cluster.submitted_job;
  const std::string legacy_warning =
      "Warning: The LEGACY restore mode is deprecated, please use CLAIM or NO_CLAIM mode instead.";
  const std::string rm_notice = "The option 'restoreMode' is deprecated. Please use 'claimMode' instead.";
  struct Case {
    std::vector<std::string> options;
    std::optional<std::string> sent;
    Lines out;
  };
  const Case cases[] = {
      {{"-s", "file:/sp", "-cm", "claim", "-rm", "CLAIM"}, "CLAIM", {submitted}},
      {{"-s", "file:/sp", "-cm", "claim", "-rm", "no_claim"}, "CLAIM", {submitted}},  // -cm wins
      {{"-s", "file:/sp", "-cm", "no_claim", "-rm", "bogus"}, "NO_CLAIM", {submitted}},  // -rm unread
      {{"-s", "file:/sp", "-rm", "No_Claim"}, "NO_CLAIM", {rm_notice, submitted}},
      {{"-s", "file:/sp", "-cm", "legacy"}, "LEGACY", {legacy_warning, submitted}},
      {{"-s", "file:/sp", "-rm", "legacy"}, "LEGACY", {rm_notice, legacy_warning, submitted}},
      {{"-cm", "legacy"}, std::nullopt, {submitted}},  // without -s Flink never reads it
      {{"-cm", "bogus"}, std::nullopt, {submitted}},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"run", "-d"};
    args.insert(args.end(), c.options.begin(), c.options.end());
    args.push_back(path);
    SCOPED_TRACE(::testing::PrintToString(args));
    FakeCluster fresh = cluster;
    const auto result = run_flink(args, env, fresh.factory(), clock);
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_EQ(result.out, c.out);
    ASSERT_TRUE(fresh.run_request);
    EXPECT_EQ(fresh.run_request->claim_mode, c.sent);
  }
  // the LEGACY warning comes after the jar check, as in Flink: a missing jar prints only its error
  const auto missing = run({"run", "-d", "-s", "file:/sp", "-cm", "legacy", (jars / "none.jar").string()});
  EXPECT_EQ(missing.exit_code, 4);
  EXPECT_TRUE(missing.out.empty()) << missing.out.front();
}

// Java's run also takes the jar as -j and the program arguments as -a (hidden from its help).
TEST_F(RunTest, JarAndArgumentsAsOptions) {
  const std::string path = jar();
  struct Case {
    std::vector<std::string> args;
    Lines program_args;
  };
  const Case cases[] = {
      {{"run", "-d", "-j", path, "x", "y"}, {"x", "y"}},
      {{"run", "-d", "-j", path, "-a", "x", "y"}, {"x", "y"}},
      {{"run", "-d", "-a", path, "x"}, {"x"}},  // -a's first value is the jar when there is no -j
      {{"run", "-d", path, "-a", "x"}, {"-a", "x"}},  // after the jar everything is the program's
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.args));
    FakeCluster fresh = cluster;
    const auto result = run_flink(c.args, env, fresh.factory(), clock);
    EXPECT_EQ(result.exit_code, 0) << ::testing::PrintToString(result.out);
    ASSERT_TRUE(fresh.run_request);
    EXPECT_EQ(fresh.run_request->program_args, c.program_args);
  }
  const Lines help = run({"run", "-h"}).out;
  EXPECT_FALSE(std::any_of(help.begin(), help.end(),
                           [](const std::string& line) { return line.find("--jarfile") != std::string::npos; }));
}

// A bad setting is reported before an action's first line, as Java reports it while making its
// cluster client (recorded on 1.20.5 with -D rest.port=abc): savepoint, dispose and checkpoint
// print nothing; stop and cancel print their first line first, as Java does. Nothing is sent.
TEST_F(CommandTest, InvalidSettingsBeforeTheFirstLine) {
  const std::string port = "Invalid value 'abc' for rest.port: expected a port from 1 to 65535";
  const std::string timeout = "Invalid value '0' for client.timeout: 0 would time out every call at once; "
                              "give a positive duration such as '60 s'";
  const ActionCase cases[] = {
      {"savepoint", {"savepoint", "-D", "rest.port=abc", J}, {}, {}, 2, {port}},
      {"savepoint -detached", {"savepoint", "-detached", "-D", "rest.port=abc", J}, {}, {}, 2, {port}},
      {"savepoint, client.timeout=0", {"savepoint", "-D", "client.timeout=0", J}, {}, {}, 2, {timeout}},
      {"dispose", {"savepoint", "-d", L, "-D", "rest.port=abc"}, {}, {}, 2, {port}},
      {"checkpoint", {"checkpoint", "-D", "rest.port=abc", J}, {}, {}, 2, {port}},
      {"checkpoint, client.timeout=0", {"checkpoint", "-D", "client.timeout=0", J}, {}, {}, 2, {timeout}},
      {"stop", {"stop", "-D", "rest.port=abc", J},
       {"Suspending job \"" + J + "\" with a CANONICAL savepoint."}, {}, 2, {port}},
      {"cancel", {"cancel", "-D", "rest.port=abc", J}, {"Cancelling job " + J + "."}, {}, 2, {port}},
  };
  for (const auto& c : cases) check(c);
}

}  // namespace
}  // namespace flinkcli::testing
