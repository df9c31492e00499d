#pragma once
// The one split of "host:port" and "[v6 address]:port", and the one port number parser: the -m
// address, rest.port, the leader's URL in ZooKeeper and the S3 endpoint. Callers add their own
// rules (a required port, which host characters they accept).
#include <optional>
#include <string>
#include <string_view>

namespace flinkcli {

struct HostPort {
  std::string host;                      // without brackets; may be empty (":8081"): callers refuse it
  std::optional<std::string> port_text;  // after the ':', unchecked; none without a ':'
  bool bracketed = false;                // the host was written "[...]"
};

// Splits `authority` at its last ':' (after the ']' of a bracketed host). None when the brackets
// are malformed: a '[' without ']', or anything but ":port" after the ']'.
std::optional<HostPort> split_host_port(std::string_view authority);

// A TCP port: decimal digits only, 1 to 65535 (leading zeros allowed); none otherwise.
std::optional<int> parse_port(std::string_view text);

}  // namespace flinkcli
