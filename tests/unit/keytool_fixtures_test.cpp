// The keystore readers on stores the JDK's keytool wrote (tests/fixtures/keytool/, made by
// make_keystores.sh there): the other keystore tests use this repository's own writers, which
// could share a misreading with the readers.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "flinkcli/tls/keystore.hpp"

namespace flinkcli {
namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(FLINKCLI_KEYTOOL_FIXTURES) + "/" + name, std::ios::binary);
  EXPECT_TRUE(in) << name;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The certificate's subject line and whether `pkcs8` is its private key, read by OpenSSL itself.
struct KeyCheck {
  std::string subject;
  bool key_matches = false;
};
KeyCheck check_key(const std::string& certificate_der, const std::string& pkcs8) {
  KeyCheck check;
  const auto* cert_bytes = reinterpret_cast<const unsigned char*>(certificate_der.data());
  std::unique_ptr<X509, decltype(&X509_free)> cert(d2i_X509(nullptr, &cert_bytes, static_cast<long>(certificate_der.size())),
                                                   X509_free);
  if (!cert) return check;
  char subject[256];
  X509_NAME_oneline(X509_get_subject_name(cert.get()), subject, sizeof(subject));
  check.subject = subject;
  const auto* key_bytes = reinterpret_cast<const unsigned char*>(pkcs8.data());
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      d2i_AutoPrivateKey(nullptr, &key_bytes, static_cast<long>(pkcs8.size())), EVP_PKEY_free);
  check.key_matches = key && X509_check_private_key(cert.get(), key.get()) == 1;
  return check;
}

struct KeystoreCase {
  std::string file;
  std::string store_password;
  std::optional<std::string> key_password;
  KeystoreFormat format;
  std::vector<std::string> aliases;  // key entries, in the store's order or any (sorted here)
};

TEST(KeytoolFixtures, KeystoresWithTheirKeys) {
  const std::vector<KeystoreCase> cases = {
      // keytool lower-cases aliases; "clé" is stored in Java's modified UTF-8.
      {"keystore.jks", "store-pass", std::string("key-pass"), KeystoreFormat::jks, {"clé", "server"}},
      {"keystore.p12", "store-pass", std::string("store-pass"), KeystoreFormat::pkcs12, {"server"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file);
    const KeystoreContents contents = read_keystore(fixture(c.file), c.store_password, c.key_password, "pkcs12");
    EXPECT_EQ(contents.format, c.format);
    std::vector<std::string> aliases;
    for (const KeyEntry& entry : contents.keys) {
      aliases.push_back(entry.alias);
      ASSERT_FALSE(entry.chain.empty());
      const KeyCheck check = check_key(entry.chain.front(), entry.private_key);
      EXPECT_EQ(check.subject, "/CN=localhost");
      EXPECT_TRUE(check.key_matches) << entry.alias;
    }
    std::sort(aliases.begin(), aliases.end());
    EXPECT_EQ(aliases, c.aliases);
    // Java's anchors from a keystore: the leaf of each key entry.
    EXPECT_EQ(contents.trusted.size(), c.aliases.size());
  }
}

TEST(KeytoolFixtures, TruststoresHoldTheExportedCertificate) {
  const std::string exported = fixture("server.der");
  for (const std::string file : {"truststore.jks", "truststore.p12"}) {
    SCOPED_TRACE(file);
    const KeystoreContents contents = read_keystore(fixture(file), "trust-pass", std::nullopt, "pkcs12");
    EXPECT_TRUE(contents.keys.empty());
    // keytool -importcert marks the PKCS12 entry with Java's trust attribute: an anchor.
    EXPECT_EQ(contents.trusted, std::vector<std::string>{exported});
    EXPECT_EQ(contents.untrusted_certificates, 0u);
  }
}

TEST(KeytoolFixtures, WrongPasswordsAreTold) {
  struct Case {
    std::string file, store_password;
    std::optional<std::string> key_password;
    KeystoreProblem problem;
  };
  const std::vector<Case> cases = {
      {"keystore.jks", "wrong", std::string("key-pass"), KeystoreProblem::wrong_password},
      {"keystore.jks", "store-pass", std::string("wrong"), KeystoreProblem::wrong_key_password},
      {"keystore.p12", "wrong", std::nullopt, KeystoreProblem::wrong_password},
      {"truststore.jks", "wrong", std::nullopt, KeystoreProblem::wrong_password},
      {"truststore.p12", "wrong", std::nullopt, KeystoreProblem::wrong_password},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file + " / " + c.store_password);
    try {
      read_keystore(fixture(c.file), c.store_password, c.key_password, "pkcs12");
      ADD_FAILURE() << "accepted";
    } catch (const KeystoreError& error) {
      EXPECT_EQ(error.problem(), c.problem) << error.what();
    }
  }
}

}  // namespace
}  // namespace flinkcli
