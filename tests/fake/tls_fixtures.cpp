#include "fake/tls_fixtures.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>

#include <cstdint>
#include <fstream>
#include <stdexcept>

namespace flinkcli::testing {

namespace fs = std::filesystem;

namespace {

void check(bool ok, const char* what) {
  if (!ok) {
    ERR_print_errors_fp(stderr);
    throw std::runtime_error(std::string("OpenSSL test fixture failed: ") + what);
  }
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  std::string text(data, static_cast<std::size_t>(length));
  BIO_free(bio);
  return text;
}

void add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX context;
  X509V3_set_ctx(&context, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str());
  check(extension != nullptr, "extension");
  X509_add_ext(cert, extension, -1);
  X509_EXTENSION_free(extension);
}

std::string sha1(const std::string& a, const std::string& b, const std::string& c = "") {
  unsigned char digest[20];
  unsigned int length = 0;
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  EVP_DigestInit_ex(context, EVP_sha1(), nullptr);
  EVP_DigestUpdate(context, a.data(), a.size());
  EVP_DigestUpdate(context, b.data(), b.size());
  EVP_DigestUpdate(context, c.data(), c.size());
  EVP_DigestFinal_ex(context, digest, &length);
  EVP_MD_CTX_free(context);
  return std::string(reinterpret_cast<char*>(digest), length);
}

// ASCII passwords only in these fixtures: each char as two bytes, big-endian.
std::string utf16be(const std::string& ascii) {
  std::string bytes;
  for (char c : ascii) {
    bytes += '\0';
    bytes += c;
  }
  return bytes;
}

void put_u16(std::string& out, std::size_t value) {
  out += static_cast<char>((value >> 8) & 0xFF);
  out += static_cast<char>(value & 0xFF);
}
void put_u32(std::string& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((value >> shift) & 0xFF);
}
void put_u64(std::string& out, std::uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((value >> shift) & 0xFF);
}
void put_utf(std::string& out, const std::string& text) {  // ASCII/UTF-8 without NULs here
  put_u16(out, text.size());
  out += text;
}

}  // namespace

std::string TestCert::der() const {
  unsigned char* bytes = nullptr;
  const int length = i2d_X509(cert.get(), &bytes);
  std::string text(reinterpret_cast<char*>(bytes), static_cast<std::size_t>(length));
  OPENSSL_free(bytes);
  return text;
}

std::string TestCert::pem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert.get());
  return bio_text(bio);
}

std::string TestCert::key_pem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  return bio_text(bio);
}

std::string TestCert::key_pkcs8_der() const {
  PKCS8_PRIV_KEY_INFO* info = EVP_PKEY2PKCS8(key.get());
  unsigned char* bytes = nullptr;
  const int length = i2d_PKCS8_PRIV_KEY_INFO(info, &bytes);
  std::string text(reinterpret_cast<char*>(bytes), static_cast<std::size_t>(length));
  OPENSSL_free(bytes);
  PKCS8_PRIV_KEY_INFO_free(info);
  return text;
}

std::string TestCert::sha1_hex() const {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  X509_digest(cert.get(), EVP_sha1(), digest, &length);
  static const char* hex = "0123456789abcdef";
  std::string text;
  for (unsigned int i = 0; i < length; ++i) {
    text += hex[digest[i] >> 4];
    text += hex[digest[i] & 0xF];
  }
  return text;
}

std::string TestCert::subject() const {
  BIO* bio = BIO_new(BIO_s_mem());
  X509_NAME_print_ex(bio, X509_get_subject_name(cert.get()), 0, XN_FLAG_RFC2253);
  return bio_text(bio);
}

std::shared_ptr<EVP_PKEY> make_rsa_key() {
  std::shared_ptr<EVP_PKEY> key(EVP_RSA_gen(2048), EVP_PKEY_free);
  check(key != nullptr, "RSA key");
  return key;
}

std::shared_ptr<EVP_PKEY> make_ec_key() {
  std::shared_ptr<EVP_PKEY> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  check(key != nullptr, "EC key");
  return key;
}

TestCert make_certificate(const CertSpec& spec, const TestCert* issuer, std::shared_ptr<EVP_PKEY> key) {
  TestCert made;
  made.key = key ? std::move(key) : make_ec_key();
  made.cert = std::shared_ptr<X509>(X509_new(), X509_free);
  X509* cert = made.cert.get();
  X509_set_version(cert, 2);
  std::uint64_t serial = 0;
  RAND_bytes(reinterpret_cast<unsigned char*>(&serial), sizeof(serial));
  ASN1_INTEGER_set_uint64(X509_get_serialNumber(cert), serial >> 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), static_cast<long>(std::chrono::seconds(spec.valid_from).count()));
  X509_gmtime_adj(X509_getm_notAfter(cert), static_cast<long>(std::chrono::seconds(spec.valid_until).count()));
  X509_set_pubkey(cert, made.key.get());
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(spec.common_name.c_str()), -1, -1, 0);
  X509* signer = issuer ? issuer->cert.get() : cert;
  X509_set_issuer_name(cert, X509_get_subject_name(signer));
  if (spec.ca) {
    add_extension(cert, signer, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(cert, signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_extension(cert, signer, NID_basic_constraints, "CA:FALSE");
    const bool rsa = EVP_PKEY_get_base_id(made.key.get()) == EVP_PKEY_RSA;
    add_extension(cert, signer, NID_key_usage,
                  rsa ? "critical,digitalSignature,keyEncipherment" : "critical,digitalSignature");
    add_extension(cert, signer, NID_ext_key_usage, "serverAuth,clientAuth");
  }
  add_extension(cert, signer, NID_subject_key_identifier, "hash");
  if (issuer) add_extension(cert, signer, NID_authority_key_identifier, "keyid:always");
  std::string alt_names;
  auto add_name = [&](const char* type, const std::string& value) {
    if (!alt_names.empty()) alt_names += ',';
    alt_names += type;
    alt_names += value;
  };
  for (const auto& dns : spec.dns_names) add_name("DNS:", dns);
  for (const auto& ip : spec.ip_addresses) add_name("IP:", ip);
  if (!alt_names.empty()) add_extension(cert, signer, NID_subject_alt_name, alt_names);
  check(X509_sign(cert, issuer ? issuer->key.get() : made.key.get(), EVP_sha256()) > 0, "sign");
  return made;
}

const TestPki& test_pki() {
  static const TestPki pki = [] {
    TestPki made;
    const std::vector<std::string> local_dns{"localhost"};
    const std::vector<std::string> local_ip{"127.0.0.1"};
    auto spec = [](const std::string& name, std::vector<std::string> dns = {}, std::vector<std::string> ip = {}) {
      CertSpec made_spec;
      made_spec.common_name = name;
      made_spec.dns_names = std::move(dns);
      made_spec.ip_addresses = std::move(ip);
      return made_spec;
    };
    const auto server_key = make_rsa_key();
    CertSpec ca = spec("Test CA");
    ca.ca = true;
    made.ca = make_certificate(ca);
    made.server = make_certificate(spec("localhost", local_dns, local_ip), &made.ca, server_key);
    made.client = make_certificate(spec("flink-cli-client"), &made.ca);
    made.wrong_host = make_certificate(spec("wronghost.example"), &made.ca, server_key);
    CertSpec expired = spec("localhost", local_dns, local_ip);
    expired.valid_from = std::chrono::hours(-24 * 30);
    expired.valid_until = std::chrono::hours(-24);
    made.expired = make_certificate(expired, &made.ca, server_key);
    CertSpec other_ca = spec("Other CA");
    other_ca.ca = true;
    made.other_ca = make_certificate(other_ca);
    made.untrusted_server = make_certificate(spec("localhost", local_dns, local_ip), &made.other_ca, server_key);
    made.untrusted_client = make_certificate(spec("stranger"), &made.other_ca);
    made.self_signed_server = make_certificate(spec("localhost", local_dns, local_ip), nullptr, server_key);
    return made;
  }();
  return pki;
}

fs::path write_file(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  if (!out) throw std::runtime_error("cannot write " + path.string());
  return path;
}

PemFiles write_pem_files(const fs::path& directory, const std::string& name, const TestCert& leaf,
                         const std::vector<const TestCert*>& chain) {
  std::string pem = leaf.pem();
  for (const TestCert* cert : chain) pem += cert->pem();
  return {write_file(directory / (name + "-chain.pem"), pem), write_file(directory / (name + "-key.pem"), leaf.key_pem())};
}

// ---- JKS (OpenJDK JavaKeyStore.engineStore / KeyProtector.protect) ----

std::string jks_protect_key(const std::string& pkcs8, const std::string& key_password) {
  const std::string password = utf16be(key_password);
  unsigned char salt_bytes[20];
  RAND_bytes(salt_bytes, sizeof(salt_bytes));
  const std::string salt(reinterpret_cast<char*>(salt_bytes), sizeof(salt_bytes));
  std::string encrypted(pkcs8.size(), '\0');
  std::string block = salt;
  for (std::size_t offset = 0; offset < pkcs8.size(); offset += 20) {
    block = sha1(password, block);
    for (std::size_t i = 0; i < 20 && offset + i < pkcs8.size(); ++i) {
      encrypted[offset + i] = static_cast<char>(pkcs8[offset + i] ^ block[i]);
    }
  }
  const std::string protected_bytes = salt + encrypted + sha1(password, pkcs8);
  // EncryptedPrivateKeyInfo { AlgorithmIdentifier { 1.3.6.1.4.1.42.2.17.1.1, NULL }, OCTET STRING }
  X509_SIG* info = X509_SIG_new();
  X509_ALGOR* algorithm = nullptr;
  ASN1_OCTET_STRING* digest = nullptr;
  X509_SIG_getm(info, &algorithm, &digest);
  X509_ALGOR_set0(algorithm, OBJ_txt2obj("1.3.6.1.4.1.42.2.17.1.1", 1), V_ASN1_NULL, nullptr);
  ASN1_OCTET_STRING_set(digest, reinterpret_cast<const unsigned char*>(protected_bytes.data()),
                        static_cast<int>(protected_bytes.size()));
  unsigned char* der = nullptr;
  const int length = i2d_X509_SIG(info, &der);
  std::string text(reinterpret_cast<char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  X509_SIG_free(info);
  return text;
}

JksWriter& JksWriter::trusted(const std::string& alias, const TestCert& cert) {
  put_u32(m_entries, 2);
  put_utf(m_entries, alias);
  put_u64(m_entries, 1700000000000ULL);
  if (m_version == 2) put_utf(m_entries, "X.509");
  const std::string der = cert.der();
  put_u32(m_entries, static_cast<std::uint32_t>(der.size()));
  m_entries += der;
  ++m_count;
  return *this;
}

JksWriter& JksWriter::key(const std::string& alias, const TestCert& leaf, const std::vector<const TestCert*>& chain,
                          const std::string& key_password) {
  put_u32(m_entries, 1);
  put_utf(m_entries, alias);
  put_u64(m_entries, 1700000000000ULL);
  const std::string protected_key = jks_protect_key(leaf.key_pkcs8_der(), key_password);
  put_u32(m_entries, static_cast<std::uint32_t>(protected_key.size()));
  m_entries += protected_key;
  put_u32(m_entries, static_cast<std::uint32_t>(chain.size() + 1));
  std::vector<const TestCert*> all{&leaf};
  all.insert(all.end(), chain.begin(), chain.end());
  for (const TestCert* cert : all) {
    if (m_version == 2) put_utf(m_entries, "X.509");
    const std::string der = cert->der();
    put_u32(m_entries, static_cast<std::uint32_t>(der.size()));
    m_entries += der;
  }
  ++m_count;
  return *this;
}

std::string JksWriter::bytes(const std::string& store_password) const {
  std::string out;
  put_u32(out, 0xFEEDFEED);
  put_u32(out, static_cast<std::uint32_t>(m_version));
  put_u32(out, static_cast<std::uint32_t>(m_count));
  out += m_entries;
  return out + sha1(utf16be(store_password), "Mighty Aphrodite", out);
}

// ---- PKCS12 ----

std::string make_pkcs12(const Pkcs12Spec& spec) {
  OSSL_LIB_CTX* library = nullptr;
  OSSL_PROVIDER* legacy = nullptr;
  OSSL_PROVIDER* fallback = nullptr;
  auto release = [&] {
    if (fallback) OSSL_PROVIDER_unload(fallback);
    if (legacy) OSSL_PROVIDER_unload(legacy);
    OSSL_LIB_CTX_free(library);
  };
  if (spec.legacy) {
    // A library context of its own: the product's default context must load the legacy
    // provider on demand, not find it already there.
    library = OSSL_LIB_CTX_new();
    legacy = OSSL_PROVIDER_load(library, "legacy");
    fallback = legacy ? OSSL_PROVIDER_load(library, "default") : nullptr;
    if (!legacy || !fallback) {
      release();
      ERR_clear_error();
      return "";
    }
  }
  const int cert_nid = !spec.encrypt_certificates ? -1 : spec.legacy ? NID_pbe_WithSHA1And40BitRC2_CBC : NID_aes_256_cbc;
  const int key_nid = spec.legacy ? NID_pbe_WithSHA1And3_Key_TripleDES_CBC : NID_aes_256_cbc;
  const char* store_password = spec.store_password.c_str();
  const std::string key_password = spec.key_password.value_or(spec.store_password);

  STACK_OF(PKCS12_SAFEBAG)* cert_bags = nullptr;
  STACK_OF(PKCS12_SAFEBAG)* key_bags = nullptr;
  if (spec.key) {
    unsigned char key_id[EVP_MAX_MD_SIZE];
    unsigned int key_id_length = 0;
    X509_digest(spec.key->cert.get(), EVP_sha1(), key_id, &key_id_length);
    PKCS12_SAFEBAG* bag = PKCS12_add_cert(&cert_bags, spec.key->cert.get());
    check(bag && PKCS12_add_friendlyname_asc(bag, "flink.rest", -1) && PKCS12_add_localkeyid(bag, key_id, static_cast<int>(key_id_length)),
          "certificate bag");
    for (const TestCert* cert : spec.key_chain) check(PKCS12_add_cert(&cert_bags, cert->cert.get()) != nullptr, "chain bag");
    PKCS12_SAFEBAG* key_bag = PKCS12_add_key_ex(&key_bags, spec.key->key.get(), 0, spec.iterations, key_nid,
                                                key_password.c_str(), library, nullptr);
    check(key_bag && PKCS12_add_friendlyname_asc(key_bag, "flink.rest", -1) &&
              PKCS12_add_localkeyid(key_bag, key_id, static_cast<int>(key_id_length)),
          "key bag");
  }
  ASN1_OBJECT* any_usage = OBJ_txt2obj("2.5.29.37.0", 1);
  int index = 0;
  for (const TestCert* cert : spec.trusted) {
    PKCS12_SAFEBAG* bag = PKCS12_add_cert(&cert_bags, cert->cert.get());
    const std::string alias = "trusted-" + std::to_string(index++);
    check(bag && PKCS12_add_friendlyname_asc(bag, alias.c_str(), -1), "trusted bag");
    if (spec.java_trust_attribute) {
      check(PKCS12_add1_attr_by_txt(bag, "2.16.840.1.113894.746875.1.1", V_ASN1_OBJECT,
                                    reinterpret_cast<const unsigned char*>(any_usage), -1),
            "Java trust attribute");
    }
  }
  ASN1_OBJECT_free(any_usage);
  STACK_OF(PKCS7)* safes = nullptr;
  if (cert_bags) {
    check(PKCS12_add_safe_ex(&safes, cert_bags, cert_nid, spec.iterations, store_password, library, nullptr),
          "certificate safe");
  }
  if (key_bags) check(PKCS12_add_safe_ex(&safes, key_bags, -1, 0, nullptr, library, nullptr), "key safe");
  PKCS12* p12 = PKCS12_add_safes_ex(safes, 0, library, nullptr);
  check(p12 != nullptr, "PKCS12");
  if (spec.mac) {
    check(PKCS12_set_mac(p12, store_password, -1, nullptr, 0, spec.iterations,
                         spec.legacy ? EVP_sha1() : EVP_sha256()),
          "MAC");
  }
  unsigned char* der = nullptr;
  const int length = i2d_PKCS12(p12, &der);
  std::string bytes(reinterpret_cast<char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  PKCS12_free(p12);
  sk_PKCS7_pop_free(safes, PKCS7_free);
  sk_PKCS12_SAFEBAG_pop_free(cert_bags, PKCS12_SAFEBAG_free);
  sk_PKCS12_SAFEBAG_pop_free(key_bags, PKCS12_SAFEBAG_free);
  release();
  return bytes;
}

Pkcs12Spec pkcs12_keystore(const std::string& store_password, const TestCert& key,
                           std::vector<const TestCert*> chain) {
  Pkcs12Spec spec;
  spec.store_password = store_password;
  spec.key = &key;
  spec.key_chain = std::move(chain);
  return spec;
}

Pkcs12Spec pkcs12_truststore(const std::string& store_password, std::vector<const TestCert*> certs) {
  Pkcs12Spec spec;
  spec.store_password = store_password;
  spec.trusted = std::move(certs);
  return spec;
}

ScopedEnv::ScopedEnv(const char* name, const std::string& value) : m_name(name) {
  if (const char* previous = std::getenv(name)) m_previous = previous;
  ::setenv(name, value.c_str(), 1);
}

ScopedEnv::~ScopedEnv() {
  if (m_previous) {
    ::setenv(m_name.c_str(), m_previous->c_str(), 1);
  } else {
    ::unsetenv(m_name.c_str());
  }
}

}  // namespace flinkcli::testing
