#include "rest/http_transport.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <spdlog/spdlog.h>
#include <thread>

#include "flinkcli/error.hpp"
#include "flinkcli/flink_error_text.hpp"

namespace flinkcli {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

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

httplib::Client make_client(const RestEndpoint& endpoint) {
  httplib::Client client(endpoint.scheme + "://" + endpoint.host_port());
  client.set_keep_alive(true);
  client.set_tcp_nodelay(true);  // small request/answer pairs: Nagle only adds latency
  return client;
}

bool is_connect_error(httplib::Error error) {
  return error == httplib::Error::Connection || error == httplib::Error::ConnectionTimeout;
}

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

}  // namespace

HttpTransport::HttpTransport(RestSettings settings)
    : m_settings(std::move(settings)), m_client(make_client(m_settings.endpoint)) {
  m_client.set_connection_timeout(std::min(m_settings.request_timeout, milliseconds(5000)));
  m_headers.emplace("Accept", "application/json");
  m_headers.emplace("User-Agent", std::string("flinkcli/") + FLINKCLI_VERSION);
  for (const auto& [name, value] : m_settings.headers) m_headers.emplace(name, value);
}

milliseconds HttpTransport::timeout_for_attempt(steady_clock::time_point now) const {
  if (!m_deadline) return m_settings.request_timeout;
  // What is left of the action's budget; a little at least, so a call past the deadline still
  // gets its answer or fails as a timeout naming the request.
  const auto remaining = std::chrono::duration_cast<milliseconds>(*m_deadline - now);
  return std::clamp(remaining, milliseconds(100), m_settings.request_timeout);
}

template <typename Call>
HttpReply HttpTransport::perform(const std::string& method, const std::string& path, Call&& call) {
  const std::string full_path = m_settings.endpoint.path_prefix + path;
  const auto start = steady_clock::now();
  milliseconds backoff(50);
  while (true) {
    spdlog::debug("{} {}{}", method, m_settings.endpoint.url(), path);  // never headers: secrets
    const auto attempt_start = steady_clock::now();
    const milliseconds attempt_timeout = timeout_for_attempt(attempt_start);
    m_client.set_read_timeout(attempt_timeout);
    m_client.set_write_timeout(attempt_timeout);
    httplib::Result result = call(full_path);
    if (result) return to_reply(method, path, result.value());

    const auto error = result.error();
    const auto now = steady_clock::now();
    if (is_connect_error(error)) {
      // Nothing reached the JobManager, so retrying cannot duplicate an operation.
      if (now - start + backoff < m_settings.connect_retry &&
          (!m_deadline || now + backoff < *m_deadline)) {
        spdlog::debug("connection failed ({}), retrying in {} ms", httplib::to_string(error),
                      backoff.count());
        std::this_thread::sleep_for(backoff);
        backoff = std::min(backoff * 2, milliseconds(500));
        continue;
      }
      const auto& endpoint = m_settings.endpoint;
      throw CliError(ErrorClass::unreachable,
                     "Could not connect to the JobManager at " + endpoint.host_port() + ": " +
                         (error == httplib::Error::ConnectionTimeout
                              ? "connection timed out"
                              : describe_connect_failure(endpoint.host, endpoint.port)) +
                         ". Check that the cluster is running and -m / rest.address / rest.port "
                         "point to its REST endpoint.");
    }
    if (error == httplib::Error::SSLServerVerification) {
      throw CliError(ErrorClass::unreachable,
                     "TLS: the certificate of the JobManager at " + m_settings.endpoint.host_port() +
                         " is not trusted. Add its CA to the system trust store or point "
                         "SSL_CERT_FILE at a PEM bundle that contains it.");
    }
    if (error == httplib::Error::SSLConnection || error == httplib::Error::SSLLoadingCerts) {
      throw CliError(ErrorClass::unreachable, "TLS handshake with the JobManager at " +
                                                  m_settings.endpoint.host_port() + " failed (" +
                                                  httplib::to_string(error) +
                                                  "); is the endpoint serving https?");
    }
    if ((error == httplib::Error::Read || error == httplib::Error::Write) &&
        now - attempt_start >= attempt_timeout - std::min(milliseconds(50), attempt_timeout / 10)) {
      throw CliError(ErrorClass::timeout,
                     "The JobManager at " + m_settings.endpoint.host_port() + " did not answer " +
                         method + " " + path + " within " +
                         format_duration(m_settings.request_timeout) + " (client.timeout)");
    }
    throw CliError(ErrorClass::unreachable, "Connection to the JobManager at " +
                                                m_settings.endpoint.host_port() + " failed during " +
                                                method + " " + path + " (" +
                                                httplib::to_string(error) + ")");
  }
}

HttpReply HttpTransport::to_reply(const std::string& method, const std::string& path,
                                  const httplib::Response& response) {
  HttpReply reply;
  reply.status = response.status;
  nlohmann::json body;
  bool parsed = true;
  if (!response.body.empty()) {
    body = nlohmann::json::parse(response.body, nullptr, false);
    parsed = !body.is_discarded();
  }
  if (response.status >= 200 && response.status < 300) {
    if (!parsed) {
      throw CliError(ErrorClass::protocol, "The JobManager sent an answer to " + method + " " +
                                               path + " that is not valid JSON");
    }
    reply.body = std::move(body);
    return reply;
  }
  const std::string trace = parsed ? errors_text(body) : std::string();
  ErrorClass error_class = response.status == 404 ? ErrorClass::not_found
                                                  : classify_java_failure(trace);
  if (trace.empty()) {
    std::string excerpt = response.body.substr(0, 200);
    throw CliError(error_class, "The JobManager answered " + method + " " + path + " with HTTP " +
                                    std::to_string(response.status) +
                                    (excerpt.empty() ? "" : ": " + excerpt));
  }
  throw CliError(error_class, root_cause_message(trace), cause_chain(trace));
}

HttpReply HttpTransport::send(const std::string& method, const std::string& path,
                              const nlohmann::json* body) {
  const std::string payload = body ? body->dump() : std::string();
  const char* content_type = "application/json; charset=UTF-8";
  return perform(method, path, [&](const std::string& full_path) {
    if (method == "GET") return m_client.Get(full_path.c_str(), m_headers);
    if (method == "DELETE") return m_client.Delete(full_path.c_str(), m_headers);
    if (method == "PATCH") return m_client.Patch(full_path.c_str(), m_headers, payload, content_type);
    return m_client.Post(full_path.c_str(), m_headers, payload, content_type);
  });
}

HttpReply HttpTransport::upload(const std::string& path, const std::string& field,
                                const std::string& file_name, const std::string& content) {
  httplib::MultipartFormDataItems items{{field, content, file_name, "application/x-java-archive"}};
  return perform("POST", path, [&](const std::string& full_path) {
    return m_client.Post(full_path.c_str(), m_headers, items);
  });
}

}  // namespace flinkcli
