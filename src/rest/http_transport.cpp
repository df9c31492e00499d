#include "http_transport.hpp"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <spdlog/spdlog.h>

#include "flinkcli/core/error.hpp"
#include "flinkcli/core/text.hpp"
#include "flinkcli/rest/flink_error_text.hpp"

namespace flinkcli {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

std::optional<std::string> resolve_error(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found); rc != 0) {
    return std::string(rc == EAI_SYSTEM ? std::strerror(errno) : gai_strerror(rc));
  }
  freeaddrinfo(found);
  return std::nullopt;
}

std::string describe_connect_failure(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found); rc != 0) {
    return std::string("cannot resolve host: ") + gai_strerror(rc);
  }
  std::string reason = "connection failed";
  for (addrinfo* ai = found; ai; ai = ai->ai_next) {
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK, ai->ai_protocol);
    if (fd < 0) continue;
    int rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
    int error = rc == 0 ? 0 : errno;
    if (error == EINPROGRESS) {
      pollfd pfd{fd, POLLOUT, 0};
      if (poll(&pfd, 1, 2000) == 1) {
        socklen_t len = sizeof(error);
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len);
      } else {
        error = ETIMEDOUT;
      }
    }
    close(fd);
    if (error == 0) {
      reason = "the connection was closed before the JobManager answered";
      break;
    }
    reason = std::strerror(error);
  }
  freeaddrinfo(found);
  return reason;
}

namespace {

constexpr const char* k_check_address =
    "Check that the cluster is running and -m / rest.address / rest.port point to its REST "
    "endpoint.";

// With https, every store is read (and every TLS setting checked) here, before any request.
std::unique_ptr<TlsClient> make_tls_client(const RestSettings& settings) {
  if (settings.endpoint.scheme != "https") return nullptr;
  return std::make_unique<TlsClient>(settings.tls, settings.endpoint.host, settings.endpoint.port);
}

std::unique_ptr<httplib::Client> make_client(const RestSettings& settings, TlsClient* tls) {
  const RestEndpoint& endpoint = settings.endpoint;
  auto client = std::make_unique<httplib::Client>(endpoint.scheme + "://" + endpoint.host_port());
  if (tls) {
    client->enable_server_certificate_verification(false);  // TlsClient verifies, as Flink does
    tls->configure(client->ssl_context());
  }
  client->set_keep_alive(true);
  client->set_tcp_nodelay(true);  // small request/answer pairs: Nagle only adds latency
  client->set_connection_timeout(std::min(settings.request_timeout, milliseconds(5000)));
  return client;
}

// A leader that keeps moving (each refused) is followed this many times in one request at most.
constexpr int k_max_leader_moves = 10;

bool is_connect_error(httplib::Error error) {
  return error == httplib::Error::Connection || error == httplib::Error::ConnectionTimeout;
}

// Flink's error body {"errors": ["...", ...]} as one trace; "" when the body is not one.
std::string errors_text(const nlohmann::json& body) {
  std::string text;
  if (body.is_object() && body.contains("errors") && body["errors"].is_array()) {
    for (const auto& item : body["errors"]) {
      if (!item.is_string()) continue;
      if (!text.empty()) text += "\nCaused by: ";
      text += item.get<std::string>();
    }
  }
  return text;
}

bool is_gateway_status(int status) { return status == 502 || status == 503 || status == 504; }

// Attempts of one request at most (retries of refused connections are also bounded by
// RestSettings::connect_retry, all of them by the action's deadline).
constexpr int k_max_attempts = 8;

// The largest answer read (a job list of tens of thousands of jobs is a few MiB).
constexpr std::size_t k_max_answer_bytes = std::size_t{64} << 20;

// Flink's 404 for a path it does not serve: the router's "Not found: <uri>", or for a GET the
// web UI's static file handler ("Unable to load requested file <path>.", recorded on 1.20).
bool is_missing_route(const std::string& trace) {
  return trace.rfind("Not found: /", 0) == 0 || trace.rfind("Unable to load requested file /", 0) == 0;
}

}  // namespace

HttpTransport::HttpTransport(RestSettings settings, Clock& clock)
    : m_settings(std::move(settings)),
      m_clock(clock),
      m_tls(make_tls_client(m_settings)),
      m_client(make_client(m_settings, m_tls.get())),
      m_jitter(std::random_device{}()) {
  m_headers.emplace("Accept", "application/json");
  m_headers.emplace("User-Agent", std::string("flinkcli/") + FLINKCLI_VERSION);
  for (const auto& [name, value] : m_settings.headers) m_headers.emplace(name, value);
}

milliseconds HttpTransport::timeout_for_attempt() const {
  if (!m_deadline) return m_settings.request_timeout;
  // What is left of the action's budget; a little at least, so a call past the deadline still
  // gets its answer or fails as a timeout naming the request.
  return std::clamp(remaining_until(*m_deadline, m_clock), milliseconds(100),
                    m_settings.request_timeout);
}

bool HttpTransport::may_retry(int attempts, milliseconds backoff) const {
  return attempts < k_max_attempts && (!m_deadline || m_clock.now() + backoff < *m_deadline);
}

milliseconds HttpTransport::jittered(milliseconds backoff) {
  // Half fixed, half random: clients retrying together do not stay in step.
  const auto half = std::max<milliseconds::rep>(backoff.count() / 2, 1);
  return milliseconds(half + static_cast<milliseconds::rep>(m_jitter() % static_cast<unsigned>(half + 1)));
}

bool HttpTransport::follow_leader() {
  if (!m_settings.rediscover || m_leader_moves >= k_max_leader_moves) return false;
  const auto until = m_deadline ? *m_deadline : m_clock.now() + m_settings.request_timeout;
  const RestEndpoint leader = m_settings.rediscover(until);  // throws when none is found by then
  RestEndpoint& current = m_settings.endpoint;
  if (leader.host == current.host && leader.port == current.port) return false;
  spdlog::debug("the leading JobManager moved from {} to {}", current.host_port(), leader.host_port());
  if (!m_first_leader) m_first_leader = current.host_port();
  ++m_leader_moves;
  current.host = leader.host;
  current.port = leader.port;
  m_tls = make_tls_client(m_settings);
  m_client = make_client(m_settings, m_tls.get());
  return true;
}

template <typename Call>
HttpReply HttpTransport::perform(const std::string& method, const std::string& path,
                                 const RequestOptions& options, Call&& call) {
  const std::string full_path = m_settings.endpoint.path_prefix + path;
  const auto& endpoint = m_settings.endpoint;
  const bool idempotent = options.retry == Retry::idempotent;
  const auto start = m_clock.now();
  milliseconds backoff(50);
  bool host_resolves = false;
  for (int attempt = 1;; ++attempt) {
    spdlog::debug("{} {}{}", method, endpoint.url(), path);  // never headers: secrets
    const auto attempt_start = m_clock.now();
    const milliseconds attempt_timeout = timeout_for_attempt();
    m_client->set_read_timeout(attempt_timeout);
    m_client->set_write_timeout(attempt_timeout);
    httplib::Result result = call(full_path);
    const milliseconds pause = jittered(backoff);
    backoff = std::min(backoff * 2, milliseconds(1000));
    if (result) {
      // Under high availability, a JobManager that lost its leadership: ask who leads now.
      if (idempotent && is_gateway_status(result->status) && follow_leader()) continue;
      // A proxy without a JobManager behind it, or Flink electing a leader: worth another try.
      if (idempotent && is_gateway_status(result->status) && may_retry(attempt, pause)) {
        spdlog::debug("{} {} answered HTTP {}; retrying in {} ms (attempt {} of {})", method, path,
                      result->status, pause.count(), attempt + 1, k_max_attempts);
        m_clock.sleep_for(pause);
        continue;
      }
      return to_reply(method, path, options.missing_route_ok, result.value());
    }

    const auto error = result.error();
    if (m_tls && !is_connect_error(error)) throw_if_tls_failure(error);  // never retried
    if (!is_connect_error(error)) {
      const bool timed_out = m_clock.now() - attempt_start >= attempt_timeout - std::min(milliseconds(50), attempt_timeout / 10);
      const bool broken = error == httplib::Error::Read || error == httplib::Error::Write;
      // The request may have reached the JobManager: only a request that may run twice is sent again.
      if (idempotent && broken && !timed_out && may_retry(attempt, pause)) {
        spdlog::debug("{} {}: connection lost ({}); retrying in {} ms (attempt {} of {})", method, path,
                      httplib::to_string(error), pause.count(), attempt + 1, k_max_attempts);
        m_clock.sleep_for(pause);
        continue;
      }
      throw_transport_error(error, method, path, attempt_start, attempt_timeout);
    }
    // A name that does not resolve will not resolve in a second either: say so at once.
    if (!host_resolves) {
      if (auto why = resolve_error(endpoint.host, endpoint.port)) {
        throw CliError(ErrorClass::unreachable, "Cannot resolve the JobManager host '" +
                                                    endpoint.host + "': " + *why + ". " +
                                                    k_check_address);
      }
      host_resolves = true;
    }
    // Under high availability a refused connection may be a crashed leader: ask who leads now, and
    // go there at once when that changed.
    if (follow_leader()) continue;
    // Nothing reached the JobManager, so retrying cannot duplicate an operation. Under high
    // availability, until the crashed leader's znode expires (no limit on attempts but time).
    const bool attempts_left = m_settings.rediscover ? (!m_deadline || m_clock.now() + pause < *m_deadline)
                                                     : may_retry(attempt, pause);
    if (m_clock.now() - start + pause < m_settings.connect_retry && attempts_left) {
      spdlog::debug("connection failed ({}), retrying in {} ms (attempt {} of {})",
                    httplib::to_string(error), pause.count(), attempt + 1, k_max_attempts);
      m_clock.sleep_for(pause);
      continue;
    }
    throw CliError(ErrorClass::unreachable,
                   "Could not connect to the JobManager at " + endpoint.host_port() + ": " +
                       (error == httplib::Error::ConnectionTimeout
                            ? "connection timed out"
                            : describe_connect_failure(endpoint.host, endpoint.port)) +
                       ". " + (m_settings.endpoint_origin.empty()
                                   ? std::string(k_check_address)
                                   : "It is " + m_settings.endpoint_origin + "; check that it runs."));
  }
}

void HttpTransport::throw_transport_error(httplib::Error error, const std::string& method,
                                          const std::string& path, steady_clock::time_point attempt_start,
                                          milliseconds attempt_timeout) {
  const std::string where = m_settings.endpoint.host_port();
  if (error == httplib::Error::SSLServerVerification || error == httplib::Error::SSLConnection ||
      error == httplib::Error::SSLLoadingCerts) {
    throw CliError(ErrorClass::tls, "TLS handshake with the JobManager at " + where + " failed (" +
                                        httplib::to_string(error) + ")");
  }
  const auto elapsed = m_clock.now() - attempt_start;
  if ((error == httplib::Error::Read || error == httplib::Error::Write) &&
      elapsed >= attempt_timeout - std::min(milliseconds(50), attempt_timeout / 10)) {
    throw CliError(ErrorClass::timeout,
                   "The JobManager at " + where + " did not answer " + method + " " + path +
                       " within " + format_duration(m_settings.request_timeout) + " (client.timeout)" +
                       (method == "GET" ? "" : "; the operation may still complete on the cluster"));
  }
  throw CliError(ErrorClass::unreachable, "Connection to the JobManager at " + where +
                                              " failed during " + method + " " + path + " (" +
                                              httplib::to_string(error) + ")");
}

void HttpTransport::throw_if_tls_failure(httplib::Error error) {
  const bool handshake = error == httplib::Error::SSLConnection ||
                         error == httplib::Error::SSLServerVerification ||
                         error == httplib::Error::SSLLoadingCerts;
  if (auto failure = m_tls->failure(handshake ? TlsFailureStage::handshake : TlsFailureStage::exchange)) {
    throw *failure;
  }
}

HttpReply HttpTransport::to_reply(const std::string& method, const std::string& path,
                                  bool missing_route_ok, const httplib::Response& response) {
  const std::string where = m_settings.endpoint.url();
  HttpReply reply;
  reply.status = response.status;
  nlohmann::json body;
  bool parsed = true;
  if (!response.body.empty()) {
    body = nlohmann::json::parse(response.body, nullptr, false);
    parsed = !body.is_discarded();
  }
  // What the server sent, for -v only: one bounded line, never an HTML page on the terminal.
  const std::string excerpt = "answer: " + one_line(response.body, 300);
  if (response.status >= 200 && response.status < 300) {
    if (!parsed) {
      throw CliError(ErrorClass::protocol,
                     "The server at " + where + " answered " + method + " " + path +
                         " with something that is not JSON; is it a Flink JobManager REST "
                         "endpoint (-m / rest.address / rest.path)?",
                     excerpt);
    }
    reply.body = std::move(body);
    return reply;
  }
  const std::string status = "HTTP " + std::to_string(response.status);
  if (response.status >= 300 && response.status < 400) {
    // Flink's TLS port answers plain HTTP with 301 to https://; we never follow redirects.
    const std::string location = one_line(response.get_header_value("Location"), 300);
    const bool to_https = location.rfind("https://", 0) == 0 && m_settings.endpoint.scheme == "http";
    throw CliError(ErrorClass::protocol,
                   "The server at " + where + " answered " + method + " " + path + " with a redirect (" +
                       status + (location.empty() ? "" : " to " + location) + ")" +
                       (to_https ? "; it serves https: use -m https://" + m_settings.endpoint.host_port() +
                                       " or security.ssl.rest.enabled: true"
                                 : "; point -m / rest.address / rest.path at the JobManager itself"),
                   excerpt);
  }
  const std::string trace = parsed ? errors_text(body) : std::string();
  if (trace.empty()) {
    // Not Flink's error format: a proxy, a load balancer, another web server.
    if (is_gateway_status(response.status)) {
      throw CliError(ErrorClass::unreachable,
                     "The server at " + where + " answered " + method + " " + path + " with " +
                         status + " instead of the JobManager (a proxy or load balancer without a "
                         "reachable JobManager behind it?)",
                     excerpt);
    }
    throw CliError(ErrorClass::protocol,
                   "The server at " + where + " is not a Flink JobManager REST endpoint (" +
                       status + " for " + method + " " + path + "). " + k_check_address,
                   excerpt);
  }
  // Flink's router has no such path: a wrong rest.path or -m path prefix, or an endpoint this
  // JobManager does not serve.
  if (response.status == 404 && is_missing_route(trace)) {
    if (missing_route_ok) return reply;
    throw CliError(ErrorClass::protocol,
                   "The server at " + where + " has no REST endpoint " + method + " " + path +
                       " (HTTP 404, " + one_line(trace, 200) + "). Check -m / rest.address / "
                       "rest.path.",
                   excerpt);
  }
  CliError failure = java_failure(trace);
  if (response.status == 404) failure = CliError(ErrorClass::not_found, failure.what(), failure.detail());
  // Flink itself busy electing a leader (503) and still so after the retries: not a failed operation.
  if (is_gateway_status(response.status)) {
    failure = CliError(ErrorClass::unreachable, failure.what(), failure.detail());
  }
  throw failure;
}

HttpReply HttpTransport::send(const std::string& method, const std::string& path,
                              const nlohmann::json* body, const RequestOptions& options) {
  std::string payload;
  if (body) {
    try {
      payload = body->dump();
    } catch (const nlohmann::json::type_error&) {
      // The only way a dump fails: a string that is not UTF-8, and they come from the user.
      throw CliError::usage("An argument is not valid UTF-8 text, which Flink's REST API requires; "
                            "check paths and names for stray bytes.");
    }
  }
  return perform(method, path, options, [&](const std::string& full_path) {
    httplib::Request request;
    request.method = method;
    request.path = full_path;
    request.headers = m_headers;
    if (method != "GET" && method != "DELETE") {
      request.body = payload;
      request.set_header("Content-Type", "application/json; charset=UTF-8");
    }
    // The answer is read into a bounded buffer: a server that sends without end cannot exhaust
    // memory.
    std::string received;
    bool too_large = false;
    request.content_receiver = [&](const char* data, std::size_t length, std::uint64_t, std::uint64_t) {
      if (received.size() + length > k_max_answer_bytes) {
        too_large = true;
        return false;
      }
      received.append(data, length);
      return true;
    };
    httplib::Result result = m_client->send(request);
    if (too_large) {
      throw CliError(ErrorClass::protocol,
                     "The server at " + m_settings.endpoint.url() + " answered " + method + " " + path +
                         " with more than " + std::to_string(k_max_answer_bytes >> 20) +
                         " MiB; that is no Flink REST answer");
    }
    if (result) result.value().body = std::move(received);
    return result;
  });
}

HttpReply HttpTransport::upload(const std::string& path, const std::string& field,
                                const std::string& file_name, const std::string& content,
                                const RequestOptions& options) {
  httplib::MultipartFormDataItems items{{field, content, file_name, "application/x-java-archive"}};
  return perform("POST", path, options, [&](const std::string& full_path) {
    return m_client->Post(full_path.c_str(), m_headers, items);
  });
}

}  // namespace flinkcli
