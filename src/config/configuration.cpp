#include <algorithm>

#include "flinkcli/configuration.hpp"
#include "flinkcli/error.hpp"

namespace flinkcli {

std::optional<std::string> Configuration::get(const std::string& key) const {
  auto it = m_values.find(key);
  if (it == m_values.end()) return std::nullopt;
  return it->second;
}

std::chrono::milliseconds Configuration::client_timeout() const {
  const auto text = get(keys::client_timeout);
  if (!text) return std::chrono::seconds(60);
  const auto parsed = parse_flink_duration(*text);
  if (!parsed || parsed->count() <= 0) {
    throw CliError(ErrorClass::config,
                   "Invalid value '" + *text + "' for client.timeout: expected a duration such as "
                   "'60 s', '1 min' or '500ms'");
  }
  return *parsed;
}

std::optional<std::string> Configuration::default_savepoint_dir() const {
  for (const char* key : {keys::savepoint_dir, keys::legacy_savepoint_dir}) {
    auto value = get(key);
    if (value && !value->empty()) return value;
  }
  return std::nullopt;
}

bool Configuration::get_bool(const std::string& key, bool fallback) const {
  auto value = get(key);
  if (!value) return fallback;
  std::string lower = *value;
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  if (lower == "true") return true;
  if (lower == "false") return false;
  throw CliError(ErrorClass::config,
                 "Invalid value '" + *value + "' for " + key + ": expected true or false");
}

void apply_dynamic_properties(Configuration& config, const std::vector<std::string>& properties) {
  for (const auto& property : properties) {
    const auto equals = property.find('=');
    const std::string key = property.substr(0, equals);
    if (key.empty()) {
      throw CliError::usage("Invalid dynamic property '" + property + "': expected -D key=value");
    }
    // Flink reads "-Dkey" without a value as "true".
    config.set(key, equals == std::string::npos ? "true" : property.substr(equals + 1));
  }
}

}  // namespace flinkcli
