#pragma once
// The one bounds-checked reader of big-endian binary data (Java's DataInput byte order): the
// `_metadata` file, the Java serialization streams inside it and in ZooKeeper's leader
// information, and JKS keystores. Each caller words its own error; this class only guarantees
// that no read goes past the end.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace flinkcli {

class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : m_bytes(bytes) {}

  std::size_t position() const { return m_pos; }
  std::size_t remaining() const { return m_bytes.size() - m_pos; }
  bool at_end() const { return m_pos == m_bytes.size(); }

  // Every read returns none, and consumes nothing, when fewer bytes are left than it needs.
  std::optional<std::uint8_t> peek() const {
    if (at_end()) return std::nullopt;
    return static_cast<std::uint8_t>(m_bytes[m_pos]);
  }
  // An unsigned big-endian number of `size` bytes (at most 8).
  std::optional<std::uint64_t> number(std::size_t size) {
    if (size > 8 || size > remaining()) return std::nullopt;
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < size; ++i) value = (value << 8) | static_cast<std::uint8_t>(m_bytes[m_pos + i]);
    m_pos += size;
    return value;
  }
  std::optional<std::uint8_t> u8() { return narrow<std::uint8_t>(number(1)); }
  std::optional<std::uint16_t> u16() { return narrow<std::uint16_t>(number(2)); }
  std::optional<std::uint32_t> u32() { return narrow<std::uint32_t>(number(4)); }
  std::optional<std::uint64_t> u64() { return number(8); }
  std::optional<std::string_view> bytes(std::size_t count) {
    if (count > remaining()) return std::nullopt;
    const std::string_view slice = m_bytes.substr(m_pos, count);
    m_pos += count;
    return slice;
  }
  // Java's writeUTF framing: a u16 byte length, then that many bytes (modified UTF-8, see
  // core/text.hpp's from_modified_utf8); none, consuming nothing, unless both fit.
  std::optional<std::string_view> utf() {
    const std::size_t start = m_pos;
    const auto length = u16();
    if (!length) return std::nullopt;
    const auto text = bytes(*length);
    if (!text) m_pos = start;
    return text;
  }
  // Back to an earlier position, to read a tag again; never forward.
  void rewind_to(std::size_t position) {
    if (position < m_pos) m_pos = position;
  }

 private:
  template <typename T>
  static std::optional<T> narrow(std::optional<std::uint64_t> value) {
    if (!value) return std::nullopt;
    return static_cast<T>(*value);
  }

  std::string_view m_bytes;
  std::size_t m_pos = 0;
};

}  // namespace flinkcli
