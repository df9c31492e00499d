#pragma once
// TLS of the REST client as Flink configures it (SSLUtils.createRestClientSSLEngineFactory), on an OpenSSL SSL_CTX:
//
// - With a truststore: exactly its anchors are trusted (trusted-certificate entries and each key
//   entry's leaf; no system CAs), the chain is checked by OpenSSL during the handshake, the host
//   name only with security.ssl.rest.verify-hostname: true, and security.ssl.protocol and
//   security.ssl.algorithms restrict the handshake (Flink applies them only in this case).
// - security.ssl.rest.cert.fingerprint (with a truststore, as Flink): the SHA-1 of the server's
//   leaf certificate must be one of them; this replaces the chain check.
// - Without a truststore: the system CAs (OpenSSL's default paths, as the JVM's cacerts), and the
//   host name is ALWAYS checked, whatever verify-hostname says (a deliberate difference from Flink,
//   which would accept any public CA's certificate for any name).
// - Mutual TLS: the keystore's key entry (with its chain) whose issuer the server asks for, else
//   the first one.
//
// Every store is read and checked when the TlsClient is built, before any connection; problems
// are config CliErrors (exit 2) naming the key and the file. Handshake failures are turned into
// one-line tls CliErrors (exit 10) that say what to fix.
#include <openssl/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "flinkcli/config/tls_settings.hpp"
#include "flinkcli/core/error.hpp"

namespace flinkcli {

// Where a failed request ended, as the HTTP client saw it.
enum class TlsFailureStage {
  handshake,  // the TLS handshake did not complete
  exchange,   // it completed, then sending or receiving failed (a TLS 1.3 server rejects a
              // client certificate only after the client's handshake is done)
};

class TlsClient {
 public:
  // Reads and checks the stores and settings; `host` is the name connected to (host names and
  // IP literals alike, IPv6 without brackets).
  TlsClient(const TlsSettings& settings, const std::string& host, int port);
  ~TlsClient();
  TlsClient(const TlsClient&) = delete;
  TlsClient& operator=(const TlsClient&) = delete;

  // Installs trust, host name check, client certificate, protocols and cipher suites on
  // `context` (once). The HTTP client's own certificate verification must be off: all of it is
  // done here. The context keeps what its callbacks need alive on its own.
  void configure(SSL_CTX* context);

  // After a failed request: the TLS failure behind it, from what the handshake callbacks saw and
  // OpenSSL's error queue of this thread (which it empties); none when nothing points at TLS.
  std::optional<CliError> failure(TlsFailureStage stage);

 private:
  struct State;
  std::shared_ptr<State> m_state;
};

// security.ssl.algorithms (Java/IANA suite names) as OpenSSL lists: TLS 1.2 and below for
// SSL_CTX_set_cipher_list, TLS 1.3 for SSL_CTX_set_ciphersuites; names OpenSSL does not know.
struct CipherSelection {
  std::string tls12;
  std::string tls13;
  std::vector<std::string> unknown;
};
CipherSelection openssl_cipher_selection(const std::vector<std::string>& java_names);

// security.ssl.protocol (Java names: TLSv1, TLSv1.1, TLSv1.2, TLSv1.3; SSLv2Hello is ignored) as
// the lowest and highest OpenSSL version; a config CliError for anything else.
struct ProtocolRange {
  int min_version = 0;
  int max_version = 0;
  long disabled_options = 0;  // SSL_OP_NO_* for versions between min and max left out
};
ProtocolRange openssl_protocol_range(const std::vector<std::string>& java_names);

}  // namespace flinkcli
