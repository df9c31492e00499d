#pragma once
// Shared test scaffolding: scratch directories, a fake clock, an environment the test controls,
// and one call that runs the whole client in-process and captures what it printed.
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "flinkcli/cli.hpp"
#include "flinkcli/command.hpp"
#include "flinkcli/console.hpp"
#include "flinkcli/operation_waiter.hpp"

namespace flinkcli::testing {

inline constexpr const char* k_job = "a48f8e8b712ac1616c58c37184d4a569";  // from the transcripts
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

// Time only moves when the code under test sleeps; every sleep is recorded.
class FakeClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point now() override { return m_now; }
  void sleep_for(std::chrono::milliseconds duration) override {
    sleeps.push_back(duration);
    m_now += duration;
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

struct CliRun {
  int exit_code = -1;
  std::vector<std::string> out;
  std::vector<std::string> err;
  std::chrono::milliseconds elapsed{0};
};

// The environment the client sees: the given variables only; FLINK_CONF_DIR defaults to an
// empty scratch directory so no configuration on the machine leaks in.
class TestEnvironment {
 public:
  TestEnvironment();
  void set(const std::string& name, const std::string& value) { m_variables[name] = value; }
  void unset(const std::string& name) { m_variables.erase(name); }
  const TempDir& conf_dir() const { return m_conf_dir; }
  Environment environment() const;

 private:
  TempDir m_conf_dir;
  std::map<std::string, std::string> m_variables;
};

CliRun run_flink(const std::vector<std::string>& args, const TestEnvironment& env,
                 const ApiFactory& factory, Clock& clock);
// The same with the real HTTP client and the real clock.
CliRun run_flink_http(const std::vector<std::string>& args, const TestEnvironment& env);

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
