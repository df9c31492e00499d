#include "fake/test_support.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <stdexcept>

#include "flinkcli/rest/http_jobmanager_api.hpp"

namespace flinkcli::testing {

namespace fs = std::filesystem;

TempDir::TempDir() {
  std::string pattern = (fs::temp_directory_path() / "flinkcli-test-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  m_path = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  fs::remove_all(m_path, ignored);
}

fs::path TempDir::write(const std::string& name, const std::string& content) const {
  const fs::path file = m_path / name;
  fs::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + file.string());
  return file;
}

TestEnvironment::TestEnvironment() { set("FLINK_CONF_DIR", m_conf_dir.path().string()); }

Environment TestEnvironment::environment() const {
  Environment env;
  env.getenv = [variables = m_variables](const std::string& name) -> std::optional<std::string> {
    auto it = variables.find(name);
    if (it == variables.end()) return std::nullopt;
    return it->second;
  };
  // Not used while FLINK_CONF_DIR is set; a path that has no ../conf otherwise.
  env.executable = m_conf_dir.path() / "no-such-bin" / "flink";
  return env;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  return text;
}

std::string CapturingConsole::stdout_text() const { return join_lines(stdout_lines); }
std::string CapturingConsole::stderr_text() const { return join_lines(stderr_lines); }

std::string run_command(const std::string& command) {
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return output;
  char buffer[4096];
  std::size_t size;
  while ((size = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, size);
  pclose(pipe);
  return output;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  return text;
}

CliRun run_flink(const std::vector<std::string>& args, const TestEnvironment& env,
                 const ApiFactory& factory, Clock& clock, Interrupt* interrupt,
                 bool stderr_is_terminal) {
  CapturingConsole console;
  FakeInterrupt no_interrupt;
  Runtime runtime{console, clock, interrupt ? *interrupt : no_interrupt, env.environment(), factory};
  runtime.new_trigger_id = [] { return std::string(k_trigger); };
  runtime.stderr_is_terminal = stderr_is_terminal;
  if (env.store_factory) runtime.store_factory = env.store_factory;
  CliRun run;
  const auto start = std::chrono::steady_clock::now();
  run.exit_code = run_cli(args, runtime);
  run.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  run.out = console.stdout_lines;
  run.err = console.stderr_lines;
  run.err_partial = console.stderr_partials;
  return run;
}

CliRun run_flink_http(const std::vector<std::string>& args, const TestEnvironment& env) {
  SystemClock clock;
  return run_flink_http(args, env, clock);
}

CliRun run_flink_http(const std::vector<std::string>& args, const TestEnvironment& env, Clock& clock) {
  return run_flink(args, env, make_http_jobmanager_api, clock);
}

std::chrono::milliseconds backoff_step(std::size_t index) {
  std::chrono::milliseconds step(50);
  for (std::size_t i = 0; i < index && step < std::chrono::milliseconds(1000); ++i) step *= 2;
  return std::min(step, std::chrono::milliseconds(1000));
}

void expect_backoff_pauses(const std::vector<std::chrono::milliseconds>& sleeps) {
  for (std::size_t i = 0; i < sleeps.size(); ++i) {
    EXPECT_GE(sleeps[i], backoff_step(i) / 2) << "pause " << i;
    EXPECT_LE(sleeps[i], backoff_step(i)) << "pause " << i;
  }
}

std::string fake_jar_bytes(const std::string& tag) {
  return std::string("PK\x03\x04", 4) + "fake jar content " + tag;
}

ScopedTimeZone::ScopedTimeZone(const char* zone) {
  if (const char* previous = std::getenv("TZ")) m_previous = previous;
  ::setenv("TZ", zone, 1);
  ::tzset();
}

ScopedTimeZone::~ScopedTimeZone() {
  if (m_previous) {
    ::setenv("TZ", m_previous->c_str(), 1);
  } else {
    ::unsetenv("TZ");
  }
  ::tzset();
}

}  // namespace flinkcli::testing
