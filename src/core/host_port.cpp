#include "flinkcli/core/host_port.hpp"

namespace flinkcli {

std::optional<int> parse_port(std::string_view text) {
  if (text.empty()) return std::nullopt;
  long value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
    if (value > 65535) return std::nullopt;
  }
  if (value < 1) return std::nullopt;
  return static_cast<int>(value);
}

std::optional<HostPort> split_host_port(std::string_view authority) {
  HostPort result;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    const std::string_view rest = authority.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return std::nullopt;
    result.bracketed = true;
    result.host = std::string(authority.substr(1, close - 1));
    if (!rest.empty()) result.port_text = std::string(rest.substr(1));
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    result.host = std::string(authority.substr(0, colon));
    result.port_text = std::string(authority.substr(colon + 1));
  } else {
    result.host = std::string(authority);
  }
  return result;
}

}  // namespace flinkcli
