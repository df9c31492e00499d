#pragma once
// Flink's configuration as the client reads it: the conf directory, config.yaml or the legacy
// flink-conf.yaml, then -m and -D on top. Keys are Flink's dotted names; each value remembers
// where it came from, so -v can say why a value was used.
#include <chrono>
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
inline constexpr const char* ha_type = "high-availability.type";
inline constexpr const char* legacy_ha_type = "high-availability";
}  // namespace keys

// Where a value came from, as -v reports it.
namespace origins {
inline constexpr const char* dynamic_property = "-D";
inline constexpr const char* jobmanager_option = "-m";
}  // namespace origins

// The directory to send when the command line names none (the product's client-side default).
struct SavepointDirectory {
  std::optional<std::string> path;  // none: send null, the JobManager uses its own default
  std::string source;               // "execution.checkpointing.savepoint-dir (from <file>)"
};

class Configuration {
 public:
  std::optional<std::string> get(const std::string& key) const;
  void set(const std::string& key, std::string value, std::string origin = {});
  const std::map<std::string, std::string>& values() const { return m_values; }
  // The file, "-D" or "-m" that set `key`; "" when unset or unknown.
  std::string origin(const std::string& key) const;

  // Typed getters; invalid values throw a config CliError naming key and value.
  std::chrono::milliseconds client_timeout() const;  // default 60 s
  // execution.checkpointing.savepoint-dir, else state.savepoints.dir. An empty
  // execution.checkpointing.savepoint-dir (-D key=) means none, whatever state.savepoints.dir
  // says. A relative path is refused: the JobManager would resolve it against its own cwd.
  SavepointDirectory default_savepoint_dir() const;
  bool get_bool(const std::string& key, bool fallback) const;
  // "zookeeper", "kubernetes" (or a factory class) when high availability is configured.
  std::optional<std::string> high_availability() const;

 private:
  std::map<std::string, std::string> m_values;
  std::map<std::string, std::string> m_origins;
};

// Applies "-D key=value" entries; throws a usage error for an entry without a key.
void apply_dynamic_properties(Configuration& config, const std::vector<std::string>& properties);

// Flink's duration syntax: "60 s", "1 min", "500ms", "2 h", bare number = milliseconds. Values
// above 0 but below 1 ms round up to 1 ms; at most k_max_duration, so that a deadline (now + the
// duration) never overflows the clock.
inline constexpr std::chrono::hours k_max_duration{24 * 3650};
inline constexpr const char* k_max_duration_text = "10 years (3650 d)";
struct DurationReading {
  std::optional<std::chrono::milliseconds> value;  // none: malformed or too large
  bool too_large = false;                          // well-formed, but above k_max_duration
};
DurationReading read_flink_duration(const std::string& text);
std::optional<std::chrono::milliseconds> parse_flink_duration(const std::string& text);
std::string format_duration(std::chrono::milliseconds duration);
// Coarse, in Flink's units, the two largest that apply: "7d", "3d4h", "1h30min", "5min", "12s",
// "250ms" (negative: "0s").
std::string format_duration_short(std::chrono::milliseconds duration);

// The JobManager's REST endpoint, after rest.address/rest.port/rest.path and -m.
struct RestEndpoint {
  std::string scheme = "http";
  std::string host = "localhost";
  int port = 8081;
  std::string path_prefix;  // "" or "/some/path" without a trailing slash

  std::string host_port() const;  // "host:port", IPv6 in brackets
  std::string url() const;        // "http://host:port/prefix"
};

// Applies "-m host:port" or "-m http(s)://host:port[/path]" to `config` as Flink's
// AbstractCustomCommandLine does: the address, and REST TLS on for https://, off otherwise.
// Throws a usage error when it has no valid port.
void apply_jobmanager_address(Configuration& config, const std::string& address);
RestEndpoint rest_endpoint(const Configuration& config);

}  // namespace flinkcli
