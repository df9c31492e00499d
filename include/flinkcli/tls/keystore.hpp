#pragma once
// Java keystores read from bytes the way the JVM Flink runs on reads them (Java 17: the "pkcs12"
// and "jks" types both load either format: keystore.type.compat). JKS is read natively (Sun's format,
// JavaKeyStore.java; no library on Debian reads it), PKCS12 with OpenSSL, walking its safe bags as
// Java's PKCS12KeyStore does (PKCS12KeyStore.java). Pure functions of their arguments: no files, no
// output. Any input is safe: every length is checked against what is left, sizes, counts and
// key-derivation iterations are bounded, and failures are KeystoreErrors.
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace flinkcli {

enum class KeystoreFormat { jks, pkcs12 };
const char* keystore_format_name(KeystoreFormat format);  // "JKS", "PKCS12"

// A private-key entry: its key and its certificate chain, leaf first.
struct KeyEntry {
  std::string alias;               // for messages; "" when the store names none
  std::string private_key;         // PKCS#8 PrivateKeyInfo (DER); "" when not decrypted
  std::vector<std::string> chain;  // X.509 certificates (DER), leaf first
};

struct KeystoreContents {
  KeystoreFormat format = KeystoreFormat::pkcs12;
  // What Java's PKIX trust manager takes as trust anchors from this store: every trusted
  // certificate entry and the leaf (only) of every private-key entry. DER.
  std::vector<std::string> trusted;
  std::vector<KeyEntry> keys;
  // PKCS12 certificates Java ignores as anchors: no Java trust attribute and no key of their
  // own (e.g. `openssl pkcs12 -export -nokeys`, or the CA certificates of a key's chain).
  std::size_t untrusted_certificates = 0;
};

enum class KeystoreProblem {
  not_a_keystore,         // neither JKS nor PKCS12 (PEM, text, empty, ...)
  unsupported_type,       // a configured *-type this client does not read (JCEKS, PEM, ...)
  unsupported_format,     // a store or certificate format this client does not read (JCEKS)
  wrong_password,         // the store's integrity check or decryption failed
  wrong_key_password,     // a private key could not be recovered with the key password
  unsupported_algorithm,  // an encryption OpenSSL cannot do here
  malformed,              // truncated or inconsistent content
};

// Never carries a password or key material.
class KeystoreError : public std::runtime_error {
 public:
  KeystoreError(KeystoreProblem problem, const std::string& message)
      : std::runtime_error(message), m_problem(problem) {}
  KeystoreProblem problem() const { return m_problem; }

 private:
  KeystoreProblem m_problem;
};

inline constexpr std::size_t k_max_keystore_bytes = 16 * 1024 * 1024;
// Java's PKCS12KeyStore refuses more ("Too large iteration count"); also bounds the work a
// crafted file can cause.
inline constexpr long k_max_pbe_iterations = 5'000'000;

// Reads a JKS or PKCS12 store, telling them apart by content as Java 17 does. `type_hint` is the
// configured *-type: "pkcs12" or "jks" (any case) read either format; any other type (JCEKS, PEM,
// PKCS11, ...) is refused. `store_password` checks the store's integrity (and decrypts PKCS12
// contents). Private keys are decrypted with `key_password` only when one is given: a
// truststore needs its certificates only.
KeystoreContents read_keystore(std::string_view bytes, const std::string& store_password,
                               const std::optional<std::string>& key_password,
                               const std::string& type_hint);

// A password as Java turns it into bytes for JKS: each UTF-16 code unit big-endian (invalid
// UTF-8 becomes U+FFFD, as Java would decode it).
std::string java_password_bytes(std::string_view utf8);

}  // namespace flinkcli
