// The client as a whole, in-process: global flags, actions we do not have, argument errors (on
// stdout with Flink's hint, exit 1, no network), and errors from the cluster (one line on
// stderr, exit code per failure class).
#include <gtest/gtest.h>

#include "fake/fake_jobmanager_api.hpp"
#include "fake/test_support.hpp"
#include "flinkcli/cli/cli.hpp"
#include "flinkcli/core/error.hpp"

namespace flinkcli::testing {
namespace {

using Lines = std::vector<std::string>;

class CliTest : public ::testing::Test {
 protected:
  CliRun run(const std::vector<std::string>& args) {
    return run_flink(args, env, cluster.factory(), clock);
  }

  TestEnvironment env;
  FakeCluster cluster;
  FakeClock clock;
};

Lines help_lines() {
  Lines lines;
  std::istringstream text(help_text());
  for (std::string line; std::getline(text, line);) lines.push_back(line);
  return lines;
}

TEST_F(CliTest, NoArgumentsPrintsHelpAndAsksForAnAction) {
  const auto result = run({});
  EXPECT_EQ(result.exit_code, 1);
  Lines expected = help_lines();
  expected.insert(expected.end(), {"", "", "Please specify an action."});
  EXPECT_EQ(result.out, expected);
  EXPECT_TRUE(result.err.empty());
  EXPECT_EQ(cluster.factory_calls, 0);
}

TEST_F(CliTest, GlobalHelp) {
  for (const char* flag : {"-h", "--help"}) {
    SCOPED_TRACE(flag);
    const auto result = run({flag});
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_EQ(result.out, help_lines());
    EXPECT_EQ(result.out.front(), "./flink <ACTION> [OPTIONS] [ARGUMENTS]");
  }
  const std::string help = help_text();
  // every action this client runs; Java's JVM-bound ones only named as such
  for (const char* action : {"\"run\"", "\"list\"", "\"savepoint\"", "\"checkpoint\"", "\"stop\"", "\"cancel\"",
                             "\"follow\"", "\"inspect\""}) {
    EXPECT_NE(help.find(std::string("Action ") + action), std::string::npos) << action;
  }
  for (const char* action : {"\"info\"", "\"run-application\""}) {
    EXPECT_EQ(help.find(std::string("Action ") + action), std::string::npos) << action;
  }
  EXPECT_NE(help.find("Need a JVM on the client (use the Java bin/flink): \"run-application\", \"info\", and run -py "
                      "(Python)."),
            std::string::npos);
  EXPECT_NE(help.find("7 restore would drop state"), std::string::npos);
  EXPECT_EQ(cluster.factory_calls, 0);
}

TEST_F(CliTest, ActionHelpUsesFlinksLayout) {
  const auto result = run({"savepoint", "-h"});
  EXPECT_EQ(result.exit_code, 0);
  // Flink 2.3's first lines of `flink savepoint -h`, recorded.
  const Lines flink = {
      "",
      "Action \"savepoint\" triggers savepoints for a running job or disposes existing ones.",
      "",
      "  Syntax: savepoint [OPTIONS] <Job ID> [<target directory>]",
      "  \"savepoint\" action options:",
      "     -d,--dispose <arg>       Path of savepoint to dispose.",
      "     -detached                Triggering savepoint in detached mode, client and",
      "                              JM are decoupled, return the savepoint trigger id",
      "                              as the unique identification of the detached",
      "                              savepoint.",
  };
  ASSERT_GE(result.out.size(), flink.size());
  EXPECT_EQ(Lines(result.out.begin(), result.out.begin() + flink.size()), flink);
  EXPECT_EQ(cluster.factory_calls, 0);

  for (const char* action : {"cancel", "stop", "list", "run"}) {
    SCOPED_TRACE(action);
    const auto action_help = run({action, "--help"});
    EXPECT_EQ(action_help.exit_code, 0);
    ASSERT_GE(action_help.out.size(), 2u);
    EXPECT_EQ(action_help.out[1].rfind(std::string("Action \"") + action + "\"", 0), 0u);
  }
  // -h wins over everything else on the line, even a bad job id
  EXPECT_EQ(run({"stop", "not-a-job", "-h"}).exit_code, 0);
  EXPECT_EQ(cluster.factory_calls, 0);
}

TEST_F(CliTest, Version) {
  for (const char* flag : {"--version", "-v"}) {
    SCOPED_TRACE(flag);
    const auto result = run({flag});
    EXPECT_EQ(result.exit_code, 0);
    ASSERT_EQ(result.out.size(), 1u);
    EXPECT_EQ(result.out[0].rfind(std::string("Version: ") + FLINKCLI_VERSION, 0), 0u) << result.out[0];
    EXPECT_NE(result.out[0].find("Flink 1.20 and 2.x"), std::string::npos);
  }
}

TEST_F(CliTest, UnknownActionListsOurActions) {
  for (const char* action : {"frobnicate", "-m"}) {  // the action word must come first
    SCOPED_TRACE(action);
    const auto result = run({action, "savepoint"});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_EQ(result.out, (Lines{
                              std::string("\"") + action + "\" is not a valid action.",
                              "",
                              "Valid actions are \"run\", \"list\", \"savepoint\", \"checkpoint\", \"stop\", "
                              "\"cancel\", \"follow\", \"inspect\", \"snapshots\", or \"prune\".",
                              "",
                              "Specify the version option (-v or --version) to print Flink version.",
                              "",
                              "Specify the help option (-h or --help) to get help on the command.",
                          }));
    EXPECT_TRUE(result.err.empty());
  }
  EXPECT_EQ(cluster.factory_calls, 0);
}

TEST_F(CliTest, UnsupportedActionsAreOneLineErrors) {
  for (const char* action : {"info", "run-application"}) {
    SCOPED_TRACE(action);
    const auto result = run({action, "job.jar"});
    EXPECT_EQ(result.exit_code, 8);
    EXPECT_TRUE(result.out.empty());
    EXPECT_EQ(result.err, (Lines{std::string("The \"") + action +
                                 "\" action is not supported by this client: it needs a JVM on "
                                 "the client. Use the Java bin/flink for it."}));
  }
  EXPECT_EQ(cluster.factory_calls, 0);
}

// Argument errors: Flink's message, an empty line and the hint on stdout; exit 1; no network.
struct UsageCase {
  std::vector<std::string> args;
  Lines out;  // what comes before the error (progress lines Flink also prints)
  std::string message;
};

TEST_F(CliTest, ArgumentErrorsGoToStdoutWithTheHintAndNeverReachTheCluster) {
  const std::string J = k_job;
  const std::string malformed =
      "Cannot parse JobID from \"not-a-job-id\". The expected format is [0-9a-fA-F]{32}, e.g. "
      "fd72014d4c864993a2e5a9287b4a9c5d.";
  const UsageCase cases[] = {
      {{"savepoint"}, {}, "Missing JobID. Specify a Job ID to trigger a savepoint."},
      {{"savepoint", "-m", "localhost:8081"}, {}, "Missing JobID. Specify a Job ID to trigger a savepoint."},
      {{"savepoint", "not-a-job-id"}, {}, malformed},
      {{"savepoint", "a48f8e8b712ac1616c58c37184d4a56"}, {},  // 31 digits
       "Cannot parse JobID from \"a48f8e8b712ac1616c58c37184d4a56\". The expected format is "
       "[0-9a-fA-F]{32}, e.g. fd72014d4c864993a2e5a9287b4a9c5d."},
      {{"savepoint", "--bogus", J}, {}, "Unrecognized option: --bogus"},
      {{"savepoint", "-xyz", J}, {}, "Unrecognized option: -xyz"},
      {{"savepoint", "-d"}, {}, "Missing argument for option: d"},
      {{"savepoint", "-type", "fancy", J}, {},
       "Invalid savepoint format type 'fancy'. Supported options: canonical, native."},
      {{"savepoint", J, "-m", "localhost"}, {},
       "Invalid JobManager address 'localhost': expected host:port (e.g. localhost:8081) with a "
       "port from 1 to 65535."},
      {{"savepoint", J, "-D", "=x"}, {}, "Invalid dynamic property '=x': expected -D key=value"},
      {{"cancel"}, {}, "Missing JobID. Specify a JobID to cancel a job."},
      {{"cancel", "not-a-job-id"}, {}, malformed},
      {{"cancel", "-s"},
       {"DEPRECATION WARNING: Cancelling a job with savepoint is deprecated. Use \"stop\" instead."},
       "Missing JobId"},
      {{"cancel", "-s", "not-a-job-id"},
       {"DEPRECATION WARNING: Cancelling a job with savepoint is deprecated. Use \"stop\" instead."},
       malformed},
      {{"stop"}, {}, "Missing JobId"},
      {{"stop", "-p"}, {}, "Missing JobId"},
      {{"stop", "not-a-job-id"}, {}, malformed},
      {{"stop", "-s", J}, {}, "Unrecognized option: -s"},
      {{"stop", "-type", "fancy", J}, {},
       "Invalid savepoint format type 'fancy'. Supported options: canonical, native."},
      {{"list", "-x"}, {}, "Unrecognized option: -x"},
      {{"run"}, {}, "Java program should be specified a JAR file."},
      {{"run", "-d", "-sae", "job.jar"}, {},
       "The -sae/--shutdownOnAttachedExit option cannot be used with -d/--detached."},
      {{"run", "-p", "abc", "job.jar"}, {}, "The parallelism must be a positive number: abc"},
      {{"run", "-p", "0", "job.jar"}, {}, "The parallelism must be a positive number: 0"},
      {{"run", "-s", "file:/sp", "-cm", "sometimes", "job.jar"}, {},
       "Invalid claim mode 'sometimes'. Supported options: claim, no_claim, legacy."},
  };
  for (const auto& c : cases) {
    std::string trace;
    for (const auto& arg : c.args) trace += arg + " ";
    SCOPED_TRACE(trace);
    const auto result = run(c.args);
    EXPECT_EQ(result.exit_code, 1);
    Lines expected = c.out;
    expected.insert(expected.end(), {c.message, "", k_help_hint});
    EXPECT_EQ(result.out, expected);
    EXPECT_TRUE(result.err.empty()) << result.err.front();
    EXPECT_TRUE(cluster.calls.empty());
  }
  EXPECT_EQ(cluster.factory_calls, 0);
}

TEST_F(CliTest, ConfigurationErrorsExitTwoBeforeAnyCall) {
  struct ConfigCase {
    std::string conf_file;
    std::string conf_text;
    std::vector<std::string> args;
    std::string message_part;
  };
  const ConfigCase cases[] = {
      {"config.yaml", "rest:\n  port: eighty\n", {"list"}, "Invalid value 'eighty' for rest.port"},
      {"config.yaml", "", {"list", "-D", "rest.port=70000"}, "Invalid value '70000' for rest.port"},
      {"config.yaml", "client.timeout: soon\n", {"savepoint", k_job},
       "Invalid value 'soon' for client.timeout"},
      {"config.yaml", "", {"list", "-D", "security.ssl.rest.enabled=maybe"},
       "Invalid value 'maybe' for security.ssl.rest.enabled"},
      {"config.yaml", "a: 1\nb: 2\n  c: 3\n", {"list"}, "config.yaml at line 3"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.message_part);
    TestEnvironment case_env;
    case_env.conf_dir().write(c.conf_file, c.conf_text);
    FakeCluster case_cluster;
    const auto result = run_flink(c.args, case_env, case_cluster.factory(), clock);
    EXPECT_EQ(result.exit_code, 2);
    ASSERT_EQ(result.err.size(), 1u);
    EXPECT_NE(result.err[0].find(c.message_part), std::string::npos) << result.err[0];
    EXPECT_TRUE(case_cluster.calls.empty());
    EXPECT_EQ(case_cluster.factory_calls, 0);
  }
}

TEST_F(CliTest, MissingConfDirectoryFromTheEnvironmentIsAConfigError) {
  env.set("FLINK_CONF_DIR", (env.conf_dir() / "does-not-exist").string());
  const auto result = run({"list"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err, (Lines{"The configuration directory '" +
                               (env.conf_dir() / "does-not-exist").string() +
                               "' (FLINK_CONF_DIR) does not exist."}));
  EXPECT_EQ(cluster.factory_calls, 0);
}

TEST_F(CliTest, UnsupportedTargetsAndOptionsExitEight) {
  struct Case {
    std::vector<std::string> args;
    std::string message_part;
  };
  const Case cases[] = {
      {{"savepoint", "-t", "yarn-session", k_job}, "Deployment target 'yarn-session' is not supported"},
      {{"list", "-e", "kubernetes-session"}, "Deployment target 'kubernetes-session' is not supported"},
      {{"list", "-yid", "application_1"}, "YARN sessions (-yid) are not supported"},
      {{"run", "-py", "job.py"}, "Option -py is not supported by this client"},
      {{"run", "-C", "file:///lib.jar", "job.jar"}, "Option -C is not supported by this client"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.message_part);
    FakeCluster case_cluster;
    const auto result = run_flink(c.args, env, case_cluster.factory(), clock);
    EXPECT_EQ(result.exit_code, 8);
    ASSERT_EQ(result.err.size(), 1u);
    EXPECT_NE(result.err[0].find(c.message_part), std::string::npos) << result.err[0];
    EXPECT_TRUE(case_cluster.calls.empty());
  }
  // -t remote is what we are
  EXPECT_EQ(run({"list", "-t", "remote"}).exit_code, 0);
}

TEST_F(CliTest, ExitCodesPerFailureClass) {
  const std::pair<ErrorClass, int> classes[] = {
      {ErrorClass::unreachable, 3}, {ErrorClass::not_found, 4}, {ErrorClass::operation_failed, 5},
      {ErrorClass::timeout, 6},     {ErrorClass::restore_mismatch, 7}, {ErrorClass::unsupported, 8},
      {ErrorClass::protocol, 9},
  };
  for (const auto& [error_class, code] : classes) {
    SCOPED_TRACE(error_class_name(error_class));
    EXPECT_EQ(exit_code_for(error_class), code);
    FakeCluster failing;
    failing.fail("list_jobs", error_class, "what went wrong");
    const auto result = run_flink({"list"}, env, failing.factory(), clock);
    EXPECT_EQ(result.exit_code, code);
    EXPECT_EQ(result.out, (Lines{"Waiting for response..."}));
    EXPECT_EQ(result.err, (Lines{"Failed to retrieve job list: what went wrong"}));
  }
  EXPECT_EQ(exit_code_for(ErrorClass::usage), 1);
  EXPECT_EQ(exit_code_for(ErrorClass::config), 2);
}

TEST_F(CliTest, VerboseAddsTheCauseChainOnStderr) {
  cluster.failures.insert_or_assign(
      "list_jobs", CliError(ErrorClass::operation_failed, "root cause",
                            "outer\nCaused by: root cause"));
  const auto quiet = run({"list"});
  EXPECT_EQ(quiet.err, (Lines{"Failed to retrieve job list: root cause"}));
  const auto verbose = run({"list", "-v"});
  // diagnostics first (each "flink: debug: ..."), then the error and its cause chain
  ASSERT_GE(verbose.err.size(), 3u);
  for (std::size_t i = 0; i + 3 < verbose.err.size(); ++i) {
    EXPECT_EQ(verbose.err[i].rfind("flink: debug: ", 0), 0u) << verbose.err[i];
  }
  EXPECT_EQ(Lines(verbose.err.end() - 3, verbose.err.end()),
            (Lines{"Failed to retrieve job list: root cause", "outer", "Caused by: root cause"}));
}

TEST_F(CliTest, RestSettingsFollowTheCommandLineAndEnvironment) {
  env.set("FLINK_REST_CLIENT_HEADERS", "Cookie:authCookie=12:345\nCustomHeader:value1,value2");
  ASSERT_EQ(run({"list", "-m", "https://jm.example.com:8443/flink", "-D", "client.timeout=5 s"}).exit_code, 0);
  ASSERT_TRUE(cluster.settings);
  EXPECT_EQ(cluster.settings->endpoint.url(), "https://jm.example.com:8443/flink");
  EXPECT_EQ(cluster.settings->request_timeout, std::chrono::milliseconds(5000));
  EXPECT_EQ(cluster.settings->connect_retry, std::chrono::milliseconds(3000));
  using Header = std::pair<std::string, std::string>;
  EXPECT_EQ(cluster.settings->headers,
            (std::vector<Header>{{"Cookie", "authCookie=12:345"}, {"CustomHeader", "value1,value2"}}));

  // the defaults: localhost:8081, 60 s, and the connect retry bounded by a short client.timeout
  FakeCluster defaults;
  ASSERT_EQ(run_flink({"list"}, TestEnvironment(), defaults.factory(), clock).exit_code, 0);
  EXPECT_EQ(defaults.settings->endpoint.url(), "http://localhost:8081");
  EXPECT_EQ(defaults.settings->request_timeout, std::chrono::milliseconds(60000));
  EXPECT_TRUE(defaults.settings->headers.empty());
  FakeCluster short_timeout;
  ASSERT_EQ(run_flink({"list", "-Dclient.timeout=1s"}, env, short_timeout.factory(), clock).exit_code, 0);
  EXPECT_EQ(short_timeout.settings->connect_retry, std::chrono::milliseconds(1000));
}

}  // namespace
}  // namespace flinkcli::testing
