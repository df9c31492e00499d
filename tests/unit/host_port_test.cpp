// core's split_host_port and parse_port, shared by -m, rest.port, the leader's URL and the S3 endpoint.
#include <gtest/gtest.h>

#include "flinkcli/core/host_port.hpp"

namespace flinkcli::testing {
namespace {

TEST(HostPort, SplitsAtTheLastColonOrAfterTheBrackets) {
  const struct {
    std::string authority;
    std::string host;
    std::optional<std::string> port_text;
    bool bracketed;
  } cases[] = {
      {"localhost:8081", "localhost", "8081", false},
      {"jm.example.com", "jm.example.com", std::nullopt, false},
      {"[::1]:8081", "::1", "8081", true},
      {"[::1]", "::1", std::nullopt, true},
      {"[]:80", "", "80", true},
      {":8081", "", "8081", false},
      {"host:", "host", "", false},
      {"::1", ":", "1", false},  // unbracketed IPv6: callers that care refuse the ':' in the host
      {"host:port", "host", "port", false},
      {"", "", std::nullopt, false},
  };
  for (const auto& c : cases) {
    const auto split = split_host_port(c.authority);
    ASSERT_TRUE(split) << c.authority;
    EXPECT_EQ(split->host, c.host) << c.authority;
    EXPECT_EQ(split->port_text, c.port_text) << c.authority;
    EXPECT_EQ(split->bracketed, c.bracketed) << c.authority;
  }
}

TEST(HostPort, MalformedBracketsAreRefused) {
  for (const std::string authority : {"[::1", "[::1]8081", "[::1]x:80", "[::1:8081"}) {
    EXPECT_FALSE(split_host_port(authority)) << authority;
  }
}

TEST(HostPort, PortsAreDecimalFrom1To65535) {
  const struct {
    std::string text;
    std::optional<int> port;
  } cases[] = {
      {"1", 1}, {"8081", 8081}, {"65535", 65535}, {"08081", 8081}, {"0000000080", 80},
      {"0", std::nullopt}, {"65536", std::nullopt}, {"99999999999999999999", std::nullopt},
      {"", std::nullopt}, {"-1", std::nullopt}, {"+80", std::nullopt}, {" 80", std::nullopt},
      {"80 ", std::nullopt}, {"8o", std::nullopt}, {"0x50", std::nullopt},
  };
  for (const auto& c : cases) EXPECT_EQ(parse_port(c.text), c.port) << c.text;
}

}  // namespace
}  // namespace flinkcli::testing
