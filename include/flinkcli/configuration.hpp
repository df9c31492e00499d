#pragma once
// Flink's configuration as the client reads it: the conf directory, config.yaml or the legacy
// flink-conf.yaml, then -D and -m on top. Keys are Flink's dotted names.
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace flinkcli {

// Keys this client reads, spelled once.
namespace keys {
inline constexpr const char* rest_address = "rest.address";
inline constexpr const char* rest_port = "rest.port";
inline constexpr const char* rest_path = "rest.path";
inline constexpr const char* rpc_address = "jobmanager.rpc.address";
inline constexpr const char* client_timeout = "client.timeout";
inline constexpr const char* savepoint_dir = "execution.checkpointing.savepoint-dir";
inline constexpr const char* legacy_savepoint_dir = "state.savepoints.dir";
inline constexpr const char* ssl_rest_enabled = "security.ssl.rest.enabled";
}  // namespace keys

class Configuration {
 public:
  std::optional<std::string> get(const std::string& key) const;
  void set(const std::string& key, std::string value) { m_values[key] = std::move(value); }
  const std::map<std::string, std::string>& values() const { return m_values; }

  // Typed getters; invalid values throw a config CliError naming key and value.
  std::chrono::milliseconds client_timeout() const;  // default 60 s
  // execution.checkpointing.savepoint-dir, else state.savepoints.dir; empty when neither is set.
  std::optional<std::string> default_savepoint_dir() const;
  bool get_bool(const std::string& key, bool fallback) const;

 private:
  std::map<std::string, std::string> m_values;
};

// Where the configuration came from, for --verbose and for tests.
struct ConfigSource {
  std::filesystem::path conf_dir;
  std::optional<std::filesystem::path> file;  // none when the directory has no conf file
  std::vector<std::string> notes;             // Flink's log lines (legacy file chosen, ...)
  std::vector<std::string> warnings;          // worth a line on stderr: both files present
};

using GetEnv = std::function<std::optional<std::string>(const std::string&)>;

// FLINK_CONF_DIR, else <directory of the executable>/../conf (symlinks resolved, as bin/flink does).
std::filesystem::path find_conf_dir(const GetEnv& getenv, const std::filesystem::path& executable);

// Reads flink-conf.yaml if present (Flink 1.20 prefers it), else config.yaml, else nothing.
// Malformed files throw a config CliError naming the file and line.
Configuration load_conf_dir(const std::filesystem::path& conf_dir, ConfigSource* source = nullptr);

Configuration parse_standard_yaml(const std::string& text, const std::string& file_name);
Configuration parse_legacy_conf(const std::string& text, const std::string& file_name,
                                std::vector<std::string>* warnings = nullptr);

// Applies "-D key=value" entries; throws a usage error for an entry without a key.
void apply_dynamic_properties(Configuration& config, const std::vector<std::string>& properties);

// Flink's duration syntax: "60 s", "1 min", "500ms", "2 h", bare number = milliseconds.
std::optional<std::chrono::milliseconds> parse_flink_duration(const std::string& text);
std::string format_duration(std::chrono::milliseconds duration);

// The JobManager's REST endpoint, after rest.address/rest.port/rest.path and -m.
struct RestEndpoint {
  std::string scheme = "http";
  std::string host = "localhost";
  int port = 8081;
  std::string path_prefix;  // "" or "/some/path" without a trailing slash

  std::string host_port() const;  // "host:port", IPv6 in brackets
  std::string url() const;        // "http://host:port/prefix"
};

// Applies "-m host:port" or "-m http(s)://host:port[/path]" to `config`. Throws a usage error
// naming the value when it has no valid port.
void apply_jobmanager_address(Configuration& config, const std::string& address);
RestEndpoint rest_endpoint(const Configuration& config);

}  // namespace flinkcli
