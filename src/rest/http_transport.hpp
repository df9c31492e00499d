#pragma once
// Flink's REST API over one HttpConnection: which failures are retried and how often, the leader
// followed under high availability, lost answers told apart from requests that never arrived,
// Flink's {"errors": [...]} bodies turned into one-line CliErrors, and anything that is not
// Flink's REST API told apart from Flink's own "not found". Connecting, timeouts, bounded answers
// and backoff are the http layer's.
#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "flinkcli/config/rest_settings.hpp"
#include "flinkcli/core/clock.hpp"
#include "flinkcli/http/http_connection.hpp"
#include "flinkcli/tls/tls_context.hpp"

namespace flinkcli {

struct HttpReply {
  int status = 0;
  nlohmann::json body;  // null when the body was empty
};

// Which failures a request may be sent again after.
enum class Retry {
  // Only a refused connection: nothing reached the JobManager. For requests that must not run
  // twice (dispose, run, upload, cancel).
  connect_only,
  // Also a reset or broken connection and 502/503/504 (Flink's 503 while it elects a leader
  // until the deadline): reads, and triggers that carry a client-chosen trigger id (the
  // JobManager deduplicates them).
  idempotent,
};

struct RequestOptions {
  Retry retry = Retry::connect_only;
  // Flink's own 404 for a path it does not serve comes back as a reply (status 404) instead of
  // an error, for endpoints that can be switched off (web submission).
  bool missing_route_ok = false;
  // A POST that changes nothing (a jar's plan): a lost answer is as harmless as a GET's.
  bool read_only = false;
  // What to check when the request may have arrived and its answer was lost (outcome_unknown),
  // e.g. "check with `flink list` whether the job was submitted before running again".
  std::string advice;
};

class HttpTransport {
 public:
  HttpTransport(RestSettings settings, Clock& clock);

  // Sends one request, again after a failure `options.retry` allows (jittered backoff, a bounded
  // number of attempts, never past the deadline); 2xx answers are returned, anything else throws
  // a CliError.
  HttpReply send(const std::string& method, const std::string& path, const nlohmann::json* body,
                 const RequestOptions& options);
  HttpReply upload(const std::string& path, const std::string& field, const std::string& file_name,
                   const std::string& content, const RequestOptions& options);

  // Calls end by `deadline` at the latest (none: each call has client.timeout of its own).
  void set_deadline(std::optional<std::chrono::steady_clock::time_point> deadline) {
    m_deadline = deadline;
  }

  // High availability: the JobManager the action started with, when the leader changed since
  // ("host:port"); none while it did not.
  const std::optional<std::string>& first_leader() const { return m_first_leader; }
  const RestEndpoint& endpoint() const { return m_settings.endpoint; }

 private:
  // `request.target` holds the path prefix; `path` (without it) names the request in messages.
  HttpReply perform(const HttpRequest& request, const std::string& path, const RequestOptions& options);
  // perform()'s attempts; sets `may_have_arrived` once an attempt may have reached the JobManager.
  HttpReply attempt(const HttpRequest& request, const std::string& path, const RequestOptions& options,
                    bool& may_have_arrived);
  // Whether a retry after `pause` still starts before the deadline.
  bool fits_before_deadline(std::chrono::milliseconds pause) const;
  std::optional<std::chrono::milliseconds> time_left() const;
  // A connection to the endpoint as it is now (with a new TlsClient for https).
  void connect_to_endpoint();
  // High availability: reads the leader again; true when it moved (the connection now points at it).
  bool follow_leader();
  [[noreturn]] void throw_transport_error(const HttpExchange& exchange, const std::string& method,
                                          const std::string& path, const RequestOptions& options);
  // The request may have reached the JobManager and its answer is lost (exit 16).
  CliError lost_answer(const std::string& method, const std::string& path, const std::string& cause,
                       const RequestOptions& options) const;
  HttpReply to_reply(const std::string& method, const std::string& path, const RequestOptions& options,
                     const HttpResponse& response);

  RestSettings m_settings;
  Clock& m_clock;
  // https only: stores read, handshake set up and failures explained. Declared before the
  // connection, which calls it, so that it outlives it.
  std::unique_ptr<TlsClient> m_tls;
  std::unique_ptr<HttpConnection> m_connection;  // replaced, with m_tls, when the leader moves
  std::optional<std::string> m_first_leader;
  int m_leader_moves = 0;
  HttpHeaderList m_headers;
  std::optional<std::chrono::steady_clock::time_point> m_deadline;
};

}  // namespace flinkcli
