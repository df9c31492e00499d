#include "flinkcli/storage/aws_credential_providers.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "flinkcli/core/error.hpp"
#include "flinkcli/core/host_port.hpp"
#include "flinkcli/core/text.hpp"
#include "flinkcli/http/http_connection.hpp"
#include "flinkcli/storage/s3_xml.hpp"

namespace flinkcli {

using std::chrono::milliseconds;

namespace {

constexpr std::size_t k_max_answer = std::size_t{1} << 20;

struct Url {
  HttpEndpoint endpoint;
  std::string target;  // path and query, "/" at least
};

// "scheme://host[:port][/path]"; none when it is not one.
std::optional<Url> parse_url(const std::string& text) {
  const auto at = text.find("://");
  if (at == std::string::npos) return std::nullopt;
  Url url;
  url.endpoint.scheme = to_lower(text.substr(0, at));
  if (url.endpoint.scheme != "http" && url.endpoint.scheme != "https") return std::nullopt;
  std::string rest = text.substr(at + 3);
  const auto slash = rest.find('/');
  url.target = slash == std::string::npos ? "/" : rest.substr(slash);
  const auto split = split_host_port(rest.substr(0, slash));
  if (!split || split->host.empty()) return std::nullopt;
  url.endpoint.host = to_lower(split->host);
  url.endpoint.port = url.endpoint.scheme == "https" ? 443 : 80;
  if (split->port_text) {
    const auto port = parse_port(*split->port_text);
    if (!port) return std::nullopt;
    url.endpoint.port = *port;
  }
  return url;
}

std::string host_header(const HttpEndpoint& endpoint) {
  const bool default_port = (endpoint.scheme == "https" && endpoint.port == 443) || (endpoint.scheme == "http" && endpoint.port == 80);
  if (!default_port) return endpoint.host_port();
  return endpoint.host.find(':') != std::string::npos ? "[" + endpoint.host + "]" : endpoint.host;
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string body;
  for (const auto& [name, value] : fields) body += (body.empty() ? "" : "&") + uri_encode(name, false) + "=" + uri_encode(value, false);
  return body;
}

std::string read_token_file(const std::string& path, const std::string& source, const std::string& variable) {
  std::ifstream in(path);
  if (!in) {
    throw CliError(ErrorClass::config, source + ": cannot read the token file " + one_line(path, 200) + " (" + variable +
                                           "); check that it is mounted and readable");
  }
  std::ostringstream text;
  text << in.rdbuf();
  std::string token = trim(text.str());
  if (token.empty()) throw CliError(ErrorClass::config, source + ": the token file " + one_line(path, 200) + " (" + variable + ") is empty");
  return token;
}

std::string with_expiry(const FetchedCredentials& fetched) {
  if (!fetched.expiration) return "no expiry";
  const std::string compact = amz_date(std::chrono::floor<std::chrono::seconds>(*fetched.expiration));  // 20261207T054728Z
  return "expiring " + compact.substr(0, 4) + "-" + compact.substr(4, 2) + "-" + compact.substr(6, 5) + ":" +
         compact.substr(11, 2) + ":" + compact.substr(13);
}

// The time a request may take: the fetch's own bound, never past the action's deadline.
milliseconds bounded(milliseconds timeout, const CredentialFetchContext& context) {
  if (context.clock == nullptr) return timeout;
  return std::max(milliseconds(1), std::min(timeout, remaining_until(context.deadline, *context.clock)));
}

CredentialHttpAnswer send(CredentialHttpRequest request, const CredentialFetchContext& context) {
  request.timeout = bounded(request.timeout, context);
  return context.transport ? context.transport(request) : send_credential_request(request, context);
}

// Sends `request` up to 3 times while there is no answer or a 5xx (STS and the container endpoint
// are idempotent for these reads). The last answer, or a CliError naming `source` when none came.
CredentialHttpAnswer send_retried(const CredentialHttpRequest& request, const CredentialFetchContext& context,
                                  const std::string& source, const std::string& service) {
  Backoff backoff;
  CredentialHttpAnswer answer;
  for (int attempt = 1;; ++attempt) {
    answer = send(request, context);
    const bool retry = !answer.status || *answer.status >= 500;
    if (!retry || attempt == 3) break;
    const milliseconds pause = backoff.next();
    if (context.clock == nullptr || context.clock->now() + pause >= context.deadline) break;
    spdlog::debug("{}: {} answered {}; retrying in {} ms", source, service,
                  answer.status ? "HTTP " + std::to_string(*answer.status) : answer.failure, pause.count());
    context.clock->sleep_for(pause);
  }
  if (!answer.status) {
    throw CliError(ErrorClass::unreachable, source + ": no answer from " + service + " (" + answer.failure +
                                                "); check the network, or the endpoint's variable");
  }
  return answer;
}

}  // namespace

CredentialHttpAnswer send_credential_request(const CredentialHttpRequest& request, const CredentialFetchContext& context) {
  CredentialHttpAnswer answer;
  const auto url = parse_url(request.url);
  if (!url) {
    answer.failure = "not an http(s) URL";
    answer.nothing_sent = true;
    return answer;
  }
  SystemClock system_clock;
  Clock& clock = context.clock != nullptr ? *context.clock : system_clock;
  HttpsTrust trust;
  trust.ca_bundle = context.ca_bundle;
  try {
    HttpConnection connection(url->endpoint, trust, PeerDescription{"the credentials endpoint", ""}, clock);
    HttpRequest http;
    http.method = request.method;
    http.target = url->target;
    http.body = request.body;
    http.content_type = request.content_type;
    http.max_answer_bytes = k_max_answer;
    http.headers = {{"Host", host_header(url->endpoint)}};
    for (const auto& header : request.headers) http.headers.push_back(header);
    http.headers.emplace_back("User-Agent", std::string("flinkcli/") + FLINKCLI_VERSION);
    const AttemptTimeouts timeouts{request.timeout, request.timeout, request.timeout};
    HttpExchange exchange = connection.exchange(http, timeouts);
    if (exchange.response) {
      answer.status = exchange.response->status;
      answer.body = std::move(exchange.response->body);
      return answer;
    }
    answer.failure = exchange.error_text.empty() ? describe_http_failure(exchange.failure) : exchange.error_text;
    if (exchange.failure == HttpFailure::refused && exchange.connect_timed_out) {
      answer.failure = "no connection within " + format_duration(request.timeout);
    }
    answer.nothing_sent = exchange.failure == HttpFailure::refused;
  } catch (const CliError& error) {  // a host name that does not resolve in time
    answer.failure = one_line(error.what(), 200);
    answer.nothing_sent = true;
  }
  return answer;
}

RefreshingCredentials::RefreshingCredentials(std::string source, Fetch fetch)
    : m_source(std::move(source)), m_fetch(std::move(fetch)) {}

std::optional<AwsCredentials> RefreshingCredentials::current(const CredentialFetchContext& context) {
  std::lock_guard<std::mutex> lock(m_mutex);
  const auto now = context.wall_clock();
  bool due = !m_fetched;
  if (m_fetched && m_current && m_current->expiration) {
    const auto lifetime = *m_current->expiration - m_fetched_at;
    const auto margin = std::min<std::chrono::system_clock::duration>(k_refresh_margin, lifetime / 2);
    due = now + margin >= *m_current->expiration;
    if (due) spdlog::debug("S3 credentials from {} expire at {}: fetching new ones", m_source, with_expiry(*m_current));
  }
  // A fetch that failed fails the requests waiting for it too, without asking again.
  if (m_failure) std::rethrow_exception(m_failure);
  if (due) {
    m_fetched_at = now;
    ++m_fetch_count;
    try {
      m_current = m_fetch(context);
    } catch (...) {
      m_failure = std::current_exception();
      throw;
    }
    m_fetched = true;
    if (m_current) {
      spdlog::debug("S3 credentials: {} from {}{}, {}", m_current->credentials.describe(), m_source,
                    m_current->detail.empty() ? "" : " (" + m_current->detail + ")", with_expiry(*m_current));
    }
  }
  if (!m_current) return std::nullopt;
  return m_current->credentials;
}

void RefreshingCredentials::invalidate() {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_fetched = false;
  m_failure = nullptr;
}

int RefreshingCredentials::fetches() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_fetch_count;
}

FetchedCredentials parse_sts_credentials(std::string_view xml) {
  const auto elements = xml_elements(xml, "Credentials");
  if (elements.empty()) throw std::invalid_argument("no <Credentials> element");
  const std::string_view credentials = elements.front();
  auto field = [&](std::string_view name) {
    auto value = xml_text(credentials, name);
    if (!value || trim(*value).empty()) throw std::invalid_argument("no <" + std::string(name) + "> in <Credentials>");
    return trim(*value);
  };
  const std::string key = field("AccessKeyId");
  const std::string secret = field("SecretAccessKey");
  const std::string token = field("SessionToken");
  const auto expiration = parse_iso8601(field("Expiration"));
  if (!expiration) throw std::invalid_argument("<Expiration> is not a date");
  return {AwsCredentials(key, secret, token), expiration, {}};
}

FetchedCredentials parse_json_credentials(std::string_view json) {
  const nlohmann::json document = nlohmann::json::parse(json.begin(), json.end(), nullptr, false);
  if (!document.is_object()) throw std::invalid_argument("not a JSON object");
  auto field = [&](const char* name, bool required) -> std::optional<std::string> {
    const auto found = document.find(name);
    if (found == document.end() || found->is_null()) {
      if (required) throw std::invalid_argument(std::string("no ") + name);
      return std::nullopt;
    }
    if (!found->is_string() || found->get<std::string>().empty()) throw std::invalid_argument(std::string(name) + " is not a string");
    return found->get<std::string>();
  };
  if (auto code = field("Code", false); code && *code != "Success") {
    throw std::invalid_argument("Code is " + one_line(*code, 60) + ", not Success");
  }
  const std::string key = *field("AccessKeyId", true);
  const std::string secret = *field("SecretAccessKey", true);
  const auto token = field("Token", false);
  std::optional<std::chrono::system_clock::time_point> expiration;
  if (auto text = field("Expiration", false)) {
    expiration = parse_iso8601(*text);
    if (!expiration) throw std::invalid_argument("Expiration is not a date");
  }
  return {AwsCredentials(key, secret, token), expiration, {}};
}

std::pair<std::string, std::string> sts_endpoint(const GetEnv& getenv, const std::string& region) {
  for (const char* name : {"AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"}) {
    if (auto value = getenv(name); value && !trim(*value).empty()) return {trim(*value), name};
  }
  return {"https://sts." + region + ".amazonaws.com", "the regional STS endpoint of " + region};
}

namespace {

// One STS call that answers <Credentials>: sent (retried while there is no answer or a 5xx), its
// refusal a storage_access CliError naming `source`, its answer parsed.
FetchedCredentials call_sts(CredentialHttpRequest request, const std::string& action, const std::string& role_arn,
                            const std::string& source, const std::string& sts_origin, const CredentialFetchContext& context) {
  const auto url = parse_url(request.url);
  const std::string service = "STS at " + url->endpoint.host_port() + " (" + sts_origin + ")";
  const CredentialHttpAnswer answer = send_retried(request, context, source, service);
  if (*answer.status != 200) {
    const S3Error error = parse_s3_error(answer.body);
    const std::string says = error.code.empty() ? "HTTP " + std::to_string(*answer.status)
                                                : error.code + (error.message.empty() ? "" : ": " + one_line(error.message, 200));
    throw CliError(ErrorClass::storage_access,
                   source + ": " + service + " refused " + action + " for role " + one_line(role_arn, 200) + " (" + says + ")",
                   "answer: " + one_line(answer.body, 300));
  }
  try {
    FetchedCredentials fetched = parse_sts_credentials(answer.body);
    fetched.detail = "role " + role_arn;
    return fetched;
  } catch (const std::invalid_argument& bad) {
    throw CliError(ErrorClass::protocol, source + ": " + service + " answered " + action + " with something that is not STS's (" +
                                             bad.what() + ")");
  }
}

Url sts_url_or_throw(const std::string& text, const std::string& origin, const std::string& source) {
  const auto url = parse_url(text);
  if (!url) {
    throw CliError(ErrorClass::config, source + ": the STS endpoint '" + one_line(text, 100) + "' (" + origin +
                                           ") is not http(s)://host[:port]");
  }
  return *url;
}

}  // namespace

RefreshingCredentials::Fetch assume_role_fetch(AssumeRoleConfig config) {
  return [config](const CredentialFetchContext& context) -> std::optional<FetchedCredentials> {
    const std::string source = "assume role (" + config.origin + ")";
    const Url url = sts_url_or_throw(config.sts_url, config.sts_origin, source);
    std::vector<std::pair<std::string, std::string>> fields = {{"Action", "AssumeRole"},
                                                               {"Version", "2011-06-15"},
                                                               {"RoleArn", config.role_arn},
                                                               {"RoleSessionName", config.session_name}};
    if (config.external_id) fields.emplace_back("ExternalId", *config.external_id);
    if (config.duration_seconds) fields.emplace_back("DurationSeconds", *config.duration_seconds);
    CredentialHttpRequest request;
    request.method = "POST";
    request.url = config.sts_url;
    request.content_type = "application/x-www-form-urlencoded; charset=utf-8";
    request.body = form_encode(fields);
    request.timeout = context.request_timeout;
    // Signed as botocore signs STS: host, content-type and x-amz-date, no payload-hash header.
    // The http layer sends the Host and Content-Type signed here.
    const std::string path = url.target.substr(0, url.target.find('?'));
    SigningRequest signing{"POST", path, {}, {{"Host", host_header(url.endpoint)}, {"Content-Type", request.content_type}},
                           sha256_hex(request.body)};
    SigningScope scope;
    scope.region = config.region;
    scope.service = "sts";
    scope.content_sha256_header = false;
    const SignedRequest signed_request = sign_request(signing, config.source_credentials(context), scope, context.wall_clock());
    request.headers = signed_request.added_headers;
    spdlog::debug("{}: AssumeRole for {} at {}", source, config.role_arn, config.sts_url);
    return call_sts(std::move(request), "AssumeRole", config.role_arn, source, config.sts_origin, context);
  };
}

RefreshingCredentials::Fetch web_identity_fetch(WebIdentityConfig config) {
  return [config](const CredentialFetchContext& context) -> std::optional<FetchedCredentials> {
    const std::string source = "web identity (" + config.origin + ")";
    const std::string token = read_token_file(config.token_file, source, "web_identity_token_file");
    sts_url_or_throw(config.sts_url, config.sts_origin, source);
    CredentialHttpRequest request;
    request.method = "POST";
    request.url = config.sts_url;
    request.content_type = "application/x-www-form-urlencoded; charset=utf-8";
    // Unsigned, as the SDKs send it: the token is the proof.
    request.body = form_encode({{"Action", "AssumeRoleWithWebIdentity"},
                                {"Version", "2011-06-15"},
                                {"RoleArn", config.role_arn},
                                {"RoleSessionName", config.session_name},
                                {"WebIdentityToken", token}});
    request.timeout = context.request_timeout;
    spdlog::debug("{}: AssumeRoleWithWebIdentity for {} at {}", source, config.role_arn, config.sts_url);
    return call_sts(std::move(request), "AssumeRoleWithWebIdentity", config.role_arn, source, config.sts_origin, context);
  };
}

void check_container_uri(const std::string& url, const std::string& origin) {
  const auto parsed = parse_url(url);
  if (!parsed) {
    throw CliError(ErrorClass::config, "container credentials: " + origin + " '" + one_line(url, 200) + "' is not http(s)://host[:port]/path");
  }
  if (parsed->endpoint.scheme == "https") return;
  const std::string& host = parsed->endpoint.host;
  const bool loopback = host == "localhost" || host == "::1" || host.starts_with("127.");
  if (loopback || host == "169.254.170.2" || host == "169.254.170.23" || host == "fd00:ec2::23") return;
  throw CliError(ErrorClass::config, "container credentials: " + origin + " points at " + one_line(host, 100) +
                                         ", which is not allowed over http (only loopback, 169.254.170.2, "
                                         "169.254.170.23 and fd00:ec2::23, as in the AWS SDKs; or use https)");
}

RefreshingCredentials::Fetch container_fetch(ContainerConfig config) {
  return [config](const CredentialFetchContext& context) -> std::optional<FetchedCredentials> {
    const std::string source = "container credentials (" + config.origin + ")";
    CredentialHttpRequest request;
    request.url = config.url;
    request.timeout = std::min(context.request_timeout, milliseconds(5000));  // botocore's timeout is 2 s
    if (config.authorization_file) {
      request.headers.emplace_back("Authorization",
                                   read_token_file(*config.authorization_file, source, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"));
    } else if (config.authorization) {
      request.headers.emplace_back("Authorization", *config.authorization);
    }
    const auto url = parse_url(config.url);
    const std::string service = "the container credentials endpoint at " + (url ? url->endpoint.host_port() : config.url);
    const CredentialHttpAnswer answer = send_retried(request, context, source, service);
    if (*answer.status != 200) {
      throw CliError(ErrorClass::storage_access, source + ": " + service + " refused the request (HTTP " +
                                                     std::to_string(*answer.status) + ")" +
                                                     (*answer.status == 401 || *answer.status == 403
                                                          ? "; check AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE)"
                                                          : ""),
                     "answer: " + one_line(answer.body, 300));
    }
    try {
      return parse_json_credentials(answer.body);
    } catch (const std::invalid_argument& bad) {
      throw CliError(ErrorClass::protocol, source + ": " + service + " answered with something that is not credentials (" + bad.what() + ")");
    }
  };
}

namespace {

std::optional<FetchedCredentials> fetch_from_instance_metadata(const InstanceMetadataConfig& config,
                                                               const CredentialFetchContext& context) {
  const std::string source = "instance metadata (IMDSv2 at " + config.endpoint + ", " + config.origin + ")";
  std::string base = config.endpoint;
  while (!base.empty() && base.back() == '/') base.pop_back();
  CredentialHttpRequest token_request;
  token_request.method = "PUT";
  token_request.url = base + "/latest/api/token";
  token_request.headers = {{"X-aws-ec2-metadata-token-ttl-seconds", "21600"}};
  token_request.timeout = config.timeout;
  const CredentialHttpAnswer token = send(token_request, context);
  if (!token.status) {
    spdlog::debug("{}: no answer within {} ({}): no credentials from it, requests are anonymous", source,
                  format_duration(config.timeout), token.failure);
    return std::nullopt;
  }
  if (*token.status != 200 || trim(token.body).empty()) {
    throw CliError(ErrorClass::storage_access, source + " refused a session token (PUT /latest/api/token: HTTP " +
                                                   std::to_string(*token.status) + ")");
  }
  auto get = [&](const std::string& path) {
    CredentialHttpRequest request;
    request.url = base + path;
    request.headers = {{"X-aws-ec2-metadata-token", trim(token.body)}};
    request.timeout = config.timeout;
    const CredentialHttpAnswer answer = send(request, context);
    if (!answer.status) {
      throw CliError(ErrorClass::unreachable, source + ": no answer to GET " + path + " within " +
                                                  format_duration(config.timeout) + " (" + answer.failure + ")");
    }
    if (*answer.status == 404 && path.ends_with("/")) {
      throw CliError(ErrorClass::storage_access, source + ": this instance has no IAM role (GET " + path + ": HTTP 404)");
    }
    if (*answer.status != 200) {
      throw CliError(ErrorClass::storage_access, source + " refused GET " + path + " (HTTP " + std::to_string(*answer.status) + ")");
    }
    return answer.body;
  };
  const std::string roles = get("/latest/meta-data/iam/security-credentials/");
  const std::string role = trim(roles.substr(0, roles.find('\n')));
  if (role.empty() || role.find('/') != std::string::npos) {
    throw CliError(ErrorClass::protocol, source + " named no usable IAM role");
  }
  try {
    FetchedCredentials fetched = parse_json_credentials(get("/latest/meta-data/iam/security-credentials/" + uri_encode(role, false)));
    fetched.detail = "role " + role;
    return fetched;
  } catch (const std::invalid_argument& bad) {
    throw CliError(ErrorClass::protocol, source + " answered the role's credentials with something that is not credentials (" +
                                             bad.what() + ")");
  }
}

}  // namespace

RefreshingCredentials::Fetch instance_metadata_fetch(InstanceMetadataConfig config) {
  return [config](const CredentialFetchContext& context) -> std::optional<FetchedCredentials> {
    if (config.explicit_endpoint) return fetch_from_instance_metadata(config, context);
    // The default address is a guess that something else may answer (a proxy, a sandbox):
    // whatever goes wrong there means no credentials from it, as in the SDKs' chain.
    try {
      return fetch_from_instance_metadata(config, context);
    } catch (const CliError& error) {
      spdlog::debug("{}; no credentials from it, requests are anonymous", error.what());
      return std::nullopt;
    }
  };
}

}  // namespace flinkcli
