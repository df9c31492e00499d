#include "flinkcli/config/rest_settings.hpp"

#include <algorithm>
#include <sstream>

namespace flinkcli {

std::vector<std::pair<std::string, std::string>> parse_rest_headers(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> headers;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();  // CRLF: a CR in a header is invalid
    const auto colon = line.find(':');
    if (colon == std::string::npos || colon == 0) continue;  // Flink skips such lines
    headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  return headers;
}

RestSettings make_rest_settings(const Configuration& config, const GetEnv& getenv,
                                std::optional<int> flink_major) {
  RestSettings settings;
  settings.endpoint = rest_endpoint(config);
  settings.request_timeout = config.client_timeout();
  settings.connect_retry = std::min(settings.request_timeout, settings.connect_retry);
  if (auto headers = getenv("FLINK_REST_CLIENT_HEADERS")) settings.headers = parse_rest_headers(*headers);
  settings.tls = read_tls_settings(config, flink_major);
  settings.endpoint.scheme = settings.tls.enabled ? "https" : "http";
  return settings;
}

}  // namespace flinkcli
