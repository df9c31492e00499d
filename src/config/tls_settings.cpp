// REST TLS keys as Flink's SecurityOptions/SSLUtils read them.
#include "flinkcli/config/tls_settings.hpp"

#include <cctype>

#include "flinkcli/core/error.hpp"
#include "flinkcli/core/text.hpp"

namespace flinkcli {

namespace {

CliError config_error(const std::string& message) { return CliError(ErrorClass::config, message); }

// conf.get(restKey, conf.get(genericKey)): the REST key wins whenever it is set.
std::optional<TlsValue> with_fallback(const Configuration& config, const char* rest_key,
                                      const char* generic_key) {
  for (const char* key : {rest_key, generic_key}) {
    if (auto value = config.get(key)) return TlsValue{*value, key};
  }
  return std::nullopt;
}

std::string described(const Configuration& config, const std::string& key) {
  const std::string origin = config.origin(key);
  return origin.empty() ? key : key + ", from " + origin;
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    const auto end = comma == std::string::npos ? text.size() : comma;
    std::string item = trim(std::string_view(text).substr(start, end - start));
    if (!item.empty()) items.push_back(std::move(item));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return items;
}

void check_path(const TlsValue& path) {
  if (path.value.empty()) throw config_error("The config option " + path.key + " is empty: expected the path of a JKS or PKCS12 file.");
}

TlsValue store_type(const Configuration& config, const char* key) {
  if (auto type = config.get(key); type && !trim(*type).empty()) return {trim(*type), key};
  return {k_default_store_type, key};
}

// Flink's getTrustManagerFactory: no path and no password means "the JVM's default trust".
std::optional<StoreLocation> read_truststore(const Configuration& config) {
  auto path = with_fallback(config, keys::ssl_rest_truststore, keys::ssl_truststore);
  auto password = with_fallback(config, keys::ssl_rest_truststore_password, keys::ssl_truststore_password);
  if (!path && !password) return std::nullopt;
  if (!path) {
    throw config_error("The config option " + std::string(keys::ssl_rest_truststore) + " or " +
                       keys::ssl_truststore + " is missing: " + password->key +
                       " is set, but no truststore to open with it.");
  }
  check_path(*path);
  if (!password) {
    throw config_error("The config option " + std::string(keys::ssl_rest_truststore_password) + " or " +
                       keys::ssl_truststore_password + " is missing: the truststore " + path->value +
                       " (" + path->key + ") cannot be opened without it.");
  }
  return StoreLocation{*path, *password, store_type(config, keys::ssl_rest_truststore_type)};
}

// Flink's getKeyManagerFactory: keystore, keystore password and key password are all required.
void read_keystore(const Configuration& config, TlsSettings& settings) {
  const std::string why = " is missing: mutual TLS (" + std::string(keys::ssl_rest_authentication) +
                          ": true) needs the client's ";
  auto path = with_fallback(config, keys::ssl_rest_keystore, keys::ssl_keystore);
  if (!path) {
    throw config_error("The config option " + std::string(keys::ssl_rest_keystore) + " or " +
                       keys::ssl_keystore + why + "keystore (JKS or PKCS12) with its certificate and key.");
  }
  check_path(*path);
  auto password = with_fallback(config, keys::ssl_rest_keystore_password, keys::ssl_keystore_password);
  if (!password) {
    throw config_error("The config option " + std::string(keys::ssl_rest_keystore_password) + " or " +
                       keys::ssl_keystore_password + why + "keystore password.");
  }
  auto key_password = with_fallback(config, keys::ssl_rest_key_password, keys::ssl_key_password);
  if (!key_password) {
    throw config_error("The config option " + std::string(keys::ssl_rest_key_password) + " or " +
                       keys::ssl_key_password + why +
                       "key password; it does not default to the keystore password (for a PKCS12 "
                       "keystore made by keytool it is the same value).");
  }
  settings.keystore = StoreLocation{*path, *password, store_type(config, keys::ssl_rest_keystore_type)};
  settings.key_password = std::move(key_password);
}

}  // namespace

std::optional<std::string> normalize_fingerprint(const std::string& text) {
  std::string hex;
  for (char c : text) {
    if (c == ':') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c)) || hex.size() >= 40) return std::nullopt;
    hex += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (hex.size() != 40) return std::nullopt;
  return hex;
}

bool rest_tls_enabled(const Configuration& config, std::optional<int> flink_major, std::string* key) {
  const char* decided_by = keys::ssl_rest_enabled;
  bool enabled = false;
  if (config.get(keys::ssl_rest_enabled)) {
    enabled = config.get_bool(keys::ssl_rest_enabled, false);
  } else if (config.get(keys::ssl_enabled) && (!flink_major || *flink_major < 2)) {
    // 1.20: isRestSSLEnabled = conf.get(rest.enabled, default = conf.get(security.ssl.enabled)).
    // Flink 2.x removed the key; with an unknown version we read it as 1.x did.
    enabled = config.get_bool(keys::ssl_enabled, false);
    decided_by = keys::ssl_enabled;
  }
  if (key) *key = decided_by;
  return enabled;
}

TlsSettings read_tls_settings(const Configuration& config, std::optional<int> flink_major) {
  TlsSettings settings;
  settings.enabled = rest_tls_enabled(config, flink_major, &settings.enabled_key);
  if (!config.get(keys::ssl_rest_enabled) && config.get(keys::ssl_enabled) && flink_major &&
      *flink_major >= 2) {
    settings.notes.push_back(std::string(keys::ssl_enabled) + " is ignored: Flink " +
                             std::to_string(*flink_major) + ".x no longer reads it (set " +
                             keys::ssl_rest_enabled + " or use -m https://...)");
  }
  if (!settings.enabled) return settings;
  settings.notes.push_back("REST TLS on (" + described(config, settings.enabled_key) + ")");

  settings.mutual = config.get_bool(keys::ssl_rest_authentication, false);
  settings.truststore = read_truststore(config);
  if (settings.mutual) read_keystore(config, settings);

  if (auto text = config.get(keys::ssl_rest_fingerprint); text && !trim(*text).empty()) {
    for (const auto& item : split_list(*text)) {
      auto fingerprint = normalize_fingerprint(item);
      if (!fingerprint) {
        throw config_error("Invalid value '" + one_line(item, 120) + "' in " + keys::ssl_rest_fingerprint +
                           ": expected SHA-1 fingerprints of 40 hex digits (colons optional), "
                           "separated by commas");
      }
      settings.fingerprints.push_back(std::move(*fingerprint));
    }
  }
  settings.verify_hostname = config.get_bool(keys::ssl_rest_verify_hostname, false);
  settings.protocols = split_list(config.get(keys::ssl_protocol).value_or(k_default_ssl_protocol));
  if (settings.protocols.empty()) {
    throw config_error(std::string("The config option ") + keys::ssl_protocol +
                       " is empty: expected TLS protocol versions such as TLSv1.2");
  }
  settings.algorithms = split_list(config.get(keys::ssl_algorithms).value_or(k_default_ssl_algorithms));
  if (settings.algorithms.empty()) {
    throw config_error(std::string("The config option ") + keys::ssl_algorithms +
                       " is empty: expected cipher suite names such as "
                       "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
  }
  if (settings.truststore) {
    settings.notes.push_back("truststore: " + settings.truststore->path.value + " (" +
                             described(config, settings.truststore->path.key) + ")");
  }
  if (settings.keystore) {
    settings.notes.push_back("keystore: " + settings.keystore->path.value + " (" +
                             described(config, settings.keystore->path.key) + ")");
  }
  return settings;
}

}  // namespace flinkcli
