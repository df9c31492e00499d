#pragma once
// A loopback HTTP server at the socket level, for faults an HTTP library server cannot make: a
// connection closed (reset) instead of an answer, an answer that is not HTTP, an answer that
// never ends, a server that goes away. One connection at a time; every answer closes it.
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace flinkcli::testing {

struct RawRequest {
  std::string method;
  std::string target;  // path and query
  std::string body;
};

struct RawAction {
  enum class Kind { answer, reset, hang };
  Kind kind = Kind::answer;
  std::string bytes;                   // what to send for `answer` (a whole HTTP response, or not)
  std::chrono::milliseconds delay{0};  // before answering / resetting; how long to hang (cut short by stop())
  bool then_stop = false;              // afterwards stop listening (the JobManager died)

  static RawAction http(int status, const std::string& body,
                        const std::string& content_type = "application/json; charset=UTF-8",
                        const std::string& extra_headers = "");
  static RawAction reset_connection() { return {Kind::reset, "", std::chrono::milliseconds(0)}; }
  static RawAction hang_for(std::chrono::milliseconds duration) { return {Kind::hang, "", duration}; }
};

class RawServer {
 public:
  // `handler` gets each request and its number (0-based, over all connections).
  using Handler = std::function<RawAction(const RawRequest& request, int index)>;

  explicit RawServer(Handler handler);
  ~RawServer();
  RawServer(const RawServer&) = delete;
  RawServer& operator=(const RawServer&) = delete;

  std::string address() const { return "127.0.0.1:" + std::to_string(m_port); }
  std::vector<RawRequest> requests() const;
  int count(const std::string& method, const std::string& path_prefix) const;
  // Stops listening: later connections are refused, as from a JobManager that died.
  void stop();

 private:
  void serve();
  bool handle_connection(int fd);  // true: stop listening

  Handler m_handler;
  int m_listen_fd = -1;
  int m_port = 0;
  std::atomic<bool> m_stopping{false};
  std::thread m_thread;
  mutable std::mutex m_mutex;
  std::vector<RawRequest> m_requests;
};

}  // namespace flinkcli::testing
