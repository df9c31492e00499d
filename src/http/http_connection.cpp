#include "flinkcli/http/http_connection.hpp"

#include <httplib.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "flinkcli/core/text.hpp"

namespace flinkcli {

using std::chrono::milliseconds;

std::string HttpEndpoint::host_port() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string HttpEndpoint::url() const { return scheme + "://" + host_port(); }

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (to_lower(key) == to_lower(std::string(name))) return value;
  }
  return "";
}

struct HttpConnection::Client {
  httplib::Client client;
  explicit Client(const std::string& url) : client(url) {}
};

namespace {

// The system's CAs, or a PEM bundle, with the host name checked: OpenSSL does all of it during
// the handshake, so the HTTP library's own verification stays off.
void trust_certificate_authorities(SSL_CTX* context, const std::string& ca_bundle, const std::string& host) {
  const bool loaded = ca_bundle.empty() ? SSL_CTX_set_default_verify_paths(context) == 1
                                        : SSL_CTX_load_verify_locations(context, ca_bundle.c_str(), nullptr) == 1;
  if (!loaded) {
    throw CliError(ErrorClass::config, ca_bundle.empty()
                                           ? "Cannot load the system's CA certificates for TLS"
                                           : "Cannot read the CA bundle " + ca_bundle +
                                                 " (AWS_CA_BUNDLE): it must be PEM certificates");
  }
  SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nullptr);
  X509_VERIFY_PARAM* param = SSL_CTX_get0_param(context);
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  const bool is_address = host.find(':') != std::string::npos ||
                          std::all_of(host.begin(), host.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == '.'; });
  if (is_address) {
    X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
  } else {
    X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
  }
}

HttpFailure failure_of(httplib::Error error) {
  switch (error) {
    case httplib::Error::Success:
      return HttpFailure::none;
    case httplib::Error::Connection:
    case httplib::Error::ConnectionTimeout:
      return HttpFailure::refused;
    case httplib::Error::Read:
    case httplib::Error::Write:
      return HttpFailure::lost;
    case httplib::Error::SSLConnection:
    case httplib::Error::SSLServerVerification:
    case httplib::Error::SSLLoadingCerts:
      return HttpFailure::tls;
    default:
      return HttpFailure::other;
  }
}

}  // namespace

std::string describe_http_failure(HttpFailure failure) {
  switch (failure) {
    case HttpFailure::none:
      return "no failure";
    case HttpFailure::refused:
      return "connection refused or not made";
    case HttpFailure::lost:
      return "connection closed or reset before a whole answer arrived";
    case HttpFailure::timed_out:
      return "no whole answer in time";
    case HttpFailure::too_large:
      return "answer too long";
    case HttpFailure::tls:
      return "TLS handshake failed";
    case HttpFailure::other:
      break;
  }
  return "unexpected failure of the HTTP client";
}

HttpConnection::HttpConnection(HttpEndpoint endpoint, HttpsTrust trust, PeerDescription peer, Clock& clock,
                               Resolver resolver)
    : m_endpoint(std::move(endpoint)),
      m_trust(std::move(trust)),
      m_peer(std::move(peer)),
      m_clock(clock),
      m_resolver(std::move(resolver)),
      m_client(std::make_unique<Client>(m_endpoint.scheme + "://" + m_endpoint.host_port())) {
  httplib::Client& client = m_client->client;
  if (m_endpoint.scheme == "https") {
    client.enable_server_certificate_verification(false);  // OpenSSL verifies, set up here
    if (m_trust.configure) {
      m_trust.configure(client.ssl_context());
    } else {
      trust_certificate_authorities(client.ssl_context(), m_trust.ca_bundle, m_endpoint.host);
    }
  }
  client.set_keep_alive(true);
  client.set_tcp_nodelay(true);  // small request/answer pairs: Nagle only adds latency
}

HttpConnection::~HttpConnection() = default;

void HttpConnection::resolve(milliseconds budget) {
  if (!m_addresses.empty()) return;
  m_addresses = resolve_within(m_endpoint.host, m_endpoint.port, budget, m_resolver, m_peer);
  m_address_index = 0;
  pin_address();
}

bool HttpConnection::next_address() {
  const bool more = m_address_index + 1 < m_addresses.size();
  m_address_index = more ? m_address_index + 1 : 0;
  pin_address();
  return more;
}

void HttpConnection::pin_address() {
  if (m_addresses.empty()) return;
  spdlog::debug("{} is {}", m_endpoint.host, m_addresses[m_address_index]);
  m_client->client.set_hostname_addr_map({{m_endpoint.host, m_addresses[m_address_index]}});
}

std::string HttpConnection::describe_connect_failure(milliseconds budget) const {
  return flinkcli::describe_connect_failure(m_addresses, m_endpoint.port, budget, m_peer.peer);
}

std::optional<CliError> HttpConnection::explain_tls_failure(bool handshake) const {
  if (m_endpoint.scheme != "https") return std::nullopt;
  if (m_trust.explain_failure) return m_trust.explain_failure(handshake);
  if (!handshake) return std::nullopt;
  // Without TlsClient: OpenSSL's own reason, one line.
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  std::string reason = code ? ERR_reason_error_string(code) ? ERR_reason_error_string(code) : "unknown" : "";
  return CliError(ErrorClass::tls, "TLS handshake with " + m_peer.peer + " at " + m_endpoint.host_port() +
                                       " failed" + (reason.empty() ? "" : " (" + reason + ")") +
                                       (m_trust.ca_bundle.empty()
                                            ? "; if it uses a private CA, set AWS_CA_BUNDLE to its certificate"
                                            : "; check that AWS_CA_BUNDLE (" + m_trust.ca_bundle +
                                                  ") holds the CA that signed its certificate"));
}

HttpExchange HttpConnection::exchange(const HttpRequest& request, const AttemptTimeouts& timeouts) {
  resolve(timeouts.answer);
  httplib::Client& client = m_client->client;
  client.set_connection_timeout(timeouts.connect);
  client.set_read_timeout(timeouts.answer);
  client.set_write_timeout(timeouts.answer);

  httplib::Headers headers;
  for (const auto& [name, value] : request.headers) headers.emplace(name, value);
  const auto attempt_start = m_clock.now();
  httplib::Result result{nullptr, httplib::Error::Unknown};
  std::string received;
  bool too_large = false;
  if (request.file_part) {
    const auto& part = *request.file_part;
    httplib::MultipartFormDataItems items{{part.field, part.content, part.file_name, part.content_type}};
    result = client.Post(request.target.c_str(), headers, items);
    if (result && result->body.size() > request.max_answer_bytes) too_large = true;
  } else {
    httplib::Request sent;
    sent.method = request.method;
    sent.path = request.target;
    sent.headers = std::move(headers);
    if (!request.body.empty() || (request.method != "GET" && request.method != "HEAD" && request.method != "DELETE")) {
      sent.body = request.body;
      if (!request.content_type.empty()) sent.set_header("Content-Type", request.content_type);
    }
    // A HEAD answer has no body, whatever its Content-Length says.
    if (request.method != "HEAD") {
      sent.content_receiver = [&](const char* data, std::size_t length, std::uint64_t, std::uint64_t) {
        if (received.size() + length > request.max_answer_bytes) {
          too_large = true;
          return false;
        }
        received.append(data, length);
        return true;
      };
    }
    result = client.send(sent);
  }

  HttpExchange exchange;
  if (too_large) {
    exchange.failure = HttpFailure::too_large;
    exchange.error_text = describe_http_failure(exchange.failure) + ": longer than " +
                          std::to_string(request.max_answer_bytes) + " bytes";
    client.stop();  // the rest of that answer is never read
    return exchange;
  }
  if (!result) {
    const httplib::Error error = result.error();
    exchange.failure = failure_of(error);
    exchange.connect_timed_out = error == httplib::Error::ConnectionTimeout;
    if (exchange.failure == HttpFailure::lost) {
      // The attempt's whole time went by: no answer in time rather than a broken connection.
      const bool timed_out = m_clock.now() - attempt_start >=
                             timeouts.answer - std::min(milliseconds(50), timeouts.answer / 10);
      if (timed_out) exchange.failure = HttpFailure::timed_out;
    }
    exchange.error_text = describe_http_failure(exchange.failure);
    spdlog::debug("{} {}: {} (HTTP client error {})", request.method, request.target, exchange.error_text,
                  httplib::to_string(error));
    return exchange;
  }
  HttpResponse response;
  response.status = result->status;
  for (const auto& [name, value] : result->headers) response.headers.emplace_back(name, value);
  response.body = request.file_part ? std::move(result->body) : std::move(received);
  exchange.response = std::move(response);
  return exchange;
}

Backoff::Backoff(milliseconds first, milliseconds cap) : m_step(first), m_cap(cap), m_random(std::random_device{}()) {}

milliseconds Backoff::next() {
  const auto half = std::max<milliseconds::rep>(m_step.count() / 2, 1);
  const milliseconds pause(half + static_cast<milliseconds::rep>(m_random() % static_cast<unsigned>(half + 1)));
  m_step = std::min(m_step * 2, m_cap);
  return pause;
}

}  // namespace flinkcli
