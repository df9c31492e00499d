// The keystore readers (JKS natively, PKCS12 through OpenSSL) on any bytes. The first byte picks
// how the rest is read: as it is, or behind a JKS header (v1 or v2) so the entry parser is reached
// without binary seeds; with or without a key password; under the type "pkcs12" or "jks".
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "flinkcli/tls/keystore.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flinkcli;
  if (size == 0) return 0;
  const std::uint8_t mode = data[0];
  std::string bytes;
  if ((mode & 3) == 1) bytes = std::string("\xFE\xED\xFE\xED\x00\x00\x00\x02", 8);
  if ((mode & 3) == 2) bytes = std::string("\xFE\xED\xFE\xED\x00\x00\x00\x01", 8);
  bytes.append(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::optional<std::string> key_password = (mode & 4) ? std::optional<std::string>("pw") : std::nullopt;
  try {
    (void)read_keystore(bytes, (mode & 8) ? "" : "pw", key_password, (mode & 16) ? "jks" : "pkcs12");
  } catch (const KeystoreError&) {
  }
  return 0;
}
