// Shell completion as the shells run it: the scripts `flink --completion bash|zsh|fish` prints are
// loaded into a real bash (always), zsh and fish (when installed: scripts/install-deps.sh installs
// them), which complete command lines against the built binary and a loopback fake JobManager:
// actions, each action's options straight from the option tables (hidden ones never offered),
// option values, files, and job ids from the cluster, bounded and silent when it does not answer.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <set>
#include <sstream>

#include "fake/fake_jobmanager.hpp"
#include "fake/fake_jobmanager_api.hpp"
#include "fake/test_support.hpp"
#include "flinkcli/cli/reference.hpp"

namespace flinkcli::testing {
namespace {

namespace fs = std::filesystem;
using Lines = std::vector<std::string>;
using Set = std::set<std::string>;
using std::chrono::milliseconds;

const std::string k_running = "a48f8e8b712ac1616c58c37184d4a569";
const std::string k_scheduled = "5e4ed8edf525e56fd1714fa342fa9067";
const std::string k_finished = "0dd0cc8be2e69bb61ce57dc16314e849";

std::optional<std::string> find_program(const std::string& name) {
  for (const char* dir : {"/usr/bin", "/bin", "/usr/local/bin"}) {
    const fs::path candidate = fs::path(dir) / name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return std::nullopt;
}

struct Process {
  int exit_code = -1;
  std::string out;
  std::string err;
  milliseconds elapsed{0};
};

// Runs `argv` with exactly `env`, in `cwd`; killed after `limit`.
Process run_process(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                    const fs::path& cwd, milliseconds limit = milliseconds(20000)) {
  int out_pipe[2];
  int err_pipe[2];
  if (::pipe(out_pipe) != 0 || ::pipe(err_pipe) != 0) throw std::runtime_error("pipe() failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) posix_spawn_file_actions_addclose(&actions, fd);
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t default_signals;  // this test process ignores SIGPIPE; a shell starts with the default
  sigemptyset(&default_signals);
  sigaddset(&default_signals, SIGPIPE);
  posix_spawnattr_setsigdefault(&attributes, &default_signals);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
  std::vector<std::string> argv_text = argv;
  std::vector<char*> argv_c;
  for (auto& arg : argv_text) argv_c.push_back(arg.data());
  argv_c.push_back(nullptr);
  std::vector<std::string> env_text = env;
  std::vector<char*> env_c;
  for (auto& entry : env_text) env_c.push_back(entry.data());
  env_c.push_back(nullptr);
  const auto started = std::chrono::steady_clock::now();
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, argv_c[0], &actions, &attributes, argv_c.data(), env_c.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (spawned != 0) {
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    throw std::runtime_error("cannot start " + argv.front());
  }
  Process process;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&process.out, &process.err};
  int open_fds = 2;
  bool killed = false;
  while (open_fds > 0) {
    const auto left = limit - std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - started);
    if (left.count() <= 0) {
      ::kill(-pid, SIGKILL);  // the shell and what it started (its own process group)
      killed = true;
      break;
    }
    if (::poll(fds, 2, static_cast<int>(left.count())) < 0) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buffer[4096];
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof(buffer));
      if (n > 0) {
        sinks[i]->append(buffer, static_cast<std::size_t>(n));
      } else {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  for (auto& fd : fds) {
    if (fd.fd >= 0) ::close(fd.fd);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  process.elapsed = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - started);
  process.exit_code = killed ? -9 : WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return process;
}

Lines lines_of(const std::string& text) {
  Lines lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// Every line, empty ones too, as the Console printed them.
Lines all_lines_of(const std::string& text) {
  Lines lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

Set set_of(const Lines& lines) { return Set(lines.begin(), lines.end()); }

// What each action offers after "-": its visible options and the general ones, from the tables.
Set visible_option_names(const CommandSpec& spec) {
  Set names;
  std::vector<OptionSpec> options = spec.options;
  options.insert(options.end(), general_option_specs().begin(), general_option_specs().end());
  for (const auto& option : options) {
    if (option.hidden) continue;
    if (!option.short_name.empty()) names.insert("-" + option.short_name);
    if (!option.long_name.empty()) names.insert("--" + option.long_name);
  }
  return names;
}

Set hidden_option_names(const CommandSpec& spec) {
  Set names;
  for (const auto& option : spec.options) {
    if (!option.hidden) continue;
    if (!option.short_name.empty()) names.insert("-" + option.short_name);
    if (!option.long_name.empty()) names.insert("--" + option.long_name);
  }
  // Hidden only if no visible option of the action has the same name (cancel's --type is
  // hidden; no other option is called that).
  for (const auto& name : visible_option_names(spec)) names.erase(name);
  return names;
}

std::vector<const CommandSpec*> supported_actions() {
  std::vector<const CommandSpec*> actions;
  for (const auto& spec : command_table()) {
    if (spec.run) actions.push_back(&spec);
  }
  return actions;
}

// A bash, zsh or fish with the completion script loaded, the built flink first on PATH, an empty
// configuration directory, and a scratch working directory with a few files.
class CompletionTest : public ::testing::Test {
 protected:
  CompletionTest() {
    work.write("job.jar", "PK");
    work.write("notes.txt", "x");
    fs::create_directories(work / "jars");
    fs::create_directories(conf.path());
    jobs.on("GET", "/jobs/overview", {CannedReply::raw(200, R"({"jobs":[
      {"jid":")" + k_finished + R"(","name":"old","start-time":1795627746318,"end-time":1795627751508,"duration":5190,"state":"CANCELED","last-modification":0,"tasks":{}},
      {"jid":")" + k_running + R"(","name":"orders: enrich","start-time":1795627668212,"end-time":-1,"duration":9068,"state":"RUNNING","last-modification":0,"tasks":{}},
      {"jid":")" + k_scheduled + R"(","name":"billing","start-time":1795627721000,"end-time":-1,"duration":1,"state":"INITIALIZING","last-modification":0,"tasks":{}}
    ]})")});
  }

  std::vector<std::string> environment(const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> env = {
        "PATH=" + fs::path(FLINK_BINARY).parent_path().string() + ":/usr/bin:/bin",
        "HOME=" + home.path().string(),
        "XDG_CONFIG_HOME=" + (home / "config").string(),
        "XDG_DATA_HOME=" + (home / "data").string(),
        "FLINK_CONF_DIR=" + conf.path().string(),
        "TZ=UTC",
        "LC_ALL=C.UTF-8",
        "TERM=dumb",
    };
    env.insert(env.end(), extra.begin(), extra.end());
    return env;
  }

  fs::path script(const std::string& shell) const {
    const fs::path file = scripts / ("flink." + shell);
    if (!fs::exists(file)) scripts.write("flink." + shell, completion_script(shell));
    return file;
  }

  // COMP_WORDS as bash would split the line (':' and '=' are words of their own), the cursor on
  // the last word: what COMPREPLY holds after _flink.
  Process bash(const Lines& words, const std::vector<std::string>& extra_env = {}) const {
    const fs::path driver = scripts / "bash-driver.sh";
    if (!fs::exists(driver)) {
      scripts.write("bash-driver.sh",
                    "source \"$1\"\nshift\nCOMP_WORDS=(\"$@\")\nCOMP_CWORD=$(($# - 1))\n_flink\n"
                    "status=$?\n((${#COMPREPLY[@]})) && printf '%s\\n' \"${COMPREPLY[@]}\"\nexit $status\n");
    }
    std::vector<std::string> argv = {"/bin/bash", "--norc", "--noprofile", driver.string(),
                                      script("bash").string()};
    argv.insert(argv.end(), words.begin(), words.end());
    return run_process(argv, environment(extra_env), work.path());
  }

  Set bash_words(const Lines& words, const std::vector<std::string>& extra_env = {}) const {
    const Process process = bash(words, extra_env);
    EXPECT_EQ(process.exit_code, 0) << process.err;
    EXPECT_EQ(process.err, "");
    return set_of(lines_of(process.out));
  }

  std::string address() const { return jobs.address(); }
  std::string port() const { return std::to_string(jobs.port()); }

  TempDir work;
  TempDir home;
  TempDir conf;
  mutable TempDir scripts;
  FakeJobManager jobs;
};

TEST_F(CompletionTest, ScriptsForEachShellAndUsageErrors) {
  for (const auto& shell : completion_shells()) {
    SCOPED_TRACE(shell);
    const std::string text = completion_script(shell);
    for (const auto* spec : supported_actions()) EXPECT_NE(text.find(spec->name), std::string::npos);
    // What the binary prints is the same script.
    TestEnvironment env;
    FakeCluster cluster;
    FakeClock clock;
    const auto result = run_flink({k_completion_flag, shell}, env, cluster.factory(), clock);
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_EQ(result.out, all_lines_of(text));
    EXPECT_TRUE(result.err.empty());
    EXPECT_EQ(cluster.factory_calls, 0);
  }
  TestEnvironment env;
  FakeCluster cluster;
  FakeClock clock;
  for (const Lines& args : {Lines{k_completion_flag}, Lines{k_completion_flag, "tcsh"},
                            Lines{k_completion_flag, "bash", "zsh"}, Lines{k_man_flag, "extra"}}) {
    SCOPED_TRACE(::testing::PrintToString(args));
    const auto result = run_flink(args, env, cluster.factory(), clock);
    EXPECT_EQ(result.exit_code, 1);
    ASSERT_FALSE(result.out.empty());
    EXPECT_EQ(result.out.back(), k_help_hint);
  }
  EXPECT_EQ(run_flink({k_completion_flag, "tcsh"}, env, cluster.factory(), clock).out.front(),
            "Unknown shell 'tcsh' for --completion: use bash, zsh or fish.");
}

// The files the build generates and `cmake --install` copies are the binary's current output.
TEST_F(CompletionTest, GeneratedFilesAreCurrent) {
  const fs::path share = FLINKCLI_GENERATED_DIR;
  const std::pair<const char*, const char*> files[] = {
      {"bash", "bash-completion/completions/flink"},
      {"zsh", "zsh/vendor-completions/_flink"},
      {"fish", "fish/vendor_completions.d/flink.fish"},
  };
  for (const auto& [shell, path] : files) {
    std::ifstream in(share / path);
    ASSERT_TRUE(in) << (share / path);
    std::ostringstream content;
    content << in.rdbuf();
    EXPECT_EQ(content.str(), completion_script(shell)) << path;
  }
}

TEST_F(CompletionTest, BashCompletesActions) {
  Set first = {"-h", "--help", "-v", "--version"};
  for (const auto* spec : supported_actions()) first.insert(spec->name);
  EXPECT_EQ(bash_words({"flink", ""}), first);
  EXPECT_EQ(first.count("savepoint"), 1u);
  EXPECT_EQ(first.count("info"), 0u);  // Java's JVM-only actions are not offered
  EXPECT_EQ(bash_words({"flink", "s"}), (Set{"savepoint", "snapshots", "stop"}));
  EXPECT_EQ(bash_words({"flink", "--completion", ""}), Set{});  // our hidden flags offer nothing
  EXPECT_EQ(bash_words({"flink", "frobnicate", "-"}), Set{});
  EXPECT_TRUE(jobs.requests().empty());
}

TEST_F(CompletionTest, BashOffersEachActionsOptionsFromTheTable) {
  for (const auto* spec : supported_actions()) {
    SCOPED_TRACE(spec->name);
    const Set offered = bash_words({"flink", spec->name, "-"});
    EXPECT_EQ(offered, visible_option_names(*spec));
    for (const auto& hidden : hidden_option_names(*spec)) EXPECT_EQ(offered.count(hidden), 0u) << hidden;
  }
  // Java's hidden options stay hidden: cancel -type, run -a/-j.
  EXPECT_EQ(bash_words({"flink", "cancel", "-ty"}), Set{});
  EXPECT_EQ(bash_words({"flink", "run", "--ja"}), Set{});
  EXPECT_EQ(bash_words({"flink", "stop", "--s"}), (Set{"--savepointPath"}));
  EXPECT_EQ(bash_words({"flink", "savepoint", "-de"}), (Set{"-detached"}));
  EXPECT_TRUE(jobs.requests().empty());
}

TEST_F(CompletionTest, BashCompletesOptionValues) {
  EXPECT_EQ(bash_words({"flink", "savepoint", "-type", ""}), (Set{"canonical", "native"}));
  EXPECT_EQ(bash_words({"flink", "stop", "--type", "n"}), (Set{"native"}));
  EXPECT_EQ(bash_words({"flink", "run", "-cm", ""}), (Set{"claim", "no_claim", "legacy"}));
  EXPECT_EQ(bash_words({"flink", "list", "-t", ""}), (Set{"remote"}));
  EXPECT_EQ(bash_words({"flink", "list", "-m", ""}), Set{});  // free text
  EXPECT_EQ(bash_words({"flink", "savepoint", "-d", "no"}), (Set{"notes.txt"}));
  // A hidden option is still read right: its value is not taken for the job id.
  EXPECT_EQ(bash_words({"flink", "cancel", "-type", ""}), (Set{"canonical", "native"}));
  EXPECT_TRUE(jobs.requests().empty());
}

TEST_F(CompletionTest, BashCompletesJarsThenProgramArguments) {
  EXPECT_EQ(bash_words({"flink", "run", ""}), (Set{"job.jar", "jars"}));
  EXPECT_EQ(bash_words({"flink", "run", "-d", "-p", "4", "j"}), (Set{"job.jar", "jars"}));
  // Everything after the jar goes to the program: files, never our options.
  EXPECT_EQ(bash_words({"flink", "run", "job.jar", ""}), (Set{"job.jar", "jars", "notes.txt"}));
  EXPECT_EQ(bash_words({"flink", "run", "job.jar", "-"}), Set{});
  EXPECT_TRUE(jobs.requests().empty());
}

TEST_F(CompletionTest, BashAsksTheClusterForJobIds) {
  // -m host:port as bash splits it at ':' (COMP_WORDBREAKS).
  EXPECT_EQ(bash_words({"flink", "cancel", "-m", "127.0.0.1", ":", port(), ""}), (Set{k_running, k_scheduled}));
  EXPECT_EQ(bash_words({"flink", "stop", "--jobmanager", "=", address(), "a4"}), (Set{k_running}));
  EXPECT_EQ(bash_words({"flink", "savepoint", "-D", "rest.port", "=", port(), "-detached", ""}),
            (Set{k_running, k_scheduled}));
  EXPECT_EQ(bash_words({"flink", "savepoint", "-Drest.port", "=", port(), "5"}), (Set{k_scheduled}));
  EXPECT_EQ(jobs.requests_to("GET", "/jobs/overview").size(), 4u);
  // The lookup is bounded: client.timeout is set on it.
  for (const auto& request : jobs.requests()) EXPECT_EQ(request.path, "/jobs/overview");

  // -s takes the next word as its directory or leaves it as the job id: both are offered.
  const Set after_s = bash_words({"flink", "cancel", "-m", address(), "-s", ""});
  EXPECT_EQ(after_s.count(k_running), 1u);
  EXPECT_EQ(after_s.count("notes.txt"), 1u);
  // The savepoint's second argument is a directory: no lookup.
  const auto before = jobs.requests().size();
  EXPECT_EQ(bash_words({"flink", "savepoint", "-m", address(), k_running, "no"}), (Set{"notes.txt"}));
  EXPECT_EQ(bash_words({"flink", "list", "-m", address(), ""}), Set{});
  EXPECT_EQ(jobs.requests().size(), before);
}

// --job-name (where the table has it) completes the names of the same jobs, quoted for the line.
TEST_F(CompletionTest, BashAsksTheClusterForJobNames) {
  const CommandSpec* savepoint = find_command("savepoint");
  ASSERT_NE(savepoint, nullptr);
  if (visible_option_names(*savepoint).count("--job-name") == 0) GTEST_SKIP() << "no --job-name option";
  EXPECT_EQ(bash_words({"flink", "savepoint", "-m", address(), "--job-name", ""}), (Set{"billing", "orders:\\ enrich"}));
  EXPECT_EQ(bash_words({"flink", "savepoint", "-m", address(), "--job-name", "b"}), (Set{"billing"}));
  EXPECT_EQ(jobs.requests_to("GET", "/jobs/overview").size(), 2u);
}

// Real time: bash runs the real binary, bounded by timeout(1) and client.timeout. The bounds only
// tell "gave up at the completion timeout" from "waited for the default client.timeout (60 s) or
// the server", with room for a loaded machine.
TEST_F(CompletionTest, BashIsSilentAndQuickWithNoJobManager) {
  const std::string nothing = "127.0.0.1:" + std::to_string(unused_local_port());
  const Process process = bash({"flink", "cancel", "-m", nothing, ""});
  EXPECT_EQ(process.exit_code, 0);
  EXPECT_EQ(process.out, "");
  EXPECT_EQ(process.err, "");
  EXPECT_LT(process.elapsed, milliseconds(10000));
  // A host that never answers: the lookup gives up after FLINKCLI_COMPLETION_TIMEOUT_MS.
  FakeJobManager slow;
  slow.on("GET", "/jobs/overview",
          {CannedReply::json(200, {{"jobs", nlohmann::json::array()}}, milliseconds(60000))});
  const Process waited = bash({"flink", "cancel", "-m", slow.address(), ""}, {"FLINKCLI_COMPLETION_TIMEOUT_MS=300"});
  EXPECT_EQ(waited.exit_code, 0);
  EXPECT_EQ(waited.out, "");
  EXPECT_EQ(waited.err, "");
  EXPECT_LT(waited.elapsed, milliseconds(10000));
  // 0 turns the lookup off.
  EXPECT_EQ(bash_words({"flink", "cancel", "-m", address(), ""}, {"FLINKCLI_COMPLETION_TIMEOUT_MS=0"}), Set{});
  EXPECT_TRUE(jobs.requests().empty());
}

// --- zsh -----------------------------------------------------------------------------------------

class ZshCompletionTest : public CompletionTest {
 protected:
  void SetUp() override {
    zsh = find_program("zsh");
    if (!zsh) GTEST_SKIP() << "zsh is not installed (scripts/install-deps.sh installs it): zsh completion not tested";
    fs::create_directories(scripts / "fpath");
    std::ofstream(scripts / "fpath" / "_flink") << completion_script("zsh");
  }

  // "match" or "match -- description" per line, as zsh offers them at the end of `line`.
  Lines complete(const std::string& line) {
    const Process process =
        run_process({*zsh, "-f", std::string(FLINKCLI_SOURCE_DIR) + "/tests/install/zsh_complete.zsh",
                     (scripts / "fpath").string(), line},
                    environment(), work.path());
    if (process.exit_code == 77) {
      ADD_FAILURE() << "no pseudo-terminal for zsh/zpty";
      return {};
    }
    EXPECT_EQ(process.exit_code, 0) << process.err;
    return lines_of(process.out);
  }

  Set matches(const std::string& line) {
    Set result;
    for (const auto& entry : complete(line)) result.insert(entry.substr(0, entry.find(" -- ")));
    return result;
  }

  std::optional<std::string> zsh;
};

TEST_F(ZshCompletionTest, ScriptIsValidZsh) {
  const Process process = run_process({*zsh, "-n", script("zsh").string()}, environment(), work.path());
  EXPECT_EQ(process.exit_code, 0) << process.err;
  EXPECT_EQ(process.err, "");
}

TEST_F(ZshCompletionTest, CompletesEachActionsOptionsFromTheTable) {
  for (const auto* spec : supported_actions()) {
    SCOPED_TRACE(spec->name);
    EXPECT_EQ(matches("flink " + spec->name + " -"), visible_option_names(*spec));
  }
  EXPECT_TRUE(jobs.requests().empty());
}

TEST_F(ZshCompletionTest, CompletesActionsAndValues) {
  EXPECT_EQ(matches("flink s"), (Set{"savepoint", "snapshots", "stop"}));
  EXPECT_EQ(matches("flink savepoint -type "), (Set{"canonical", "native"}));
  EXPECT_EQ(matches("flink run -cm "), (Set{"claim", "no_claim", "legacy"}));
  EXPECT_EQ(matches("flink run job.jar no"), (Set{"notes.txt"}));
  EXPECT_TRUE(jobs.requests().empty());
}

TEST_F(ZshCompletionTest, CompletesJobIdsWithTheirNames) {
  const Lines offered = complete("flink cancel -m " + address() + " ");
  EXPECT_EQ(set_of(offered), (Set{k_running + " -- orders: enrich (RUNNING)", k_scheduled + " -- billing (INITIALIZING)"}));
  EXPECT_EQ(matches("flink stop -D rest.port=" + port() + " a"), (Set{k_running}));
  const std::string nothing = "127.0.0.1:" + std::to_string(unused_local_port());
  EXPECT_EQ(matches("flink cancel -m " + nothing + " "), Set{});
}

// --- fish ----------------------------------------------------------------------------------------

class FishCompletionTest : public CompletionTest {
 protected:
  void SetUp() override {
    fish = find_program("fish");
    if (!fish) GTEST_SKIP() << "fish is not installed (scripts/install-deps.sh installs it): fish completion not tested";
  }

  // fish's own `complete -C`: "match" or "match<TAB>description" per line.
  Lines complete(const std::string& line) {
    const Process process = run_process(
        {*fish, "--no-config", "-c", "source $argv[1]; complete -C $argv[2]", script("fish").string(), line},
        environment(), work.path());
    EXPECT_EQ(process.exit_code, 0) << process.err;
    EXPECT_EQ(process.err, "");
    return lines_of(process.out);
  }

  Set matches(const std::string& line) {
    Set result;
    for (const auto& entry : complete(line)) result.insert(entry.substr(0, entry.find('\t')));
    return result;
  }

  std::optional<std::string> fish;
};

TEST_F(FishCompletionTest, ScriptIsValidFish) {
  const Process process = run_process({*fish, "--no-config", "--no-execute", script("fish").string()},
                                      environment(), work.path());
  EXPECT_EQ(process.exit_code, 0) << process.err;
  EXPECT_EQ(process.err, "");
}

TEST_F(FishCompletionTest, CompletesActionsOptionsAndValues) {
  EXPECT_EQ(matches("flink s"), (Set{"savepoint", "snapshots", "stop"}));
  for (const auto* spec : supported_actions()) {
    SCOPED_TRACE(spec->name);
    EXPECT_EQ(matches("flink " + spec->name + " -"), visible_option_names(*spec));
  }
  EXPECT_EQ(matches("flink savepoint -type "), (Set{"canonical", "native"}));
  EXPECT_EQ(matches("flink run -cm "), (Set{"claim", "no_claim", "legacy"}));
  // fish lists .jar files and directories first, the other files after them.
  const Set run = matches("flink run ");
  EXPECT_EQ(run.count("job.jar"), 1u);
  EXPECT_EQ(run.count("jars/"), 1u);
  EXPECT_EQ(matches("flink run job.jar no"), (Set{"notes.txt"}));
  EXPECT_TRUE(jobs.requests().empty());
}

TEST_F(FishCompletionTest, CompletesJobIdsWithTheirNames) {
  EXPECT_EQ(set_of(complete("flink cancel -m " + address() + " ")),
            (Set{k_running + "\torders: enrich (RUNNING)", k_scheduled + "\tbilling (INITIALIZING)"}));
  EXPECT_EQ(matches("flink cancel -type native -m " + address() + " 5"), (Set{k_scheduled}));
  const std::string nothing = "127.0.0.1:" + std::to_string(unused_local_port());
  EXPECT_EQ(matches("flink cancel -m " + nothing + " "), Set{});
}

}  // namespace
}  // namespace flinkcli::testing
