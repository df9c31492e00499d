#pragma once
// What the REST client needs to know, read from the configuration and the environment.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "flinkcli/config/conf_files.hpp"
#include "flinkcli/config/configuration.hpp"
#include "flinkcli/config/tls_settings.hpp"

namespace flinkcli {

struct RestSettings {
  RestEndpoint endpoint;
  std::chrono::milliseconds request_timeout{60000};  // client.timeout: bounds every call
  std::chrono::milliseconds connect_retry{3000};     // refused connections are retried this long
  std::vector<std::pair<std::string, std::string>> headers;  // FLINK_REST_CLIENT_HEADERS
  TlsSettings tls;  // security.ssl.rest.* and friends; endpoint.scheme is https exactly when tls.enabled
  // High availability: where the leader is now, asked again when the JobManager refuses
  // connections or answers 503 (a failover); its host and port replace the endpoint's. Returns by
  // the deadline given or throws (no leader). Empty: the endpoint is fixed (-m, rest.address).
  std::function<RestEndpoint(std::chrono::steady_clock::time_point deadline)> rediscover;
  // Where the endpoint came from, for messages ("the leader published in ZooKeeper ..."); empty:
  // -m / rest.address.
  std::string endpoint_origin;
};

// Parses FLINK_REST_CLIENT_HEADERS: newline-separated "Name:Value", split at the first colon.
std::vector<std::pair<std::string, std::string>> parse_rest_headers(const std::string& text);

// `flink_major`: the installation's Flink version, which decides whether 1.x's
// security.ssl.enabled still turns REST TLS on (unknown: it does).
RestSettings make_rest_settings(const Configuration& config, const GetEnv& getenv,
                                std::optional<int> flink_major = std::nullopt);

}  // namespace flinkcli
