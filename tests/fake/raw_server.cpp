#include "fake/raw_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

namespace flinkcli::testing {

namespace {

// Reads one request (head and Content-Length body); false when the peer closed first.
bool read_request(int fd, RawRequest& request) {
  std::string data;
  char buffer[4096];
  std::size_t head_end = std::string::npos;
  while ((head_end = data.find("\r\n\r\n")) == std::string::npos) {
    const ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) return false;
    data.append(buffer, static_cast<std::size_t>(n));
  }
  const std::string head = data.substr(0, head_end);
  std::size_t content_length = 0;
  std::size_t line_start = 0;
  for (std::size_t line_end; (line_end = head.find("\r\n", line_start)) != std::string::npos || line_start < head.size();
       line_start = line_end + 2) {
    if (line_end == std::string::npos) line_end = head.size();
    const std::string line = head.substr(line_start, line_end - line_start);
    if (line_start == 0) {
      const auto space = line.find(' ');
      request.method = line.substr(0, space);
      request.target = line.substr(space + 1, line.rfind(' ') - space - 1);
    } else if (line.size() > 15 && strncasecmp(line.c_str(), "content-length:", 15) == 0) {
      content_length = std::stoul(line.substr(15));
    }
    if (line_end >= head.size()) break;
  }
  request.body = data.substr(head_end + 4);
  while (request.body.size() < content_length) {
    const ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) return false;
    request.body.append(buffer, static_cast<std::size_t>(n));
  }
  return true;
}

void send_all(int fd, const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += static_cast<std::size_t>(n);
  }
}

}  // namespace

RawAction RawAction::http(int status, const std::string& body, const std::string& content_type,
                          const std::string& extra_headers) {
  RawAction action;
  action.bytes = "HTTP/1.1 " + std::to_string(status) + " Status\r\nContent-Type: " + content_type +
                 "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + extra_headers +
                 "Connection: close\r\n\r\n" + body;
  return action;
}

RawServer::RawServer(Handler handler) : m_handler(std::move(handler)) {
  m_listen_fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  if (::bind(m_listen_fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::listen(m_listen_fd, 16) != 0) {
    throw std::runtime_error("RawServer: cannot listen on 127.0.0.1");
  }
  socklen_t length = sizeof(address);
  ::getsockname(m_listen_fd, reinterpret_cast<sockaddr*>(&address), &length);
  m_port = ntohs(address.sin_port);
  m_thread = std::thread([this] { serve(); });
}

RawServer::~RawServer() { stop(); }

void RawServer::stop() {
  m_stopping = true;
  if (m_thread.joinable()) m_thread.join();
}

std::vector<RawRequest> RawServer::requests() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_requests;
}

int RawServer::count(const std::string& method, const std::string& path_prefix) const {
  int n = 0;
  for (const auto& request : requests()) {
    if (request.method == method && request.target.rfind(path_prefix, 0) == 0) ++n;
  }
  return n;
}

void RawServer::serve() {
  while (!m_stopping) {
    pollfd listening{m_listen_fd, POLLIN, 0};
    if (::poll(&listening, 1, 20) != 1) continue;
    const int fd = ::accept(m_listen_fd, nullptr, nullptr);
    if (fd < 0) continue;
    if (handle_connection(fd)) break;
  }
  ::close(m_listen_fd);  // from now on connections are refused
  m_listen_fd = -1;
}

bool RawServer::handle_connection(int fd) {
  bool stop_now = false;
  RawRequest request;
  if (read_request(fd, request)) {
    int index;
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      index = static_cast<int>(m_requests.size());
      m_requests.push_back(request);
    }
    const RawAction action = m_handler(request, index);
    stop_now = action.then_stop;
    // Waits out the delay, or less once the server stops: a long hang never holds up a test's end.
    const auto until = std::chrono::steady_clock::now() + action.delay;
    while (!m_stopping && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (action.kind == RawAction::Kind::answer) {
      send_all(fd, action.bytes);
    } else if (action.kind == RawAction::Kind::reset) {
      linger hard{1, 0};  // close with RST, as a crashed peer's kernel would
      ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof(hard));
    }
  }
  ::close(fd);
  return stop_now;
}

}  // namespace flinkcli::testing
