#include "flinkcli/http/bounded_connect.hpp"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <future>
#include <memory>
#include <thread>

#include "flinkcli/config/configuration.hpp"
#include "flinkcli/core/error.hpp"

namespace flinkcli {

using std::chrono::milliseconds;

namespace {

// A connect that gets no answer within this is reported as such; Flink's own client waits as
// long for a connection.
constexpr milliseconds k_max_connect_timeout(5000);
constexpr milliseconds k_min_attempt_timeout(100);
constexpr milliseconds k_max_diagnosis(2000);
constexpr milliseconds k_min_diagnosis(10);

struct AddrInfoDeleter {
  void operator()(addrinfo* info) const { freeaddrinfo(info); }
};
using AddrInfo = std::unique_ptr<addrinfo, AddrInfoDeleter>;

// getaddrinfo with `flags`; the error text when it fails.
AddrInfo lookup(const std::string& host, int port, int flags, std::string& error) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = flags;
  addrinfo* found = nullptr;
  if (int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found); rc != 0) {
    error = rc == EAI_SYSTEM ? std::strerror(errno) : gai_strerror(rc);
    return nullptr;
  }
  return AddrInfo(found);
}

std::vector<std::string> numeric_addresses(const addrinfo* found) {
  std::vector<std::string> addresses;
  for (const addrinfo* ai = found; ai; ai = ai->ai_next) {
    char text[NI_MAXHOST];
    if (getnameinfo(ai->ai_addr, ai->ai_addrlen, text, sizeof(text), nullptr, 0, NI_NUMERICHOST) != 0) continue;
    if (std::find(addresses.begin(), addresses.end(), text) == addresses.end()) addresses.emplace_back(text);
  }
  return addresses;
}

}  // namespace

AttemptTimeouts attempt_timeouts(std::optional<milliseconds> left, milliseconds request_timeout) {
  const milliseconds connect_cap = std::min(request_timeout, k_max_connect_timeout);
  if (!left) return {connect_cap, request_timeout, std::min(connect_cap, k_max_diagnosis)};
  return {std::clamp(*left, std::min(k_min_attempt_timeout, connect_cap), connect_cap),
          std::clamp(*left, std::min(k_min_attempt_timeout, request_timeout), request_timeout),
          std::clamp(*left, k_min_diagnosis, k_max_diagnosis)};
}

Resolution resolve_with_getaddrinfo(const std::string& host, int port) {
  std::string error;
  AddrInfo found = lookup(host, port, 0, error);
  if (!found) return {{}, error};
  Resolution resolution{numeric_addresses(found.get()), ""};
  if (resolution.addresses.empty()) resolution.error = "no usable address";
  return resolution;
}

std::vector<std::string> resolve_within(const std::string& host, int port, milliseconds budget,
                                        const Resolver& resolver, const PeerDescription& peer) {
  std::string error;
  // An address needs no lookup (and no thread).
  if (AddrInfo numeric = lookup(host, port, AI_NUMERICHOST, error)) return numeric_addresses(numeric.get());
  // getaddrinfo cannot be cancelled or given a timeout: it runs on a thread of its own that
  // owns its inputs, and is left behind when it does not finish in time.
  auto task = std::make_shared<std::packaged_task<Resolution()>>(
      [resolver, host, port] { return resolver(host, port); });
  std::future<Resolution> result = task->get_future();
  std::thread([task] { (*task)(); }).detach();
  if (result.wait_for(budget) != std::future_status::ready) {
    throw CliError(ErrorClass::unreachable, "Resolving " + peer.peer + " host '" + host +
                                                "' did not finish within " + format_duration(budget) +
                                                " (the time left for the request). Check the name "
                                                "and the DNS servers (/etc/resolv.conf).");
  }
  Resolution resolution = result.get();
  if (!resolution.error.empty()) {
    throw CliError(ErrorClass::unreachable, "Cannot resolve " + peer.peer + " host '" + host + "': " +
                                                resolution.error + ". " + peer.advice);
  }
  return resolution.addresses;
}

std::string describe_connect_failure(const std::vector<std::string>& addresses, int port, milliseconds budget,
                                     const std::string& peer) {
  // The poll waits in real time, so the budget is spent on the real clock too.
  const auto until = std::chrono::steady_clock::now() + budget;
  std::string reason = "connection failed";
  for (const std::string& address : addresses) {
    std::string ignored;
    AddrInfo found = lookup(address, port, AI_NUMERICHOST, ignored);
    if (!found) continue;
    const addrinfo* ai = found.get();
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK, ai->ai_protocol);
    if (fd < 0) continue;
    int rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
    int error = rc == 0 ? 0 : errno;
    if (error == EINPROGRESS) {
      const auto left = std::chrono::duration_cast<milliseconds>(until - std::chrono::steady_clock::now());
      pollfd pfd{fd, POLLOUT, 0};
      if (poll(&pfd, 1, static_cast<int>(std::max<milliseconds::rep>(left.count(), 0))) == 1) {
        socklen_t len = sizeof(error);
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len);
      } else {
        error = ETIMEDOUT;
      }
    }
    close(fd);
    if (error == 0) return "the connection was closed before " + peer + " answered";
    reason = std::strerror(error);
  }
  return reason;
}

}  // namespace flinkcli
