#pragma once
// One HTTP(S) endpoint as every client of this program reaches it: the host resolved once within
// the time left and the connection pinned to that address (its other addresses tried in turn),
// each attempt's connect and answer bounded by the action's deadline and client.timeout, answers
// read into a bounded buffer, and every failure named by what it means for a retry: nothing was
// sent, the request may have arrived, no answer in time. What to retry and how to report it is
// the caller's (`rest` for the JobManager, `storage` for S3); backoff is shared (`Backoff`).
#include <openssl/types.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "flinkcli/core/clock.hpp"
#include "flinkcli/core/error.hpp"
#include "flinkcli/http/bounded_connect.hpp"

namespace flinkcli {

struct HttpEndpoint {
  std::string scheme = "http";  // "http" or "https"
  std::string host;             // a name, or an address (IPv6 without brackets)
  int port = 80;

  std::string host_port() const;  // "host:8081", "[::1]:8081"
  std::string url() const;        // "http://host:8081"
};

// How an https endpoint is trusted. Either `configure` sets up the SSL_CTX (REST: Flink's TLS
// settings through TlsClient, which also explains failures), or the system's CAs, or the PEM
// bundle `ca_bundle`, are trusted with the host name checked (S3, AWS_CA_BUNDLE).
struct HttpsTrust {
  std::function<void(SSL_CTX*)> configure;
  // After a failed attempt: the TLS failure behind it (handshake: true when the handshake did not
  // complete), none when nothing points at TLS.
  std::function<std::optional<CliError>(bool handshake)> explain_failure;
  std::string ca_bundle;  // with no `configure`: this file instead of the system's CAs
};

using HttpHeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";
  std::string target = "/";  // path and query, already encoded
  HttpHeaderList headers;
  std::string body;
  std::string content_type;  // sent with a body; empty: none
  // A multipart/form-data upload of one file (the body is then built from it).
  struct FilePart {
    std::string field, file_name, content, content_type;
  };
  std::optional<FilePart> file_part;
  std::size_t max_answer_bytes = std::size_t{64} << 20;
};

struct HttpResponse {
  int status = 0;
  HttpHeaderList headers;  // names as sent by the server
  std::string body;
  // The first header of that name (case-insensitive); "" when absent.
  std::string header(std::string_view name) const;
};

enum class HttpFailure {
  none,
  refused,          // the connection was refused or not made in time: nothing was sent
  lost,             // reset or broken after connecting: the request may have arrived
  timed_out,        // connected, and no (whole) answer within the attempt's time
  too_large,        // the answer was longer than max_answer_bytes (the connection is dropped)
  tls,              // the handshake failed, or a TLS alert after it
  other,            // anything else the HTTP library reports
};

struct HttpExchange {
  std::optional<HttpResponse> response;  // set exactly when failure is none
  HttpFailure failure = HttpFailure::none;
  bool connect_timed_out = false;  // refused: because no connection was made in time
  std::string error_text;          // the failure in plain words (describe_http_failure)
};

// A failed attempt in plain words, for error lines and -v logs: the one wording of transport
// failures for the JobManager and S3 alike, never the HTTP library's own names for them.
std::string describe_http_failure(HttpFailure failure);

class HttpConnection {
 public:
  // `resolver` looks the host up (tests give names addresses of their own).
  HttpConnection(HttpEndpoint endpoint, HttpsTrust trust, PeerDescription peer, Clock& clock,
                 Resolver resolver = resolve_with_getaddrinfo);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // One attempt, bounded by `timeouts` (attempt_timeouts() of the time left): resolves the host
  // first (an unreachable CliError when it does not resolve in time) and pins the address.
  HttpExchange exchange(const HttpRequest& request, const AttemptTimeouts& timeouts);

  // Resolves the host within `budget` and pins its first address, unless that was done already;
  // exchange() does it too. Throws an unreachable CliError when it does not resolve in time.
  void resolve(std::chrono::milliseconds budget);

  // After a refused connection: points at the host's next address; false after the last (then
  // at the first again).
  bool next_address();
  // Why connecting fails right now ("Connection refused"), within `budget`.
  std::string describe_connect_failure(std::chrono::milliseconds budget) const;
  // The TLS failure behind a failed attempt (HttpFailure::tls, or lost after a TLS alert); none
  // without https or when nothing points at TLS.
  std::optional<CliError> explain_tls_failure(bool handshake) const;

  const HttpEndpoint& endpoint() const { return m_endpoint; }
  const PeerDescription& peer() const { return m_peer; }

 private:
  struct Client;
  void pin_address();

  HttpEndpoint m_endpoint;
  HttpsTrust m_trust;
  PeerDescription m_peer;
  Clock& m_clock;
  Resolver m_resolver;
  std::unique_ptr<Client> m_client;
  std::vector<std::string> m_addresses;  // resolved once; empty until then
  std::size_t m_address_index = 0;
};

// Jittered exponential backoff: half the step fixed, half random, so that clients retrying
// together do not stay in step; doubling from `first` up to `cap`.
class Backoff {
 public:
  Backoff(std::chrono::milliseconds first = std::chrono::milliseconds(50),
          std::chrono::milliseconds cap = std::chrono::milliseconds(1000));
  std::chrono::milliseconds next();

 private:
  std::chrono::milliseconds m_step;
  std::chrono::milliseconds m_cap;
  std::minstd_rand m_random;
};

}  // namespace flinkcli
