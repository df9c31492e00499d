#pragma once
// A scriptable JobManager over real HTTP on 127.0.0.1 (an ephemeral port), for tests of the REST
// layer through the real client. It records every request (method, path, query, body, headers,
// multipart files) and answers from canned replies: a fixed reply, a sequence whose last entry
// repeats (IN_PROGRESS, IN_PROGRESS, COMPLETED), or a handler. Unscripted paths get Flink's 404.
// Handlers run outside the fake's lock, so they may script further routes.
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace flinkcli::testing {

struct UploadedFile {
  std::string field;  // multipart field name ("jarfile")
  std::string filename;
  std::string content;
};

struct RecordedRequest {
  std::string method;
  std::string client_certificate;  // TLS: the subject of the client's certificate ("" if none)
  std::string path;    // without the query string
  std::string target;  // path and query, as sent
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<UploadedFile> files;
  std::chrono::steady_clock::time_point received;

  nlohmann::json json() const;  // the body parsed; null when empty
  // The first header of that name (case-insensitive), or "" when absent.
  std::string header(const std::string& name) const;
  bool has_header(const std::string& name) const;
};

struct CannedReply {
  int status = 200;
  std::string body;
  std::chrono::milliseconds delay{0};  // the handler waits this long before answering
  std::vector<std::pair<std::string, std::string>> headers;  // extra response headers

  static CannedReply json(int status, const nlohmann::json& body,
                          std::chrono::milliseconds delay = std::chrono::milliseconds(0));
  static CannedReply raw(int status, std::string body);
  // Flink's error body: {"errors": [...]}.
  static CannedReply errors(int status, std::vector<std::string> errors);
};

// Serving https instead of http: the server's certificate chain (leaf first) and key as PEM
// files; with `client_ca`, a client certificate issued by it is required (mutual TLS).
struct FakeTlsOptions {
  std::filesystem::path certificate_chain;
  std::filesystem::path private_key;
  std::optional<std::filesystem::path> client_ca;
  int max_version = 0;  // e.g. TLS1_2_VERSION; 0: OpenSSL's default (TLS 1.3)
};

class FakeJobManager {
 public:
  using Handler = std::function<CannedReply(const RecordedRequest&)>;

  FakeJobManager();  // listening when constructed
  explicit FakeJobManager(const FakeTlsOptions& tls);  // https
  ~FakeJobManager();
  FakeJobManager(const FakeJobManager&) = delete;
  FakeJobManager& operator=(const FakeJobManager&) = delete;

  int port() const { return m_port; }
  std::string address() const { return "127.0.0.1:" + std::to_string(m_port); }
  // "https://127.0.0.1:<port>" for a TLS fake, else "http://...".
  std::string url() const { return std::string(m_tls ? "https://" : "http://") + address(); }

  // Requests to `method path` (path without query) get `replies` in order; the last repeats.
  // A later call for the same route replaces the earlier one.
  void on(const std::string& method, const std::string& path, std::vector<CannedReply> replies);
  void on(const std::string& method, const std::string& path, Handler handler);
  // Answers every request no route matches (by default Flink's 404 "Not found: <path>").
  void on_other(Handler handler);

  std::vector<RecordedRequest> requests() const;
  std::vector<RecordedRequest> requests_to(const std::string& method, const std::string& path) const;
  // "METHOD target" per request, in arrival order: reads like a transcript.
  std::vector<std::string> request_lines() const;

 private:
  void start();
  void handle(const httplib::Request& request, httplib::Response& response);

  bool m_tls = false;
  std::unique_ptr<httplib::Server> m_server;
  std::thread m_thread;
  int m_port = 0;

  mutable std::mutex m_mutex;
  std::condition_variable m_stopping_cv;
  bool m_stopping = false;
  std::vector<RecordedRequest> m_requests;
  std::map<std::pair<std::string, std::string>, Handler> m_routes;
  Handler m_other;
};

// Flink's web submission endpoints with state, on a FakeJobManager: GET /jars lists what was
// uploaded (POST /jars/upload) and not deleted (DELETE /jars/:id); POST /jars/:id/plan answers
// `plan_reply` for a jar it holds, and Flink's 500 "Jar file ... does not exist" for others.
// Takes over the FakeJobManager's unmatched routes (on_other).
class FakeJarStore {
 public:
  static constexpr const char* k_uuid = "0abcd287-dea0-4428-8020-9ade876a5c0a";

  explicit FakeJarStore(FakeJobManager& jm);
  void set_plan_reply(CannedReply reply);
  // The jars held now (id -> uploaded file name).
  std::map<std::string, std::string> jars() const;
  void add_jar(const std::string& id, const std::string& name);

 private:
  mutable std::mutex m_mutex;
  std::map<std::string, std::string> m_jars;
  CannedReply m_plan_reply;
};

// What the client reads after a savepoint, stop or cancel -s completed, to check that the result
// is its own request's (a reused trigger id answers with an earlier operation's result), and
// after a plain cancel, to see the job CANCELED.
// One completed entry of GET /jobs/:id/checkpoints "history".
struct SnapshotEntry {
  std::string location;                       // external_path: where the poll said it completed
  std::string checkpoint_type = "SAVEPOINT";  // a stop's: SYNC_SAVEPOINT; a checkpoint's: CHECKPOINT
  std::string format = "CANONICAL";           // savepointFormat
  bool is_savepoint = true;
};
// GET /jobs/:id/checkpoints as Flink answers it (counts, summary, latest), `entry` its one history entry.
nlohmann::json checkpoints_body(const SnapshotEntry& entry);
// GET /jobs/:id/status as Flink answers it: {"status": "<state>"}.
nlohmann::json job_status_body(const std::string& state);
// Scripts both on `jm` for `job`: its history holds `entry`, and its state is `state` (what a
// completed savepoint leaves: RUNNING; stop: FINISHED; cancel -s: CANCELED).
void script_result_checks(FakeJobManager& jm, const std::string& job, const SnapshotEntry& entry,
                          const std::string& state = "RUNNING");

// Savepoint operations of `job` served on `jm` as a JobManager does: POST /jobs/<job>/savepoints
// and /jobs/<job>/stop answer 202 {"request-id": trigger_id}; its poll answers COMPLETED at
// `location`'s last part under the directory the last trigger sent (at `location` when it sent
// none); the checks after it find that savepoint in the history, of the last trigger's kind and
// format, and the job RUNNING (a savepoint), FINISHED (stop) or CANCELED (cancel -s).
void serve_savepoints(FakeJobManager& jm, const std::string& job, const std::string& trigger_id,
                      const std::string& location);

// A TCP port on 127.0.0.1 with nothing listening: bound, then closed.
int unused_local_port();

}  // namespace flinkcli::testing
