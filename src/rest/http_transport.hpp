#pragma once
// The only code that speaks HTTP: timeouts on every call, bounded retries of refused
// connections, lost answers told apart from requests that never arrived, Flink's
// {"errors": [...]} bodies turned into one-line CliErrors, and anything that is not Flink's REST
// API told apart from Flink's own "not found".
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "flinkcli/config/rest_settings.hpp"
#include "flinkcli/core/clock.hpp"
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
  template <typename Call>
  HttpReply perform(const std::string& method, const std::string& path,
                    const RequestOptions& options, Call&& call);
  // perform()'s attempts; sets `may_have_arrived` once an attempt may have reached the JobManager.
  template <typename Call>
  HttpReply attempt(const std::string& method, const std::string& path, const RequestOptions& options, Call& call,
                    bool& may_have_arrived);
  // Whether a retry after `pause` still starts before the deadline.
  bool fits_before_deadline(std::chrono::milliseconds pause) const;
  std::optional<std::chrono::milliseconds> time_left() const;
  std::chrono::milliseconds jittered(std::chrono::milliseconds backoff);
  // Resolves the JobManager's host once (within `budget`) and points the client at one of its
  // addresses, so that no connect resolves the name again without a bound.
  void resolve_endpoint(std::chrono::milliseconds budget);
  // The next of the host's addresses after a failed connect; false after the last (then the
  // first is used again).
  bool next_address();
  void pin_address();
  // High availability: reads the leader again; true when it moved (the client now points at it).
  bool follow_leader();
  // A failed handshake, or a TLS alert after it, as a tls CliError (exit 10); returns otherwise.
  void throw_if_tls_failure(httplib::Error error);
  [[noreturn]] void throw_transport_error(httplib::Error error, const std::string& method,
                                          const std::string& path, const RequestOptions& options,
                                          bool timed_out);
  // The request may have reached the JobManager and its answer is lost (exit 16).
  CliError lost_answer(const std::string& method, const std::string& path, const std::string& cause,
                       const RequestOptions& options) const;
  HttpReply to_reply(const std::string& method, const std::string& path, const RequestOptions& options,
                     const httplib::Response& response);

  RestSettings m_settings;
  Clock& m_clock;
  std::unique_ptr<TlsClient> m_tls;  // https only: stores read, handshake failures explained
  std::unique_ptr<httplib::Client> m_client;  // replaced when the leader moves
  std::optional<std::string> m_first_leader;
  int m_leader_moves = 0;
  httplib::Headers m_headers;
  std::optional<std::chrono::steady_clock::time_point> m_deadline;
  std::vector<std::string> m_addresses;  // the endpoint host's, resolved once; empty until then
  std::size_t m_address_index = 0;
  std::minstd_rand m_jitter;
};

}  // namespace flinkcli
