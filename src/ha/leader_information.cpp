// Flink's leader information in ZooKeeper, decoded without a JVM: the bytes an ObjectOutputStream
// writes for writeUTF(url) followed by writeObject(leaderSessionId) (Flink's ZooKeeperUtils.writeLeaderInformationToZooKeeper).
#include <charconv>
#include <cstdint>
#include <optional>

#include "flinkcli/core/text.hpp"
#include "flinkcli/ha/leader_source.hpp"

namespace flinkcli {

namespace {

constexpr unsigned char k_block_data = 0x77;       // TC_BLOCKDATA: 1-byte length
constexpr unsigned char k_block_data_long = 0x7a;  // TC_BLOCKDATALONG: 4-byte length
constexpr unsigned char k_object = 0x73;           // TC_OBJECT
constexpr unsigned char k_class_desc = 0x72;       // TC_CLASSDESC
constexpr unsigned char k_null = 0x70;             // TC_NULL
constexpr unsigned char k_end_block = 0x78;        // TC_ENDBLOCKDATA
constexpr std::uint64_t k_uuid_serial_version = 0xbc9903f7986d852fULL;

// Reads big-endian values from the input; every read checks the bytes left.
class Reader {
 public:
  explicit Reader(std::string_view data) : m_data(data) {}
  std::size_t left() const { return m_data.size() - m_pos; }
  bool at_end() const { return left() == 0; }
  std::optional<unsigned char> peek() const {
    if (at_end()) return std::nullopt;
    return static_cast<unsigned char>(m_data[m_pos]);
  }
  std::optional<std::uint64_t> number(std::size_t bytes) {
    if (left() < bytes) return std::nullopt;
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < bytes; ++i) value = (value << 8) | static_cast<unsigned char>(m_data[m_pos + i]);
    m_pos += bytes;
    return value;
  }
  std::optional<std::string_view> bytes(std::size_t count) {
    if (left() < count) return std::nullopt;
    const auto view = m_data.substr(m_pos, count);
    m_pos += count;
    return view;
  }
  // Java's writeUTF: a u16 length, then that many bytes.
  std::optional<std::string_view> utf() {
    const auto length = number(2);
    if (!length) return std::nullopt;
    return bytes(static_cast<std::size_t>(*length));
  }

 private:
  std::string_view m_data;
  std::size_t m_pos = 0;
};

DecodedLeader malformed(std::string error) {
  DecodedLeader decoded;
  decoded.error = std::move(error);
  return decoded;
}

// Java's modified UTF-8 as standard UTF-8: it differs only for NUL (C0 80) and characters outside
// the BMP (surrogate pairs); neither belongs in a URL, so both are refused.
bool plain_utf8(std::string_view text) {
  if (!is_valid_utf8(text)) return false;
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) return false;  // no control characters in a URL
  }
  return true;
}

std::string hex_group(std::uint64_t value, int digits) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string text(static_cast<std::size_t>(digits), '0');
  for (int i = digits - 1; i >= 0; --i) {
    text[static_cast<std::size_t>(i)] = k_digits[value & 0xf];
    value >>= 4;
  }
  return text;
}

// java.util.UUID.toString().
std::string uuid_text(std::uint64_t most, std::uint64_t least) {
  return hex_group(most >> 32, 8) + "-" + hex_group((most >> 16) & 0xffff, 4) + "-" + hex_group(most & 0xffff, 4) +
         "-" + hex_group(least >> 48, 4) + "-" + hex_group(least & 0xffffffffffffULL, 12);
}

// "http(s)://host:port[/path]" into its parts; a message when it is not one.
std::optional<std::string> split_url(const std::string& url, LeaderInfo& leader) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return "the address '" + one_line(url, 200) + "' is not a URL";
  leader.scheme = to_lower(url.substr(0, scheme_end));
  if (leader.scheme != "http" && leader.scheme != "https") {
    return "the address '" + one_line(url, 200) + "' is not an http(s) URL";
  }
  std::string authority = url.substr(scheme_end + 3);
  authority = authority.substr(0, authority.find('/'));
  std::string port_text;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close != std::string::npos && close + 1 < authority.size() && authority[close + 1] == ':') {
      leader.host = authority.substr(1, close - 1);
      port_text = authority.substr(close + 2);
    }
  } else if (const auto colon = authority.rfind(':'); colon != std::string::npos) {
    leader.host = authority.substr(0, colon);
    port_text = authority.substr(colon + 1);
  }
  int port = 0;
  const char* end = port_text.data() + port_text.size();
  const auto [ptr, ec] = std::from_chars(port_text.data(), end, port);
  if (leader.host.empty() || port_text.empty() || ec != std::errc() || ptr != end || port < 1 || port > 65535) {
    return "the address '" + one_line(url, 200) + "' has no host:port";
  }
  leader.port = port;
  return std::nullopt;
}

}  // namespace

DecodedLeader decode_leader_information(std::string_view data) {
  if (data.empty()) {
    DecodedLeader none;
    none.kind = DecodedLeader::Kind::no_leader;
    return none;
  }
  Reader in(data);
  if (in.number(2) != 0xaced || in.number(2) != 5) {
    return malformed("not Java serialization (no stream header AC ED 00 05)");
  }
  // The URL: block data, possibly split over several blocks (an ObjectOutputStream writes blocks of
  // at most 1024 bytes), holding writeUTF's u16 length and bytes.
  std::string block;
  while (in.peek() == k_block_data || in.peek() == k_block_data_long) {
    const bool long_block = in.peek() == k_block_data_long;
    (void)in.number(1);
    const auto length = in.number(long_block ? 4 : 1);
    if (!length) return malformed("truncated block data header");
    const auto bytes = in.bytes(static_cast<std::size_t>(*length));  // bounded by the input
    if (!bytes) return malformed("block data of " + std::to_string(*length) + " bytes, only " +
                                 std::to_string(in.left()) + " left");
    block.append(*bytes);
  }
  Reader url_in(block);
  const auto url_bytes = url_in.utf();
  if (!url_bytes) return malformed("no leader address (writeUTF) in the block data");
  if (!url_in.at_end()) return malformed("unexpected bytes after the leader address");
  const std::string url(*url_bytes);
  if (url.empty() || !plain_utf8(url)) return malformed("the leader address is not a printable URL");

  DecodedLeader decoded;
  decoded.kind = DecodedLeader::Kind::leader;
  decoded.leader.url = url;
  if (auto error = split_url(url, decoded.leader)) return malformed(*error);

  // The leader session id: a java.util.UUID object, or null.
  const auto tag = in.number(1);
  if (tag == k_null) return decoded;
  if (tag != k_object || in.number(1) != k_class_desc) return malformed("no leader session id (java.util.UUID) after the address");
  const auto class_name = in.utf();
  if (!class_name || *class_name != "java.util.UUID") {
    return malformed("the leader session id is not a java.util.UUID");
  }
  if (in.number(8) != k_uuid_serial_version) return malformed("unexpected serialVersionUID for java.util.UUID");
  const auto flags = in.number(1);
  const auto field_count = in.number(2);
  if (!flags || field_count != 2) return malformed("unexpected class description of java.util.UUID");
  std::string names[2];
  for (auto& name : names) {
    const auto type = in.number(1);
    const auto field = in.utf();
    if (type != 'J' || !field) return malformed("unexpected field in java.util.UUID");
    name = std::string(*field);
  }
  if (in.number(1) != k_end_block || in.number(1) != k_null) {
    return malformed("unexpected class annotation or superclass of java.util.UUID");
  }
  std::optional<std::uint64_t> most;
  std::optional<std::uint64_t> least;
  for (const auto& name : names) {
    const auto value = in.number(8);
    if (!value) return malformed("truncated java.util.UUID");
    if (name == "mostSigBits") most = value;
    if (name == "leastSigBits") least = value;
  }
  if (!most || !least) return malformed("java.util.UUID without mostSigBits and leastSigBits");
  decoded.leader.session_id = uuid_text(*most, *least);
  return decoded;
}

}  // namespace flinkcli
