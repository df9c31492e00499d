// Issue 13's defects, one test (or table) each, through the whole client: each failed before its
// fix. Defect 1 (closed stdout) is in binary_smoke_test.cpp, 11 (claim modes, jar prefix) in
// commands_test.cpp, 6's file choice and 7's unreadable directory in configuration_test.cpp.
#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <csignal>

#include "fake/fake_jobmanager.hpp"
#include "fake/fake_jobmanager_api.hpp"
#include "fake/test_support.hpp"
#include "flinkcli/core/text.hpp"

namespace flinkcli::testing {
namespace {

using Lines = std::vector<std::string>;
using nlohmann::json;
using std::chrono::milliseconds;

const std::string J = k_job;
const std::string T = "7bc1eb8a27587d4728b63c2fdb41d37a";
const std::string L = "file:/data/savepoints/savepoint-a48f8e-f8b2e237b6f8";

Lines without_debug(Lines lines) {
  std::erase_if(lines, [](const std::string& line) { return line.rfind("flink: debug: ", 0) == 0; });
  return lines;
}

bool contains(const Lines& lines, const std::string& part) {
  return std::any_of(lines.begin(), lines.end(),
                     [&](const std::string& line) { return line.find(part) != std::string::npos; });
}

class HardeningTest : public ::testing::Test {
 protected:
  CliRun run(const std::vector<std::string>& args) { return run_flink(args, env, cluster.factory(), clock); }

  TestEnvironment env;
  FakeCluster cluster;
  FakeClock clock;
};

// Defect 2: Java 1.20 and 2.x take -type/--type on cancel (not in its help). We read "-type" as
// "-t ype" and failed on "Deployment target 'ype'" after printing, the job kept running.
TEST_F(HardeningTest, CancelTakesTheSavepointFormat) {
  const std::string deprecation =
      "DEPRECATION WARNING: Cancelling a job with savepoint is deprecated. Use \"stop\" instead.";
  struct Case {
    std::vector<std::string> args;
    std::string second_line;
    std::string trigger;
    std::string location = L;  // under the directory sent, else the cluster's default one
  };
  const Case cases[] = {
      {{"cancel", "-s", "file:///d", J, "-type", "NATIVE"},
       "Cancelling job " + J + " with NATIVE savepoint to file:///d.",
       "trigger_savepoint " + J + " target=file:///d cancel=true format=NATIVE",
       "file:///d/savepoint-a48f8e-f8b2e237b6f8"},
      {{"cancel", "--type", "native", "-s", J},
       "Cancelling job " + J + " with NATIVE savepoint to default savepoint directory.",
       "trigger_savepoint " + J + " target=null cancel=true format=NATIVE"},
      {{"cancel", "-type=canonical", "-s", J},
       "Cancelling job " + J + " with CANONICAL savepoint to default savepoint directory.",
       "trigger_savepoint " + J + " target=null cancel=true format=CANONICAL"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.args));
    FakeCluster fresh = cluster;
    const auto result = run_flink(c.args, env, fresh.factory(), clock);
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_EQ(result.out, (Lines{deprecation, c.second_line,
                                 "Cancelled job " + J + ". Savepoint stored in " + c.location + "."}));
    // the poll, then the checks of the result: the savepoint's format in the history, the job CANCELED
    EXPECT_EQ(fresh.calls,
              (Lines{c.trigger, "savepoint_status " + J + " " + T, "snapshot_history " + J, "job_state " + J}));
  }
  // a plain cancel takes it too (Java ignores it there), and the help does not show it
  EXPECT_EQ(run({"cancel", "-type", "native", J}).exit_code, 0);
  const auto help = run({"cancel", "-h"});
  EXPECT_FALSE(contains(help.out, "-type")) << help.out.size();
  EXPECT_TRUE(contains(run({"stop", "-h"}).out, "-type,--type <arg>"));
}

// Defect 3: a trigger that took 0.9 s with client.timeout=1s gave a run of ~1.95 s: the waiter
// started a fresh budget after the trigger. One deadline per action now, on the injected clock.
TEST_F(HardeningTest, ClientTimeoutBoundsTheWholeActionFromItsStart) {
  cluster.trigger_delay = milliseconds(900);
  cluster.statuses = {in_progress()};
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"savepoint", J}, {"stop", J}, {"cancel", "-s", J}}) {
    SCOPED_TRACE(args.front());
    FakeClock fresh_clock;
    FakeCluster fresh = cluster;
    std::vector<std::string> with_timeout = args;
    with_timeout.insert(with_timeout.end(), {"-D", "client.timeout=1s"});
    const auto result = run_flink(with_timeout, env, fresh.factory(), fresh_clock);
    EXPECT_EQ(result.exit_code, 6);
    EXPECT_EQ(fresh_clock.elapsed(), milliseconds(1000));  // 900 in the trigger, 100 polling
    ASSERT_FALSE(result.err.empty());
    EXPECT_NE(result.err.back().find("still in progress after 1 s (client.timeout); trigger id " + T),
              std::string::npos)
        << result.err.back();
  }
}

// Defect 4: a 60,000-character error from the JobManager crashed the client (std::regex
// recursion, SIGSEGV). Any length now gives one line of bounded length, cut with an ellipsis.
TEST(HardeningHttp, HugeErrorTextGivesOneBoundedLine) {
  FakeJobManager jm;
  const std::string huge = "java.lang.IllegalStateException: " + std::string(60000, 'A');
  jm.on("POST", "/jobs/" + J + "/savepoints", {CannedReply::errors(500, {huge})});
  jm.on("GET", "/jobs/overview",
        {CannedReply::errors(500, {"org.a.B: x\nCaused by: " + std::string(200000, 'x') + "." +
                                   std::string(100000, 'y') + ": tail"})});
  TestEnvironment env;
  const auto savepoint = run_flink_http({"savepoint", J, "-m", jm.address()}, env);
  EXPECT_EQ(savepoint.exit_code, 5);
  ASSERT_EQ(savepoint.err.size(), 1u);
  EXPECT_LE(savepoint.err[0].size(), 2000u);
  // cut at the bound, the message keeps the exception's name: its end, which would explain it, is gone
  EXPECT_EQ(savepoint.err[0].rfind("Failed to trigger a savepoint for the job " + J + ": IllegalStateException: AAAA", 0),
            0u);
  EXPECT_EQ(savepoint.err[0].substr(savepoint.err[0].size() - 3), "\xE2\x80\xA6");  // "…"

  const auto verbose = run_flink_http({"list", "-v", "-m", jm.address()}, env);
  EXPECT_EQ(verbose.exit_code, 5);
  for (const auto& line : verbose.err) EXPECT_LE(line.size(), 2000u);
}

// Defect 5: the scheme of -m decides REST TLS as in Flink, whatever the file says; -D after -m.
TEST_F(HardeningTest, JobManagerOptionDecidesTheScheme) {
  struct Case {
    std::string conf;
    std::vector<std::string> args;
    std::string url;
  };
  const Case cases[] = {
      {"security.ssl.rest.enabled: true\n", {}, "https://localhost:8081"},
      {"security.ssl.rest.enabled: true\n", {"-m", "jm:1"}, "http://jm:1"},
      {"security.ssl.rest.enabled: true\n", {"-m", "http://jm:1"}, "http://jm:1"},
      {"", {"-m", "https://jm:1"}, "https://jm:1"},
      {"", {"-m", "HTTPS://jm:1"}, "https://jm:1"},
      {"security.ssl.rest.enabled: true\n", {"-m", "http://jm:1", "-D", "security.ssl.rest.enabled=true"},
       "https://jm:1"},
      {"", {"-D", "security.ssl.rest.enabled=false", "-m", "https://jm:1"}, "http://jm:1"},  // -D last
      {"rest.path: /proxied\n", {"-m", "jm:1"}, "http://jm:1"},  // Flink sets rest.path from -m too
      {"", {"-m", "https://jm:1/some/path/"}, "https://jm:1/some/path"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.conf + ::testing::PrintToString(c.args));
    env.conf_dir().write("config.yaml", c.conf);
    std::vector<std::string> args = {"list"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    FakeCluster fresh;
    const auto result = run_flink(args, env, fresh.factory(), clock);
    EXPECT_EQ(result.exit_code, 0) << ::testing::PrintToString(result.err);
    ASSERT_TRUE(fresh.settings);
    EXPECT_EQ(fresh.settings->endpoint.url(), c.url);
  }
}

// Defect 6 through the whole client: which file wins follows lib/flink-dist-<version>.jar of the
// installation the binary belongs to.
TEST(HardeningInstall, ConfFileFollowsTheInstallationsFlinkVersion) {
  struct Case {
    std::string dist_jar;  // "" for an installation without one
    std::string host_port;
    bool warned;
  };
  const Case cases[] = {
      {"flink-dist-1.20.5.jar", "legacy:1111", false},
      {"flink-dist-2.3.0.jar", "current:2222", false},  // a stale flink-conf.yaml does not win
      {"", "current:2222", true},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.dist_jar);
    TempDir home;
    home.write("bin/flink", "");
    home.write("conf/flink-conf.yaml", "rest.address: legacy\nrest.port: 1111\n");
    home.write("conf/config.yaml", "rest:\n  address: current\n  port: 2222\n");
    if (!c.dist_jar.empty()) home.write("lib/" + c.dist_jar, "");
    CapturingConsole console;
    FakeInterrupt interrupt;
    FakeClock clock;
    FakeCluster cluster;
    Runtime runtime{console, clock, interrupt,
                    Environment{[](const std::string&) -> std::optional<std::string> { return std::nullopt; },
                                home / "bin" / "flink"},
                    cluster.factory()};
    EXPECT_EQ(run_cli({"list"}, runtime), 0);
    ASSERT_TRUE(cluster.settings);
    EXPECT_EQ(cluster.settings->endpoint.host_port(), c.host_port);
    EXPECT_EQ(contains(console.stderr_lines, "flink: warning: Both "), c.warned)
        << ::testing::PrintToString(console.stderr_lines);
  }
}

// Defect 7: library text reached the user ("[json.exception.type_error.316] ..." for a target
// directory with invalid UTF-8; "filesystem error: ..." with exit 5 for an unreadable conf dir).
TEST_F(HardeningTest, LibraryTextNeverReachesTheUser) {
  const auto bad_directory = run({"savepoint", J, std::string("file:///data/sp-\xff\xfe")});
  EXPECT_EQ(bad_directory.exit_code, 1);
  EXPECT_EQ(bad_directory.out, (Lines{"The argument 'file:///data/sp-?\?' is not valid UTF-8 text, which "
                                      "Flink's REST API requires.",
                                      "", k_help_hint}));
  EXPECT_TRUE(cluster.calls.empty());

  TempDir dir;
  std::filesystem::create_symlink(dir / "loop", dir / "loop");
  env.set("FLINK_CONF_DIR", (dir / "loop").string());
  const auto unreadable = run({"list"});
  EXPECT_EQ(unreadable.exit_code, 2);
  ASSERT_EQ(unreadable.err.size(), 1u);
  EXPECT_EQ(unreadable.err[0].rfind("The configuration directory '" + (dir / "loop").string() +
                                        "' (FLINK_CONF_DIR) cannot be read: ",
                                    0),
            0u)
      << unreadable.err[0];
  EXPECT_EQ(unreadable.err[0].find("filesystem error"), std::string::npos);
}

// Defect 8: a host that does not resolve was retried for ~3 s like a refused connection. It
// fails at once (no retry sleep on the injected clock) and names the host; a refused connection
// is still retried.
TEST(HardeningHttp, UnresolvableHostFailsAtOnceNamingIt) {
  TestEnvironment env;
  FakeClock clock;
  const auto result = run_flink_http({"list", "-m", "no-such-host.invalid:8081"}, env, clock);
  EXPECT_EQ(result.exit_code, 3);
  ASSERT_EQ(result.err.size(), 1u);
  EXPECT_EQ(result.err[0].rfind("Failed to retrieve job list: Cannot resolve the JobManager host "
                                "'no-such-host.invalid': ",
                                0),
            0u)
      << result.err[0];
  EXPECT_TRUE(clock.sleeps.empty());

  FakeClock refused_clock;
  const auto refused = run_flink_http(
      {"list", "-m", "127.0.0.1:" + std::to_string(unused_local_port())}, env, refused_clock);
  EXPECT_EQ(refused.exit_code, 3);
  EXPECT_FALSE(refused_clock.sleeps.empty());
  EXPECT_LE(refused_clock.total_slept(), milliseconds(3000));
}

// Defect 9: exit 4 only for a job or savepoint Flink does not know. A 404 for a wrong path
// prefix or from a server that is not Flink is exit 9, one line, never an HTML page.
TEST(HardeningHttp, NotFoundOnlyForJobsAndSavepoints) {
  TestEnvironment env;
  FakeJobManager flink;  // unscripted paths: Flink's router 404 "Not found: <path>"
  flink.on("PATCH", "/jobs/" + J,
           {CannedReply::errors(404, {"org.apache.flink.runtime.rest.handler.RestHandlerException: "
                                      "Job could not be found.\n\tat a.B.c(B.java:1)\n"})});
  const auto unknown_job = run_flink_http({"cancel", J, "-m", flink.address()}, env);
  EXPECT_EQ(unknown_job.exit_code, 4);
  EXPECT_EQ(unknown_job.err, (Lines{"Could not cancel job " + J + ": Job could not be found."}));

  const auto wrong_prefix = run_flink_http({"list", "-m", "http://" + flink.address() + "/wrong"}, env);
  EXPECT_EQ(wrong_prefix.exit_code, 9);
  EXPECT_EQ(wrong_prefix.err,
            (Lines{"Failed to retrieve job list: The server at http://" + flink.address() +
                   "/wrong has no REST endpoint GET /jobs/overview (HTTP 404, Not found: "
                   "/wrong/jobs/overview). Check -m / rest.address / rest.path."}));

  FakeJobManager web_server;
  web_server.on_other([](const RecordedRequest&) {
    return CannedReply::raw(404, "<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>\n"
                                 "<body><h1>Not Found</h1></body></html>\n");
  });
  const auto not_flink = run_flink_http({"cancel", J, "-m", web_server.address()}, env);
  EXPECT_EQ(not_flink.exit_code, 9);
  EXPECT_EQ(not_flink.err,
            (Lines{"Could not cancel job " + J + ": The server at http://" + web_server.address() +
                   " is not a Flink JobManager REST endpoint (HTTP 404 for PATCH /jobs/" + J +
                   "?mode=cancel). Check that the cluster is running and -m / rest.address / "
                   "rest.port point to its REST endpoint."}));
  // -v shows what came back, on one bounded line
  const auto verbose = run_flink_http({"cancel", J, "-v", "-m", web_server.address()}, env);
  const Lines err = without_debug(verbose.err);
  ASSERT_EQ(err.size(), 2u);
  EXPECT_EQ(err[1].rfind("answer: <!DOCTYPE html> <html>", 0), 0u) << err[1];
}

// Defect 10: with high availability the client cannot follow (Kubernetes), say which address is
// used and why (-m too: the Java client would ignore it). ZooKeeper HA is followed: ha_test.cpp.
TEST_F(HardeningTest, HighAvailabilityIsNotSilent) {
  for (const std::string conf : {"high-availability: KUBERNETES\nrest.address: jm-a\n",
                                 "high-availability:\n  type: kubernetes\nrest.address: jm-a\n"}) {
    SCOPED_TRACE(conf);
    env.conf_dir().write("config.yaml", conf);
    const auto result = run({"list"});
    EXPECT_EQ(result.exit_code, 0);
    ASSERT_EQ(result.err.size(), 1u);
    EXPECT_EQ(result.err[0].rfind("flink: warning: leader discovery through Kubernetes (", 0), 0u) << result.err[0];
    EXPECT_NE(result.err[0].find("using jm-a:8081 from rest.address in " +
                                 (env.conf_dir() / "config.yaml").string()),
              std::string::npos)
        << result.err[0];
    const auto with_m = run({"list", "-m", "jm-b:8081"});
    ASSERT_EQ(with_m.err.size(), 1u);
    EXPECT_NE(with_m.err[0].find("using jm-b:8081 from -m."), std::string::npos) << with_m.err[0];
  }
  // ZooKeeper without a quorum: Flink's configuration error, before any request.
  env.conf_dir().write("config.yaml", "high-availability.type: zookeeper\nrest.address: jm-a\n");
  const auto no_quorum = run({"list"});
  EXPECT_EQ(no_quorum.exit_code, 2);
  EXPECT_EQ(no_quorum.err.size(), 1u);
  for (const std::string none : {"NONE", "standalone"}) {
    env.conf_dir().write("config.yaml", "high-availability.type: " + none + "\n");
    EXPECT_TRUE(run({"list"}).err.empty()) << none;
  }
}

// Defect 12: the client-side default directory, said with -v; an empty -D asks for the
// JobManager's default (null) whatever state.savepoints.dir says; a relative one is refused.
TEST_F(HardeningTest, DefaultSavepointDirectoryIsExplained) {
  env.conf_dir().write("config.yaml",
                       "execution.checkpointing.savepoint-dir: file:///conf-dir\n"
                       "state.savepoints.dir: file:///legacy-dir\n");
  const std::string conf_file = (env.conf_dir() / "config.yaml").string();
  struct Case {
    std::vector<std::string> args;
    std::string trigger_part;
    std::string verbose_line;
  };
  const Case cases[] = {
      {{"savepoint", J, "-v"}, "target=file:///conf-dir",
       "flink: debug: savepoint directory sent: file:///conf-dir (execution.checkpointing.savepoint-dir "
       "(from " + conf_file + "))"},
      {{"stop", J, "-v"}, "target=file:///conf-dir", ""},
      {{"cancel", "-s", J, "-v"}, "target=file:///conf-dir", ""},
      {{"savepoint", J, "file:///cli-dir", "-v"}, "target=file:///cli-dir",
       "flink: debug: savepoint directory sent: file:///cli-dir (from the command line)"},
      {{"savepoint", J, "-v", "-D", "execution.checkpointing.savepoint-dir="}, "target=null",
       "flink: debug: savepoint directory sent: null (execution.checkpointing.savepoint-dir (from -D) "
       "is empty: the JobManager's default)"},
      {{"stop", J, "-D", "execution.checkpointing.savepoint-dir="}, "target=null", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.args));
    FakeCluster fresh;
    const auto result = run_flink(c.args, env, fresh.factory(), clock);
    EXPECT_EQ(result.exit_code, 0);
    ASSERT_FALSE(fresh.calls.empty());
    EXPECT_NE(fresh.calls.front().find(c.trigger_part), std::string::npos) << fresh.calls.front();
    if (!c.verbose_line.empty()) {
      EXPECT_TRUE(contains(result.err, c.verbose_line)) << ::testing::PrintToString(result.err);
    }
  }
  env.conf_dir().write("config.yaml", "state.savepoints.dir: savepoints\n");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"savepoint", J}, {"stop", J}, {"cancel", "-s", J}}) {
    SCOPED_TRACE(args.front());
    FakeCluster fresh;
    const auto result = run_flink(args, env, fresh.factory(), clock);
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_TRUE(fresh.calls.empty());
    ASSERT_EQ(result.err.size(), 1u);
    EXPECT_EQ(result.err[0], "The savepoint directory 'savepoints' in state.savepoints.dir (from " +
                                 conf_file + ") is relative; the JobManager would resolve it against "
                                 "its own working directory. Configure an absolute path or URI (e.g. "
                                 "file:///savepoints).");
  }
}

// Ctrl-C during an attached run, with the interrupt injected: the job keeps running, or with
// -sae is cancelled; SIGINT handling is given back on every path, errors included.
TEST_F(HardeningTest, InterruptedAttachedRun) {
  TempDir jars;
  const std::string jar = jars.write("job.jar", fake_jar_bytes("interrupt")).string();
  const std::string job = cluster.submitted_job;
  cluster.job_states = {"RUNNING"};
  struct Case {
    std::vector<std::string> args;
    std::string message;
    bool cancelled;
  };
  const Case cases[] = {
      {{"run", jar}, "Interrupted: job " + job + " keeps running.", false},
      {{"run", "-sae", jar}, "Interrupted: cancelling job " + job + " (-sae).", true},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.args));
    FakeCluster fresh = cluster;
    FakeInterrupt interrupt;
    interrupt.after = 4;  // asked once before the submission, then at each poll: the third poll's
    const auto result = run_flink(c.args, env, fresh.factory(), clock, &interrupt);
    EXPECT_EQ(result.exit_code, 130);
    EXPECT_EQ(result.err, (Lines{c.message}));
    EXPECT_EQ(std::count(fresh.calls.begin(), fresh.calls.end(), "job_state " + job), 3);
    EXPECT_EQ(std::count(fresh.calls.begin(), fresh.calls.end(), "cancel_job " + job), c.cancelled ? 1 : 0);
    EXPECT_EQ(interrupt.starts, 1);
    EXPECT_EQ(interrupt.stops, 1);
  }
  // the JobManager going away mid-wait: an error, and the handler still given back
  FakeCluster failing = cluster;
  failing.fail("job_state", ErrorClass::unreachable, "connection refused");
  FakeInterrupt interrupt;
  EXPECT_EQ(run_flink({"run", jar}, env, failing.factory(), clock, &interrupt).exit_code, 3);
  EXPECT_EQ(interrupt.starts, 1);
  EXPECT_EQ(interrupt.stops, 1);
}

TEST(SignalInterrupt, CatchesEachSignalAndGivesTheHandlersBack) {
  for (int signal_number : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction before {};
    sigaction(signal_number, nullptr, &before);
    SignalInterrupt interrupt;
    {
      InterruptWatch watch(interrupt);
      EXPECT_FALSE(interrupt.requested());
      EXPECT_EQ(interrupt.signal_number(), 0);
      std::raise(signal_number);  // would end the test binary without the watch
      EXPECT_TRUE(interrupt.requested());
      EXPECT_EQ(interrupt.signal_number(), signal_number) << signal_name(signal_number);
    }
    struct sigaction after {};
    sigaction(signal_number, nullptr, &after);
    EXPECT_EQ(after.sa_handler, before.sa_handler) << signal_name(signal_number);
  }
}

// A second signal while the action is blocked ends the process at once with the last words
// armed for the first signal, and 128 + the first signal.
TEST(SignalInterruptDeathTest, SecondSignalEndsWithTheLastWords) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        SignalInterrupt interrupt;
        InterruptWatch watch(interrupt);
        interrupt.set_last_words([](int signal_number) {
          return LastWords{"stopped by " + signal_name(signal_number) + ", trigger id abc", ""};
        });
        std::raise(SIGTERM);
        std::raise(SIGINT);
        std::exit(0);  // not reached
      },
      ::testing::ExitedWithCode(128 + SIGTERM), "stopped by SIGTERM, trigger id abc");
  // Nothing armed (no operation sent yet): the signal is still named.
  EXPECT_EXIT(
      {
        SignalInterrupt interrupt;
        InterruptWatch watch(interrupt);
        std::raise(SIGHUP);
        std::raise(SIGHUP);
        std::exit(0);  // not reached
      },
      ::testing::ExitedWithCode(128 + SIGHUP), "Interrupted by SIGHUP\\.");
}

// The Console never throws: a closed pipe is silence, a full disk is remembered for the end.
TEST(FdConsole, WriteFailures) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ::close(fds[0]);
  std::signal(SIGPIPE, SIG_IGN);  // as run_cli_main does
  FdConsole closed(fds[1], fds[1]);
  closed.out("first");
  closed.out("second");
  EXPECT_EQ(closed.output_failure(), std::nullopt);
  ::close(fds[1]);

  const int full = ::open("/dev/full", O_WRONLY);
  ASSERT_GE(full, 0);
  FdConsole disk_full(full, full);
  disk_full.out("lost");
  EXPECT_EQ(disk_full.output_failure(), std::optional<std::string>("No space left on device"));
  ::close(full);
}

TEST(Text, OneLineIsBoundedAndPrintable) {
  EXPECT_EQ(one_line("a\nb\tc"), "a b c");
  EXPECT_EQ(one_line("abcdef", 6), "abcdef");
  EXPECT_EQ(one_line("abcdefg", 6), "abc\xE2\x80\xA6");
  EXPECT_EQ(one_line("\xff ok"), "? ok");
  EXPECT_EQ(one_line("\xC3\xA9t\xC3\xA9", 100), "\xC3\xA9t\xC3\xA9");
  // never cut inside a character
  EXPECT_EQ(one_line("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 7), "\xC3\xA9\xC3\xA9\xE2\x80\xA6");
  const std::string huge(5'000'000, 'x');
  EXPECT_EQ(one_line(huge, 1000).size(), 1000u);
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));  // overlong
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));  // surrogate
  EXPECT_TRUE(is_valid_utf8("plain \xE2\x80\xA6"));
}

}  // namespace
}  // namespace flinkcli::testing

namespace flinkcli::testing {
namespace {

// Secrets never reach output or -v logs: header values, passwords in -D or the conf file,
// credentials in -m (issue 14).
TEST(Secrets, NeverInOutputOrLogs) {
  FakeJobManager jm;
  jm.on("GET", "/jobs/overview", {CannedReply::json(200, {{"jobs", json::array()}})});
  jm.on("POST", "/jobs/" + J + "/savepoints",
        {CannedReply::errors(500, {"java.lang.IllegalStateException: boom"})});
  TestEnvironment env;
  env.set("FLINK_REST_CLIENT_HEADERS", "Authorization:Bearer sekrit-token-1\nCookie:session=sekrit-cookie-2");
  env.conf_dir().write("config.yaml", "security.ssl.rest.truststore-password: sekrit-password-3\n");
  const std::vector<std::vector<std::string>> runs = {
      {"list", "-v", "-m", jm.address(), "-D", "security.ssl.rest.keystore-password=sekrit-password-4"},
      {"savepoint", J, "-v", "-m", jm.address()},
      {"list", "-v", "-m", "http://admin:sekrit-password-5@" + jm.address()},
      {"list", "-v", "-m", "127.0.0.1:" + std::to_string(unused_local_port()), "-D", "client.timeout=200ms"},
  };
  for (const auto& args : runs) {
    SCOPED_TRACE(::testing::PrintToString(args));
    const auto result = run_flink_http(args, env);
    EXPECT_FALSE(result.err.empty());  // -v said something, at least
    for (const auto* lines : {&result.out, &result.err}) {
      for (const auto& line : *lines) EXPECT_EQ(line.find("sekrit"), std::string::npos) << line;
    }
  }
  // the headers were sent all the same
  ASSERT_FALSE(jm.requests().empty());
  EXPECT_EQ(jm.requests().front().header("Authorization"), "Bearer sekrit-token-1");
}

}  // namespace
}  // namespace flinkcli::testing

namespace flinkcli::testing {
namespace {

// Issue 15: a live progress line while waiting, on a terminal in text mode only.
TEST(Progress, OnlyOnATerminalInTextMode) {
  TestEnvironment env;
  struct Case {
    std::vector<std::string> args;
    bool terminal;
    bool shown;
    std::string line = "\r0.0 s  savepoint in progress, " + T;  // when shown
  };
  const Case cases[] = {
      {{"savepoint", J}, true, true},
      // names what is waited for, the whole trigger id within 80 columns
      {{"stop", J}, true, true, "\r0.0 s  stop-with-savepoint in progress, " + T},
      {{"savepoint", J}, false, false},            // a pipe, a CI log
      {{"savepoint", J, "-q"}, true, false},       // quiet
      {{"savepoint", J, "-o", "json"}, true, false},  // JSON
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.args) + (c.terminal ? " on a terminal" : " in a pipe"));
    FakeCluster cluster;
    cluster.statuses = {in_progress(), in_progress(), completed_at(L)};
    FakeClock clock;
    const auto result = run_flink(c.args, env, cluster.factory(), clock, nullptr, c.terminal);
    EXPECT_EQ(result.exit_code, 0);
    if (!c.shown) {
      EXPECT_TRUE(result.err_partial.empty()) << ::testing::PrintToString(result.err_partial);
      continue;
    }
    // two redraws while IN_PROGRESS, then the line is erased before the result is printed
    ASSERT_EQ(result.err_partial.size(), 3u) << ::testing::PrintToString(result.err_partial);
    EXPECT_EQ(result.err_partial[0], c.line);
    EXPECT_EQ(result.err_partial[1], c.line);
    EXPECT_EQ(result.err_partial[2].front(), '\r');
    EXPECT_EQ(result.err_partial[2].find_first_not_of(" \r"), std::string::npos);
  }

  // an attached run shows the job's state
  TempDir jars;
  const std::string jar = jars.write("job.jar", fake_jar_bytes("progress")).string();
  FakeCluster cluster;
  cluster.job_states = {"INITIALIZING", "RUNNING", "FINISHED"};
  FakeClock clock;
  const auto run = run_flink({"run", jar}, env, cluster.factory(), clock, nullptr, true);
  EXPECT_EQ(run.exit_code, 0);
  ASSERT_EQ(run.err_partial.size(), 3u) << ::testing::PrintToString(run.err_partial);
  EXPECT_EQ(run.err_partial[0], "\r0.0 s  job " + cluster.submitted_job + " INITIALIZING");
  // 50 ms later; spaces cover the longer line before
  EXPECT_EQ(run.err_partial[1], "\r0.1 s  job " + cluster.submitted_job + " RUNNING     ");
}

}  // namespace
}  // namespace flinkcli::testing
