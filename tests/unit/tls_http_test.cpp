// REST TLS and mutual TLS through the REAL client against a TLS fake JobManager on 127.0.0.1,
// with certificates and JKS/PKCS12 stores made at test time: every configuration problem fails
// before any request (exit 2, naming key and file), every handshake failure in one line that says
// what to fix (exit 10), never retried, and no password ever shows, -v included.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "fake/fake_jobmanager.hpp"
#include "fake/test_support.hpp"
#include "fake/tls_fixtures.hpp"

namespace flinkcli::testing {
namespace {

namespace fs = std::filesystem;
using Lines = std::vector<std::string>;

const Lines k_no_jobs = {"Waiting for response...", "No running jobs.", "No scheduled jobs."};

// Passwords no output line may ever contain.
const std::string k_store_password = "St0re-pass-4711";
const std::string k_key_password = "K3y-pass-0815";
const std::string k_trust_password = "Tru5t-pass-1234";
const std::string k_wrong_password = "Wr0ng-pass-9999";

std::string all_output(const CliRun& run) {
  std::string text;
  for (const auto& line : run.out) text += line + "\n";
  for (const auto& line : run.err) text += line + "\n";
  return text;
}

// One line on stderr, holding each of `parts`.
void expect_one_error_line(const CliRun& run, int exit_code, const std::vector<std::string>& parts) {
  EXPECT_EQ(run.exit_code, exit_code) << all_output(run);
  ASSERT_FALSE(run.err.empty()) << all_output(run);
  const std::string& line = run.err.back();
  for (const auto& part : parts) EXPECT_NE(line.find(part), std::string::npos) << "'" << part << "' not in: " << line;
}

void expect_no_password(const CliRun& run) {
  const std::string text = all_output(run);
  for (const auto& password : {k_store_password, k_key_password, k_trust_password, k_wrong_password}) {
    EXPECT_EQ(text.find(password), std::string::npos) << "password in output:\n" << text;
  }
}

// A server that answers anything with a plain HTTP 400, as a plain HTTP endpoint does to a TLS
// ClientHello.
class PlainHttpResponder {
 public:
  PlainHttpResponder() {
    m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    if (::bind(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 || ::listen(m_fd, 4) != 0 ||
        ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      throw std::runtime_error("PlainHttpResponder: cannot listen");
    }
    m_port = ntohs(address.sin_port);
    m_thread = std::thread([this] {
      while (!m_stopping) {
        const int client = ::accept(m_fd, nullptr, nullptr);
        if (client < 0) break;
        char buffer[4096];
        if (::recv(client, buffer, sizeof(buffer), 0) > 0) {
          const std::string answer = "HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";
          ::send(client, answer.data(), answer.size(), MSG_NOSIGNAL);
        }
        ::close(client);
      }
    });
  }
  ~PlainHttpResponder() {
    m_stopping = true;
    ::shutdown(m_fd, SHUT_RDWR);
    ::close(m_fd);
    m_thread.join();
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(m_port); }

 private:
  int m_fd = -1;
  int m_port = 0;
  std::atomic<bool> m_stopping{false};
  std::thread m_thread;
};

class TlsHttpTest : public ::testing::Test {
 protected:
  // A TLS fake JobManager presenting `leaf` (and `chain`), requiring a client certificate issued
  // by `client_ca` when given.
  std::unique_ptr<FakeJobManager> start(const TestCert& leaf, std::vector<const TestCert*> chain = {},
                                        const TestCert* client_ca = nullptr, int max_version = 0) {
    const PemFiles pem = write_pem_files(dir.path(), "server" + std::to_string(servers++), leaf, chain);
    FakeTlsOptions options{pem.chain, pem.key, std::nullopt, max_version};
    if (client_ca) options.client_ca = write_file(dir / ("client-ca" + std::to_string(servers) + ".pem"), client_ca->pem());
    auto jm = std::make_unique<FakeJobManager>(options);
    jm->on("GET", "/jobs/overview", {CannedReply::json(200, {{"jobs", nlohmann::json::array()}})});
    return jm;
  }

  // list -m <url> -D... ; `verbose` adds -v.
  CliRun list(const std::string& url, const std::vector<std::string>& properties, bool verbose = false) {
    std::vector<std::string> args{"list", "-m", url};
    if (verbose) args.push_back("-v");
    for (const auto& property : properties) args.push_back("-D" + property);
    return run_flink_http(args, env, clock);
  }

  std::string store(const std::string& name, const std::string& bytes) { return write_file(dir / name, bytes).string(); }

  // The CA as a JKS truststore and as a keytool-like PKCS12 truststore.
  std::string jks_truststore(const TestCert& cert) {
    return store("trust" + std::to_string(files++) + ".jks", JksWriter().trusted("ca", cert).bytes(k_trust_password));
  }
  std::string p12_truststore(const TestCert& cert) {
    return store("trust" + std::to_string(files++) + ".p12", make_pkcs12(pkcs12_truststore(k_trust_password, {&cert})));
  }
  static std::vector<std::string> trusting(const std::string& path) {
    return {"security.ssl.rest.truststore=" + path, "security.ssl.rest.truststore-password=" + k_trust_password};
  }
  static std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  }
  // Mutual TLS with a JKS keystore whose key password differs from its store password.
  std::vector<std::string> jks_client_identity(const TestCert& client, const TestCert& issuer) {
    const std::string path = store("client" + std::to_string(files++) + ".jks",
                                   JksWriter().key("client", client, {&issuer}, k_key_password).bytes(k_store_password));
    return {"security.ssl.rest.authentication-enabled=true", "security.ssl.rest.keystore=" + path,
            "security.ssl.rest.keystore-password=" + k_store_password, "security.ssl.rest.key-password=" + k_key_password};
  }

  TempDir dir;
  TestEnvironment env;
  FakeClock clock;  // retries would sleep on it: TLS failures must not
  int servers = 0;
  int files = 0;
};

TEST_F(TlsHttpTest, JksTruststore) {
  const auto& pki = test_pki();
  auto jm = start(pki.server);
  const auto result = list(jm->url(), trusting(jks_truststore(pki.ca)));
  EXPECT_EQ(result.exit_code, 0) << all_output(result);
  EXPECT_EQ(result.out, k_no_jobs);
  EXPECT_EQ(jm->request_lines(), Lines{"GET /jobs/overview"});
}

TEST_F(TlsHttpTest, Pkcs12TruststoreAndItsType) {
  const auto& pki = test_pki();
  auto jm = start(pki.server);
  const std::string truststore = p12_truststore(pki.ca);
  EXPECT_EQ(list(jm->url(), trusting(truststore)).exit_code, 0);
  // Java 17 reads either format under either type.
  EXPECT_EQ(list(jm->url(), with(trusting(truststore), {"security.ssl.rest.truststore-type=JKS"})).exit_code, 0);
  const auto pem_type = list(jm->url(), with(trusting(truststore), {"security.ssl.rest.truststore-type=PEM"}));
  expect_one_error_line(pem_type, 2, {truststore, "'PEM' is not supported", "security.ssl.rest.truststore-type"});
}

// The generic keys, 1.x's security.ssl.enabled and the address from the configuration file.
TEST_F(TlsHttpTest, GenericKeysFromTheConfigurationFile) {
  const auto& pki = test_pki();
  auto jm = start(pki.server);
  env.conf_dir().write("config.yaml", "rest.address: 127.0.0.1\nrest.port: " + std::to_string(jm->port()) +
                                          "\nsecurity.ssl.enabled: true\nsecurity.ssl.truststore: " +
                                          jks_truststore(pki.ca) + "\nsecurity.ssl.truststore-password: " +
                                          k_trust_password + "\n");
  const auto result = run_flink_http({"list"}, env, clock);
  EXPECT_EQ(result.exit_code, 0) << all_output(result);
  EXPECT_EQ(jm->requests().size(), 1u);
}

// As Java's PKIX: the leaf of a key entry is an anchor, so a server's own keystore is a truststore.
TEST_F(TlsHttpTest, AKeystoreServesAsTruststore) {
  const auto& pki = test_pki();
  auto jm = start(pki.self_signed_server);
  const std::string keystore = store("server.jks", JksWriter().key("flink.rest", pki.self_signed_server, {}, k_key_password)
                                                       .bytes(k_trust_password));
  EXPECT_EQ(list(jm->url(), trusting(keystore)).exit_code, 0);
}

TEST_F(TlsHttpTest, MutualTlsWithJksKeystoreAndItsOwnKeyPassword) {
  const auto& pki = test_pki();
  auto jm = start(pki.server, {}, &pki.ca);
  const auto result = list(jm->url(), with(trusting(jks_truststore(pki.ca)), jks_client_identity(pki.client, pki.ca)));
  EXPECT_EQ(result.exit_code, 0) << all_output(result);
  ASSERT_EQ(jm->requests().size(), 1u);
  EXPECT_EQ(jm->requests()[0].client_certificate, "/CN=flink-cli-client");
}

// checkpoint over mutual TLS: the trigger and its polls on the one TLS client.
TEST_F(TlsHttpTest, CheckpointOverMutualTls) {
  const auto& pki = test_pki();
  auto jm = start(pki.server, {}, &pki.ca);
  const std::string job = k_job;
  jm->on("POST", "/jobs/" + job + "/checkpoints", {CannedReply::json(202, {{"request-id", k_trigger}})});
  jm->on("GET", "/jobs/" + job + "/checkpoints/" + k_trigger,
         {CannedReply::json(200, {{"status", {{"id", "COMPLETED"}}}, {"operation", {{"checkpointId", 8}}}})});
  std::vector<std::string> args{"checkpoint", "-full", job, "-m", jm->url()};
  for (const auto& property : with(trusting(jks_truststore(pki.ca)), jks_client_identity(pki.client, pki.ca))) {
    args.push_back("-D" + property);
  }
  const auto result = run_flink_http(args, env, clock);
  EXPECT_EQ(result.exit_code, 0) << all_output(result);
  EXPECT_EQ(result.out.at(2), "Checkpoint(FULL) 8 for job " + job + " completed.");
  ASSERT_EQ(jm->requests().size(), 2u);
  for (const auto& request : jm->requests()) EXPECT_EQ(request.client_certificate, "/CN=flink-cli-client");
}

TEST_F(TlsHttpTest, MutualTlsWithPkcs12StoresAndTls13) {
  const auto& pki = test_pki();
  auto jm = start(pki.server, {}, &pki.ca);
  const std::string keystore = store("client.p12", make_pkcs12(pkcs12_keystore(k_store_password, pki.client, {&pki.ca})));
  const std::vector<std::string> identity = {"security.ssl.rest.authentication-enabled=true",
                                             "security.ssl.keystore=" + keystore,
                                             "security.ssl.keystore-password=" + k_store_password,
                                             "security.ssl.key-password=" + k_store_password};
  const auto tls12 = list(jm->url(), with(trusting(p12_truststore(pki.ca)), identity));
  EXPECT_EQ(tls12.exit_code, 0) << all_output(tls12);
  const auto tls13 = list(jm->url(), with(with(trusting(p12_truststore(pki.ca)), identity),
                                          {"security.ssl.protocol=TLSv1.3", "security.ssl.algorithms=TLS_AES_128_GCM_SHA256"}));
  EXPECT_EQ(tls13.exit_code, 0) << all_output(tls13);
  EXPECT_EQ(jm->requests().size(), 2u);
}

// Several key entries: the one whose issuer the server asks for, as Java's key manager picks.
TEST_F(TlsHttpTest, MutualTlsPicksTheKeyTheServerAsksFor) {
  const auto& pki = test_pki();
  auto jm = start(pki.server, {}, &pki.ca);
  const std::string keystore = store("two-keys.jks", JksWriter()
                                                         .key("stranger", pki.untrusted_client, {&pki.other_ca}, k_key_password)
                                                         .key("client", pki.client, {&pki.ca}, k_key_password)
                                                         .bytes(k_store_password));
  const auto result = list(jm->url(), with(trusting(jks_truststore(pki.ca)),
                                           {"security.ssl.rest.authentication-enabled=true",
                                            "security.ssl.rest.keystore=" + keystore,
                                            "security.ssl.rest.keystore-password=" + k_store_password,
                                            "security.ssl.rest.key-password=" + k_key_password}));
  EXPECT_EQ(result.exit_code, 0) << all_output(result);
  ASSERT_EQ(jm->requests().size(), 1u);
  EXPECT_EQ(jm->requests()[0].client_certificate, "/CN=flink-cli-client");
}

// ---- configuration problems: exit 2 before any request ----

TEST_F(TlsHttpTest, WrongTruststorePasswords) {
  const auto& pki = test_pki();
  auto jm = start(pki.server);
  for (const std::string& truststore : {jks_truststore(pki.ca), p12_truststore(pki.ca)}) {
    const auto result = list(jm->url(), {"security.ssl.rest.truststore=" + truststore,
                                         "security.ssl.truststore-password=" + k_wrong_password});
    expect_one_error_line(result, 2, {"Cannot load the truststore " + truststore + " (security.ssl.rest.truststore)",
                                      "password", "Check security.ssl.truststore-password"});
    EXPECT_TRUE(result.out.empty());  // as Java: no "Waiting for response..." before it
    expect_no_password(result);
  }
  EXPECT_TRUE(jm->requests().empty());
}

TEST_F(TlsHttpTest, WrongAndMissingKeyPasswords) {
  const auto& pki = test_pki();
  auto jm = start(pki.server, {}, &pki.ca);
  auto identity = jks_client_identity(pki.client, pki.ca);
  identity.back() = "security.ssl.rest.key-password=" + k_store_password;  // the store's, not the key's
  const auto wrong = list(jm->url(), with(trusting(jks_truststore(pki.ca)), identity));
  expect_one_error_line(wrong, 2, {"Cannot load the keystore", "(security.ssl.rest.keystore)", "'client'",
                                   "wrong key password", "Check security.ssl.rest.key-password"});
  expect_no_password(wrong);
  identity.pop_back();
  const auto missing = list(jm->url(), with(trusting(jks_truststore(pki.ca)), identity));
  expect_one_error_line(missing, 2, {"security.ssl.rest.key-password or security.ssl.key-password is missing"});
  EXPECT_TRUE(jm->requests().empty());
}

TEST_F(TlsHttpTest, MissingFilesAndNotAKeystore) {
  const auto& pki = test_pki();
  auto jm = start(pki.server);
  const std::string missing = (dir / "does-not-exist.jks").string();
  expect_one_error_line(list(jm->url(), trusting(missing)), 2,
                        {"Cannot read the truststore " + missing + " (security.ssl.rest.truststore): No such file"});
  const std::string pem = store("ca.pem", pki.ca.pem());
  expect_one_error_line(list(jm->url(), trusting(pem)), 2, {pem, "PEM file, not a keystore"});
  const std::string text = store("notes.txt", "hello");
  expect_one_error_line(list(jm->url(), trusting(text)), 2, {text, "not a JKS or PKCS12 keystore"});
  // A PKCS12 file without Java's trust attribute is empty for Java: say so instead of failing later.
  Pkcs12Spec nokeys = pkcs12_truststore(k_trust_password, {&pki.ca});
  nokeys.java_trust_attribute = false;
  const std::string empty = store("nokeys.p12", make_pkcs12(nokeys));
  expect_one_error_line(list(jm->url(), trusting(empty)), 2, {empty, "no trusted certificate", "keytool -importcert"});
  // A keystore with no key for mutual TLS.
  auto identity = jks_client_identity(pki.client, pki.ca);
  identity[1] = "security.ssl.rest.keystore=" + jks_truststore(pki.ca);
  identity[2] = "security.ssl.rest.keystore-password=" + k_trust_password;
  expect_one_error_line(list(jm->url(), with(trusting(jks_truststore(pki.ca)), identity)), 2, {"has no private key entry"});
  EXPECT_TRUE(jm->requests().empty());
}

TEST_F(TlsHttpTest, UnusableProtocolsAndCipherSuites) {
  const auto& pki = test_pki();
  auto jm = start(pki.server);
  const auto truststore = trusting(jks_truststore(pki.ca));
  expect_one_error_line(list(jm->url(), with(truststore, {"security.ssl.protocol=SSLv3"})), 2,
                        {"Unsupported protocol 'SSLv3' in security.ssl.protocol"});
  expect_one_error_line(list(jm->url(), with(truststore, {"security.ssl.algorithms=TLS_NO_SUCH_SUITE"})), 2,
                        {"No cipher suite in security.ssl.algorithms is known to OpenSSL"});
  // Unknown names beside known ones are ignored (said with -v).
  const auto mixed = list(jm->url(), with(truststore, {"security.ssl.algorithms=TLS_NO_SUCH_SUITE,"
                                                       "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"}),
                          true);
  EXPECT_EQ(mixed.exit_code, 0) << all_output(mixed);
  EXPECT_NE(all_output(mixed).find("ignoring cipher suites OpenSSL does not know"), std::string::npos);
}

// ---- handshake failures: exit 10, one line, never retried ----

TEST_F(TlsHttpTest, UntrustedServerCertificate) {
  const auto& pki = test_pki();
  auto jm = start(pki.untrusted_server);
  const std::string truststore = jks_truststore(pki.ca);
  const auto result = list(jm->url(), trusting(truststore));
  expect_one_error_line(result, 10, {"TLS: the certificate of the JobManager at " + jm->address(), "CN=localhost",
                                     "issued by CN=Other CA", "is not trusted by the truststore " + truststore,
                                     "keytool -importcert", "unable to get local issuer certificate"});
  EXPECT_EQ(result.err.size(), 1u);
  EXPECT_TRUE(clock.sleeps.empty());  // not retried
  EXPECT_TRUE(jm->requests().empty());
}

TEST_F(TlsHttpTest, ExpiredServerCertificate) {
  const auto& pki = test_pki();
  auto jm = start(pki.expired);
  expect_one_error_line(list(jm->url(), trusting(jks_truststore(pki.ca))), 10,
                        {"is expired (not valid after", "renew the JobManager's certificate", "certificate has expired"});
}

TEST_F(TlsHttpTest, FingerprintPinningReplacesTheChainCheck) {
  const auto& pki = test_pki();
  auto jm = start(pki.untrusted_server);
  const auto truststore = trusting(jks_truststore(pki.ca));  // unrelated, but loadable, as Flink needs
  const std::string hex = pki.untrusted_server.sha1_hex();
  std::string colons;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    if (!colons.empty()) colons += ':';
    colons += hex.substr(i, 2);
  }
  const auto match = list(jm->url(), with(truststore, {"security.ssl.rest.cert.fingerprint=" + std::string(40, '0') + "," +
                                                       colons}));
  EXPECT_EQ(match.exit_code, 0) << all_output(match);
  const auto mismatch = list(jm->url(), with(truststore, {"security.ssl.rest.cert.fingerprint=" + std::string(40, 'a')}));
  expect_one_error_line(mismatch, 10, {"(CN=localhost) has the SHA-1 fingerprint", "which is not in security.ssl.rest.cert.fingerprint",
                                       "server certificate with unknown fingerprint"});
  std::string upper = colons.substr(0, 8);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_NE(mismatch.err.back().find(upper), std::string::npos) << mismatch.err.back();  // the actual one
}

TEST_F(TlsHttpTest, HostNameCheckedOnlyWhenAsked) {
  const auto& pki = test_pki();
  auto jm = start(pki.wrong_host);
  const auto truststore = trusting(jks_truststore(pki.ca));
  EXPECT_EQ(list(jm->url(), truststore).exit_code, 0);  // Flink's default: no check
  EXPECT_EQ(list("https://localhost:" + std::to_string(jm->port()), truststore).exit_code, 0);
  expect_one_error_line(list(jm->url(), with(truststore, {"security.ssl.rest.verify-hostname=true"})), 10,
                        {"(CN=wronghost.example) is not issued for the host '127.0.0.1'",
                         "security.ssl.rest.verify-hostname: true", "IP address mismatch"});
  expect_one_error_line(list("https://localhost:" + std::to_string(jm->port()),
                             with(truststore, {"security.ssl.rest.verify-hostname=true"})),
                        10, {"is not issued for the host 'localhost'", "hostname mismatch"});
  // A certificate naming the host passes the check, by IP and by name.
  auto good = start(pki.server);
  EXPECT_EQ(list(good->url(), with(truststore, {"security.ssl.rest.verify-hostname=true"})).exit_code, 0);
  EXPECT_EQ(list("https://localhost:" + std::to_string(good->port()),
                 with(truststore, {"security.ssl.rest.verify-hostname=true"})).exit_code, 0);
}

// No truststore: the system CAs, and the host name always checked (the deliberate difference).
TEST_F(TlsHttpTest, NoTruststoreMeansSystemCasAndHostNameChecks) {
  const auto& pki = test_pki();
  auto self_signed = start(pki.self_signed_server);
  const auto untrusted = list(self_signed->url(), {});
  expect_one_error_line(untrusted, 10, {"is not trusted by the system CAs", "configure security.ssl.rest.truststore",
                                        "self-signed certificate"});
  // The system trust store as OpenSSL finds it (SSL_CERT_FILE stands in for /etc/ssl/certs).
  const ScopedEnv system_cas("SSL_CERT_FILE", write_file(dir / "system-cas.pem", pki.ca.pem()).string());
  auto good = start(pki.server);
  EXPECT_EQ(list(good->url(), {}).exit_code, 0);
  auto wrong_host = start(pki.wrong_host);
  expect_one_error_line(list(wrong_host->url(), {"security.ssl.rest.verify-hostname=false"}), 10,
                        {"is not issued for the host '127.0.0.1'", "always checked when no truststore is configured"});
}

TEST_F(TlsHttpTest, ServerRequiresAClientCertificate) {
  const auto& pki = test_pki();
  auto jm = start(pki.server, {}, &pki.ca);
  const auto truststore = trusting(jks_truststore(pki.ca));
  const std::string hint = "requires a client certificate (mutual TLS): set security.ssl.rest.authentication-enabled: true";
  const auto tls12 = list(jm->url(), truststore);
  expect_one_error_line(tls12, 10, {hint, "security.ssl.rest.keystore"});
  // TLS 1.3: the server refuses only after the client's handshake is done, on the first read.
  const auto tls13 = list(jm->url(), with(truststore, {"security.ssl.protocol=TLSv1.3", "security.ssl.algorithms=TLS_AES_128_GCM_SHA256"}));
  expect_one_error_line(tls13, 10, {hint});
  EXPECT_TRUE(clock.sleeps.empty());  // a GET is retried on a broken connection, but not this one
  EXPECT_TRUE(jm->requests().empty());
}

TEST_F(TlsHttpTest, ServerRejectsOurClientCertificate) {
  const auto& pki = test_pki();
  auto jm = start(pki.server, {}, &pki.ca);
  const auto result = list(jm->url(), with(trusting(jks_truststore(pki.ca)), jks_client_identity(pki.untrusted_client, pki.other_ca)));
  expect_one_error_line(result, 10, {"rejected our client certificate (CN=stranger, entry 'client' of the keystore",
                                     "its issuer must be in the JobManager's truststore"});
  EXPECT_TRUE(clock.sleeps.empty());
}

TEST_F(TlsHttpTest, PlainHttpServerReachedWithHttps) {
  PlainHttpResponder plain;
  const auto result = list("https://" + plain.address(), {});
  expect_one_error_line(result, 10, {"does not speak TLS", "use -m http://" + plain.address(),
                                     "security.ssl.rest.enabled: false"});
  EXPECT_TRUE(clock.sleeps.empty());
}

// Flink's TLS port answers a plain request with 301 to https://.
TEST_F(TlsHttpTest, HttpsServerReachedWithHttp) {
  FakeJobManager jm;
  jm.on_other([&](const RecordedRequest& request) {
    CannedReply reply = CannedReply::raw(301, "");
    reply.headers.emplace_back("Location", "https://127.0.0.1:" + std::to_string(jm.port()) + request.path);
    return reply;
  });
  const auto result = list(jm.address(), {});
  expect_one_error_line(result, 9, {"it serves https: use -m https://" + jm.address()});
}

// Passwords, whatever happens, appear in no line, -v included.
TEST_F(TlsHttpTest, PasswordsNeverShow) {
  const auto& pki = test_pki();
  auto mutual = start(pki.server, {}, &pki.ca);
  auto untrusted = start(pki.untrusted_server);
  const auto truststore = trusting(jks_truststore(pki.ca));
  const auto identity = jks_client_identity(pki.client, pki.ca);
  std::vector<CliRun> runs;
  runs.push_back(list(mutual->url(), with(truststore, identity), true));
  runs.push_back(list(untrusted->url(), with(truststore, identity), true));
  runs.push_back(list(mutual->url(), truststore, true));
  auto wrong_key = identity;
  wrong_key.back() = "security.ssl.rest.key-password=" + k_wrong_password;
  runs.push_back(list(mutual->url(), with(truststore, wrong_key), true));
  auto wrong_store = identity;
  wrong_store[2] = "security.ssl.rest.keystore-password=" + k_wrong_password;
  runs.push_back(list(mutual->url(), with(truststore, wrong_store), true));
  runs.push_back(list(mutual->url(), {"security.ssl.rest.truststore=" + jks_truststore(pki.ca),
                                      "security.ssl.rest.truststore-password=" + k_wrong_password}, true));
  EXPECT_EQ(runs[0].exit_code, 0) << all_output(runs[0]);
  EXPECT_NE(all_output(runs[0]).find("TLS: client certificate CN=flink-cli-client"), std::string::npos)
      << all_output(runs[0]);  // -v did log TLS details
  for (const auto& run : runs) expect_no_password(run);
}

}  // namespace
}  // namespace flinkcli::testing
