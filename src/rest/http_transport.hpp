#pragma once
// The only code that speaks HTTP: timeouts on every call, bounded retries of refused
// connections, Flink's {"errors": [...]} bodies turned into one-line CliErrors.
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>

#include "flinkcli/jobmanager_api.hpp"

namespace flinkcli {

struct HttpReply {
  int status = 0;
  nlohmann::json body;  // null when the body was empty
};

class HttpTransport {
 public:
  explicit HttpTransport(RestSettings settings);

  // Sends one request; 2xx answers are returned, anything else throws a CliError.
  HttpReply send(const std::string& method, const std::string& path,
                 const nlohmann::json* body = nullptr);
  HttpReply upload(const std::string& path, const std::string& field, const std::string& file_name,
                   const std::string& content);

  const RestSettings& settings() const { return m_settings; }
  // Calls end by `deadline` at the latest (none: each call has client.timeout of its own).
  void set_deadline(std::optional<std::chrono::steady_clock::time_point> deadline) {
    m_deadline = deadline;
  }

 private:
  template <typename Call>
  HttpReply perform(const std::string& method, const std::string& path, Call&& call);
  std::chrono::milliseconds timeout_for_attempt(std::chrono::steady_clock::time_point now) const;
  HttpReply to_reply(const std::string& method, const std::string& path,
                     const httplib::Response& response);

  RestSettings m_settings;
  httplib::Client m_client;
  httplib::Headers m_headers;
  std::optional<std::chrono::steady_clock::time_point> m_deadline;
};

// Why a TCP connection to host:port fails right now ("Connection refused", a DNS error, ...).
std::string describe_connect_failure(const std::string& host, int port);

}  // namespace flinkcli
