#pragma once
// Shared test scaffolding: scratch directories, a fake clock, an environment the test controls,
// and one call that runs the whole client in-process and captures what it printed.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "flinkcli/cli/cli.hpp"
#include "flinkcli/commands/command.hpp"
#include "flinkcli/core/clock.hpp"
#include "flinkcli/core/console.hpp"
#include "flinkcli/core/interrupt.hpp"

namespace flinkcli::testing {

inline constexpr const char* k_job = "a48f8e8b712ac1616c58c37184d4a569";  // from the transcripts
// The trigger id the client picks in tests (the fakes answer with it too).
inline constexpr const char* k_trigger = "7bc1eb8a27587d4728b63c2fdb41d37a";
inline constexpr const char* k_unknown_job = "00000000000000000000000000000000";
inline constexpr const char* k_help_hint = "Use the help option (-h or --help) to get help on the command.";

// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return m_path; }
  std::filesystem::path operator/(const std::string& name) const { return m_path / name; }
  // Writes `content` to path()/name (creating parent directories) and returns the full path.
  std::filesystem::path write(const std::string& name, const std::string& content) const;

 private:
  std::filesystem::path m_path;
};

// Records lines instead of printing them.
class CapturingConsole final : public Console {
 public:
  void out(std::string_view line) override {
    stdout_lines.push_back(stdout_partial + std::string(line));
    stdout_partial.clear();
  }
  void out_partial(std::string_view text) override {
    stdout_partial += text;
    ++stdout_partial_writes;
  }
  void err(std::string_view line) override { stderr_lines.emplace_back(line); }
  void err_partial(std::string_view text) override { stderr_partials.emplace_back(text); }
  std::string stdout_text() const;
  std::string stderr_text() const;

  std::vector<std::string> stdout_lines;
  std::vector<std::string> stderr_lines;
  std::vector<std::string> stderr_partials;  // progress redraws (only on a "terminal")
  std::string stdout_partial;                 // the start of a line out() has not ended yet
  int stdout_partial_writes = 0;
};

// A signal on cue: requested() turns true at the `after`-th question (never when unset); every
// start and stop of watching is counted, to prove the handler is given back, and the last
// words armed are kept.
class FakeInterrupt final : public Interrupt {
 public:
  void start_watching() override { ++starts; }
  void stop_watching() override { ++stops; }
  bool requested() const override {
    ++questions;
    return fired();
  }
  int signal_number() const override { return fired() ? signal : 0; }
  void set_last_words(const std::function<LastWords(int)>& words) override {
    if (words) last_words = words(signal);
  }

  std::optional<int> after;
  int signal = 2;  // SIGINT
  int starts = 0;
  int stops = 0;
  mutable int questions = 0;
  std::optional<LastWords> last_words;

 private:
  bool fired() const { return after && questions >= *after; }
};

// Time only moves when the code under test sleeps (or advance() is called); every sleep is
// recorded.
class FakeClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point now() override { return m_now; }
  void sleep_for(std::chrono::milliseconds duration) override {
    sleeps.push_back(duration);
    m_now += duration;
  }
  void advance(std::chrono::milliseconds duration) { m_now += duration; }
  std::chrono::milliseconds elapsed() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(m_now - std::chrono::steady_clock::time_point{});
  }
  std::chrono::milliseconds total_slept() const {
    std::chrono::milliseconds total{0};
    for (auto sleep : sleeps) total += sleep;
    return total;
  }

  std::vector<std::chrono::milliseconds> sleeps;

 private:
  std::chrono::steady_clock::time_point m_now{};
};

// Real time plus jumps: a socket's timeout passes in real time (which a FakeClock cannot make),
// while sleeps and advance() move the clock forward at once. advance() may be called from a fake
// server's thread, to make a request seem to take long without waiting for it.
class JumpingClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point now() override {
    return std::chrono::steady_clock::now() + std::chrono::milliseconds(m_jumped.load());
  }
  void sleep_for(std::chrono::milliseconds duration) override {
    sleeps.push_back(duration);
    advance(duration);
  }
  void advance(std::chrono::milliseconds duration) { m_jumped += duration.count(); }

  std::vector<std::chrono::milliseconds> sleeps;  // only the client's thread sleeps

 private:
  std::atomic<std::chrono::milliseconds::rep> m_jumped{0};
};

// Expects `sleeps` to be the pauses of a default Backoff (50 ms doubling to a cap of 1 s), each
// within its jitter: half to a whole step.
void expect_backoff_pauses(const std::vector<std::chrono::milliseconds>& sleeps);
// The step of the default Backoff's pause number `index` (from 0): the longest it can be.
std::chrono::milliseconds backoff_step(std::size_t index);

struct CliRun {
  int exit_code = -1;
  std::vector<std::string> out;
  std::vector<std::string> err;
  std::vector<std::string> err_partial;  // progress redraws
  std::chrono::milliseconds elapsed{0};
};

// The environment the client sees: the given variables only; FLINK_CONF_DIR defaults to an
// empty scratch directory so no configuration on the machine leaks in.
// What a shell command prints on stdout (tests of the built binary: "... 2>&1; echo exit=$?").
std::string run_command(const std::string& command);

// Lines as one text, each ended by "\n", for failure messages and searches.
std::string joined(const std::vector<std::string>& lines);

class TestEnvironment {
 public:
  TestEnvironment();
  void set(const std::string& name, const std::string& value) { m_variables[name] = value; }
  void unset(const std::string& name) { m_variables.erase(name); }
  const TempDir& conf_dir() const { return m_conf_dir; }
  // Where the client's stores come from (unset: the real local and S3 stores).
  StoreFactory store_factory;
  Environment environment() const;

 private:
  TempDir m_conf_dir;
  std::map<std::string, std::string> m_variables;
};

CliRun run_flink(const std::vector<std::string>& args, const TestEnvironment& env,
                 const ApiFactory& factory, Clock& clock, Interrupt* interrupt = nullptr,
                 bool stderr_is_terminal = false);
// The same with the real HTTP client and the real clock (or `clock`: retries then sleep on it).
CliRun run_flink_http(const std::vector<std::string>& args, const TestEnvironment& env);
CliRun run_flink_http(const std::vector<std::string>& args, const TestEnvironment& env, Clock& clock);

// Bytes that pass the client's jar check ("PK\x03\x04" header), distinct per `tag`.
std::string fake_jar_bytes(const std::string& tag);

// Sets TZ for the lifetime of the object (list prints local time).
class ScopedTimeZone {
 public:
  explicit ScopedTimeZone(const char* zone);
  ~ScopedTimeZone();

 private:
  std::optional<std::string> m_previous;
};

}  // namespace flinkcli::testing
