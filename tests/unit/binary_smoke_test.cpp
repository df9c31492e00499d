// The built binary itself, as a shell or a pipeline runs it: exit codes, which stream gets what,
// and output that cannot be written (a reader that went away, a full disk) — the things an
// in-process test of the library cannot see (signals, file descriptors, process exit).
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <csignal>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <memory>

#include "fake/fake_jobmanager.hpp"
#include "fake/test_support.hpp"

extern char** environ;

namespace flinkcli::testing {
namespace {

using nlohmann::json;

const std::string J = k_job;
const std::string T = "7bc1eb8a27587d4728b63c2fdb41d37a";
const std::string L = "file:/data/savepoints/savepoint-a48f8e-f8b2e237b6f8";

enum class Stdout {
  read_all,        // a reader that reads everything
  close_after_one, // `| head -1`: read one line, then close the pipe
  dev_full,        // `> /dev/full`: every write fails with ENOSPC
};

struct BinaryRun {
  int exit_code = -1;     // or 128 + signal, as a shell reports it
  std::string out;        // what the reader got
  std::string err;
};

std::string read_fd(int fd) {
  std::string text;
  char buffer[4096];
  ssize_t n;
  while ((n = ::read(fd, buffer, sizeof(buffer))) > 0) text.append(buffer, static_cast<std::size_t>(n));
  return text;
}

// Runs build/bin/flink with `args`, FLINK_CONF_DIR pointing at an empty directory. `on_first_line`
// runs once the first stdout line was read (close_after_one), after the pipe was closed.
BinaryRun run_binary(const std::vector<std::string>& args, Stdout mode,
                     const std::function<void()>& on_first_line = {}) {
  TempDir conf;
  int out_pipe[2];
  int err_pipe[2];
  EXPECT_EQ(::pipe(out_pipe), 0);
  EXPECT_EQ(::pipe(err_pipe), 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (mode == Stdout::dev_full) {
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/full", O_WRONLY, 0);
  } else {
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  }
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) {
    posix_spawn_file_actions_addclose(&actions, fd);
  }
  std::vector<std::string> argv_text = {FLINK_BINARY};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& arg : argv_text) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_text = {"FLINK_CONF_DIR=" + conf.path().string(), "PATH=/usr/bin:/bin",
                                       "TZ=UTC"};
  std::vector<char*> envp;
  for (auto& entry : env_text) envp.push_back(entry.data());
  envp.push_back(nullptr);
  // A shell starts the client with SIGPIPE at its default (this test process ignores it, and
  // an ignored signal would be inherited).
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t default_signals;
  sigemptyset(&default_signals);
  sigaddset(&default_signals, SIGPIPE);
  sigaddset(&default_signals, SIGINT);
  posix_spawnattr_setsigdefault(&attributes, &default_signals);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF);
  pid_t pid = 0;
  EXPECT_EQ(posix_spawn(&pid, FLINK_BINARY, &actions, &attributes, argv.data(), envp.data()), 0);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);

  BinaryRun run;
  auto err_reader = std::async(std::launch::async, [fd = err_pipe[0]] { return read_fd(fd); });
  if (mode == Stdout::close_after_one) {
    char c;
    while (::read(out_pipe[0], &c, 1) == 1) {
      run.out += c;
      if (c == '\n') break;
    }
    ::close(out_pipe[0]);
    if (on_first_line) on_first_line();
  } else {
    run.out = read_fd(out_pipe[0]);
    ::close(out_pipe[0]);
  }
  run.err = err_reader.get();
  ::close(err_pipe[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return run;
}

struct SmokeCase {
  std::vector<std::string> args;
  int exit_code;
  std::string stdout_part;  // must appear on stdout ("" for nothing in particular)
  std::string stderr_part;  // must appear on stderr ("" means stderr must be empty)
};

TEST(BinarySmoke, ExitCodesAndStreams) {
  const SmokeCase cases[] = {
      {{"--help"}, 0, "./flink <ACTION> [OPTIONS] [ARGUMENTS]", ""},
      {{"savepoint", "-h"}, 0, "Action \"savepoint\" triggers savepoints", ""},
      {{}, 1, "Please specify an action.", ""},
      {{"frobnicate"}, 1, "\"frobnicate\" is not a valid action.", ""},
      {{"savepoint"}, 1, "Missing JobID. Specify a Job ID to trigger a savepoint.", ""},
      {{"cancel", "not-a-job-id"}, 1, "Cannot parse JobID from \"not-a-job-id\"", ""},
      {{"list", "--bogus"}, 1, "Unrecognized option: --bogus", ""},
      {{"info", "job.jar"}, 8, "", "The \"info\" action is not supported by this client"},
      {{"list", "-m", "127.0.0.1:" + std::to_string(unused_local_port()), "-D", "client.timeout=300ms"}, 3,
       "Waiting for response...", "Failed to retrieve job list: Could not connect to the JobManager"},
      {{"list", "-D", "client.timeout=soon"}, 2, "", "Invalid value 'soon' for client.timeout"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.args));
    const BinaryRun run = run_binary(c.args, Stdout::read_all);
    EXPECT_EQ(run.exit_code, c.exit_code);
    EXPECT_NE(run.out.find(c.stdout_part), std::string::npos) << run.out;
    if (c.stderr_part.empty()) {
      EXPECT_EQ(run.err, "");
    } else {
      EXPECT_NE(run.err.find(c.stderr_part), std::string::npos) << run.err;
      EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;  // one line
    }
  }
}

// Issue 13, defect 1: `flink stop <job> | head -1` died of SIGPIPE (exit 141) after the first
// line, before the stop request was sent. The stop must be sent and complete, exit 0, as Java.
TEST(BinarySmoke, ClosedStdoutDoesNotStopTheAction) {
  struct PipeCase {
    std::vector<std::string> args;
    std::string trigger_path;
    std::string first_line;
    std::string checkpoint_type;  // of the result in the job's history
    std::string job_state;        // what the action leaves
  };
  const PipeCase cases[] = {
      {{"stop", J}, "/jobs/" + J + "/stop", "Suspending job \"" + J + "\" with a CANONICAL savepoint.\n",
       "SYNC_SAVEPOINT", "FINISHED"},
      {{"cancel", "-s", J}, "/jobs/" + J + "/savepoints",
       "DEPRECATION WARNING: Cancelling a job with savepoint is deprecated. Use \"stop\" instead.\n", "SAVEPOINT",
       "CANCELED"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.trigger_path);
    FakeJobManager jm;
    // The trigger is answered only once the reader has gone, so the client surely writes to a
    // closed pipe afterwards.
    std::promise<void> reader_gone;
    std::shared_future<void> gone = reader_gone.get_future().share();
    // Real time: the binary is another process. Waiting in vain would leave the pipe open, so it fails the test.
    auto waited_in_vain = std::make_shared<std::atomic<bool>>(false);
    jm.on("POST", c.trigger_path, [gone, waited_in_vain](const RecordedRequest&) {
      if (gone.wait_for(std::chrono::seconds(20)) != std::future_status::ready) *waited_in_vain = true;
      return CannedReply::json(202, {{"request-id", T}});
    });
    jm.on("GET", "/jobs/" + J + "/savepoints/" + T,
          {CannedReply::json(200, {{"status", {{"id", "COMPLETED"}}}, {"operation", {{"location", L}}}})});
    script_result_checks(jm, J, {L, c.checkpoint_type}, c.job_state);
    std::vector<std::string> args = c.args;
    args.insert(args.end(), {"-m", jm.address()});
    const BinaryRun run = run_binary(args, Stdout::close_after_one, [&] { reader_gone.set_value(); });
    EXPECT_FALSE(*waited_in_vain) << "the trigger was answered before stdout was closed";
    EXPECT_EQ(run.exit_code, 0);
    EXPECT_EQ(run.out, c.first_line);
    EXPECT_EQ(run.err, "");
    EXPECT_EQ(jm.requests_to("POST", c.trigger_path).size(), 1u);
    EXPECT_EQ(jm.requests_to("GET", "/jobs/" + J + "/savepoints/" + T).size(), 1u);
  }
}

// Any other write failure is reported after the action, non-zero: a script must not lose the
// savepoint path silently.
TEST(BinarySmoke, FullDiskIsReportedAfterTheAction) {
  const BinaryRun help = run_binary({"--help"}, Stdout::dev_full);
  EXPECT_EQ(help.exit_code, 13);
  EXPECT_EQ(help.err, "Could not write to standard output: No space left on device. The action "
                      "itself completed; its output was lost.\n");

  FakeJobManager jm;
  jm.on("POST", "/jobs/" + J + "/savepoints", {CannedReply::json(202, {{"request-id", T}})});
  jm.on("GET", "/jobs/" + J + "/savepoints/" + T,
        {CannedReply::json(200, {{"status", {{"id", "COMPLETED"}}}, {"operation", {{"location", L}}}})});
  const BinaryRun savepoint = run_binary({"savepoint", J, "-m", jm.address()}, Stdout::dev_full);
  EXPECT_EQ(savepoint.exit_code, 13);
  EXPECT_EQ(jm.requests_to("POST", "/jobs/" + J + "/savepoints").size(), 1u);  // it still ran
  EXPECT_NE(savepoint.err.find("No space left on device"), std::string::npos) << savepoint.err;

  // a failed action keeps its own exit code; the lost output is still reported
  const BinaryRun failed = run_binary({"savepoint", k_unknown_job, "-m", "127.0.0.1:" +
                                       std::to_string(unused_local_port()), "-D", "client.timeout=200ms"},
                                      Stdout::dev_full);
  EXPECT_EQ(failed.exit_code, 3);
  EXPECT_NE(failed.err.find("No space left on device"), std::string::npos) << failed.err;
}

// Issue 15: the live progress line appears on a terminal (a pseudo-terminal here) and never in
// a pipe.
TEST(BinarySmoke, ProgressOnlyOnATerminal) {
  FakeJobManager jm;
  const json in_progress = {{"status", {{"id", "IN_PROGRESS"}}}, {"operation", nullptr}};
  const json completed = {{"status", {{"id", "COMPLETED"}}}, {"operation", {{"location", L}}}};
  auto script = [&] {
    jm.on("POST", "/jobs/" + J + "/savepoints", {CannedReply::json(202, {{"request-id", T}})});
    jm.on("GET", "/jobs/" + J + "/savepoints/" + T,
          {CannedReply::json(200, in_progress), CannedReply::json(200, in_progress),
           CannedReply::json(200, in_progress), CannedReply::json(200, completed)});
    script_result_checks(jm, J, {L});
  };
  // stderr on a pseudo-terminal
  script();
  const int master = ::posix_openpt(O_RDWR | O_NOCTTY);
  ASSERT_GE(master, 0);
  ASSERT_EQ(::grantpt(master), 0);
  ASSERT_EQ(::unlockpt(master), 0);
  const std::string slave = ::ptsname(master);
  TempDir conf;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, slave.c_str(), O_RDWR | O_NOCTTY, 0);
  posix_spawn_file_actions_addclose(&actions, master);
  std::vector<std::string> argv_text = {FLINK_BINARY, "savepoint", J, "-m", jm.address()};
  std::vector<char*> argv;
  for (auto& arg : argv_text) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::string conf_env = "FLINK_CONF_DIR=" + conf.path().string();
  char* envp[] = {conf_env.data(), nullptr};
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, FLINK_BINARY, &actions, nullptr, argv.data(), envp), 0);
  posix_spawn_file_actions_destroy(&actions);
  std::string terminal;
  char buffer[4096];
  ssize_t n;
  while ((n = ::read(master, buffer, sizeof(buffer))) > 0) terminal.append(buffer, static_cast<std::size_t>(n));
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(master);
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_NE(terminal.find("savepoint in progress, "), std::string::npos) << terminal;
  EXPECT_NE(terminal.find('\r'), std::string::npos) << terminal;

  // the same wait with stderr in a pipe: nothing of it
  script();
  const BinaryRun piped = run_binary({"savepoint", J, "-m", jm.address()}, Stdout::read_all);
  EXPECT_EQ(piped.exit_code, 0);
  EXPECT_EQ(piped.err, "");
  EXPECT_EQ(piped.out.find('\r'), std::string::npos);
}

}  // namespace
}  // namespace flinkcli::testing
