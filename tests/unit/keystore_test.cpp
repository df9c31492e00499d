// The keystore readers on bytes made at test time: JKS (v1 and v2, trusted and key entries, the
// integrity check, Sun's key protector, modified UTF-8 aliases) and PKCS12 (keytool-like AES,
// legacy RC2, MAC-less, Java's trust attribute, a key password of its own), what Java trusts in
// each, every refusal, and no crash on truncated or damaged files.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <random>

#include "fake/tls_fixtures.hpp"
#include "flinkcli/tls/keystore.hpp"
#include "flinkcli/tls/tls_context.hpp"

namespace flinkcli::testing {
namespace {

KeystoreProblem problem_of(std::string_view bytes, const std::string& password,
                           const std::optional<std::string>& key_password = std::nullopt,
                           const std::string& type = "pkcs12", std::string* message = nullptr) {
  try {
    read_keystore(bytes, password, key_password, type);
  } catch (const KeystoreError& error) {
    if (message) *message = error.what();
    return error.problem();
  }
  ADD_FAILURE() << "the store was read";
  return KeystoreProblem::malformed;
}

// The PKCS#8 key matches the certificate.
bool key_matches(const std::string& pkcs8, const TestCert& cert) {
  const auto* cursor = reinterpret_cast<const unsigned char*>(pkcs8.data());
  PKCS8_PRIV_KEY_INFO* info = d2i_PKCS8_PRIV_KEY_INFO(nullptr, &cursor, static_cast<long>(pkcs8.size()));
  EVP_PKEY* key = info ? EVP_PKCS82PKEY(info) : nullptr;
  const bool matches = key && X509_check_private_key(cert.cert.get(), key) == 1;
  EVP_PKEY_free(key);
  PKCS8_PRIV_KEY_INFO_free(info);
  return matches;
}

TEST(JksTest, TrustedCertificateEntries) {
  const auto& pki = test_pki();
  for (int version : {1, 2}) {
    const std::string bytes = JksWriter(version).trusted("ca", pki.ca).trusted("other", pki.other_ca).bytes("ts_pass");
    const auto contents = read_keystore(bytes, "ts_pass", std::nullopt, "pkcs12");
    EXPECT_EQ(contents.format, KeystoreFormat::jks);
    EXPECT_EQ(contents.trusted, (std::vector<std::string>{pki.ca.der(), pki.other_ca.der()})) << version;
    EXPECT_TRUE(contents.keys.empty());
  }
}

TEST(JksTest, KeyEntryWithItsOwnKeyPassword) {
  const auto& pki = test_pki();
  const std::string bytes = JksWriter().key("client", pki.client, {&pki.ca}, "key_pass").trusted("myca", pki.ca).bytes("ks_pass");
  const auto contents = read_keystore(bytes, "ks_pass", std::string("key_pass"), "JKS");
  ASSERT_EQ(contents.keys.size(), 1u);
  EXPECT_EQ(contents.keys[0].alias, "client");
  EXPECT_EQ(contents.keys[0].chain, (std::vector<std::string>{pki.client.der(), pki.ca.der()}));
  EXPECT_TRUE(key_matches(contents.keys[0].private_key, pki.client));
  // Java's PKIX anchors: the trusted entry and the key entry's leaf, not the rest of its chain.
  EXPECT_EQ(contents.trusted, (std::vector<std::string>{pki.ca.der(), pki.client.der()}));
}

TEST(JksTest, WithoutAKeyPasswordKeysAreNotDecrypted) {
  const auto& pki = test_pki();
  const std::string bytes = JksWriter().key("server", pki.server, {&pki.ca}, "key_pass").bytes("ks_pass");
  const auto contents = read_keystore(bytes, "ks_pass", std::nullopt, "pkcs12");
  ASSERT_EQ(contents.keys.size(), 1u);
  EXPECT_TRUE(contents.keys[0].private_key.empty());
  EXPECT_EQ(contents.trusted, std::vector<std::string>{pki.server.der()});
}

TEST(JksTest, WrongPasswords) {
  const auto& pki = test_pki();
  const std::string bytes = JksWriter().key("server", pki.server, {}, "key_pass").bytes("ks_pass");
  std::string message;
  EXPECT_EQ(problem_of(bytes, "wrong", std::nullopt, "jks", &message), KeystoreProblem::wrong_password);
  EXPECT_EQ(message, "Keystore was tampered with, or password was incorrect");
  EXPECT_EQ(problem_of(bytes, "ks_pass", std::string("ks_pass"), "jks", &message), KeystoreProblem::wrong_key_password);
  EXPECT_NE(message.find("'server'"), std::string::npos) << message;
  EXPECT_EQ(message.find("ks_pass"), std::string::npos) << message;
}

TEST(JksTest, AliasesInModifiedUtf8AndPasswordsAsUtf16) {
  EXPECT_EQ(java_password_bytes("abc"), std::string("\0a\0b\0c", 6));
  EXPECT_EQ(java_password_bytes("\xC3\xA9"), std::string("\0\xE9", 2));                 // é
  EXPECT_EQ(java_password_bytes("\xF0\x9F\x98\x80"), std::string("\xD8\x3D\xDE\x00", 4));  // U+1F600
  EXPECT_EQ(java_password_bytes("\xFF"), std::string("\xFF\xFD", 2));
  // Aliases are read by core's from_modified_utf8 (modified_utf8_test.cpp).

}

TEST(Pkcs12Test, KeystoreLikeKeytoolWrites) {
  const auto& pki = test_pki();
  const std::string bytes = make_pkcs12(pkcs12_keystore("p12_pass", pki.client, {&pki.ca}));
  const auto contents = read_keystore(bytes, "p12_pass", std::string("p12_pass"), "pkcs12");
  EXPECT_EQ(contents.format, KeystoreFormat::pkcs12);
  ASSERT_EQ(contents.keys.size(), 1u);
  EXPECT_EQ(contents.keys[0].alias, "flink.rest");
  EXPECT_EQ(contents.keys[0].chain, (std::vector<std::string>{pki.client.der(), pki.ca.der()}));
  EXPECT_TRUE(key_matches(contents.keys[0].private_key, pki.client));
  // As Java's PKCS12KeyStore: the key's leaf is an anchor, the CA of its chain is not.
  EXPECT_EQ(contents.trusted, std::vector<std::string>{pki.client.der()});
  EXPECT_EQ(contents.untrusted_certificates, 1u);
}

TEST(Pkcs12Test, TruststoreWithJavasTrustAttribute) {
  const auto& pki = test_pki();
  const Pkcs12Spec spec = pkcs12_truststore("ts_pass", {&pki.ca, &pki.other_ca});
  const auto contents = read_keystore(make_pkcs12(spec), "ts_pass", std::nullopt, "JKS");
  EXPECT_EQ(contents.trusted, (std::vector<std::string>{pki.ca.der(), pki.other_ca.der()}));
  EXPECT_TRUE(contents.keys.empty());
}

TEST(Pkcs12Test, CertificatesWithoutJavasTrustAttributeAreNotTrusted) {
  const auto& pki = test_pki();
  Pkcs12Spec spec = pkcs12_truststore("ts_pass", {&pki.ca});
  spec.java_trust_attribute = false;  // openssl pkcs12 -export -nokeys
  const auto contents = read_keystore(make_pkcs12(spec), "ts_pass", std::nullopt, "pkcs12");
  EXPECT_TRUE(contents.trusted.empty());
  EXPECT_EQ(contents.untrusted_certificates, 1u);
}

TEST(Pkcs12Test, KeyPasswordOfItsOwn) {
  const auto& pki = test_pki();
  Pkcs12Spec spec = pkcs12_keystore("store_pass", pki.server);
  spec.key_password = "key_pass";
  const std::string bytes = make_pkcs12(spec);
  EXPECT_TRUE(key_matches(read_keystore(bytes, "store_pass", std::string("key_pass"), "pkcs12").keys.at(0).private_key,
                          pki.server));
  std::string message;
  EXPECT_EQ(problem_of(bytes, "store_pass", std::string("store_pass"), "pkcs12", &message),
            KeystoreProblem::wrong_key_password);
  EXPECT_EQ(problem_of(bytes, "key_pass", std::string("key_pass"), "pkcs12", &message), KeystoreProblem::wrong_password);
  EXPECT_EQ(message, "keystore password was incorrect");
}

TEST(Pkcs12Test, LegacyRc2StoreLoadsTheLegacyProviderOnDemand) {
  const auto& pki = test_pki();
  Pkcs12Spec spec = pkcs12_keystore("p12_pass", pki.client, {&pki.ca});
  spec.legacy = true;
  const std::string bytes = make_pkcs12(spec);
  if (bytes.empty()) GTEST_SKIP() << "OpenSSL's legacy provider is not installed";
  const auto contents = read_keystore(bytes, "p12_pass", std::string("p12_pass"), "pkcs12");
  ASSERT_EQ(contents.keys.size(), 1u);
  EXPECT_TRUE(key_matches(contents.keys[0].private_key, pki.client));
  EXPECT_EQ(problem_of(bytes, "nope", std::string("p12_pass")), KeystoreProblem::wrong_password);
}

TEST(Pkcs12Test, MacLessStoreLoadsWithAnyPassword) {
  const auto& pki = test_pki();
  Pkcs12Spec spec = pkcs12_truststore("", {&pki.ca});
  spec.mac = false;
  spec.encrypt_certificates = false;  // Java's certProtectionAlgorithm=NONE, macAlgorithm=NONE
  const std::string bytes = make_pkcs12(spec);
  for (const char* password : {"ts_pass", "", "anything"}) {
    EXPECT_EQ(read_keystore(bytes, password, std::nullopt, "pkcs12").trusted, std::vector<std::string>{pki.ca.der()});
  }
}

TEST(KeystoreTest, TypesAndFormatsRefused) {
  const auto& pki = test_pki();
  const std::string jks = JksWriter().trusted("ca", pki.ca).bytes("pw");
  std::string message;
  EXPECT_EQ(problem_of(jks, "pw", std::nullopt, "PEM", &message), KeystoreProblem::unsupported_type);
  EXPECT_NE(message.find("'PEM'"), std::string::npos);
  EXPECT_EQ(problem_of(jks, "pw", std::nullopt, "JCEKS"), KeystoreProblem::unsupported_type);
  EXPECT_EQ(problem_of(std::string("\xCE\xCE\xCE\xCE\0\0\0\x02", 8), "pw", std::nullopt, "pkcs12", &message),
            KeystoreProblem::unsupported_format);
  EXPECT_NE(message.find("JCEKS"), std::string::npos);
  EXPECT_EQ(problem_of(pki.ca.pem(), "pw", std::nullopt, "pkcs12", &message), KeystoreProblem::not_a_keystore);
  EXPECT_NE(message.find("PEM file"), std::string::npos);
  EXPECT_EQ(problem_of("not a keystore at all", "pw"), KeystoreProblem::not_a_keystore);
  EXPECT_EQ(problem_of("", "pw"), KeystoreProblem::not_a_keystore);
  EXPECT_EQ(problem_of(std::string("\x30\x03\x02\x01\x03", 5), "pw"), KeystoreProblem::not_a_keystore);
  // A JKS file with the default type, a PKCS12 file with type JKS: both read (Java 17).
  EXPECT_NO_THROW(read_keystore(jks, "pw", std::nullopt, " pkcs12 "));
}

// Every prefix and many single-byte changes of real stores: a KeystoreError or contents, never a
// crash, a hang or another exception (the unit-test cousin of the fuzz target).
TEST(KeystoreTest, DamagedFilesNeverCrash) {
  const auto& pki = test_pki();
  Pkcs12Spec p12 = pkcs12_keystore("pw", pki.client, {&pki.ca});
  p12.iterations = 1;
  const std::vector<std::string> stores = {
      JksWriter().key("k", pki.client, {&pki.ca}, "kp").trusted("ca", pki.ca).bytes("pw"),
      JksWriter(1).trusted("ca", pki.ca).bytes("pw"),
      make_pkcs12(p12),
  };
  std::mt19937 random(14);
  // A damaged byte may still load (a certificate's text, an unchecked field): either way, no
  // other exception and no crash.
  auto attempt = [&](const std::string& bytes) {
    try {
      read_keystore(bytes, "pw", std::string("kp"), "pkcs12");
    } catch (const KeystoreError&) {
    }
  };
  for (const auto& store : stores) {
    // A truncated store never loads: JKS ends in its digest, PKCS12's DER lengths overrun.
    for (std::size_t length = 0; length < store.size(); length += (length < 64 ? 1 : 7)) {
      EXPECT_THROW(read_keystore(store.substr(0, length), "pw", std::string("kp"), "pkcs12"), KeystoreError)
          << "length " << length;
    }
    for (int i = 0; i < 300; ++i) {
      std::string damaged = store;
      damaged[random() % damaged.size()] = static_cast<char>(random() & 0xFF);
      attempt(damaged);
    }
  }
}

TEST(CipherNamesTest, JavaSuiteNamesMapToOpenSsl) {
  const auto selection = openssl_cipher_selection({"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                                                   "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_RSA_WITH_AES_128_CBC_SHA",
                                                   "TLS_AES_128_GCM_SHA256", "TLS_EMPTY_RENEGOTIATION_INFO_SCSV",
                                                   "TLS_NOT_A_SUITE"});
  EXPECT_EQ(selection.tls12, "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:AES128-SHA");
  EXPECT_EQ(selection.tls13, "TLS_AES_128_GCM_SHA256");
  EXPECT_EQ(selection.unknown, std::vector<std::string>{"TLS_NOT_A_SUITE"});
}

TEST(CipherNamesTest, ProtocolNames) {
  auto range = openssl_protocol_range({"TLSv1.2"});
  EXPECT_EQ(range.min_version, TLS1_2_VERSION);
  EXPECT_EQ(range.max_version, TLS1_2_VERSION);
  range = openssl_protocol_range({"TLSv1.3", "tlsv1.2", "SSLv2Hello"});
  EXPECT_EQ(range.min_version, TLS1_2_VERSION);
  EXPECT_EQ(range.max_version, TLS1_3_VERSION);
  range = openssl_protocol_range({"TLSv1.1", "TLSv1.3"});
  EXPECT_EQ(range.disabled_options, static_cast<long>(SSL_OP_NO_TLSv1_2));
  EXPECT_THROW(openssl_protocol_range({"SSLv3"}), CliError);
  EXPECT_THROW(openssl_protocol_range({"SSLv2Hello"}), CliError);
}

}  // namespace
}  // namespace flinkcli::testing
