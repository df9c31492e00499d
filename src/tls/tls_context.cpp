// Flink's REST TLS on OpenSSL (SSLUtils.createRestClientSSLEngineFactory): stores loaded up front, verification in handshake
// callbacks that record what went wrong, and that record turned into one line.
#include "flinkcli/tls/tls_context.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <spdlog/spdlog.h>

#include "flinkcli/core/text.hpp"
#include "flinkcli/tls/keystore.hpp"
#include "openssl_ptr.hpp"

namespace flinkcli {

using namespace ossl;

namespace {

CliError config_error(const std::string& message) { return CliError(ErrorClass::config, message); }

std::string name_text(const X509_NAME* name) {
  if (!name) return "?";
  BIO* bio = BIO_new(BIO_s_mem());
  if (!bio) return "?";
  X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  std::string text = length > 0 ? std::string(data, static_cast<std::size_t>(length)) : std::string();
  BIO_free(bio);
  return text.empty() ? "an empty name" : one_line(text, 200);
}

std::string subject_of(const X509* cert) { return cert ? name_text(X509_get_subject_name(cert)) : "?"; }
std::string issuer_of(const X509* cert) { return cert ? name_text(X509_get_issuer_name(cert)) : "?"; }

std::string time_text(const ASN1_TIME* time) {
  if (!time) return "?";
  BIO* bio = BIO_new(BIO_s_mem());
  if (!bio) return "?";
  ASN1_TIME_print(bio, time);
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  std::string text = length > 0 ? std::string(data, static_cast<std::size_t>(length)) : std::string("?");
  BIO_free(bio);
  return text;
}

std::string hex_fingerprint(const unsigned char* digest, unsigned int length) {
  return to_hex(digest, length);
}

std::string colon_fingerprint(const std::string& hex) {
  std::string text;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    if (!text.empty()) text += ':';
    text += to_upper(hex.substr(i, 2));
  }
  return text;
}

X509Ptr certificate_from_der(const std::string& der) {
  const auto* cursor = reinterpret_cast<const unsigned char*>(der.data());
  return X509Ptr(d2i_X509(nullptr, &cursor, static_cast<long>(der.size())));
}

PkeyPtr key_from_pkcs8(const std::string& der) {
  const auto* cursor = reinterpret_cast<const unsigned char*>(der.data());
  P8InfoPtr info(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &cursor, static_cast<long>(der.size())));
  return PkeyPtr(info ? EVP_PKCS82PKEY(info.get()) : nullptr);
}

// A store file, checked to be a regular file of at most k_max_keystore_bytes.
std::string read_store_file(const std::string& path, const std::string& role, const std::string& key) {
  const std::string what = "the " + role + " " + path + " (" + key + ")";
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (error || !std::filesystem::exists(status)) {
    throw config_error("Cannot read " + what + ": " +
                       (error ? error.message() : std::string("No such file or directory")) + ".");
  }
  if (!std::filesystem::is_regular_file(status)) throw config_error("Cannot read " + what + ": not a file.");
  const auto size = std::filesystem::file_size(path, error);
  if (error) throw config_error("Cannot read " + what + ": " + error.message() + ".");
  if (size > k_max_keystore_bytes) throw config_error("Cannot load " + what + ": larger than 16 MiB, not a keystore.");
  std::ifstream in(path, std::ios::binary);
  std::string bytes(static_cast<std::size_t>(size), '\0');
  if (!in || !in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()))) {
    throw config_error("Cannot read " + what + ": " + std::strerror(errno) + ".");
  }
  return bytes;
}

KeystoreContents load_store(const StoreLocation& store, const std::string& role,
                            const std::optional<TlsValue>& key_password) {
  const std::string bytes = read_store_file(store.path.value, role, store.path.key);
  try {
    return read_keystore(bytes, store.password.value,
                         key_password ? std::optional<std::string>(key_password->value) : std::nullopt,
                         store.type.value);
  } catch (const KeystoreError& error) {
    std::string hint;
    switch (error.problem()) {
      case KeystoreProblem::wrong_password: hint = " Check " + store.password.key + "."; break;
      case KeystoreProblem::wrong_key_password:
        hint = " Check " + (key_password ? key_password->key : std::string(keys::ssl_rest_key_password)) + ".";
        break;
      case KeystoreProblem::unsupported_type: hint = " Check " + store.type.key + "."; break;
      default: break;
    }
    throw config_error("Cannot load the " + role + " " + store.path.value + " (" + store.path.key +
                       "): " + error.what() + "." + hint);
  }
}

std::string join(const std::vector<std::string>& items, const char* separator) {
  std::string text;
  for (const auto& item : items) {
    if (!text.empty()) text += separator;
    text += item;
  }
  return text;
}

// The SSL_CTX ex_data slot holding a shared_ptr<State>*, freed with the context.
template <typename State>
int context_index() {
  static const int index = SSL_CTX_get_ex_new_index(
      0, nullptr, nullptr, nullptr,
      [](void*, void* pointer, CRYPTO_EX_DATA*, int, long, void*) {
        delete static_cast<std::shared_ptr<State>*>(pointer);
      });
  return index;
}

constexpr std::initializer_list<int> k_client_certificate_alerts = {
    SSL_R_SSLV3_ALERT_BAD_CERTIFICATE,        SSL_R_SSLV3_ALERT_CERTIFICATE_UNKNOWN,
    SSL_R_TLSV1_ALERT_UNKNOWN_CA,             SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED,
    SSL_R_TLSV1_ALERT_ACCESS_DENIED,          SSL_R_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE,
    SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED,    SSL_R_SSLV3_ALERT_CERTIFICATE_REVOKED,
    SSL_R_TLSV1_ALERT_DECRYPT_ERROR,
};
// TLS alert descriptions (RFC 8446 §6.2) a server sends about a client certificate.
constexpr int k_client_certificate_alert_codes[] = {42, 43, 44, 45, 46, 48, 49, 51, 116};
constexpr std::initializer_list<int> k_not_tls = {
    SSL_R_WRONG_VERSION_NUMBER, SSL_R_PACKET_LENGTH_TOO_LONG, SSL_R_UNKNOWN_PROTOCOL,
    SSL_R_HTTP_REQUEST,         SSL_R_BAD_RECORD_TYPE,
};
constexpr std::initializer_list<int> k_no_common_parameters = {
    SSL_R_TLSV1_ALERT_PROTOCOL_VERSION, SSL_R_UNSUPPORTED_PROTOCOL,     SSL_R_NO_PROTOCOLS_AVAILABLE,
    SSL_R_NO_CIPHERS_AVAILABLE,         SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE,
    SSL_R_TLSV1_ALERT_INSUFFICIENT_SECURITY,
};

bool is_tls13_suite(const std::string& name) {
  for (const char* suite : {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
                            "TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256"}) {
    if (name == suite) return true;
  }
  return false;
}

}  // namespace

CipherSelection openssl_cipher_selection(const std::vector<std::string>& java_names) {
  CipherSelection selection;
  std::vector<std::string> tls12;
  std::vector<std::string> tls13;
  for (const auto& name : java_names) {
    if (name == "TLS_EMPTY_RENEGOTIATION_INFO_SCSV") continue;  // a signal, not a suite
    if (is_tls13_suite(name)) {
      tls13.push_back(name);
      continue;
    }
    const char* openssl_name = OPENSSL_cipher_name(name.c_str());
    if (openssl_name && std::strcmp(openssl_name, "(NONE)") != 0) {
      tls12.emplace_back(openssl_name);
    } else {
      selection.unknown.push_back(name);
    }
  }
  selection.tls12 = join(tls12, ":");
  selection.tls13 = join(tls13, ":");
  return selection;
}

ProtocolRange openssl_protocol_range(const std::vector<std::string>& java_names) {
  struct Version {
    const char* name;
    int version;
    long option;
  };
  static const Version versions[] = {{"tlsv1", TLS1_VERSION, SSL_OP_NO_TLSv1},
                                     {"tlsv1.1", TLS1_1_VERSION, SSL_OP_NO_TLSv1_1},
                                     {"tlsv1.2", TLS1_2_VERSION, SSL_OP_NO_TLSv1_2},
                                     {"tlsv1.3", TLS1_3_VERSION, SSL_OP_NO_TLSv1_3}};
  std::vector<int> enabled;
  for (const auto& name : java_names) {
    const std::string lower = to_lower(name);
    if (lower == "sslv2hello") continue;  // a ClientHello format Java can send, not a version
    const auto* match = std::find_if(std::begin(versions), std::end(versions),
                                     [&](const Version& version) { return lower == version.name; });
    if (match == std::end(versions)) {
      throw config_error("Unsupported protocol '" + one_line(name, 40) + "' in " + keys::ssl_protocol +
                         ": expected TLSv1.2 and/or TLSv1.3 (TLSv1 and TLSv1.1 are accepted but "
                         "refused by OpenSSL 3 at its default security level)");
    }
    enabled.push_back(match->version);
  }
  if (enabled.empty()) {
    throw config_error(std::string("No TLS protocol version in ") + keys::ssl_protocol + ": expected TLSv1.2 and/or TLSv1.3");
  }
  ProtocolRange range;
  range.min_version = *std::min_element(enabled.begin(), enabled.end());
  range.max_version = *std::max_element(enabled.begin(), enabled.end());
  for (const auto& version : versions) {
    const bool inside = version.version > range.min_version && version.version < range.max_version;
    if (inside && std::find(enabled.begin(), enabled.end(), version.version) == enabled.end()) {
      range.disabled_options |= version.option;
    }
  }
  return range;
}

// ---- the client ----

struct TlsClient::State {
  struct Identity {
    std::string alias;
    X509Ptr leaf;
    PkeyPtr key;
    X509StackPtr chain;  // the rest of the chain, sent after the leaf
  };
  // What the callbacks saw during the last handshake.
  struct Diagnostics {
    std::optional<int> verify_error;
    int verify_depth = 0;
    std::string subject;      // of the certificate that failed
    std::string issuer;
    std::string validity;     // "not valid after ..." for expiry errors
    std::string leaf_subject;  // with fingerprint pinning
    bool fingerprint_mismatch = false;
    std::string fingerprint;  // of the server's leaf, hex
    bool certificate_requested = false;
    std::optional<std::string> certificate_sent;  // "CN=..., entry 'alias'"
    bool handshake_done = false;
    // The server sent data or a session ticket after the handshake: it accepted us.
    bool server_accepted = false;
    std::optional<int> alert_received;  // the TLS alert the server sent, when read
  };

  std::string host;
  bool host_is_ip = false;
  std::string host_port;
  std::optional<StoreLocation> truststore;
  std::optional<StoreLocation> keystore;
  std::vector<std::string> fingerprints;
  bool verify_hostname = false;  // the host name is checked (configured, or system CAs)
  bool configured_hostname_check = false;
  std::vector<std::string> protocols;
  std::vector<std::string> algorithms;
  std::vector<X509Ptr> anchors;
  std::vector<Identity> identities;
  Diagnostics diagnostics;
  bool configured = false;

  // As the JDK: an IP literal against the IP entries only, a name against the DNS entries (the
  // CN only when there is none).
  bool host_matches(X509* cert) const {
    if (host_is_ip) return X509_check_ip_asc(cert, host.c_str(), 0) == 1;
    return X509_check_host(cert, host.data(), host.size(), X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, nullptr) == 1;
  }

  static State* of(const SSL_CTX* context) {
    auto* holder = static_cast<std::shared_ptr<State>*>(SSL_CTX_get_ex_data(context, context_index<State>()));
    return holder ? holder->get() : nullptr;
  }
  static State* of(const SSL* ssl) { return ssl ? of(SSL_get_SSL_CTX(ssl)) : nullptr; }
  static State* of(X509_STORE_CTX* store) {
    return of(static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx())));
  }

  void record_verify_error(int error, int depth, const X509* cert) {
    if (diagnostics.verify_error) return;  // the first one is the cause
    diagnostics.verify_error = error;
    diagnostics.verify_depth = depth;
    diagnostics.subject = subject_of(cert);
    diagnostics.issuer = issuer_of(cert);
    if (cert && error == X509_V_ERR_CERT_HAS_EXPIRED) {
      diagnostics.validity = "not valid after " + time_text(X509_get0_notAfter(cert));
    } else if (cert && error == X509_V_ERR_CERT_NOT_YET_VALID) {
      diagnostics.validity = "not valid before " + time_text(X509_get0_notBefore(cert));
    }
  }

  // OpenSSL's chain check (and host name, when set on the context's parameters).
  static int verify_callback(int ok, X509_STORE_CTX* store) {
    if (!ok) {
      if (State* state = of(store)) {
        state->record_verify_error(X509_STORE_CTX_get_error(store), X509_STORE_CTX_get_error_depth(store),
                                   X509_STORE_CTX_get_current_cert(store));
      }
    }
    return ok;
  }

  // Fingerprint pinning, instead of the whole chain check (netty's FingerprintTrustManager).
  static int fingerprint_callback(X509_STORE_CTX* store, void* argument) {
    auto* state = static_cast<State*>(argument);
    X509* leaf = X509_STORE_CTX_get0_cert(store);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (!leaf || X509_digest(leaf, EVP_sha1(), digest, &length) != 1) {
      X509_STORE_CTX_set_error(store, X509_V_ERR_UNSPECIFIED);
      return 0;
    }
    const std::string fingerprint = hex_fingerprint(digest, length);
    state->diagnostics.leaf_subject = subject_of(leaf);
    state->diagnostics.fingerprint = fingerprint;
    if (std::find(state->fingerprints.begin(), state->fingerprints.end(), fingerprint) == state->fingerprints.end()) {
      state->diagnostics.fingerprint_mismatch = true;
      X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
      return 0;
    }
    if (state->verify_hostname && !state->host_matches(leaf)) {
      const int error = state->host_is_ip ? X509_V_ERR_IP_ADDRESS_MISMATCH : X509_V_ERR_HOSTNAME_MISMATCH;
      state->record_verify_error(error, 0, leaf);
      X509_STORE_CTX_set_error(store, error);
      return 0;
    }
    X509_STORE_CTX_set_error(store, X509_V_OK);
    return 1;
  }

  // Called when the server asks for a client certificate: the identity whose chain has an issuer
  // the server named in its CertificateRequest (as Java's SunX509 key manager picks), else the
  // first one.
  static int certificate_callback(SSL* ssl, void* argument) {
    auto* state = static_cast<State*>(argument);
    state->diagnostics.certificate_requested = true;
    if (state->identities.empty()) return 1;
    const Identity* chosen = &state->identities.front();
    const STACK_OF(X509_NAME)* wanted = SSL_get_client_CA_list(ssl);
    auto asked_for = [&](const X509_NAME* issuer) {
      for (int i = 0; wanted && i < sk_X509_NAME_num(wanted); ++i) {
        if (X509_NAME_cmp(sk_X509_NAME_value(wanted, i), issuer) == 0) return true;
      }
      return false;
    };
    for (const auto& identity : state->identities) {
      bool match = asked_for(X509_get_issuer_name(identity.leaf.get()));
      for (int i = 0; !match && i < sk_X509_num(identity.chain.get()); ++i) {
        match = asked_for(X509_get_issuer_name(sk_X509_value(identity.chain.get(), i)));
      }
      if (match) {
        chosen = &identity;
        break;
      }
    }
    if (SSL_use_cert_and_key(ssl, chosen->leaf.get(), chosen->key.get(), chosen->chain.get(), 1) != 1) return 0;
    state->diagnostics.certificate_sent =
        subject_of(chosen->leaf.get()) + (chosen->alias.empty() ? "" : ", entry '" + chosen->alias + "'");
    return 1;
  }

  static void info_callback(const SSL* ssl, int where, int value) {
    State* state = of(ssl);
    if (!state) return;
    if (where & SSL_CB_HANDSHAKE_START) state->diagnostics = Diagnostics{};
    if (where & SSL_CB_HANDSHAKE_DONE) state->diagnostics.handshake_done = true;
    if ((where & SSL_CB_READ_ALERT) && !state->diagnostics.alert_received && (value >> 8) == SSL3_AL_FATAL) {
      state->diagnostics.alert_received = value & 0xFF;
    }
  }

  // Records the server's first application data or post-handshake message (TLS 1.3 session
  // tickets come only once a client certificate is accepted).
  static void message_callback(int write, int version, int content_type, const void* buffer, std::size_t length,
                               SSL* ssl, void* argument) {
    auto* state = static_cast<State*>(argument);
    if (write || !state->diagnostics.handshake_done || state->diagnostics.server_accepted || !buffer) return;
    const auto* bytes = static_cast<const unsigned char*>(buffer);
    const bool tls13 = SSL_version(ssl) >= TLS1_3_VERSION;
    (void)version;
    if (tls13 && content_type == SSL3_RT_INNER_CONTENT_TYPE && length == 1) {
      state->diagnostics.server_accepted = bytes[0] == SSL3_RT_APPLICATION_DATA || bytes[0] == SSL3_RT_HANDSHAKE;
    } else if (!tls13 && content_type == SSL3_RT_HEADER && length >= 1) {
      state->diagnostics.server_accepted = bytes[0] == SSL3_RT_APPLICATION_DATA;
    }
  }
};

TlsClient::TlsClient(const TlsSettings& settings, const std::string& host, int port)
    : m_state(std::make_shared<State>()) {
  State& state = *m_state;
  state.host = host;
  if (ASN1_OCTET_STRING* ip = a2i_IPADDRESS(host.c_str())) {
    state.host_is_ip = true;
    ASN1_OCTET_STRING_free(ip);
  }
  ERR_clear_error();
  state.host_port = (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
  state.truststore = settings.truststore;
  state.keystore = settings.keystore;
  state.protocols = settings.protocols;
  state.algorithms = settings.algorithms;
  state.configured_hostname_check = settings.verify_hostname;
  state.verify_hostname = settings.verify_hostname || !settings.truststore;

  if (settings.truststore) {
    const KeystoreContents trust = load_store(*settings.truststore, "truststore", std::nullopt);
    for (const auto& der : trust.trusted) {
      X509Ptr cert = certificate_from_der(der);
      if (cert) state.anchors.push_back(std::move(cert));
    }
    state.fingerprints = settings.fingerprints;
    if (state.anchors.empty() && state.fingerprints.empty()) {
      std::string why;
      if (trust.untrusted_certificates > 0) {
        why = ": its " + std::to_string(trust.untrusted_certificates) +
              " certificate(s) carry no Java trust attribute (as with openssl pkcs12 -export "
              "-nokeys), so Java ignores them too. Create it with keytool -importcert";
      }
      throw config_error("The truststore " + settings.truststore->path.value + " (" +
                         settings.truststore->path.key + ") holds no trusted certificate" + why + ".");
    }
    std::vector<std::string> names;
    for (const auto& anchor : state.anchors) names.push_back(subject_of(anchor.get()));
    spdlog::debug("TLS: truststore {}: {}, trusting {}", settings.truststore->path.value,
                  keystore_format_name(trust.format), one_line(join(names, "; "), 600));
  } else if (!settings.fingerprints.empty()) {
    // Flink reads the fingerprints only with a truststore; without one it trusts the JVM's CAs.
    spdlog::warn("{} is ignored without a truststore (as in Flink): set {} to pin fingerprints",
                 keys::ssl_rest_fingerprint, keys::ssl_rest_truststore);
  }

  if (settings.mutual && settings.keystore && settings.key_password) {
    const KeystoreContents keys = load_store(*settings.keystore, "keystore", settings.key_password);
    const std::string where = settings.keystore->path.value + " (" + settings.keystore->path.key + ")";
    for (const auto& entry : keys.keys) {
      State::Identity identity;
      identity.alias = entry.alias;
      if (entry.chain.empty()) continue;
      identity.leaf = certificate_from_der(entry.chain.front());
      identity.key = key_from_pkcs8(entry.private_key);
      if (!identity.leaf || !identity.key) {
        throw config_error("Cannot load the keystore " + where + ": the key entry '" + entry.alias + "' cannot be read.");
      }
      if (X509_check_private_key(identity.leaf.get(), identity.key.get()) != 1) {
        ERR_clear_error();
        throw config_error("Cannot load the keystore " + where + ": the private key of entry '" + entry.alias +
                           "' does not belong to its certificate.");
      }
      identity.chain.reset(sk_X509_new_null());
      for (std::size_t i = 1; i < entry.chain.size(); ++i) {
        X509Ptr cert = certificate_from_der(entry.chain[i]);
        if (cert && sk_X509_push(identity.chain.get(), cert.get()) > 0) cert.release();
      }
      spdlog::debug("TLS: client certificate {} (entry '{}', issued by {}) from keystore {}",
                    subject_of(identity.leaf.get()), entry.alias, issuer_of(identity.leaf.get()),
                    settings.keystore->path.value);
      state.identities.push_back(std::move(identity));
    }
    if (state.identities.empty()) {
      throw config_error("The keystore " + where + " has no private key entry: mutual TLS needs the client's "
                         "certificate and its key (keytool -genkeypair, or openssl pkcs12 -export).");
    }
  }
  if (state.truststore) {
    // Checked now, so a bad value is a config error before any connection.
    openssl_protocol_range(state.protocols);
    const CipherSelection ciphers = openssl_cipher_selection(state.algorithms);
    if (ciphers.tls12.empty() && ciphers.tls13.empty()) {
      throw config_error("No cipher suite in " + std::string(keys::ssl_algorithms) + " is known to OpenSSL: '" +
                         one_line(join(state.algorithms, ","), 300) +
                         "'. Use Java/IANA names such as TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256.");
    }
    if (!ciphers.unknown.empty()) {
      spdlog::debug("TLS: ignoring cipher suites OpenSSL does not know, from {}: {}", keys::ssl_algorithms,
                    one_line(join(ciphers.unknown, ","), 300));
    }
  }
}

TlsClient::~TlsClient() = default;

void TlsClient::configure(SSL_CTX* context) {
  State& state = *m_state;
  if (!context) throw CliError(ErrorClass::tls, "TLS is not available: OpenSSL could not create a context.");
  if (state.configured) return;
  auto* holder = new std::shared_ptr<State>(m_state);
  if (SSL_CTX_set_ex_data(context, context_index<State>(), holder) != 1) {
    delete holder;
    throw CliError(ErrorClass::tls, "TLS is not available: OpenSSL could not set up the context.");
  }
  state.configured = true;
  SSL_CTX_set_info_callback(context, State::info_callback);
  SSL_CTX_set_msg_callback(context, State::message_callback);
  SSL_CTX_set_msg_callback_arg(context, &state);
  SSL_CTX_set_cert_cb(context, State::certificate_callback, &state);
  SSL_CTX_set_verify(context, SSL_VERIFY_PEER, State::verify_callback);

  X509_VERIFY_PARAM* parameters = SSL_CTX_get0_param(context);
  if (state.truststore) {
    X509_STORE* store = X509_STORE_new();
    for (const auto& anchor : state.anchors) X509_STORE_add_cert(store, anchor.get());
    SSL_CTX_set_cert_store(context, store);  // owned by the context from here on
    // Any certificate of the truststore is an anchor, self-signed or not, as for Java's PKIX.
    X509_VERIFY_PARAM_set_flags(parameters, X509_V_FLAG_PARTIAL_CHAIN);
    if (!state.fingerprints.empty()) {
      SSL_CTX_set_cert_verify_callback(context, State::fingerprint_callback, &state);
    }
    const ProtocolRange range = openssl_protocol_range(state.protocols);
    SSL_CTX_set_min_proto_version(context, range.min_version);
    SSL_CTX_set_max_proto_version(context, range.max_version);
    if (range.disabled_options) SSL_CTX_set_options(context, static_cast<std::uint64_t>(range.disabled_options));
    const CipherSelection ciphers = openssl_cipher_selection(state.algorithms);
    const bool tls12_ok = ciphers.tls12.empty() || SSL_CTX_set_cipher_list(context, ciphers.tls12.c_str()) == 1;
    const bool tls13_ok = ciphers.tls13.empty() || SSL_CTX_set_ciphersuites(context, ciphers.tls13.c_str()) == 1;
    ERR_clear_error();
    if (!tls12_ok || !tls13_ok) {
      throw config_error("None of the cipher suites in " + std::string(keys::ssl_algorithms) +
                         " can be used with this OpenSSL: '" + one_line(join(state.algorithms, ","), 300) + "'.");
    }
    spdlog::debug("TLS: protocols {} ({}); cipher suites {} ({})", join(state.protocols, ","), keys::ssl_protocol,
                  one_line(ciphers.tls12 + (ciphers.tls13.empty() ? "" : ":" + ciphers.tls13), 300),
                  keys::ssl_algorithms);
    if (!state.fingerprints.empty()) {
      spdlog::debug("TLS: accepting a server certificate by its SHA-1 fingerprint only ({})", keys::ssl_rest_fingerprint);
    }
  } else {
    SSL_CTX_set_default_verify_paths(context);
    spdlog::debug("TLS: no truststore configured: trusting the system CAs");
  }
  if (state.verify_hostname && state.fingerprints.empty()) {
    if (X509_VERIFY_PARAM_set1_ip_asc(parameters, state.host.c_str()) != 1) {
      X509_VERIFY_PARAM_set_hostflags(parameters, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      X509_VERIFY_PARAM_set1_host(parameters, state.host.c_str(), state.host.size());
    }
  }
  ERR_clear_error();
  spdlog::debug("TLS: host name {}", state.verify_hostname
                                         ? "checked against '" + state.host + "'" +
                                               (state.configured_hostname_check ? "" : " (always without a truststore)")
                                         : std::string("not checked (") + keys::ssl_rest_verify_hostname +
                                               ": false, as in Flink)");
}

std::optional<CliError> TlsClient::failure(TlsFailureStage stage) {
  const State& state = *m_state;
  const auto& seen = state.diagnostics;
  std::vector<unsigned long> errors;
  while (unsigned long error = ERR_get_error()) {
    if (errors.size() < 16) errors.push_back(error);
  }
  std::string openssl;
  auto has = [&](std::initializer_list<int> reasons) {
    for (unsigned long error : errors) {
      if (ERR_GET_LIB(error) != ERR_LIB_SSL) continue;
      const int reason = ERR_GET_REASON(error);
      if (std::find(reasons.begin(), reasons.end(), reason) != reasons.end()) return true;
    }
    return false;
  };
  std::vector<std::string> texts;
  for (unsigned long error : errors) {
    if (ERR_GET_LIB(error) == ERR_LIB_SSL && ERR_GET_REASON(error) == SSL_R_SHUTDOWN_WHILE_IN_INIT) continue;
    char text[256];
    ERR_error_string_n(error, text, sizeof(text));
    texts.emplace_back(text);
    const char* reason = ERR_reason_error_string(error);
    if (openssl.empty() && reason) openssl = reason;
  }
  const std::string detail = "OpenSSL: " + (texts.empty() ? std::string("no error reported") : join(texts, "; "));
  const std::string& where = state.host_port;
  auto tls_error = [&](const std::string& message, const std::string& cause) {
    return CliError(ErrorClass::tls, "TLS: " + message + (cause.empty() ? "" : " (" + cause + ")"), detail);
  };
  const std::string truststore = state.truststore ? "the truststore " + state.truststore->path.value + " (" +
                                                        state.truststore->path.key + ")"
                                                  : std::string();

  if (seen.fingerprint_mismatch) {
    return tls_error("the certificate of the JobManager at " + where + " (" + seen.leaf_subject +
                         ") has the SHA-1 fingerprint " + colon_fingerprint(seen.fingerprint) + ", which is not in " +
                         keys::ssl_rest_fingerprint + "; add it there if this is the right server",
                     "server certificate with unknown fingerprint");
  }
  if (seen.verify_error) {
    const int code = *seen.verify_error;
    const std::string cause = X509_verify_cert_error_string(code);
    const std::string which = seen.verify_depth == 0 ? "the certificate of the JobManager at " + where + " (" + seen.subject + ")"
                                                     : "a certificate in the chain of the JobManager at " + where + " (" + seen.subject + ")";
    switch (code) {
      case X509_V_ERR_HOSTNAME_MISMATCH:
      case X509_V_ERR_IP_ADDRESS_MISMATCH:
        return tls_error(which + " is not issued for the host '" + state.host + "' (" +
                             (state.configured_hostname_check
                                  ? std::string(keys::ssl_rest_verify_hostname) + ": true"
                                  : std::string("the host name is always checked when no truststore is configured")) +
                             "): connect with a name or address the certificate carries in its subjectAltName, "
                             "or reissue the certificate",
                         cause);
      case X509_V_ERR_CERT_HAS_EXPIRED:
      case X509_V_ERR_CERT_NOT_YET_VALID:
        return tls_error(which + " is " + (code == X509_V_ERR_CERT_HAS_EXPIRED ? "expired" : "not valid yet") +
                             (seen.validity.empty() ? "" : " (" + seen.validity + ")") +
                             ": renew the JobManager's certificate (or check this machine's clock)",
                         cause);
      case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
      case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
      case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
      case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
      case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
      case X509_V_ERR_CERT_UNTRUSTED:
      case X509_V_ERR_CERT_SIGNATURE_FAILURE:
        if (state.truststore) {
          return tls_error(which + ", issued by " + seen.issuer + ", is not trusted by " + truststore +
                               ": import the JobManager's CA certificate (or its own certificate) into it with "
                               "keytool -importcert, or point " + state.truststore->path.key + " at the right store",
                           cause);
        }
        return tls_error(which + ", issued by " + seen.issuer +
                             ", is not trusted by the system CAs: configure " + keys::ssl_rest_truststore + " and " +
                             keys::ssl_rest_truststore_password + " with a store holding its CA certificate",
                         cause);
      default:
        return tls_error(which + " was refused: fix the JobManager's certificate or " +
                             (state.truststore ? truststore : std::string("configure ") + keys::ssl_rest_truststore),
                         cause);
    }
  }
  const bool client_certificate_alert =
      has(k_client_certificate_alerts) ||
      (seen.alert_received && std::find(std::begin(k_client_certificate_alert_codes), std::end(k_client_certificate_alert_codes),
                                        *seen.alert_received) != std::end(k_client_certificate_alert_codes));
  if (seen.alert_received && openssl.empty()) openssl = std::string("alert ") + SSL_alert_desc_string_long(*seen.alert_received);
  // A server that asked for a certificate, got none, and hung up before answering anything
  // requires one (with TLS 1.3 it says so only after the client's handshake is done, and its
  // alert may go unread when the request write fails first).
  if (seen.certificate_requested && !seen.certificate_sent &&
      (stage == TlsFailureStage::handshake || client_certificate_alert || !seen.server_accepted)) {
    return tls_error("the JobManager at " + where + " requires a client certificate (mutual TLS): set " +
                         keys::ssl_rest_authentication + ": true with " + keys::ssl_rest_keystore + ", " +
                         keys::ssl_rest_keystore_password + " and " + keys::ssl_rest_key_password,
                     openssl);
  }
  if (seen.certificate_sent && client_certificate_alert) {
    return tls_error("the JobManager at " + where + " rejected our client certificate (" + *seen.certificate_sent +
                         " of the keystore " + (state.keystore ? state.keystore->path.value : std::string("?")) +
                         "): its issuer must be in the JobManager's truststore, and the certificate valid",
                     openssl);
  }
  if (has(k_not_tls)) {
    return tls_error("the server at " + where + " does not speak TLS (a plain HTTP endpoint?): use -m http://" +
                         where + ", or set security.ssl.rest.enabled: false",
                     openssl);
  }
  if (has(k_no_common_parameters)) {
    const std::string limits = state.truststore ? std::string(" (") + keys::ssl_protocol + ": " + join(state.protocols, ",") +
                                                      ", " + keys::ssl_algorithms + ": " + join(state.algorithms, ",") +
                                                      "; applied because a truststore is configured, as in Flink)"
                                                : std::string();
    return tls_error("the JobManager at " + where + " and this client share no TLS protocol version or cipher suite" +
                         limits + ": align security.ssl.protocol and security.ssl.algorithms with the JobManager's",
                     openssl);
  }
  if (stage == TlsFailureStage::exchange) {
    // Without TLS evidence a broken exchange is the HTTP client's business (reset, timeout).
    if (!client_certificate_alert) return std::nullopt;
    return tls_error("the JobManager at " + where + " refused the TLS connection", openssl);
  }
  if (errors.empty() || has({SSL_R_UNEXPECTED_EOF_WHILE_READING})) {
    return tls_error("the TLS handshake with the JobManager at " + where +
                         " did not complete: the server closed the connection or did not answer. Is it serving "
                         "https? If it speaks plain HTTP, use -m http://" + where +
                         " or set security.ssl.rest.enabled: false",
                     openssl);
  }
  return tls_error("the TLS handshake with the JobManager at " + where + " failed", openssl);
}

}  // namespace flinkcli
