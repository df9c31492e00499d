#include "flinkcli/config/configuration.hpp"

#include <cctype>

#include "flinkcli/core/error.hpp"
#include "flinkcli/core/file_uri.hpp"
#include "flinkcli/core/text.hpp"

namespace flinkcli {

namespace {

// "hdfs://nn/x", "file:/x", "s3://b/x" have a scheme; "/x" and "x" do not.
bool has_uri_scheme(const std::string& path) {
  const auto colon = path.find(':');
  if (colon == std::string::npos || colon == 0) return false;
  for (std::size_t i = 0; i < colon; ++i) {
    const char c = path[i];
    const bool ok = std::isalpha(static_cast<unsigned char>(c)) ||
                    (i > 0 && (std::isdigit(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.'));
    if (!ok) return false;
  }
  return true;
}

// The JobManager resolves a relative directory against its own working directory.
bool is_relative_directory(const std::string& path) {
  if (const auto uri = parse_file_uri(path)) return !uri->path.starts_with('/');
  if (has_uri_scheme(path)) return false;
  return path.empty() || path.front() != '/';
}

std::string described(const std::string& key, const std::string& origin) {
  if (origin.empty()) return key;
  return key + " (from " + (origin == origins::dynamic_property ? std::string("-D") : origin) + ")";
}

}  // namespace

std::optional<std::string> Configuration::get(const std::string& key) const {
  auto it = m_values.find(key);
  if (it == m_values.end()) return std::nullopt;
  return it->second;
}

void Configuration::set(const std::string& key, std::string value, std::string origin) {
  m_values[key] = std::move(value);
  m_origins[key] = std::move(origin);
}

std::string Configuration::origin(const std::string& key) const {
  auto it = m_origins.find(key);
  return it == m_origins.end() ? std::string() : it->second;
}

std::chrono::milliseconds Configuration::client_timeout() const {
  const auto text = get(keys::client_timeout);
  if (!text) return std::chrono::seconds(60);
  const DurationReading parsed = read_flink_duration(*text);
  if (parsed.too_large) {
    throw CliError(ErrorClass::config, "Invalid value '" + one_line(*text, 100) +
                                           "' for client.timeout: at most " + k_max_duration_text);
  }
  // Flink accepts 0, and then every call of the Java client times out at once (its
  // CompletableFuture.get(0, ms) throws a bare TimeoutException): no action can succeed, so 0 is
  // refused here, before any line is printed.
  if (parsed.value && parsed.value->count() == 0) {
    throw CliError(ErrorClass::config, "Invalid value '" + one_line(*text, 100) +
                                           "' for client.timeout: 0 would time out every call at once; "
                                           "give a positive duration such as '60 s'");
  }
  if (!parsed.value || parsed.value->count() <= 0) {
    throw CliError(ErrorClass::config,
                   "Invalid value '" + one_line(*text, 100) + "' for client.timeout: expected a "
                   "duration such as '60 s', '1 min' or '500ms'");
  }
  return *parsed.value;
}

SavepointDirectory Configuration::default_savepoint_dir() const {
  for (const char* key : {keys::savepoint_dir, keys::legacy_savepoint_dir}) {
    auto value = get(key);
    if (!value) continue;
    const std::string source = described(key, origin(key));
    if (value->empty()) {
      // Only -D can set an empty value: "no client-side directory", the fallback key included.
      return {std::nullopt, source + " is empty: the JobManager's default"};
    }
    if (!is_valid_utf8(*value)) {
      throw CliError(ErrorClass::config, "The savepoint directory in " + source +
                                             " is not valid UTF-8 text; Flink's REST API "
                                             "accepts only UTF-8.");
    }
    if (is_relative_directory(*value)) {
      throw CliError(ErrorClass::config,
                     "The savepoint directory '" + one_line(*value, 200) + "' in " + source +
                         " is relative; the JobManager would resolve it against its own working "
                         "directory. Configure an absolute path or URI (e.g. file:///savepoints).");
    }
    return {*value, source};
  }
  return {std::nullopt, "no client-side default: the JobManager's default"};
}

bool Configuration::get_bool(const std::string& key, bool fallback) const {
  auto value = get(key);
  if (!value) return fallback;
  const std::string lower = to_lower(trim(*value));
  if (lower == "true") return true;
  if (lower == "false") return false;
  throw CliError(ErrorClass::config,
                 "Invalid value '" + one_line(*value, 100) + "' for " + key + ": expected true or false");
}

std::optional<std::string> Configuration::high_availability() const {
  for (const char* key : {keys::ha_type, keys::legacy_ha_type}) {
    auto value = get(key);
    if (!value) continue;
    const std::string mode = to_lower(trim(*value));
    if (mode.empty() || mode == "none") return std::nullopt;
    return mode;
  }
  return std::nullopt;
}

void apply_dynamic_properties(Configuration& config, const std::vector<std::string>& properties) {
  for (const auto& property : properties) {
    const auto equals = property.find('=');
    const std::string key = property.substr(0, equals);
    if (key.empty()) {
      throw CliError::usage("Invalid dynamic property '" + property + "': expected -D key=value");
    }
    // Flink reads "-Dkey" without a value as "true".
    config.set(key, equals == std::string::npos ? "true" : property.substr(equals + 1),
               origins::dynamic_property);
  }
}

}  // namespace flinkcli
