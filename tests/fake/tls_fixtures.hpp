#pragma once
// TLS material made at test time with OpenSSL, nothing checked in and no Java needed: a small
// PKI (CA, server, client, a wrong-host, an expired and an untrusted server certificate), PEM
// files for the fake JobManager, PKCS12 stores (keytool-like AES ones with Java's trust
// attribute, legacy RC2 ones, MAC-less ones) and JKS stores from a small writer that mirrors
// Sun's format (JavaKeyStore.java), key protector included.
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

typedef struct x509_st X509;
typedef struct evp_pkey_st EVP_PKEY;

namespace flinkcli::testing {

struct TestCert {
  std::shared_ptr<X509> cert;
  std::shared_ptr<EVP_PKEY> key;

  std::string der() const;
  std::string pem() const;
  std::string key_pem() const;
  std::string key_pkcs8_der() const;
  std::string sha1_hex() const;  // lower-case, no colons
  std::string subject() const;   // "CN=..."
};

struct CertSpec {
  std::string common_name;
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;
  bool ca = false;
  std::chrono::hours valid_from{-1};        // relative to now
  std::chrono::hours valid_until{24 * 30};  // relative to now
};

std::shared_ptr<EVP_PKEY> make_rsa_key();  // 2048 bits
std::shared_ptr<EVP_PKEY> make_ec_key();   // P-256, fast to make

// For `key` (a new P-256 key when none), signed by `issuer`, or self-signed when none.
TestCert make_certificate(const CertSpec& spec, const TestCert* issuer = nullptr,
                          std::shared_ptr<EVP_PKEY> key = nullptr);

// Made once per test process. The server certificates share one RSA key (Flink's default
// suites, ECDHE-RSA, need one; making RSA keys is slow); CAs and clients have P-256 keys.
struct TestPki {
  TestCert ca;                  // CN=Test CA
  TestCert server;              // CN=localhost, SAN DNS:localhost IP:127.0.0.1, by ca
  TestCert client;              // CN=flink-cli-client, by ca
  TestCert wrong_host;          // CN=wronghost.example, no SAN, by ca
  TestCert expired;             // CN=localhost with SANs, expired yesterday, by ca
  TestCert other_ca;            // CN=Other CA
  TestCert untrusted_server;    // CN=localhost with SANs, by other_ca
  TestCert untrusted_client;    // CN=stranger, by other_ca
  TestCert self_signed_server;  // CN=localhost with SANs, self-signed
};
const TestPki& test_pki();

// PEM files for a server: the certificate chain (leaf first) and the key.
struct PemFiles {
  std::filesystem::path chain;
  std::filesystem::path key;
};
PemFiles write_pem_files(const std::filesystem::path& directory, const std::string& name,
                         const TestCert& leaf, const std::vector<const TestCert*>& chain = {});
std::filesystem::path write_file(const std::filesystem::path& path, const std::string& bytes);

// A JKS file as keytool writes it (version 2; version 1 has no certificate type strings).
class JksWriter {
 public:
  explicit JksWriter(int version = 2) : m_version(version) {}
  JksWriter& trusted(const std::string& alias, const TestCert& cert);
  // The key of `leaf`, protected with `key_password` by Sun's KeyProtector, with its chain.
  JksWriter& key(const std::string& alias, const TestCert& leaf, const std::vector<const TestCert*>& chain,
                 const std::string& key_password);
  std::string bytes(const std::string& store_password) const;

 private:
  int m_version;
  std::string m_entries;
  int m_count = 0;
};

// Java's JKS password bytes, written independently of the product's (UTF-16BE, ASCII here).
std::string jks_protect_key(const std::string& pkcs8, const std::string& key_password);

struct Pkcs12Spec {
  std::string store_password;
  std::optional<std::string> key_password;        // of the key bag; default: store_password
  const TestCert* key = nullptr;                  // a private-key entry (alias "flink.rest")
  std::vector<const TestCert*> key_chain;         // the rest of its chain (no trust attribute)
  std::vector<const TestCert*> trusted;           // trusted certificate entries
  bool java_trust_attribute = true;               // as keytool -importcert writes them
  bool legacy = false;                            // RC2-40 certificates, 3DES key, SHA-1 MAC
  bool mac = true;
  bool encrypt_certificates = true;
  int iterations = 2048;
};
// Returns "" when the legacy provider is needed and not available.
std::string make_pkcs12(const Pkcs12Spec& spec);
// A keystore: `key` (alias "flink.rest") with its chain.
Pkcs12Spec pkcs12_keystore(const std::string& store_password, const TestCert& key,
                           std::vector<const TestCert*> chain = {});
// A truststore: `certs` as trusted certificate entries.
Pkcs12Spec pkcs12_truststore(const std::string& store_password, std::vector<const TestCert*> certs);

// Sets an environment variable of this process for the lifetime of the object (OpenSSL reads
// SSL_CERT_FILE itself).
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value);
  ~ScopedEnv();
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::string m_name;
  std::optional<std::string> m_previous;
};

}  // namespace flinkcli::testing
