#pragma once
// The only code that speaks HTTP: timeouts on every call, bounded retries of refused
// connections, Flink's {"errors": [...]} bodies turned into one-line CliErrors, and anything
// that is not Flink's REST API told apart from Flink's own "not found".
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "flinkcli/config/rest_settings.hpp"
#include "flinkcli/core/clock.hpp"

namespace flinkcli {

struct HttpReply {
  int status = 0;
  nlohmann::json body;  // null when the body was empty
};

class HttpTransport {
 public:
  HttpTransport(RestSettings settings, Clock& clock);

  // Sends one request; 2xx answers are returned, anything else throws a CliError. With
  // `missing_route_ok`, Flink's own 404 for a path it does not serve comes back as a reply
  // (status 404) instead, for endpoints that can be switched off (web submission).
  HttpReply send(const std::string& method, const std::string& path,
                 const nlohmann::json* body = nullptr, bool missing_route_ok = false);
  HttpReply upload(const std::string& path, const std::string& field, const std::string& file_name,
                   const std::string& content);

  // Calls end by `deadline` at the latest (none: each call has client.timeout of its own).
  void set_deadline(std::optional<std::chrono::steady_clock::time_point> deadline) {
    m_deadline = deadline;
  }

 private:
  template <typename Call>
  HttpReply perform(const std::string& method, const std::string& path, bool missing_route_ok,
                    Call&& call);
  std::chrono::milliseconds timeout_for_attempt() const;
  [[noreturn]] void throw_transport_error(httplib::Error error, const std::string& method,
                                          const std::string& path,
                                          std::chrono::steady_clock::time_point attempt_start,
                                          std::chrono::milliseconds attempt_timeout);
  HttpReply to_reply(const std::string& method, const std::string& path, bool missing_route_ok,
                     const httplib::Response& response);

  RestSettings m_settings;
  Clock& m_clock;
  httplib::Client m_client;
  httplib::Headers m_headers;
  std::optional<std::chrono::steady_clock::time_point> m_deadline;
};

// Why a TCP connection to host:port fails right now ("Connection refused", ...); none when the
// host name does not resolve (then `resolve_error` says why).
std::string describe_connect_failure(const std::string& host, int port);
// The resolver's complaint about `host`, or none when it resolves.
std::optional<std::string> resolve_error(const std::string& host, int port);

}  // namespace flinkcli
