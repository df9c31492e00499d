#include <algorithm>
#include <cctype>

#include "flinkcli/config/configuration.hpp"
#include "flinkcli/core/error.hpp"
#include "flinkcli/core/host_port.hpp"
#include "flinkcli/core/text.hpp"

namespace flinkcli {

namespace {

std::string normalize_path(std::string path) {
  while (!path.empty() && path.back() == '/') path.pop_back();
  if (!path.empty() && path.front() != '/') path.insert(path.begin(), '/');
  return path;
}

}  // namespace

std::string RestEndpoint::host_port() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string RestEndpoint::url() const { return scheme + "://" + host_port() + path_prefix; }

void apply_jobmanager_address(Configuration& config, const std::string& address) {
  std::string rest = address;
  std::string path;
  bool https = false;
  const auto scheme_end = rest.find("://");
  if (scheme_end != std::string::npos) {
    const std::string scheme = to_lower(rest.substr(0, scheme_end));  // Flink ignores its case
    if (scheme != "http" && scheme != "https") {
      throw CliError::usage("Invalid JobManager address '" + address +
                            "': only http:// and https:// are supported.");
    }
    https = scheme == "https";
    rest = rest.substr(scheme_end + 3);
    const auto slash = rest.find('/');
    if (slash != std::string::npos) {
      path = rest.substr(slash);
      rest = rest.substr(0, slash);
    }
  }
  if (rest.find('@') != std::string::npos) {
    // Never echo the value: it holds a password.
    throw CliError::usage("Invalid JobManager address: credentials in -m are not supported (and "
                          "would show in process listings); send an Authorization header through "
                          "FLINK_REST_CLIENT_HEADERS instead.");
  }
  // host:port or [::1]:8081; the port is required.
  const auto split = split_host_port(rest);
  const bool has_port = split && split->port_text && parse_port(*split->port_text);
  const std::string host = has_port ? split->host : std::string();
  const std::string port_text = has_port ? *split->port_text : std::string();
  // A host is one name or address: "::1" unbracketed would split into host ":" and port 1, and a
  // blank or a URL character can never resolve (Java: "The given host:port ('::1') is invalid").
  const bool bracketed = split && split->bracketed;
  const bool bad_host = std::any_of(host.begin(), host.end(), [&](char c) {
    return std::isspace(static_cast<unsigned char>(c)) || std::iscntrl(static_cast<unsigned char>(c)) ||
           c == '/' || c == '?' || c == '#' || c == '[' || c == ']' || (c == ':' && !bracketed);
  });
  if (host.empty() || bad_host) {
    throw CliError::usage("Invalid JobManager address '" + address +
                          "': expected host:port (e.g. localhost:8081) with a port from 1 to "
                          "65535.");
  }
  const std::string origin = origins::jobmanager_option;
  config.set(keys::rest_address, host, origin);
  config.set(keys::rpc_address, host, origin);
  config.set(keys::rest_port, port_text, origin);
  // As Flink: the scheme of -m decides REST TLS, whatever the configuration file says.
  config.set(keys::ssl_rest_enabled, https ? "true" : "false", origin);
  config.set(keys::rest_path, path, origin);  // as Flink: the URL's path, "" for host:port
}

RestEndpoint rest_endpoint(const Configuration& config) {
  RestEndpoint endpoint;
  if (config.get_bool(keys::ssl_rest_enabled, false)) endpoint.scheme = "https";
  if (auto address = config.get(keys::rest_address); address && !address->empty()) {
    endpoint.host = *address;
  } else if (auto rpc = config.get(keys::rpc_address); rpc && !rpc->empty()) {
    endpoint.host = *rpc;
  }
  if (endpoint.host.size() > 2 && endpoint.host.front() == '[' && endpoint.host.back() == ']') {
    endpoint.host = endpoint.host.substr(1, endpoint.host.size() - 2);
  }
  if (auto port_text = config.get(keys::rest_port)) {
    auto port = parse_port(*port_text);
    if (!port) {
      throw CliError(ErrorClass::config, "Invalid value '" + *port_text +
                                             "' for rest.port: expected a port from 1 to 65535");
    }
    endpoint.port = *port;
  }
  if (auto path = config.get(keys::rest_path)) endpoint.path_prefix = normalize_path(*path);
  return endpoint;
}

}  // namespace flinkcli
