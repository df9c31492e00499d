// JKS (natively) and PKCS12 (OpenSSL, safe bag by safe bag) read as Java 17 reads them.
#include "flinkcli/tls/keystore.hpp"

#include <openssl/asn1t.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <openssl/provider.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <mutex>
#include <optional>

#include "flinkcli/core/byte_reader.hpp"
#include "flinkcli/core/text.hpp"
#include "openssl_ptr.hpp"

namespace flinkcli {

using namespace ossl;

namespace {

constexpr const char* k_jks_key_protector_oid = "1.3.6.1.4.1.42.2.17.1.1";  // Sun KeyProtector
constexpr const char* k_java_trusted_usage_oid = "2.16.840.1.113894.746875.1.1";
constexpr std::size_t k_max_chain = 100;    // certificates in one JKS chain
constexpr int k_max_bag_depth = 4;          // nested PKCS12 safeContents bags

KeystoreError problem(KeystoreProblem kind, const std::string& message) { return {kind, message}; }
KeystoreError malformed(const std::string& message) { return {KeystoreProblem::malformed, message}; }

// Clears OpenSSL's error queue of this thread however the reading ends: nothing of a store's
// failure may leak into the diagnosis of a later handshake.
struct ErrorQueueGuard {
  ErrorQueueGuard() { ERR_clear_error(); }
  ~ErrorQueueGuard() { ERR_clear_error(); }
};

// Zeroes a buffer that held key material or password bytes.
struct Wipe {
  std::string& bytes;
  ~Wipe() {
    if (!bytes.empty()) OPENSSL_cleanse(bytes.data(), bytes.size());
  }
};

std::array<unsigned char, 20> sha1(std::initializer_list<std::string_view> parts) {
  std::array<unsigned char, 20> digest{};
  MdCtxPtr ctx(EVP_MD_CTX_new());
  unsigned int length = 0;
  bool ok = ctx && EVP_DigestInit_ex(ctx.get(), EVP_sha1(), nullptr) == 1;
  for (auto part : parts) ok = ok && EVP_DigestUpdate(ctx.get(), part.data(), part.size()) == 1;
  ok = ok && EVP_DigestFinal_ex(ctx.get(), digest.data(), &length) == 1 && length == digest.size();
  if (!ok) throw problem(KeystoreProblem::unsupported_algorithm, "SHA-1 is not available in this OpenSSL");
  return digest;
}

std::string_view view(const std::array<unsigned char, 20>& digest) {
  return {reinterpret_cast<const char*>(digest.data()), digest.size()};
}

bool equal_digest(const std::array<unsigned char, 20>& digest, std::string_view expected) {
  return expected.size() == digest.size() && CRYPTO_memcmp(digest.data(), expected.data(), digest.size()) == 0;
}

// Decodes UTF-8 leniently into code points; invalid sequences become U+FFFD.
std::vector<char32_t> code_points(std::string_view utf8) {
  static constexpr char32_t minimum[] = {0, 0x80, 0x800, 0x10000};
  std::vector<char32_t> points;
  std::size_t i = 0;
  while (i < utf8.size()) {
    const auto lead = static_cast<unsigned char>(utf8[i]);
    std::size_t extra = 0;
    char32_t point = lead;
    if ((lead & 0xE0) == 0xC0) {
      extra = 1;
      point = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
      extra = 2;
      point = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
      extra = 3;
      point = lead & 0x07;
    }
    bool valid = lead < 0x80 || (extra > 0 && i + extra < utf8.size());
    for (std::size_t k = 1; valid && k <= extra; ++k) {
      const auto next = static_cast<unsigned char>(utf8[i + k]);
      valid = (next & 0xC0) == 0x80;
      point = (point << 6) | (next & 0x3F);
    }
    valid = valid && point >= minimum[extra] && point <= 0x10FFFF && !(point >= 0xD800 && point <= 0xDFFF);
    if (!valid) {
      points.push_back(0xFFFD);
      ++i;
      continue;
    }
    points.push_back(point);
    i += extra + 1;
  }
  return points;
}

// core's ByteReader, with a short read as the one error a keystore reports for it.
class StoreReader {
 public:
  explicit StoreReader(std::string_view data) : m_in(data) {}

  std::uint64_t number(int bytes) { return must(m_in.number(static_cast<std::size_t>(bytes))); }
  std::uint32_t u32() { return must(m_in.u32()); }
  std::string_view bytes(std::size_t length) { return must(m_in.bytes(length)); }
  std::string_view utf() { return must(m_in.utf()); }  // writeUTF
  std::size_t position() const { return m_in.position(); }
  std::size_t remaining() const { return m_in.remaining(); }

 private:
  template <typename T>
  static T must(std::optional<T> value) {
    if (!value) throw malformed("the file is truncated or corrupt");
    return *value;
  }

  ByteReader m_in;
};

std::string quoted(const std::string& alias) { return "'" + one_line(alias, 80) + "'"; }

// DER of one certificate, checked to be exactly one X.509 certificate.
void check_certificate(std::string_view der, const std::string& alias) {
  const auto* start = reinterpret_cast<const unsigned char*>(der.data());
  const unsigned char* cursor = start;
  X509Ptr cert(d2i_X509(nullptr, &cursor, static_cast<long>(der.size())));
  if (!cert || cursor != start + der.size()) {
    throw malformed("entry " + quoted(alias) + " holds a certificate that cannot be read");
  }
}

// PKCS#8 DER that OpenSSL can turn into a key.
void check_private_key(std::string_view der, const std::string& alias) {
  const auto* start = reinterpret_cast<const unsigned char*>(der.data());
  const unsigned char* cursor = start;
  P8InfoPtr info(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &cursor, static_cast<long>(der.size())));
  PkeyPtr key(info && cursor == start + der.size() ? EVP_PKCS82PKEY(info.get()) : nullptr);
  if (!key) throw malformed("the private key of entry " + quoted(alias) + " cannot be read");
}

std::string oid_text(const ASN1_OBJECT* oid) {
  char text[128] = {};
  if (!oid || OBJ_obj2txt(text, sizeof(text), oid, 1) <= 0) return "?";
  return text;
}

// ---- JKS (OpenJDK JavaKeyStore.java and KeyProtector.java) ----

std::string read_jks_certificate(StoreReader& in, std::uint32_t version, const std::string& alias) {
  if (version == 2) {
    const std::string type = from_modified_utf8(in.utf());
    if (type != "X.509") {
      throw problem(KeystoreProblem::unsupported_format,
                    "entry " + quoted(alias) + " holds a certificate of type '" + one_line(type, 40) +
                        "'; only X.509 is supported");
    }
  }
  const std::string der(in.bytes(in.u32()));
  check_certificate(der, alias);
  return der;
}

// Sun's KeyProtector: salt(20) || E || check(20); keystream SHA1(pw||salt), SHA1(pw||previous), ...
std::string recover_jks_key(std::string_view protected_key, const std::string& key_password,
                            const std::string& alias) {
  const auto* start = reinterpret_cast<const unsigned char*>(protected_key.data());
  const unsigned char* cursor = start;
  X509SigPtr info(d2i_X509_SIG(nullptr, &cursor, static_cast<long>(protected_key.size())));
  if (!info || cursor != start + protected_key.size()) {
    throw malformed("the protected key of entry " + quoted(alias) + " cannot be read");
  }
  const X509_ALGOR* algorithm = nullptr;
  const ASN1_OCTET_STRING* octets = nullptr;
  X509_SIG_get0(info.get(), &algorithm, &octets);
  const ASN1_OBJECT* oid = nullptr;
  X509_ALGOR_get0(&oid, nullptr, nullptr, algorithm);
  const std::string protection = oid_text(oid);
  if (protection != k_jks_key_protector_oid) {
    throw problem(KeystoreProblem::unsupported_algorithm,
                  "the key of entry " + quoted(alias) + " is protected with " + protection +
                      ", not the JKS key protector (" + k_jks_key_protector_oid + ")");
  }
  const std::string_view data(reinterpret_cast<const char*>(ASN1_STRING_get0_data(octets)),
                              static_cast<std::size_t>(std::max(ASN1_STRING_length(octets), 0)));
  if (data.size() <= 40) throw malformed("the protected key of entry " + quoted(alias) + " is too short");
  const auto salt = data.substr(0, 20);
  const auto encrypted = data.substr(20, data.size() - 40);
  const auto check = data.substr(data.size() - 20);

  std::string password = java_password_bytes(key_password);
  Wipe wipe_password{password};
  std::string plain(encrypted.size(), '\0');
  Wipe wipe_plain{plain};
  std::array<unsigned char, 20> block{};
  std::string_view previous = salt;
  for (std::size_t offset = 0; offset < encrypted.size(); offset += block.size()) {
    block = sha1({password, previous});
    previous = view(block);
    for (std::size_t i = 0; i < block.size() && offset + i < encrypted.size(); ++i) {
      plain[offset + i] = static_cast<char>(encrypted[offset + i] ^ static_cast<char>(block[i]));
    }
  }
  OPENSSL_cleanse(block.data(), block.size());
  if (!equal_digest(sha1({password, plain}), check)) {
    throw problem(KeystoreProblem::wrong_key_password,
                  "cannot recover the key of entry " + quoted(alias) + " (wrong key password)");
  }
  check_private_key(plain, alias);
  std::string key = plain;
  return key;
}

KeystoreContents read_jks(std::string_view bytes, const std::string& store_password,
                          const std::optional<std::string>& key_password) {
  StoreReader in(bytes);
  in.u32();  // magic, already recognized
  const std::uint32_t version = in.u32();
  if (version != 1 && version != 2) {
    throw malformed("unsupported JKS version " + std::to_string(version));
  }
  const std::uint32_t count = in.u32();
  // The smallest entry: tag, empty alias, date, an empty certificate: 18 bytes.
  if (count > in.remaining() / 18) throw malformed("the file is truncated or corrupt");

  struct ProtectedKey {
    std::string alias;
    std::string_view protected_key;
    std::vector<std::string> chain;
  };
  std::vector<ProtectedKey> protected_keys;
  KeystoreContents contents;
  contents.format = KeystoreFormat::jks;
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::uint32_t tag = in.u32();
    const std::string alias = from_modified_utf8(in.utf());
    in.number(8);  // creation date
    if (tag == 1) {
      ProtectedKey entry{alias, in.bytes(in.u32()), {}};
      const std::uint32_t certificates = in.u32();
      if (certificates > k_max_chain || certificates > in.remaining() / 4) {
        throw malformed("entry " + quoted(alias) + " has an impossible chain length");
      }
      for (std::uint32_t c = 0; c < certificates; ++c) {
        entry.chain.push_back(read_jks_certificate(in, version, alias));
      }
      protected_keys.push_back(std::move(entry));
    } else if (tag == 2) {
      contents.trusted.push_back(read_jks_certificate(in, version, alias));
    } else {
      throw malformed("unrecognized keystore entry (type " + std::to_string(tag) + ")");
    }
  }
  const std::string_view signed_part = bytes.substr(0, in.position());
  const std::string_view stored_digest = in.bytes(20);
  std::string password = java_password_bytes(store_password);
  Wipe wipe{password};
  if (!equal_digest(sha1({password, "Mighty Aphrodite", signed_part}), stored_digest)) {
    throw problem(KeystoreProblem::wrong_password,
                  "Keystore was tampered with, or password was incorrect");
  }
  for (auto& entry : protected_keys) {
    KeyEntry key{entry.alias, {}, std::move(entry.chain)};
    if (!key.chain.empty()) contents.trusted.push_back(key.chain.front());  // Java's PKIX anchors
    if (key_password) key.private_key = recover_jks_key(entry.protected_key, *key_password, entry.alias);
    contents.keys.push_back(std::move(key));
  }
  return contents;
}

// ---- PKCS12 (OpenSSL; bags read as Java's PKCS12KeyStore does) ----

// Loads OpenSSL's legacy provider (RC2, RC4, DES) once, with the default provider beside it
// (loading any provider explicitly stops the default one from loading by itself).
bool load_legacy_provider() {
  static std::once_flag once;
  // Kept for the life of the process (reachable, so leak checkers do not count them).
  static struct {
    OSSL_PROVIDER* legacy = nullptr;
    OSSL_PROVIDER* fallback = nullptr;
  } providers;
  std::call_once(once, [] {
    providers.legacy = OSSL_PROVIDER_load(nullptr, "legacy");
    if (providers.legacy) providers.fallback = OSSL_PROVIDER_load(nullptr, "default");
    ERR_clear_error();
  });
  return providers.legacy != nullptr;
}

// Calls `decrypt`; when it fails, once more with the legacy provider loaded (older keytool and
// `openssl pkcs12 -legacy` stores encrypt certificates with RC2-40).
template <typename Decrypt>
auto with_legacy_retry(Decrypt decrypt) {
  auto result = decrypt();
  if (!result && load_legacy_provider()) {
    ERR_clear_error();
    result = decrypt();
  }
  return result;
}

bool queue_says_unsupported() {
  bool unsupported = false;
  while (unsigned long error = ERR_get_error()) {
    if (ERR_GET_REASON(error) == ERR_R_UNSUPPORTED) unsupported = true;
  }
  return unsupported;
}

template <typename T>
struct Unpacked {
  T* value = nullptr;
  void (*free)(T*) = nullptr;
  ~Unpacked() {
    if (value) free(value);
  }
};

long integer_value(const ASN1_INTEGER* integer) {
  if (!integer) return 1;
  const long value = ASN1_INTEGER_get(integer);
  return value < 0 ? -1 : value;
}

// The iteration count of a PKCS#5/PKCS#12 password-based encryption; -1 when it cannot be read.
long pbe_iterations(const X509_ALGOR* algorithm) {
  const ASN1_OBJECT* oid = nullptr;
  int parameter_type = 0;
  const void* parameter = nullptr;
  X509_ALGOR_get0(&oid, &parameter_type, &parameter, algorithm);
  if (parameter_type != V_ASN1_SEQUENCE || !parameter) return -1;
  const auto* sequence = static_cast<const ASN1_STRING*>(parameter);
  if (OBJ_obj2nid(oid) == NID_pbes2) {
    Unpacked<PBE2PARAM> pbes2{static_cast<PBE2PARAM*>(ASN1_item_unpack(sequence, ASN1_ITEM_rptr(PBE2PARAM))),
                              PBE2PARAM_free};
    if (!pbes2.value || !pbes2.value->keyfunc) return -1;
    const ASN1_OBJECT* kdf = nullptr;
    int kdf_type = 0;
    const void* kdf_parameter = nullptr;
    X509_ALGOR_get0(&kdf, &kdf_type, &kdf_parameter, pbes2.value->keyfunc);
    if (OBJ_obj2nid(kdf) != NID_id_pbkdf2) {
      throw problem(KeystoreProblem::unsupported_algorithm,
                    "it uses the key derivation " + oid_text(kdf) + "; Java keystores use PBKDF2");
    }
    if (kdf_type != V_ASN1_SEQUENCE || !kdf_parameter) return -1;
    Unpacked<PBKDF2PARAM> pbkdf2{
        static_cast<PBKDF2PARAM*>(ASN1_item_unpack(static_cast<const ASN1_STRING*>(kdf_parameter),
                                                   ASN1_ITEM_rptr(PBKDF2PARAM))),
        PBKDF2PARAM_free};
    return pbkdf2.value ? integer_value(pbkdf2.value->iter) : -1;
  }
  Unpacked<PBEPARAM> pbe{static_cast<PBEPARAM*>(ASN1_item_unpack(sequence, ASN1_ITEM_rptr(PBEPARAM))),
                         PBEPARAM_free};
  return pbe.value ? integer_value(pbe.value->iter) : -1;
}

void check_iterations(const X509_ALGOR* algorithm, const std::string& what) {
  const long iterations = pbe_iterations(algorithm);
  if (iterations < 0) throw malformed("the encryption parameters of " + what + " cannot be read");
  if (iterations > k_max_pbe_iterations) {
    throw malformed(what + " uses " + std::to_string(iterations) + " iterations, more than the " +
                    std::to_string(k_max_pbe_iterations) + " Java accepts");
  }
}

void free_bags(STACK_OF(PKCS12_SAFEBAG) * bags) { sk_PKCS12_SAFEBAG_pop_free(bags, PKCS12_SAFEBAG_free); }
using BagsPtr = std::unique_ptr<STACK_OF(PKCS12_SAFEBAG), Deleter<free_bags>>;
void free_safes(STACK_OF(PKCS7) * safes) { sk_PKCS7_pop_free(safes, PKCS7_free); }
using SafesPtr = std::unique_ptr<STACK_OF(PKCS7), Deleter<free_safes>>;

// A password as OpenSSL's PKCS12 functions take it; Java's "" is OpenSSL's "" (an empty
// BMPString), a store written with no password at all needs NULL.
struct Password {
  const char* text;
  int length;
};

class Pkcs12Reader {
 public:
  Pkcs12Reader(std::string_view bytes, const std::string& store_password) : m_store_password(store_password) {
    const auto* start = reinterpret_cast<const unsigned char*>(bytes.data());
    const unsigned char* cursor = start;
    m_p12.reset(d2i_PKCS12(nullptr, &cursor, static_cast<long>(bytes.size())));
    if (!m_p12) throw problem(KeystoreProblem::not_a_keystore, "not a JKS or PKCS12 keystore");
    m_password = {m_store_password.c_str(), static_cast<int>(m_store_password.size())};
  }

  KeystoreContents read(const std::optional<std::string>& key_password) {
    verify_mac();
    SafesPtr safes(PKCS12_unpack_authsafes(m_p12.get()));
    if (!safes) throw malformed("its contents cannot be read");
    for (int i = 0; i < sk_PKCS7_num(safes.get()); ++i) read_safe(sk_PKCS7_value(safes.get(), i));
    return assemble(key_password);
  }

 private:
  struct CertBag {
    X509Ptr cert;
    std::string der;
    std::string local_key_id;
    std::string friendly_name;
    bool java_trusted = false;
  };
  struct KeyBag {
    const PKCS12_SAFEBAG* bag;
    std::string local_key_id;
    std::string friendly_name;
  };

  void verify_mac() {
    m_has_mac = PKCS12_mac_present(m_p12.get()) == 1;
    // Java loads a store without a MAC with any password (JDK 18+ cacerts; PKCS12KeyStore.engineLoad).
    if (!m_has_mac) return;
    const ASN1_INTEGER* iterations = nullptr;
    PKCS12_get0_mac(nullptr, nullptr, nullptr, &iterations, m_p12.get());
    const long count = integer_value(iterations);
    if (count < 0 || count > k_max_pbe_iterations) {
      throw malformed("its integrity check uses an iteration count Java refuses");
    }
    if (PKCS12_verify_mac(m_p12.get(), m_password.text, m_password.length) == 1) return;
    if (m_store_password.empty() && PKCS12_verify_mac(m_p12.get(), nullptr, 0) == 1) {
      m_password = {nullptr, 0};
      return;
    }
    if (queue_says_unsupported()) {
      throw problem(KeystoreProblem::unsupported_algorithm,
                    "its integrity check uses an algorithm this OpenSSL does not provide");
    }
    throw problem(KeystoreProblem::wrong_password, "keystore password was incorrect");
  }

  void read_safe(PKCS7* safe) {
    const int type = OBJ_obj2nid(safe->type);
    if (type == NID_pkcs7_data) {
      BagsPtr bags(PKCS12_unpack_p7data(safe));
      if (!bags) throw malformed("its contents cannot be read");
      read_bags(bags.get(), 0);
      m_bags.push_back(std::move(bags));
    } else if (type == NID_pkcs7_encrypted) {
      if (!safe->d.encrypted || !safe->d.encrypted->enc_data || !safe->d.encrypted->enc_data->algorithm) {
        throw malformed("its encrypted contents cannot be read");
      }
      check_iterations(safe->d.encrypted->enc_data->algorithm, "its encrypted contents");
      BagsPtr bags(with_legacy_retry([&] { return PKCS12_unpack_p7encdata(safe, m_password.text, m_password.length); }));
      if (!bags) {
        if (queue_says_unsupported()) {
          throw problem(KeystoreProblem::unsupported_algorithm,
                        "its certificates are encrypted with an algorithm this OpenSSL cannot "
                        "decrypt, even with its legacy provider");
        }
        if (m_has_mac) throw malformed("its encrypted contents cannot be decrypted");
        throw problem(KeystoreProblem::wrong_password, "keystore password was incorrect");
      }
      read_bags(bags.get(), 0);
      m_bags.push_back(std::move(bags));
    }
    // Public-key enveloped contents: Java does not read them either.
  }

  static std::string octets_attribute(const PKCS12_SAFEBAG* bag, int nid) {
    const ASN1_TYPE* value = PKCS12_SAFEBAG_get0_attr(bag, nid);
    if (!value || value->type != V_ASN1_OCTET_STRING || !value->value.octet_string) return {};
    const ASN1_OCTET_STRING* octets = value->value.octet_string;
    return {reinterpret_cast<const char*>(ASN1_STRING_get0_data(octets)),
            static_cast<std::size_t>(std::max(ASN1_STRING_length(octets), 0))};
  }

  static std::string friendly_name(const PKCS12_SAFEBAG* bag) {
    char* name = PKCS12_get_friendlyname(const_cast<PKCS12_SAFEBAG*>(bag));
    if (!name) return {};
    std::string text = one_line(name, 200);
    OPENSSL_free(name);
    return text;
  }

  bool java_trusted(const PKCS12_SAFEBAG* bag) {
    if (!m_trusted_usage) {
      m_trusted_usage.reset(OBJ_txt2obj(k_java_trusted_usage_oid, 1));
      if (!m_trusted_usage) return false;
    }
    const STACK_OF(X509_ATTRIBUTE)* attributes = PKCS12_SAFEBAG_get0_attrs(bag);
    for (int i = 0; i < sk_X509_ATTRIBUTE_num(attributes); ++i) {
      const ASN1_OBJECT* oid = X509_ATTRIBUTE_get0_object(sk_X509_ATTRIBUTE_value(attributes, i));
      if (oid && OBJ_cmp(oid, m_trusted_usage.get()) == 0) return true;
    }
    return false;
  }

  void read_bags(const STACK_OF(PKCS12_SAFEBAG) * bags, int depth) {
    for (int i = 0; i < sk_PKCS12_SAFEBAG_num(bags); ++i) {
      const PKCS12_SAFEBAG* bag = sk_PKCS12_SAFEBAG_value(bags, i);
      switch (PKCS12_SAFEBAG_get_nid(bag)) {
        case NID_keyBag:
        case NID_pkcs8ShroudedKeyBag:
          m_keys.push_back({bag, octets_attribute(bag, NID_localKeyID), friendly_name(bag)});
          break;
        case NID_certBag: {
          if (PKCS12_SAFEBAG_get_bag_nid(bag) != NID_x509Certificate) break;  // SDSI: not for TLS
          CertBag cert{X509Ptr(PKCS12_SAFEBAG_get1_cert(bag)), {}, octets_attribute(bag, NID_localKeyID),
                       friendly_name(bag), java_trusted(bag)};
          if (!cert.cert) throw malformed("it holds a certificate that cannot be read");
          unsigned char* der = nullptr;
          const int length = i2d_X509(cert.cert.get(), &der);
          if (length <= 0) throw malformed("it holds a certificate that cannot be encoded");
          cert.der.assign(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
          OPENSSL_free(der);
          m_certs.push_back(std::move(cert));
          break;
        }
        case NID_safeContentsBag:
          if (depth >= k_max_bag_depth) throw malformed("its safe contents are nested too deeply");
          read_bags(PKCS12_SAFEBAG_get0_safes(bag), depth + 1);
          break;
        default:
          break;  // CRLs, secrets: not for TLS (Java reads secret keys, which TLS does not use)
      }
    }
  }

  // The certificate of a key: same localKeyID, else same friendlyName (Java's matching).
  const CertBag* leaf_of(const KeyBag& key) const {
    for (const auto& cert : m_certs) {
      if (!key.local_key_id.empty() && cert.local_key_id == key.local_key_id) return &cert;
    }
    for (const auto& cert : m_certs) {
      if (key.local_key_id.empty() && !key.friendly_name.empty() && cert.friendly_name == key.friendly_name) {
        return &cert;
      }
    }
    return nullptr;
  }

  // Leaf first, then each issuer found by subject among the store's certificates.
  std::vector<const CertBag*> chain_from(const CertBag* leaf) const {
    std::vector<const CertBag*> chain{leaf};
    while (chain.size() < m_certs.size()) {
      X509* current = chain.back()->cert.get();
      if (X509_NAME_cmp(X509_get_subject_name(current), X509_get_issuer_name(current)) == 0) break;
      const CertBag* issuer = nullptr;
      for (const auto& cert : m_certs) {
        const bool used = std::find(chain.begin(), chain.end(), &cert) != chain.end();
        if (!used && X509_NAME_cmp(X509_get_subject_name(cert.cert.get()), X509_get_issuer_name(current)) == 0) {
          issuer = &cert;
          break;
        }
      }
      if (!issuer) break;
      chain.push_back(issuer);
    }
    return chain;
  }

  std::string decrypt_key(const KeyBag& key, const std::string& key_password, const std::string& alias) {
    P8InfoPtr info;
    const PKCS8_PRIV_KEY_INFO* plain = nullptr;  // an unencrypted key bag's, owned by the bag
    if (PKCS12_SAFEBAG_get_nid(key.bag) == NID_keyBag) {
      plain = PKCS12_SAFEBAG_get0_p8inf(key.bag);
    } else {
      const X509_SIG* shrouded = PKCS12_SAFEBAG_get0_pkcs8(key.bag);
      if (!shrouded) throw malformed("the key of entry " + quoted(alias) + " cannot be read");
      const X509_ALGOR* algorithm = nullptr;
      X509_SIG_get0(shrouded, &algorithm, nullptr);
      check_iterations(algorithm, "the key of entry " + quoted(alias));
      Password password{key_password.c_str(), static_cast<int>(key_password.size())};
      auto attempt = [&] { return PKCS12_decrypt_skey(key.bag, password.text, password.length); };
      info.reset(with_legacy_retry(attempt));
      if (!info && key_password.empty()) {
        password = {nullptr, 0};
        info.reset(with_legacy_retry(attempt));
      }
      if (!info) {
        if (queue_says_unsupported()) {
          throw problem(KeystoreProblem::unsupported_algorithm,
                        "the key of entry " + quoted(alias) +
                            " is encrypted with an algorithm this OpenSSL cannot decrypt");
        }
        throw problem(KeystoreProblem::wrong_key_password,
                      "cannot recover the key of entry " + quoted(alias) + " (wrong key password)");
      }
    }
    if (info) plain = info.get();
    if (!plain) throw malformed("the key of entry " + quoted(alias) + " cannot be read");
    unsigned char* der = nullptr;
    const int length = i2d_PKCS8_PRIV_KEY_INFO(plain, &der);
    if (length <= 0) throw malformed("the key of entry " + quoted(alias) + " cannot be encoded");
    std::string bytes(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
    OPENSSL_clear_free(der, static_cast<std::size_t>(length));
    check_private_key(bytes, alias);
    return bytes;
  }

  KeystoreContents assemble(const std::optional<std::string>& key_password) {
    KeystoreContents contents;
    contents.format = KeystoreFormat::pkcs12;
    std::vector<const CertBag*> leaves;
    for (const auto& key : m_keys) {
      const CertBag* leaf = leaf_of(key);
      if (!leaf) continue;  // a key without its certificate cannot be presented; Java skips it too
      const std::string alias = !key.friendly_name.empty() ? key.friendly_name : leaf->friendly_name;
      KeyEntry entry{alias, {}, {}};
      for (const CertBag* cert : chain_from(leaf)) entry.chain.push_back(cert->der);
      if (key_password) entry.private_key = decrypt_key(key, *key_password, alias);
      leaves.push_back(leaf);
      contents.trusted.push_back(leaf->der);
      contents.keys.push_back(std::move(entry));
    }
    for (const auto& cert : m_certs) {
      const bool leaf = std::find(leaves.begin(), leaves.end(), &cert) != leaves.end();
      if (leaf) continue;
      if (cert.java_trusted) {
        contents.trusted.push_back(cert.der);
      } else {
        ++contents.untrusted_certificates;
      }
    }
    return contents;
  }

  const std::string& m_store_password;
  Password m_password{};
  bool m_has_mac = false;
  Pkcs12Ptr m_p12;
  std::vector<BagsPtr> m_bags;  // owns the bags m_keys point into
  std::vector<KeyBag> m_keys;
  std::vector<CertBag> m_certs;
  std::unique_ptr<ASN1_OBJECT, Deleter<ASN1_OBJECT_free>> m_trusted_usage;
};

bool starts_with_bytes(std::string_view bytes, std::string_view prefix) {
  return bytes.size() >= prefix.size() && bytes.substr(0, prefix.size()) == prefix;
}

}  // namespace

const char* keystore_format_name(KeystoreFormat format) {
  return format == KeystoreFormat::jks ? "JKS" : "PKCS12";
}

std::string java_password_bytes(std::string_view utf8) {
  std::string bytes;
  auto put = [&](char32_t unit) {
    bytes += static_cast<char>((unit >> 8) & 0xFF);
    bytes += static_cast<char>(unit & 0xFF);
  };
  for (char32_t point : code_points(utf8)) {
    if (point >= 0x10000) {
      point -= 0x10000;
      put(0xD800 + (point >> 10));
      put(0xDC00 + (point & 0x3FF));
    } else {
      put(point);
    }
  }
  return bytes;
}

KeystoreContents read_keystore(std::string_view bytes, const std::string& store_password,
                               const std::optional<std::string>& key_password,
                               const std::string& type_hint) {
  ErrorQueueGuard clean_queue;
  const std::string type = to_lower(trim(type_hint));
  if (type != "pkcs12" && type != "jks") {
    throw problem(KeystoreProblem::unsupported_type,
                  "the store type '" + one_line(type_hint, 40) +
                      "' is not supported: this client reads JKS and PKCS12 stores (set the type "
                      "to pkcs12 or jks; either reads both, as on Java 17)");
  }
  if (bytes.empty()) throw problem(KeystoreProblem::not_a_keystore, "the file is empty");
  if (bytes.size() > k_max_keystore_bytes) {
    throw problem(KeystoreProblem::not_a_keystore, "the file is larger than 16 MiB, not a keystore");
  }
  if (starts_with_bytes(bytes, "\xFE\xED\xFE\xED")) return read_jks(bytes, store_password, key_password);
  if (starts_with_bytes(bytes, "\xCE\xCE\xCE\xCE")) {
    throw problem(KeystoreProblem::unsupported_format,
                  "it is a JCEKS keystore, which this client cannot read; convert it with keytool "
                  "-importkeystore -srcstoretype JCEKS -deststoretype PKCS12");
  }
  const std::string start = trim(bytes.substr(0, 64));
  if (start.rfind("-----BEGIN", 0) == 0) {
    throw problem(KeystoreProblem::not_a_keystore,
                  "it is a PEM file, not a keystore; Flink reads JKS or PKCS12 stores (create one "
                  "with keytool -importcert, or openssl pkcs12 -export for a key)");
  }
  if (static_cast<unsigned char>(bytes.front()) != 0x30) {
    throw problem(KeystoreProblem::not_a_keystore, "not a JKS or PKCS12 keystore");
  }
  Pkcs12Reader reader(bytes, store_password);
  return reader.read(key_password);
}

}  // namespace flinkcli
