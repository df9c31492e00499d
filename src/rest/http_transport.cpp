#include "http_transport.hpp"

#include <algorithm>
#include <limits>
#include <spdlog/spdlog.h>

#include "flinkcli/core/error.hpp"
#include "flinkcli/core/text.hpp"
#include "flinkcli/http/bounded_connect.hpp"
#include "flinkcli/rest/flink_error_text.hpp"

namespace flinkcli {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

namespace {

constexpr const char* k_check_address =
    "Check that the cluster is running and -m / rest.address / rest.port point to its REST "
    "endpoint.";

// With https, every store is read (and every TLS setting checked) here, before any request.
std::unique_ptr<TlsClient> make_tls_client(const RestSettings& settings) {
  if (settings.endpoint.scheme != "https") return nullptr;
  return std::make_unique<TlsClient>(settings.tls, settings.endpoint.host, settings.endpoint.port);
}

// TlsClient verifies the JobManager as Flink does, and explains a failed handshake.
HttpsTrust tls_trust(TlsClient* tls) {
  HttpsTrust trust;
  if (!tls) return trust;
  trust.configure = [tls](SSL_CTX* context) { tls->configure(context); };
  trust.explain_failure = [tls](bool handshake) {
    return tls->failure(handshake ? TlsFailureStage::handshake : TlsFailureStage::exchange);
  };
  return trust;
}

// A leader that keeps moving (each refused) is followed this many times in one request at most.
constexpr int k_max_leader_moves = 10;

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

// Flink's own 503 ({"errors": [...]}, "... ongoing leader election"): the request was not
// processed, and a leader is usually elected within seconds. A proxy's 503 is a page.
bool is_leader_election(const HttpResponse& response) {
  if (response.status != 503) return false;
  const nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
  return !body.is_discarded() && !errors_text(body).empty();
}

// Whether the request changes anything on the cluster: only then is a lost answer an unknown
// outcome (a read is simply run again).
bool has_effects(const std::string& method, const RequestOptions& options) {
  return method != "GET" && !options.read_only;
}

// Attempts of one request at most per kind of failure that has a cap: refused connections
// without high availability (also bounded by RestSettings::connect_retry) and lost answers
// (resets, a proxy's 502/503/504). Every retry is also bounded by the action's deadline.
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
    : m_settings(std::move(settings)), m_clock(clock) {
  connect_to_endpoint();
  m_headers.emplace_back("Accept", "application/json");
  m_headers.emplace_back("User-Agent", std::string("flinkcli/") + FLINKCLI_VERSION);
  for (const auto& [name, value] : m_settings.headers) m_headers.emplace_back(name, value);
}

void HttpTransport::connect_to_endpoint() {
  const RestEndpoint& endpoint = m_settings.endpoint;
  std::unique_ptr<TlsClient> tls = make_tls_client(m_settings);
  // Timeouts are set per attempt, from the time left; the host is resolved at the first.
  auto connection = std::make_unique<HttpConnection>(HttpEndpoint{endpoint.scheme, endpoint.host, endpoint.port},
                                                     tls_trust(tls.get()), PeerDescription{}, m_clock);
  m_connection = std::move(connection);  // the old connection goes before the TlsClient it calls
  m_tls = std::move(tls);
}

std::optional<milliseconds> HttpTransport::time_left() const {
  if (!m_deadline) return std::nullopt;
  return remaining_until(*m_deadline, m_clock);
}

bool HttpTransport::fits_before_deadline(milliseconds pause) const {
  return !m_deadline || m_clock.now() + pause < *m_deadline;
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
  connect_to_endpoint();
  return true;
}

HttpReply HttpTransport::perform(const HttpRequest& request, const std::string& path,
                                 const RequestOptions& options) {
  // An attempt that may have reached the JobManager (a broken connection, a 502/504) makes a
  // later "nothing was sent" untrue: the outcome is unknown then.
  const std::string& method = request.method;
  bool may_have_arrived = false;
  try {
    return attempt(request, path, options, may_have_arrived);
  } catch (const CliError& error) {
    if (error.error_class() != ErrorClass::unreachable || !may_have_arrived || !has_effects(method, options)) throw;
    throw CliError(ErrorClass::outcome_unknown,
                   lost_answer(method, path, "an earlier attempt's answer was lost, then: " + std::string(error.what()),
                               options)
                       .what(),
                   error.detail());
  }
}

HttpReply HttpTransport::attempt(const HttpRequest& request, const std::string& path, const RequestOptions& options,
                                 bool& may_have_arrived) {
  const std::string& method = request.method;
  const auto& endpoint = m_settings.endpoint;
  const bool idempotent = options.retry == Retry::idempotent;
  const auto start = m_clock.now();
  Backoff backoff;
  // Each kind of failure is counted on its own: retries of one never use up another's cap.
  int refused = 0;    // connects refused or timed out: nothing was sent
  int lost = 0;       // answers lost (reset, broken) or replaced by a proxy's 502/503/504
  int elections = 0;  // Flink's own 503 while it elects a leader: no cap but the deadline
  for (;;) {
    const AttemptTimeouts timeouts = attempt_timeouts(time_left(), m_settings.request_timeout);
    m_connection->resolve(timeouts.answer);
    spdlog::debug("{} {}{}", method, endpoint.url(), path);  // never headers: secrets
    const HttpExchange exchange = m_connection->exchange(request, timeouts);
    const milliseconds pause = backoff.next();
    if (exchange.failure == HttpFailure::too_large) {
      throw CliError(ErrorClass::protocol,
                     "The server at " + endpoint.url() + " answered " + method + " " + path + " with more than " +
                         std::to_string(k_max_answer_bytes >> 20) + " MiB; that is no Flink REST answer");
    }
    if (exchange.response) {
      const HttpResponse& response = *exchange.response;
      if (idempotent && is_gateway_status(response.status)) {
        // Under high availability, a JobManager that lost its leadership: ask who leads now.
        if (follow_leader()) continue;
        if (is_leader_election(response)) {
          if (fits_before_deadline(pause)) {
            ++elections;
            spdlog::debug("{} {}: the JobManager is electing a leader (HTTP 503); retrying in {} ms "
                          "(attempt {}, until the deadline)",
                          method, path, pause.count(), elections + 1);
            m_clock.sleep_for(pause);
            continue;
          }
        } else {
          // A proxy's 502/504 may have passed the request on; its 503 did not.
          if (response.status != 503) may_have_arrived = true;
          if (++lost < k_max_attempts && fits_before_deadline(pause)) {
            // A proxy without a JobManager behind it: worth another try.
            spdlog::debug("{} {} answered HTTP {}; retrying in {} ms (attempt {} of {})", method, path,
                          response.status, pause.count(), lost + 1, k_max_attempts);
            m_clock.sleep_for(pause);
            continue;
          }
        }
      }
      return to_reply(method, path, options, response);
    }

    if (exchange.failure != HttpFailure::refused) {
      // A failed handshake, or a TLS alert after it: never retried.
      if (auto tls = m_connection->explain_tls_failure(exchange.failure == HttpFailure::tls)) throw *tls;
      // The request may have reached the JobManager: only a request that may run twice is sent again.
      if (exchange.failure == HttpFailure::lost || exchange.failure == HttpFailure::timed_out) {
        may_have_arrived = true;
      }
      if (idempotent && exchange.failure == HttpFailure::lost && ++lost < k_max_attempts &&
          fits_before_deadline(pause)) {
        spdlog::debug("{} {}: connection lost ({}); retrying in {} ms (attempt {} of {})", method, path,
                      exchange.error_text, pause.count(), lost + 1, k_max_attempts);
        m_clock.sleep_for(pause);
        continue;
      }
      throw_transport_error(exchange, method, path, options);
    }
    // Nothing was sent. The host's next address first, at once, as a resolver's list is tried.
    if (m_connection->next_address()) continue;
    // Under high availability a refused connection may be a crashed leader: ask who leads now, and
    // go there at once when that changed.
    if (follow_leader()) continue;
    // Retrying cannot duplicate an operation. Under high availability, until the crashed
    // leader's znode expires (no limit on attempts but time).
    ++refused;
    const bool within_window = m_clock.now() - start + pause < m_settings.connect_retry && fits_before_deadline(pause);
    if (within_window && (m_settings.rediscover || refused < k_max_attempts)) {
      if (m_settings.rediscover) {
        spdlog::debug("connection failed ({}), retrying in {} ms (attempt {}, for up to {})", exchange.error_text,
                      pause.count(), refused + 1, format_duration(m_settings.connect_retry));
      } else {
        spdlog::debug("connection failed ({}), retrying in {} ms (attempt {} of {})", exchange.error_text,
                      pause.count(), refused + 1, k_max_attempts);
      }
      m_clock.sleep_for(pause);
      continue;
    }
    const milliseconds diagnosis = attempt_timeouts(time_left(), m_settings.request_timeout).diagnosis;
    throw CliError(ErrorClass::unreachable,
                   "Could not connect to the JobManager at " + endpoint.host_port() + ": " +
                       (exchange.connect_timed_out ? "connection timed out"
                                                   : m_connection->describe_connect_failure(diagnosis)) +
                       ". " + (m_settings.endpoint_origin.empty()
                                   ? std::string(k_check_address)
                                   : "It is " + m_settings.endpoint_origin + "; check that it runs."));
  }
}

CliError HttpTransport::lost_answer(const std::string& method, const std::string& path, const std::string& cause,
                                    const RequestOptions& options) const {
  return CliError(ErrorClass::outcome_unknown,
                  method + " " + path + " was sent to the JobManager at " + m_settings.endpoint.host_port() +
                      " and its answer was lost (" + cause + "); whether it took effect is unknown" +
                      (options.advice.empty() ? "" : ": " + options.advice));
}

void HttpTransport::throw_transport_error(const HttpExchange& exchange, const std::string& method,
                                          const std::string& path, const RequestOptions& options) {
  const std::string where = m_settings.endpoint.host_port();
  if (exchange.failure == HttpFailure::tls) {
    throw CliError(ErrorClass::tls, "TLS handshake with the JobManager at " + where + " failed");
  }
  const bool timed_out = exchange.failure == HttpFailure::timed_out;
  const bool after_connecting = timed_out || exchange.failure == HttpFailure::lost;
  const std::string within = format_duration(m_settings.request_timeout) + " (client.timeout)";
  if (timed_out) {
    // A trigger with our trigger id can be followed; a request that cannot be sent twice cannot.
    if (has_effects(method, options) && options.retry != Retry::idempotent) {
      throw lost_answer(method, path, "no answer within " + within, options);
    }
    throw CliError(ErrorClass::timeout,
                   "The JobManager at " + where + " did not answer " + method + " " + path + " within " + within);
  }
  if (after_connecting && has_effects(method, options)) {
    throw lost_answer(method, path, exchange.error_text, options);
  }
  throw CliError(ErrorClass::unreachable, "Connection to the JobManager at " + where + " failed during " + method +
                                              " " + path + " (" + exchange.error_text + ")");
}

HttpReply HttpTransport::to_reply(const std::string& method, const std::string& path,
                                  const RequestOptions& options, const HttpResponse& response) {
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
    const std::string location = one_line(response.header("Location"), 300);
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
    // A proxy's 502/504: the request may have been passed on before the JobManager's answer was lost.
    if (response.status != 503 && is_gateway_status(response.status) && has_effects(method, options)) {
      CliError lost = lost_answer(method, path, status + " from a proxy or load balancer", options);
      throw CliError(ErrorClass::outcome_unknown, lost.what(), excerpt);
    }
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
    if (options.missing_route_ok) return reply;
    throw CliError(ErrorClass::protocol,
                   "The server at " + where + " has no REST endpoint " + method + " " + path +
                       " (HTTP 404, " + one_line(trace, 200) + "). Check -m / rest.address / "
                       "rest.path.",
                   excerpt);
  }
  CliError failure = java_failure(trace);
  if (response.status == 404) failure = CliError(ErrorClass::not_found, failure.what(), failure.detail());
  if (response.status == 503) {
    // Flink electing a leader (and, for a read or a trigger, still so at the deadline): the
    // request was not processed, so nothing happened.
    throw CliError(ErrorClass::unreachable,
                   "The JobManager at " + m_settings.endpoint.host_port() + " is electing a leader (HTTP 503 for " +
                       method + " " + path + "): nothing was done; run the command again once a leader is elected",
                   failure.what());
  }
  if (is_gateway_status(response.status)) {
    if (has_effects(method, options)) {
      CliError lost = lost_answer(method, path, status + ": " + std::string(failure.what()), options);
      throw CliError(ErrorClass::outcome_unknown, lost.what(), failure.detail());
    }
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
  HttpRequest request;
  request.method = method;
  request.target = m_settings.endpoint.path_prefix + path;
  request.headers = m_headers;
  if (method != "GET" && method != "DELETE") {
    request.body = std::move(payload);
    request.content_type = "application/json; charset=UTF-8";
  }
  // The answer is read into a bounded buffer: a server that sends without end cannot exhaust
  // memory.
  request.max_answer_bytes = k_max_answer_bytes;
  return perform(request, path, options);
}

HttpReply HttpTransport::upload(const std::string& path, const std::string& field,
                                const std::string& file_name, const std::string& content,
                                const RequestOptions& options) {
  HttpRequest request;
  request.method = "POST";
  request.target = m_settings.endpoint.path_prefix + path;
  request.headers = m_headers;
  request.file_part = HttpRequest::FilePart{field, file_name, content, "application/x-java-archive"};
  // The HTTP library reads a multipart post's answer whole before it can be measured, so a bound
  // would limit nothing; a jar's id is a few bytes.
  request.max_answer_bytes = std::numeric_limits<std::size_t>::max();
  return perform(request, path, options);
}

}  // namespace flinkcli
