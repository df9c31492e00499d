// Flink's leader information in ZooKeeper, decoded without a JVM: the bytes an ObjectOutputStream
// writes for writeUTF(url) followed by writeObject(leaderSessionId) (Flink's ZooKeeperUtils.writeLeaderInformationToZooKeeper).
#include <charconv>
#include <cstdint>
#include <optional>

#include "flinkcli/core/byte_reader.hpp"
#include "flinkcli/core/host_port.hpp"
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
  const auto split = split_host_port(authority);
  const auto port = split && split->port_text ? parse_port(*split->port_text) : std::nullopt;
  if (!split || split->host.empty() || !port) {
    return "the address '" + one_line(url, 200) + "' has no host:port";
  }
  leader.host = split->host;
  leader.port = *port;
  return std::nullopt;
}

}  // namespace

DecodedLeader decode_leader_information(std::string_view data) {
  if (data.empty()) {
    DecodedLeader none;
    none.kind = DecodedLeader::Kind::no_leader;
    return none;
  }
  ByteReader in(data);
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
                                 std::to_string(in.remaining()) + " left");
    block.append(*bytes);
  }
  ByteReader url_in(block);
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
