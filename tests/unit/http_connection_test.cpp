// HttpConnection against loopback servers: each way an attempt can fail is named for what it means
// to a retry (nothing sent, possibly arrived, no answer in time, too large, TLS), an endless answer
// is cut off at its bound, the host's addresses are tried in turn, https trusts the system's CAs
// or a given bundle with the host name checked; and Backoff's pauses.
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <set>
#include <stdexcept>
#include <thread>

#include "fake/raw_server.hpp"
#include "fake/test_support.hpp"
#include "fake/tls_fixtures.hpp"
#include "flinkcli/http/http_connection.hpp"

namespace flinkcli::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

// Generous: an answer (or a TLS handshake) on a loaded 2-core machine can take far longer than
// on an idle one. Only the case that waits for a timeout uses a short one (k_hang_timeouts).
const AttemptTimeouts k_timeouts{milliseconds(5000), milliseconds(5000), milliseconds(200)};
const AttemptTimeouts k_hang_timeouts{milliseconds(5000), milliseconds(1500), milliseconds(200)};

// A port on 127.0.0.1 nothing listens on (bound, then closed).
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error("free_port: cannot bind");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

int port_of(const std::string& address) { return std::stoi(address.substr(address.rfind(':') + 1)); }

HttpEndpoint local(int port, const std::string& scheme = "http", const std::string& host = "127.0.0.1") {
  return HttpEndpoint{scheme, host, port};
}

HttpRequest get(const std::string& target = "/") {
  HttpRequest request;
  request.target = target;
  return request;
}

// Resolves every name to `addresses`, in that order.
Resolver resolving_to(std::vector<std::string> addresses) {
  return [addresses](const std::string&, int) { return Resolution{addresses, ""}; };
}

// An httplib server on 127.0.0.1 (TLS with `pem`), serving from a thread until destroyed.
class LoopbackServer {
 public:
  explicit LoopbackServer(const PemFiles* pem = nullptr)
      : m_server(pem ? std::unique_ptr<httplib::Server>(
                           std::make_unique<httplib::SSLServer>(pem->chain.c_str(), pem->key.c_str()))
                     : std::make_unique<httplib::Server>()) {
    if (!m_server->is_valid()) throw std::runtime_error("LoopbackServer: not valid");
    m_server->Get("/hello", [](const httplib::Request&, httplib::Response& response) {
      response.set_header("X-Greeting", "hello");
      response.set_content("hello, world", "text/plain");
    });
    // Sends without end, in 16 KiB chunks, until the client goes away.
    m_server->Get("/endless", [](const httplib::Request&, httplib::Response& response) {
      response.set_chunked_content_provider("application/octet-stream", [](std::size_t, httplib::DataSink& sink) {
        const std::string chunk(16 * 1024, 'x');
        return sink.write(chunk.data(), chunk.size());
      });
    });
    m_server->Post("/echo", [](const httplib::Request& request, httplib::Response& response) {
      response.set_content(request.get_header_value("Content-Type") + "|" + request.body, "text/plain");
    });
    m_server->set_keep_alive_timeout(1);  // stop() waits for idle keep-alive connections
    m_port = m_server->bind_to_any_port("127.0.0.1");
    m_thread = std::thread([this] { m_server->listen_after_bind(); });
    // stop() is a no-op until the accept loop runs.
    while (!m_server->is_running()) std::this_thread::sleep_for(milliseconds(1));
  }
  ~LoopbackServer() {
    m_server->stop();
    m_thread.join();
  }
  int port() const { return m_port; }

 private:
  std::unique_ptr<httplib::Server> m_server;
  int m_port = 0;
  std::thread m_thread;
};

TEST(HttpConnection, AnswersAreReadWhole) {
  LoopbackServer server;
  SystemClock clock;
  HttpConnection connection(local(server.port()), {}, {}, clock);
  const HttpExchange exchange = connection.exchange(get("/hello"), k_timeouts);
  ASSERT_EQ(exchange.failure, HttpFailure::none) << exchange.error_text;
  ASSERT_TRUE(exchange.response);
  EXPECT_EQ(exchange.response->status, 200);
  EXPECT_EQ(exchange.response->body, "hello, world");
  EXPECT_EQ(exchange.response->header("x-greeting"), "hello");
  EXPECT_EQ(exchange.response->header("X-Absent"), "");
}

TEST(HttpConnection, ABodyIsSentWithItsContentType) {
  LoopbackServer server;
  SystemClock clock;
  HttpConnection connection(local(server.port()), {}, {}, clock);
  HttpRequest request = get("/echo");
  request.method = "POST";
  request.body = R"({"a":1})";
  request.content_type = "application/json";
  const HttpExchange exchange = connection.exchange(request, k_timeouts);
  ASSERT_TRUE(exchange.response) << exchange.error_text;
  EXPECT_EQ(exchange.response->body, R"(application/json|{"a":1})");
}

TEST(HttpConnection, HeadGetsHeadersAndNoBody) {
  LoopbackServer server;
  SystemClock clock;
  HttpConnection connection(local(server.port()), {}, {}, clock);
  HttpRequest request = get("/hello");
  request.method = "HEAD";
  const HttpExchange exchange = connection.exchange(request, k_timeouts);
  ASSERT_TRUE(exchange.response) << exchange.error_text;
  EXPECT_EQ(exchange.response->status, 200);
  EXPECT_EQ(exchange.response->header("X-Greeting"), "hello");
  EXPECT_EQ(exchange.response->header("Content-Length"), "12");
  EXPECT_EQ(exchange.response->body, "");
}

TEST(HttpConnection, ARefusedConnectionSentNothing) {
  SystemClock clock;
  HttpConnection connection(local(free_port()), {}, {}, clock);
  const HttpExchange exchange = connection.exchange(get(), k_timeouts);
  EXPECT_EQ(exchange.failure, HttpFailure::refused);
  EXPECT_FALSE(exchange.response);
  EXPECT_FALSE(exchange.connect_timed_out);
  EXPECT_EQ(connection.describe_connect_failure(milliseconds(500)), "Connection refused");
}

TEST(HttpConnection, FailuresAfterConnectingAreNamedForRetries) {
  struct Case {
    std::string name;
    RawAction action;
    HttpFailure expected;
  };
  RawAction truncated;
  truncated.bytes = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close\r\n\r\nonly ten b";
  const Case cases[] = {
      {"reset before answering: the request may have arrived", RawAction::reset_connection(), HttpFailure::lost},
      {"closed in the middle of the answer", truncated, HttpFailure::lost},
      // real time: the attempt's timeout is a socket's; the hang outlasts it by far (cut short at the end)
      {"no answer within the attempt's time", RawAction::hang_for(milliseconds(60000)), HttpFailure::timed_out},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    RawServer server([&](const RawRequest&, int) { return c.action; });
    SystemClock clock;
    HttpConnection connection(local(port_of(server.address())), {}, {}, clock);
    const HttpExchange exchange = connection.exchange(get(), k_hang_timeouts);
    EXPECT_EQ(exchange.failure, c.expected) << exchange.error_text;
    EXPECT_FALSE(exchange.response);
    EXPECT_EQ(exchange.error_text, describe_http_failure(c.expected));
  }
}

// Error lines print these: plain words, never the HTTP library's enum names ("Read", "Connection").
TEST(HttpConnection, FailuresAreNamedInPlainWords) {
  const std::pair<HttpFailure, std::string> cases[] = {
      {HttpFailure::refused, "connection refused or not made"},
      {HttpFailure::lost, "connection closed or reset before a whole answer arrived"},
      {HttpFailure::timed_out, "no whole answer in time"},
      {HttpFailure::too_large, "answer too long"},
      {HttpFailure::tls, "TLS handshake failed"},
      {HttpFailure::other, "unexpected failure of the HTTP client"},
  };
  for (const auto& [failure, words] : cases) {
    SCOPED_TRACE(words);
    EXPECT_EQ(describe_http_failure(failure), words);
  }
  SystemClock clock;
  HttpConnection refused(local(free_port()), {}, {}, clock);
  EXPECT_EQ(refused.exchange(get(), k_timeouts).error_text, "connection refused or not made");
}

TEST(HttpConnection, AnAnswerPastItsBoundIsCutOffPromptly) {
  LoopbackServer server;
  SystemClock clock;
  HttpConnection connection(local(server.port()), {}, {}, clock);
  HttpRequest request = get("/endless");
  request.max_answer_bytes = 256 * 1024;
  const auto start = steady_clock::now();
  const HttpExchange exchange = connection.exchange(request, {milliseconds(1000), milliseconds(60000), milliseconds(200)});
  EXPECT_EQ(exchange.failure, HttpFailure::too_large);
  EXPECT_EQ(exchange.error_text, "answer too long: longer than 262144 bytes");
  EXPECT_FALSE(exchange.response);
  // Real time (a real socket): cut off at the bound, not at the 60 s answer timeout (the bound
  // only tells those apart, with room for a loaded machine).
  EXPECT_LT(steady_clock::now() - start, milliseconds(15000));
  // The connection is usable again afterwards.
  const HttpExchange next = connection.exchange(get("/hello"), k_timeouts);
  ASSERT_TRUE(next.response) << next.error_text;
  EXPECT_EQ(next.response->body, "hello, world");
}

TEST(HttpConnection, TheHostsAddressesAreTriedInTurn) {
  LoopbackServer server;
  SystemClock clock;
  // 127.0.0.2 and 127.0.0.3 are loopback too, and nothing listens there on that port.
  HttpConnection connection(local(server.port(), "http", "jobmanager.test"), {}, {}, clock,
                            resolving_to({"127.0.0.2", "127.0.0.3", "127.0.0.1"}));
  EXPECT_EQ(connection.exchange(get("/hello"), k_timeouts).failure, HttpFailure::refused);
  EXPECT_TRUE(connection.next_address());
  EXPECT_EQ(connection.exchange(get("/hello"), k_timeouts).failure, HttpFailure::refused);
  EXPECT_TRUE(connection.next_address());
  const HttpExchange third = connection.exchange(get("/hello"), k_timeouts);
  ASSERT_TRUE(third.response) << third.error_text;
  EXPECT_EQ(third.response->body, "hello, world");
}

TEST(HttpConnection, AfterTheLastAddressTheFirstComesAgain) {
  SystemClock clock;
  HttpConnection connection(local(free_port(), "http", "jobmanager.test"), {}, {}, clock,
                            resolving_to({"127.0.0.2", "127.0.0.1"}));
  EXPECT_EQ(connection.exchange(get(), k_timeouts).failure, HttpFailure::refused);
  EXPECT_TRUE(connection.next_address());
  EXPECT_EQ(connection.exchange(get(), k_timeouts).failure, HttpFailure::refused);
  EXPECT_FALSE(connection.next_address());
  EXPECT_EQ(connection.exchange(get(), k_timeouts).failure, HttpFailure::refused);
  EXPECT_TRUE(connection.next_address());
}

TEST(HttpConnection, ANameThatDoesNotResolveIsUnreachable) {
  SystemClock clock;
  HttpConnection connection(local(80, "http", "nowhere.test"), {}, {"the S3 endpoint", "Check the endpoint."}, clock,
                            [](const std::string&, int) { return Resolution{{}, "Name or service not known"}; });
  try {
    connection.exchange(get(), k_timeouts);
    FAIL() << "no error";
  } catch (const CliError& error) {
    EXPECT_EQ(error.error_class(), ErrorClass::unreachable);
    EXPECT_NE(std::string(error.what()).find("the S3 endpoint"), std::string::npos) << error.what();
  }
}

class HttpsTrustTest : public ::testing::Test {
 protected:
  HttpsTrustTest() : pem(write_pem_files(dir.path(), "server", test_pki().self_signed_server)), server(&pem) {}

  HttpExchange fetch(const std::string& host, const std::string& ca_bundle) {
    HttpsTrust trust;
    trust.ca_bundle = ca_bundle;
    connection = std::make_unique<HttpConnection>(local(server.port(), "https", host), trust,
                                                  PeerDescription{"the S3 endpoint", ""}, clock,
                                                  resolving_to({"127.0.0.1"}));
    return connection->exchange(get("/hello"), k_timeouts);
  }

  TempDir dir;
  PemFiles pem;
  LoopbackServer server;
  SystemClock clock;
  std::unique_ptr<HttpConnection> connection;
};

TEST_F(HttpsTrustTest, ASelfSignedCertificateIsNotTrustedByTheSystemsCas) {
  const HttpExchange exchange = fetch("localhost", "");
  EXPECT_EQ(exchange.failure, HttpFailure::tls) << exchange.error_text;
  const auto explained = connection->explain_tls_failure(true);
  ASSERT_TRUE(explained);
  EXPECT_EQ(explained->error_class(), ErrorClass::tls);
  const std::string what = explained->what();
  EXPECT_EQ(what.rfind("TLS handshake with the S3 endpoint at localhost:" + std::to_string(server.port()) + " failed", 0),
            0u)
      << what;
  EXPECT_NE(what.find("set AWS_CA_BUNDLE"), std::string::npos) << what;
}

TEST_F(HttpsTrustTest, ItIsTrustedWithABundleHoldingIt) {
  for (const std::string host : {"localhost", "127.0.0.1"}) {
    SCOPED_TRACE(host);
    const HttpExchange exchange = fetch(host, pem.chain.string());
    ASSERT_TRUE(exchange.response) << exchange.error_text;
    EXPECT_EQ(exchange.response->body, "hello, world");
  }
}

TEST_F(HttpsTrustTest, AnotherHostNameIsRefused) {
  const HttpExchange exchange = fetch("s3.other.test", pem.chain.string());
  EXPECT_EQ(exchange.failure, HttpFailure::tls) << exchange.error_text;
  const auto explained = connection->explain_tls_failure(true);
  ASSERT_TRUE(explained);
  EXPECT_NE(std::string(explained->what()).find("check that AWS_CA_BUNDLE"), std::string::npos) << explained->what();
}

TEST(HttpConnection, ACaBundleThatCannotBeReadIsAConfigError) {
  SystemClock clock;
  HttpsTrust trust;
  trust.ca_bundle = "/nonexistent/ca.pem";
  try {
    HttpConnection connection(local(443, "https"), trust, {}, clock);
    FAIL() << "no error";
  } catch (const CliError& error) {
    EXPECT_EQ(error.error_class(), ErrorClass::config);
    EXPECT_EQ(std::string(error.what()),
              "Cannot read the CA bundle /nonexistent/ca.pem (AWS_CA_BUNDLE): it must be PEM certificates");
  }
}

TEST(HttpConnection, PlainHttpExplainsNoTlsFailure) {
  SystemClock clock;
  HttpConnection connection(local(free_port()), {}, {}, clock);
  EXPECT_FALSE(connection.explain_tls_failure(true));
}

TEST(Backoff, GrowsCapsAndJittersWithinHalfToAWholeStep) {
  struct Case {
    milliseconds first, cap;
    std::vector<milliseconds> steps;
  };
  const Case cases[] = {
      {milliseconds(50), milliseconds(1000),
       {milliseconds(50), milliseconds(100), milliseconds(200), milliseconds(400), milliseconds(800),
        milliseconds(1000), milliseconds(1000)}},
      {milliseconds(10), milliseconds(100),
       {milliseconds(10), milliseconds(20), milliseconds(40), milliseconds(80), milliseconds(100), milliseconds(100)}},
      {milliseconds(1), milliseconds(1), {milliseconds(1), milliseconds(1)}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.first.count());
    for (int round = 0; round < 50; ++round) {
      Backoff backoff(c.first, c.cap);
      for (const milliseconds step : c.steps) {
        const milliseconds pause = backoff.next();
        EXPECT_GE(pause, std::max(step / 2, milliseconds(1)));
        EXPECT_LE(pause, std::max(step, milliseconds(2)));
      }
    }
  }
}

TEST(Backoff, PausesAreNotAllAlike) {
  std::set<milliseconds::rep> firsts;
  for (int round = 0; round < 50; ++round) firsts.insert(Backoff(milliseconds(400), milliseconds(400)).next().count());
  EXPECT_GT(firsts.size(), 5u);
}

}  // namespace
}  // namespace flinkcli::testing
