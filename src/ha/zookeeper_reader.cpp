// ZnodeReader on the ZooKeeper C client (Debian's libzookeeper-mt): one session, opened on the
// first read and kept for the action (a failover re-reads through it), every wait bounded by the
// caller's deadline and high-availability.zookeeper.client.connection-timeout.
#include <zookeeper/zookeeper.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>

#include "flinkcli/config/configuration.hpp"
#include "flinkcli/ha/leader_source.hpp"

namespace flinkcli {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

namespace {

// The C client logs through a plain function pointer from its own threads: its lines are kept
// here (the last few) and handed to spdlog (-v) on the calling thread after each read.
std::mutex g_log_mutex;
std::deque<std::string> g_log_lines;
constexpr std::size_t k_max_log_lines = 20;
constexpr milliseconds k_min_read_wait(200);

void collect_log(const char* message) {
  std::lock_guard<std::mutex> lock(g_log_mutex);
  if (g_log_lines.size() == k_max_log_lines) g_log_lines.pop_front();
  g_log_lines.emplace_back(message ? message : "");
}

void flush_log() {
  std::deque<std::string> lines;
  {
    std::lock_guard<std::mutex> lock(g_log_mutex);
    lines.swap(g_log_lines);
  }
  for (const auto& line : lines) spdlog::debug("zookeeper: {}", line);
}

// The session's state, written by the client's event thread.
struct Session {
  std::mutex mutex;
  std::condition_variable changed;
  int state = 0;
};

// One asynchronous get; shared with the completion, which may run after the caller gave up.
struct PendingGet {
  std::mutex mutex;
  std::condition_variable done_cv;
  bool done = false;
  int rc = 0;
  std::string data;
};

void on_session_event(zhandle_t*, int type, int state, const char*, void* context) {
  if (type != ZOO_SESSION_EVENT) return;
  auto* session = static_cast<Session*>(context);
  std::lock_guard<std::mutex> lock(session->mutex);
  session->state = state;
  session->changed.notify_all();
}

void on_get(int rc, const char* value, int value_len, const struct Stat*, const void* data) {
  auto* holder = static_cast<std::shared_ptr<PendingGet>*>(const_cast<void*>(data));
  {
    const auto& pending = *holder;
    std::lock_guard<std::mutex> lock(pending->mutex);
    pending->rc = rc;
    if (rc == ZOK && value && value_len > 0) pending->data.assign(value, static_cast<std::size_t>(value_len));
    pending->done = true;
    pending->done_cv.notify_all();
  }
  delete holder;
}

class ZooKeeperReader final : public ZnodeReader {
 public:
  ZooKeeperReader(const ZooKeeperSettings& settings, Clock& clock) : m_settings(settings), m_clock(clock) {}
  ~ZooKeeperReader() override { close(); }
  ZooKeeperReader(const ZooKeeperReader&) = delete;
  ZooKeeperReader& operator=(const ZooKeeperReader&) = delete;

  ZnodeRead read(const std::string& path, steady_clock::time_point deadline) override {
    ZnodeRead result = read_once(path, deadline);
    flush_log();
    return result;
  }

 private:
  ZnodeRead read_once(const std::string& path, steady_clock::time_point deadline) {
    if (auto failure = connect(deadline)) return *failure;
    auto pending = std::make_shared<PendingGet>();
    auto* holder = new std::shared_ptr<PendingGet>(pending);
    const int rc = zoo_aget(m_handle, path.c_str(), 0, on_get, holder);
    if (rc != ZOK) {
      delete holder;
      close();  // an expired session: the next read opens a new one
      return unreachable(std::string("get failed: ") + zerror(rc));
    }
    // A little time at least: a read at the deadline still gets its answer on a connected session.
    const milliseconds wait = std::max(remaining_until(deadline, m_clock), k_min_read_wait);
    std::unique_lock<std::mutex> lock(pending->mutex);
    if (!pending->done_cv.wait_for(lock, wait, [&] { return pending->done; })) {
      return unreachable("no answer to reading " + path + " before the deadline");
    }
    switch (pending->rc) {
      case ZOK: return {ZnodeRead::Status::data, std::move(pending->data), {}};
      case ZNONODE: return {ZnodeRead::Status::no_node, {}, {}};
      case ZNOAUTH: return {ZnodeRead::Status::no_auth, {}, {}};
      default: {
        const std::string reason = zerror(pending->rc);
        lock.unlock();
        close();
        return unreachable(reason);
      }
    }
  }

  // Opens the session when there is none, and waits until it is connected: by `deadline`, and by
  // the connection timeout from when the session was opened. A failure says why.
  std::optional<ZnodeRead> connect(steady_clock::time_point deadline) {
    if (!m_handle) {
      zoo_set_debug_level(ZOO_LOG_LEVEL_WARN);
      m_session = std::make_unique<Session>();
      errno = 0;
      m_handle = zookeeper_init2(m_settings.quorum.c_str(), on_session_event,
                                 static_cast<int>(m_settings.session_timeout.count()), nullptr,
                                 m_session.get(), 0, collect_log);
      if (!m_handle) {
        const int error = errno;
        return unreachable(error == EINVAL ? "the quorum '" + m_settings.quorum + "' is not a list of host:port"
                                           : std::string(std::strerror(error)));
      }
      m_opened = m_clock.now();
      spdlog::debug("connecting to ZooKeeper {} (session timeout {} ms, connection timeout {} ms)",
                    m_settings.quorum, m_settings.session_timeout.count(), m_settings.connection_timeout.count());
    }
    const auto connect_end = std::min(deadline, m_opened + m_settings.connection_timeout);
    std::unique_lock<std::mutex> lock(m_session->mutex);
    const bool settled = m_session->changed.wait_for(lock, remaining_until(connect_end, m_clock), [&] {
      return m_session->state == ZOO_CONNECTED_STATE || m_session->state == ZOO_EXPIRED_SESSION_STATE ||
             m_session->state == ZOO_AUTH_FAILED_STATE;
    });
    const int state = m_session->state;
    lock.unlock();
    if (settled && state == ZOO_CONNECTED_STATE) return std::nullopt;
    close();
    if (state == ZOO_AUTH_FAILED_STATE) return unreachable("authentication failed");
    if (state == ZOO_EXPIRED_SESSION_STATE) return unreachable("the session expired");
    const bool by_timeout = m_opened + m_settings.connection_timeout <= deadline;
    return unreachable("no connection within " + format_duration(since_opened(connect_end)) +
                       (by_timeout ? " (high-availability.zookeeper.client.connection-timeout)" : " (the action's deadline)"));
  }

  milliseconds since_opened(steady_clock::time_point end) const {
    return std::chrono::duration_cast<milliseconds>(end - m_opened);
  }

  static ZnodeRead unreachable(std::string reason) { return {ZnodeRead::Status::unreachable, {}, std::move(reason)}; }

  void close() {
    if (m_handle) zookeeper_close(m_handle);  // joins the client's threads: no callback after it
    m_handle = nullptr;
    m_session.reset();
  }

  ZooKeeperSettings m_settings;
  Clock& m_clock;
  zhandle_t* m_handle = nullptr;
  std::unique_ptr<Session> m_session;
  steady_clock::time_point m_opened;
};

}  // namespace

std::unique_ptr<ZnodeReader> make_zookeeper_reader(const ZooKeeperSettings& settings, Clock& clock) {
  return std::make_unique<ZooKeeperReader>(settings, clock);
}

}  // namespace flinkcli
