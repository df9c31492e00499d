#pragma once
// REST TLS as Flink's REST client reads it (SecurityOptions and SSLUtils of 1.20.5 and 2.3.0,
// recorded on both): which keys, their defaults and their fallbacks to the generic
// security.ssl.* keys. Only the values are read and checked here, no file is opened; the tls
// layer loads the stores.
#include <optional>
#include <string>
#include <vector>

#include "flinkcli/config/configuration.hpp"

namespace flinkcli {

namespace keys {
inline constexpr const char* ssl_enabled = "security.ssl.enabled";  // 1.x only, deprecated
inline constexpr const char* ssl_rest_authentication = "security.ssl.rest.authentication-enabled";
inline constexpr const char* ssl_rest_truststore = "security.ssl.rest.truststore";
inline constexpr const char* ssl_truststore = "security.ssl.truststore";
inline constexpr const char* ssl_rest_truststore_password = "security.ssl.rest.truststore-password";
inline constexpr const char* ssl_truststore_password = "security.ssl.truststore-password";
inline constexpr const char* ssl_rest_truststore_type = "security.ssl.rest.truststore-type";
inline constexpr const char* ssl_rest_keystore = "security.ssl.rest.keystore";
inline constexpr const char* ssl_keystore = "security.ssl.keystore";
inline constexpr const char* ssl_rest_keystore_password = "security.ssl.rest.keystore-password";
inline constexpr const char* ssl_keystore_password = "security.ssl.keystore-password";
inline constexpr const char* ssl_rest_key_password = "security.ssl.rest.key-password";
inline constexpr const char* ssl_key_password = "security.ssl.key-password";
inline constexpr const char* ssl_rest_keystore_type = "security.ssl.rest.keystore-type";
inline constexpr const char* ssl_rest_fingerprint = "security.ssl.rest.cert.fingerprint";
inline constexpr const char* ssl_rest_verify_hostname = "security.ssl.rest.verify-hostname";
inline constexpr const char* ssl_protocol = "security.ssl.protocol";
inline constexpr const char* ssl_algorithms = "security.ssl.algorithms";
}  // namespace keys

// Flink's defaults (1.20.5 and 2.3.0 alike). The store type default is the JVM's
// KeyStore.getDefaultType() on Java 9+.
inline constexpr const char* k_default_store_type = "pkcs12";
inline constexpr const char* k_default_ssl_protocol = "TLSv1.2";
inline constexpr const char* k_default_ssl_algorithms =
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384";

// A configured value and the key it was read from (the REST key or its generic fallback), so
// messages can name the key the user actually wrote.
struct TlsValue {
  std::string value;
  std::string key;
};

// A truststore or keystore: file, password (a secret: never printed or logged) and type.
struct StoreLocation {
  TlsValue path;
  TlsValue password;
  TlsValue type;  // "pkcs12" unless configured; JKS and PKCS12 files are both read whatever it says
};

struct TlsSettings {
  bool enabled = false;  // https
  // The key that decided `enabled` (security.ssl.rest.enabled, or 1.x's security.ssl.enabled).
  std::string enabled_key;
  bool mutual = false;  // security.ssl.rest.authentication-enabled: present a client certificate
  // None: the system's CAs are trusted (and the host name is always checked, see tls_context.hpp).
  std::optional<StoreLocation> truststore;
  std::optional<StoreLocation> keystore;  // set exactly when `mutual`
  std::optional<TlsValue> key_password;   // set exactly when `mutual` (a secret)
  // SHA-1 fingerprints of the server certificates accepted instead of a chain check: 40
  // lower-case hex digits each, colons removed.
  std::vector<std::string> fingerprints;
  bool verify_hostname = false;         // security.ssl.rest.verify-hostname (2.x key)
  std::vector<std::string> protocols;   // security.ssl.protocol, split on ','
  std::vector<std::string> algorithms;  // security.ssl.algorithms, split on ','
  // For -v: which key decided what (never a password).
  std::vector<std::string> notes;
};

// Whether REST TLS is on: security.ssl.rest.enabled, else (Flink 1.x, or an installation whose
// version is unknown) the deprecated security.ssl.enabled, which Flink 2.x no longer reads.
// Sets `key` to the key that decided, when given.
bool rest_tls_enabled(const Configuration& config, std::optional<int> flink_major,
                      std::string* key = nullptr);

// Reads and checks every REST TLS key the way Flink's REST client does. Without TLS nothing else
// is read. Throws a config CliError naming the key for a malformed value (booleans, fingerprints)
// and for what Flink refuses before connecting: a truststore without its password or the reverse,
// and with mutual TLS a missing keystore, keystore password or key password (the key password
// never falls back to the keystore password).
TlsSettings read_tls_settings(const Configuration& config, std::optional<int> flink_major);

// "65:7F:...:D9" -> "657f...d9"; none unless exactly 40 hex digits remain after removing colons.
std::optional<std::string> normalize_fingerprint(const std::string& text);

}  // namespace flinkcli
