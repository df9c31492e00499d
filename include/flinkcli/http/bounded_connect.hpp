#pragma once
// Every step of reaching a server (the JobManager, an S3 endpoint) bounded by the action's deadline:
// the name lookup, the connect of each attempt, and the diagnosis of a failed connect.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace flinkcli {

struct AttemptTimeouts {
  std::chrono::milliseconds connect;    // one TCP connect
  std::chrono::milliseconds answer;     // sending the request and reading its answer
  std::chrono::milliseconds diagnosis;  // all connects of describe_connect_failure together
};

// For one attempt, from the time left until the action's deadline (none: no deadline) and
// client.timeout. Each is at least a little, so that a call at the deadline still fails naming
// its request; none goes past the deadline by more than that.
AttemptTimeouts attempt_timeouts(std::optional<std::chrono::milliseconds> left,
                                 std::chrono::milliseconds request_timeout);

// getaddrinfo for host:port: the numeric addresses in the resolver's order, or the resolver's
// complaint.
struct Resolution {
  std::vector<std::string> addresses;
  std::string error;  // empty when resolved
};
using Resolver = std::function<Resolution(const std::string& host, int port)>;
Resolution resolve_with_getaddrinfo(const std::string& host, int port);

// Resolves `host` within `budget` (a numeric address at once, without a thread); throws an
// unreachable CliError when the name does not resolve or the resolver does not finish in time
// (it is then left to finish on its own).
// Messages name the server as `peer` ("the JobManager", "the S3 endpoint") and end with `advice`.
struct PeerDescription {
  std::string peer = "the JobManager";
  std::string advice =
      "Check that the cluster is running and -m / rest.address / rest.port point to its REST endpoint.";
};
std::vector<std::string> resolve_within(const std::string& host, int port, std::chrono::milliseconds budget,
                                        const Resolver& resolver = resolve_with_getaddrinfo,
                                        const PeerDescription& peer = {});

// Why a TCP connection to `addresses` (numeric, from resolve_within) on `port` fails right now
// ("Connection refused", ...), trying them in order within `budget` in all.
std::string describe_connect_failure(const std::vector<std::string>& addresses, int port,
                                     std::chrono::milliseconds budget, const std::string& peer = "the JobManager");

}  // namespace flinkcli
