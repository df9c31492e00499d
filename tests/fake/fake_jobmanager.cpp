#include "fake/fake_jobmanager.hpp"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <stdexcept>

namespace flinkcli::testing {

namespace {

bool equals_ignore_case(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

nlohmann::json RecordedRequest::json() const {
  return body.empty() ? nlohmann::json() : nlohmann::json::parse(body);
}

std::string RecordedRequest::header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (equals_ignore_case(key, name)) return value;
  }
  return "";
}

bool RecordedRequest::has_header(const std::string& name) const {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const auto& entry) { return equals_ignore_case(entry.first, name); });
}

CannedReply CannedReply::json(int status, const nlohmann::json& body, std::chrono::milliseconds delay) {
  return {status, body.dump(), delay, {}};
}

CannedReply CannedReply::raw(int status, std::string body) { return {status, std::move(body), {}, {}}; }

CannedReply CannedReply::errors(int status, std::vector<std::string> errors) {
  return json(status, {{"errors", errors}});
}

FakeJobManager::FakeJobManager() : m_server(std::make_unique<httplib::Server>()) { start(); }

FakeJobManager::FakeJobManager(const FakeTlsOptions& tls) : m_tls(true) {
  const std::string chain = tls.certificate_chain.string();
  const std::string key = tls.private_key.string();
  const std::string client_ca = tls.client_ca ? tls.client_ca->string() : std::string();
  auto server = std::make_unique<httplib::SSLServer>(chain.c_str(), key.c_str(),
                                                     tls.client_ca ? client_ca.c_str() : nullptr);
  if (!server->is_valid()) throw std::runtime_error("FakeJobManager: cannot load the TLS certificate or key");
  if (tls.client_ca) {
    // Name the acceptable issuers in the CertificateRequest, as Flink's server does.
    SSL_CTX_set_client_CA_list(server->ssl_context(), SSL_load_client_CA_file(client_ca.c_str()));
  }
  if (tls.max_version) SSL_CTX_set_max_proto_version(server->ssl_context(), tls.max_version);
  m_server = std::move(server);
  start();
}

void FakeJobManager::start() {
  auto handler = [this](const httplib::Request& request, httplib::Response& response) {
    handle(request, response);
  };
  m_server->Get(".*", handler);
  m_server->Post(".*", handler);
  m_server->Put(".*", handler);
  m_server->Patch(".*", handler);
  m_server->Delete(".*", handler);
  m_server->set_keep_alive_timeout(1);
  m_port = m_server->bind_to_any_port("127.0.0.1");
  if (m_port <= 0) throw std::runtime_error("FakeJobManager: cannot bind 127.0.0.1");
  m_thread = std::thread([this] { m_server->listen_after_bind(); });
  // stop() is a no-op until the accept loop runs, so wait for it before handing out the port.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);  // generous: a loaded machine
  while (!m_server->is_running()) {
    if (std::chrono::steady_clock::now() > deadline) {
      m_thread.detach();
      throw std::runtime_error("FakeJobManager: server did not start");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

FakeJobManager::~FakeJobManager() {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_stopping = true;  // cuts short handlers that are still delaying their answer
  }
  m_stopping_cv.notify_all();
  m_server->stop();
  if (m_thread.joinable()) m_thread.join();
}

void FakeJobManager::on(const std::string& method, const std::string& path,
                        std::vector<CannedReply> replies) {
  if (replies.empty()) throw std::invalid_argument("FakeJobManager::on: no replies");
  auto queue = std::make_shared<const std::vector<CannedReply>>(std::move(replies));
  auto next = std::make_shared<std::atomic<std::size_t>>(0);
  on(method, path, [queue, next](const RecordedRequest&) {
    return (*queue)[std::min(next->fetch_add(1), queue->size() - 1)];
  });
}

void FakeJobManager::on(const std::string& method, const std::string& path, Handler handler) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_routes[{method, path}] = std::move(handler);
}

void FakeJobManager::on_other(Handler handler) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_other = std::move(handler);
}

std::vector<RecordedRequest> FakeJobManager::requests() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_requests;
}

std::vector<RecordedRequest> FakeJobManager::requests_to(const std::string& method,
                                                         const std::string& path) const {
  std::vector<RecordedRequest> matching;
  for (auto& request : requests()) {
    if (request.method == method && request.path == path) matching.push_back(std::move(request));
  }
  return matching;
}

std::vector<std::string> FakeJobManager::request_lines() const {
  std::vector<std::string> lines;
  for (const auto& request : requests()) lines.push_back(request.method + " " + request.target);
  return lines;
}

void FakeJobManager::handle(const httplib::Request& request, httplib::Response& response) {
  RecordedRequest recorded;
  recorded.received = std::chrono::steady_clock::now();
  recorded.method = request.method;
  if (request.ssl) {
    if (X509* peer = SSL_get1_peer_certificate(request.ssl)) {
      char name[256] = {};
      X509_NAME_oneline(X509_get_subject_name(peer), name, sizeof(name));
      recorded.client_certificate = name;
      X509_free(peer);
    }
  }
  recorded.path = request.path;
  recorded.target = request.target;
  recorded.body = request.body;
  for (const auto& [name, value] : request.headers) recorded.headers.emplace_back(name, value);
  for (const auto& [field, file] : request.files) {
    recorded.files.push_back({field, file.filename, file.content});
  }

  Handler handler;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_requests.push_back(recorded);
    auto route = m_routes.find({request.method, request.path});
    handler = route == m_routes.end() ? m_other : route->second;
  }
  const CannedReply reply =
      handler ? handler(recorded) : CannedReply::errors(404, {"Not found: " + request.path});
  if (reply.delay.count() > 0) {
    std::unique_lock<std::mutex> lock(m_mutex);
    m_stopping_cv.wait_for(lock, reply.delay, [this] { return m_stopping; });
  }
  response.status = reply.status;
  response.set_content(reply.body, "application/json; charset=UTF-8");
  for (const auto& [name, value] : reply.headers) response.set_header(name, value);
}

FakeJarStore::FakeJarStore(FakeJobManager& jm) {
  jm.on("GET", "/jars", [this](const RecordedRequest&) {
    std::lock_guard<std::mutex> lock(m_mutex);
    nlohmann::json files = nlohmann::json::array();
    for (const auto& [id, name] : m_jars) {
      files.push_back({{"id", id}, {"name", name}, {"uploaded", 1795627668212}, {"entry", nlohmann::json::array()}});
    }
    return CannedReply::json(200, {{"address", "http://127.0.0.1:8081"}, {"files", files}});
  });
  jm.on("POST", "/jars/upload", [this](const RecordedRequest& request) {
    if (request.files.size() != 1 || request.files[0].field != "jarfile") {
      return CannedReply::errors(400, {"Exactly 1 file must be sent, received 0."});
    }
    std::lock_guard<std::mutex> lock(m_mutex);
    const std::string id = std::string(k_uuid) + "_" + request.files[0].filename;
    m_jars[id] = request.files[0].filename;
    return CannedReply::json(200, {{"filename", "/tmp/flink-web-cabe6609/flink-web-upload/" + id},
                                   {"status", "success"}});
  });
  jm.on_other([this](const RecordedRequest& request) {
    std::lock_guard<std::mutex> lock(m_mutex);
    const std::string prefix = "/jars/";
    const std::string suffix = "/plan";
    if (request.path.rfind(prefix, 0) != 0) return CannedReply::errors(404, {"Not found: " + request.path});
    std::string id = request.path.substr(prefix.size());
    const bool is_plan = request.method == "POST" && id.size() > suffix.size() &&
                         id.compare(id.size() - suffix.size(), suffix.size(), suffix) == 0;
    if (is_plan) id.resize(id.size() - suffix.size());
    if (!m_jars.count(id)) {
      return CannedReply::errors(500, {"Internal server error.",
                                       "<Exception on server side:\norg.apache.flink.runtime.rest.handler."
                                       "RestHandlerException: Jar file /tmp/flink-web-upload/" + id +
                                           " does not exist\n\tat org.apache.flink.runtime.webmonitor.handlers."
                                           "utils.JarHandlerUtils$JarHandlerContext.toPackagedProgram("
                                           "JarHandlerUtils.java:181)\n\nEnd of exception on server side>"});
    }
    if (is_plan) return m_plan_reply;
    if (request.method == "DELETE") {
      m_jars.erase(id);
      return CannedReply::json(200, nlohmann::json::object());
    }
    return CannedReply::errors(404, {"Not found: " + request.path});
  });
}

void FakeJarStore::set_plan_reply(CannedReply reply) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_plan_reply = std::move(reply);
}

std::map<std::string, std::string> FakeJarStore::jars() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_jars;
}

void FakeJarStore::add_jar(const std::string& id, const std::string& name) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_jars[id] = name;
}

nlohmann::json checkpoints_body(const SnapshotEntry& entry) {
  using nlohmann::json;
  const json stats = {{"min", 1024}, {"max", 1024}, {"avg", 1024}, {"p50", 1024}, {"p90", 1024},
                      {"p95", 1024}, {"p99", 1024}, {"p999", 1024}};
  const json completed = {{"className", "completed"},
                          {"id", 1},
                          {"status", "COMPLETED"},
                          {"is_savepoint", entry.is_savepoint},
                          {"savepointFormat", entry.format},
                          {"trigger_timestamp", 1764590110001},
                          {"latest_ack_timestamp", 1764590110180},
                          {"checkpointed_size", 1024},
                          {"state_size", 1024},
                          {"end_to_end_duration", 179},
                          {"alignment_buffered", 0},
                          {"processed_data", 0},
                          {"persisted_data", 0},
                          {"num_subtasks", 1},
                          {"num_acknowledged_subtasks", 1},
                          {"checkpoint_type", entry.checkpoint_type},
                          {"tasks", json::object()},
                          {"external_path", entry.location},
                          {"discarded", false}};
  return {{"counts", {{"restored", 0}, {"total", 1}, {"in_progress", 0}, {"completed", 1}, {"failed", 0}}},
          {"summary",
           {{"checkpointed_size", stats}, {"state_size", stats}, {"end_to_end_duration", stats},
            {"alignment_buffered", stats}, {"processed_data", stats}, {"persisted_data", stats}}},
          {"latest",
           {{"completed", entry.is_savepoint ? json(nullptr) : completed},
            {"savepoint", entry.is_savepoint ? completed : json(nullptr)},
            {"failed", nullptr},
            {"restored", nullptr}}},
          {"history", json::array({completed})}};
}

nlohmann::json job_status_body(const std::string& state) { return {{"status", state}}; }

void script_result_checks(FakeJobManager& jm, const std::string& job, const SnapshotEntry& entry,
                          const std::string& state) {
  jm.on("GET", "/jobs/" + job + "/checkpoints", {CannedReply::json(200, checkpoints_body(entry))});
  jm.on("GET", "/jobs/" + job + "/status", {CannedReply::json(200, job_status_body(state))});
}

void serve_savepoints(FakeJobManager& jm, const std::string& job, const std::string& trigger_id,
                      const std::string& location) {
  struct LastTrigger {
    std::mutex mutex;
    bool stop = false;
    nlohmann::json body;
  };
  auto last = std::make_shared<LastTrigger>();
  auto accept = [last, trigger_id](bool stop) {
    return [last, trigger_id, stop](const RecordedRequest& request) {
      std::lock_guard<std::mutex> lock(last->mutex);
      last->stop = stop;
      last->body = nlohmann::json::parse(request.body, nullptr, false);
      return CannedReply::json(202, {{"request-id", trigger_id}});
    };
  };
  // What the last trigger asked for: where the savepoint lands, of which kind and format.
  auto result = [last, location]() {
    std::lock_guard<std::mutex> lock(last->mutex);
    const nlohmann::json& body = last->body;
    const char* directory_field = last->stop ? "targetDirectory" : "target-directory";
    SnapshotEntry entry{location, last->stop ? "SYNC_SAVEPOINT" : "SAVEPOINT", "CANONICAL", true};
    if (body.is_object() && body.contains(directory_field) && body[directory_field].is_string()) {
      std::string directory = body[directory_field];
      while (directory.size() > 1 && directory.back() == '/') directory.pop_back();
      entry.location = directory + "/" + location.substr(location.rfind('/') + 1);
    }
    if (body.is_object() && body.contains("formatType") && body["formatType"].is_string()) entry.format = body["formatType"];
    const bool cancel = body.is_object() && body.value("cancel-job", false);
    return std::make_pair(entry, last->stop ? "FINISHED" : cancel ? "CANCELED" : "RUNNING");
  };
  jm.on("POST", "/jobs/" + job + "/savepoints", accept(false));
  jm.on("POST", "/jobs/" + job + "/stop", accept(true));
  jm.on("GET", "/jobs/" + job + "/savepoints/" + trigger_id, [result](const RecordedRequest&) {
    return CannedReply::json(200, {{"status", {{"id", "COMPLETED"}}}, {"operation", {{"location", result().first.location}}}});
  });
  jm.on("GET", "/jobs/" + job + "/checkpoints",
        [result](const RecordedRequest&) { return CannedReply::json(200, checkpoints_body(result().first)); });
  jm.on("GET", "/jobs/" + job + "/status",
        [result](const RecordedRequest&) { return CannedReply::json(200, job_status_body(result().second)); });
}

int unused_local_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(fd);
    throw std::runtime_error("bind() failed");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

}  // namespace flinkcli::testing
