#include "flinkcli/storage/s3_client.hpp"

#include <openssl/evp.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <stdexcept>

#include "flinkcli/config/configuration.hpp"
#include "flinkcli/core/error.hpp"
#include "flinkcli/core/host_port.hpp"
#include "flinkcli/core/text.hpp"
#include "flinkcli/http/http_connection.hpp"
#include "flinkcli/storage/sigv4.hpp"

namespace flinkcli {

using std::chrono::milliseconds;

namespace {

constexpr std::size_t k_max_delete_batch = 1000;  // S3's limit per DeleteObjects request
constexpr std::size_t k_max_error_body = std::size_t{1} << 20;

bool is_ip_literal(const std::string& host) {
  if (host.find(':') != std::string::npos) return true;  // IPv6
  return !host.empty() && std::all_of(host.begin(), host.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == '.'; });
}

// A bucket name that can be the first label of a host name (botocore's check, stricter with
// https: a dot would not match the endpoint's wildcard certificate).
bool is_dns_compatible(const std::string& bucket, bool https) {
  if (bucket.size() < 3 || bucket.size() > 63) return false;
  if (https && bucket.find('.') != std::string::npos) return false;
  if (!std::isalnum(static_cast<unsigned char>(bucket.front())) || !std::isalnum(static_cast<unsigned char>(bucket.back()))) {
    return false;
  }
  return std::all_of(bucket.begin(), bucket.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
  });
}

std::string base64(const unsigned char* data, std::size_t length) {
  std::string out(4 * ((length + 2) / 3), '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(length));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

std::string content_md5(const std::string& body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(body.data(), body.size(), digest, &length, EVP_md5(), nullptr);
  return base64(digest, length);
}

bool is_retried_status(int status) { return status == 500 || status == 502 || status == 503 || status == 504; }
bool is_retried_code(const std::string& code) {
  return code == "SlowDown" || code == "InternalError" || code == "ServiceUnavailable" || code == "RequestTimeout" ||
         code == "Throttling" || code == "ThrottlingException" || code == "RequestTimeTooSkewed";
}
bool is_access_code(const std::string& code) {
  return code == "AccessDenied" || code == "InvalidAccessKeyId" || code == "SignatureDoesNotMatch" ||
         code == "ExpiredToken" || code == "InvalidToken" || code == "TokenRefreshRequired" ||
         code == "AllAccessDisabled" || code == "AccountProblem" || code == "InvalidSecurity" ||
         code == "MissingSecurityHeader";
}

std::string s3_url(const std::string& bucket, const std::string& key) {
  return "s3://" + bucket + (key.empty() ? "" : "/" + key);
}

// An S3 object answer carries an ETag (AWS, MinIO, Ceph, GCS's S3 API): a web server's page
// without one is not S3.
bool looks_like_s3_object(const HttpResponse& response) {
  return !response.header("ETag").empty() || !response.header("x-amz-request-id").empty();
}

}  // namespace

std::string S3Endpoint::host_port() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string S3Endpoint::url() const { return scheme + "://" + host_port(); }

S3Address s3_address(const S3Settings& settings, const std::string& bucket) {
  return s3_address(settings, bucket, settings.region.value);
}

S3Address s3_address(const S3Settings& settings, const std::string& bucket, const std::string& region) {
  S3Address address;
  if (settings.endpoint) {
    std::string text = trim(settings.endpoint->value);
    std::string scheme = "https";
    if (const auto at = text.find("://"); at != std::string::npos) {
      scheme = to_lower(text.substr(0, at));
      text = text.substr(at + 3);
    }
    if (scheme != "http" && scheme != "https") {
      throw CliError(ErrorClass::config, "The S3 endpoint '" + one_line(settings.endpoint->value, 100) + "' (" +
                                             settings.endpoint->origin + ") is not http:// or https://");
    }
    if (const auto slash = text.find('/'); slash != std::string::npos) {
      if (text.find_first_not_of('/', slash) != std::string::npos) {
        throw CliError(ErrorClass::config, "The S3 endpoint '" + one_line(settings.endpoint->value, 100) + "' (" +
                                               settings.endpoint->origin + ") has a path; give scheme, host and port only");
      }
      text = text.substr(0, slash);
    }
    address.endpoint.scheme = scheme;
    address.endpoint.port = scheme == "https" ? 443 : 80;
    // The port is optional here: the scheme's default otherwise.
    const auto split = split_host_port(text);
    if (!split) throw CliError(ErrorClass::config, "The S3 endpoint '" + one_line(text, 100) + "' is malformed");
    if (split->port_text) {
      const auto port = parse_port(*split->port_text);
      if (!port) {
        throw CliError(ErrorClass::config, "The S3 endpoint '" + one_line(settings.endpoint->value, 100) + "' (" +
                                               settings.endpoint->origin + ") has a bad port");
      }
      address.endpoint.port = *port;
    }
    const std::string& host = split->host;
    if (host.empty()) {
      throw CliError(ErrorClass::config, "The S3 endpoint '" + one_line(settings.endpoint->value, 100) + "' (" +
                                             settings.endpoint->origin + ") has no host");
    }
    address.endpoint.host = to_lower(host);
  } else {
    address.endpoint.scheme = "https";
    address.endpoint.port = 443;
    address.endpoint.host = "s3." + region + ".amazonaws.com";
  }
  const bool https = address.endpoint.scheme == "https";
  address.path_style = settings.path_style_access || is_ip_literal(address.endpoint.host) ||
                       address.endpoint.host == "localhost" || !is_dns_compatible(bucket, https);
  if (address.path_style) {
    address.path_prefix = "/" + bucket;
  } else {
    address.endpoint.host = bucket + "." + address.endpoint.host;
  }
  return address;
}

struct S3Call {
  std::string method = "GET";
  std::string bucket;
  std::string key;  // "" for a request on the bucket
  QueryParameters query;
  HttpHeaderList headers;
  std::string body;
  std::string content_type;
  std::size_t max_answer_bytes = k_max_error_body;
  std::string operation;  // "HeadObject", for messages
  std::string subject;    // what messages name; empty: s3://bucket/key
  std::string named() const { return subject.empty() ? s3_url(bucket, key) : subject; }
};

struct S3Client::Impl {
  const S3Settings& m_settings;
  const S3ClientLimits& m_limits;
  Clock& m_clock;
  std::chrono::steady_clock::time_point m_deadline;
  milliseconds m_request_timeout;
  std::function<std::chrono::system_clock::time_point()> m_wall_clock;
  std::mutex m_pool_mutex;
  std::multimap<std::string, std::unique_ptr<HttpConnection>> m_pool;  // idle connections by URL
  CredentialFetchContext m_fetch_context;
  // The instance metadata service did not answer: the requests went anonymous.
  std::atomic<bool> m_went_anonymous{false};

  // Sends `call` in the bucket's region: the configured one, or the one S3 named in a redirect
  // (retried there once, and remembered for the bucket's next requests).
  HttpResponse send(const S3Call& call);
  HttpResponse send_in_region(const S3Call& call, const std::string& region, bool may_redirect);
  std::mutex m_region_mutex;
  std::map<std::string, std::string> m_bucket_regions;  // learned from redirects
  std::string region_of(const std::string& bucket);
  // The credentials to sign the next request with (temporary ones fetched or refreshed first);
  // none: anonymous.
  std::optional<AwsCredentials> signing_credentials();
  bool anonymous() const { return m_settings.anonymous() || m_went_anonymous; }
  std::unique_ptr<HttpConnection> acquire(const HttpEndpoint& endpoint);
  void release(std::unique_ptr<HttpConnection> connection);
  [[noreturn]] void throw_s3_error(const S3Call& call, const HttpResponse& response);
};

S3Client::S3Client(S3Settings settings, Clock& clock, std::chrono::steady_clock::time_point deadline,
                   milliseconds request_timeout, S3ClientLimits limits,
                   std::function<std::chrono::system_clock::time_point()> wall_clock)
    : m_settings(std::move(settings)), m_limits(limits) {
  m_impl.reset(new Impl{m_settings, m_limits, clock, deadline, request_timeout, wall_clock, {}, {}, {}});
  CredentialFetchContext& fetch = m_impl->m_fetch_context;
  fetch.clock = &clock;
  fetch.deadline = deadline;
  fetch.request_timeout = request_timeout;
  fetch.wall_clock = std::move(wall_clock);
  if (m_settings.ca_bundle) fetch.ca_bundle = m_settings.ca_bundle->value;
  fetch.transport = m_settings.credential_transport;
}

std::optional<AwsCredentials> S3Client::Impl::signing_credentials() {
  if (!m_settings.credentials) return std::nullopt;
  if (!m_settings.credentials->refreshing) return m_settings.credentials->credentials;
  auto credentials = m_settings.credentials->refreshing->current(m_fetch_context);
  if (!credentials) m_went_anonymous = true;
  return credentials;
}

S3Client::~S3Client() = default;

std::unique_ptr<HttpConnection> S3Client::Impl::acquire(const HttpEndpoint& endpoint) {
  {
    std::lock_guard<std::mutex> lock(m_pool_mutex);
    if (auto found = m_pool.find(endpoint.url()); found != m_pool.end()) {
      auto connection = std::move(found->second);
      m_pool.erase(found);
      return connection;
    }
  }
  HttpsTrust trust;
  if (m_settings.ca_bundle) trust.ca_bundle = m_settings.ca_bundle->value;
  PeerDescription peer{"the S3 endpoint",
                       m_settings.endpoint ? "It is " + m_settings.endpoint->origin + "; check that it runs."
                                           : std::string("Check the network and the region.")};
  return std::make_unique<HttpConnection>(endpoint, trust, peer, m_clock);
}

void S3Client::Impl::release(std::unique_ptr<HttpConnection> connection) {
  std::lock_guard<std::mutex> lock(m_pool_mutex);
  const std::string url = connection->endpoint().url();
  m_pool.emplace(url, std::move(connection));
}

namespace {
// S3 said the bucket is in another region (thrown inside send_in_region, caught by send).
struct RegionRedirect {
  std::string region;
  std::string reason;  // "PermanentRedirect", "HTTP 301 with x-amz-bucket-region"
};
}  // namespace

std::string S3Client::Impl::region_of(const std::string& bucket) {
  std::lock_guard<std::mutex> lock(m_region_mutex);
  const auto found = m_bucket_regions.find(bucket);
  return found == m_bucket_regions.end() ? m_settings.region.value : found->second;
}

HttpResponse S3Client::Impl::send(const S3Call& call) {
  const std::string region = region_of(call.bucket);
  try {
    return send_in_region(call, region, true);
  } catch (const RegionRedirect& redirect) {
    spdlog::debug("S3: bucket {} is in region {}, not {} ({}): retrying {} there", call.bucket, redirect.region, region,
                  redirect.reason, call.operation);
    {
      std::lock_guard<std::mutex> lock(m_region_mutex);
      m_bucket_regions[call.bucket] = redirect.region;
    }
    return send_in_region(call, redirect.region, false);
  }
}

HttpResponse S3Client::Impl::send_in_region(const S3Call& call, const std::string& region, bool may_redirect) {
  const S3Address address = s3_address(m_settings, call.bucket, region);
  const std::string path = address.path_prefix + (call.key.empty() && address.path_style ? "" : "/" + call.key);
  std::string target = canonical_uri(path);
  if (!call.query.empty()) {
    std::string query;
    for (const auto& [name, value] : call.query) {
      query += (query.empty() ? "?" : "&") + uri_encode(name, false) + (value.empty() && name == "delete" ? "" : "=" + uri_encode(value, false));
    }
    target += query;
  }
  const HttpEndpoint endpoint{address.endpoint.scheme, address.endpoint.host, address.endpoint.port};
  const bool default_port = (endpoint.scheme == "https" && endpoint.port == 443) || (endpoint.scheme == "http" && endpoint.port == 80);
  const std::string host_header = default_port ? (endpoint.host.find(':') != std::string::npos ? "[" + endpoint.host + "]" : endpoint.host)
                                               : endpoint.host_port();
  const std::string what = call.operation + " " + call.named();
  auto connection = acquire(endpoint);
  Backoff backoff;
  const auto start = m_clock.now();
  int refused = 0, lost = 0, throttled = 0;
  bool refreshed = false;
  std::string last_failure;  // of the attempts so far, for a deadline that ends the retries
  for (;;) {
    const milliseconds left = remaining_until(m_deadline, m_clock);
    if (left <= milliseconds(0)) {
      throw CliError(ErrorClass::timeout, what + " did not finish before the deadline (client.timeout " +
                                              format_duration(m_request_timeout) + " bounds the whole action) at " +
                                              endpoint.host_port() +
                                              (last_failure.empty() ? "" : ", retrying after " + last_failure) +
                                              "; give more with -D client.timeout=<duration>");
    }
    const AttemptTimeouts timeouts = attempt_timeouts(left, m_request_timeout);
    HttpRequest request;
    request.method = call.method;
    request.target = target;
    request.body = call.body;
    request.content_type = call.content_type;
    request.max_answer_bytes = call.max_answer_bytes;
    request.headers = {{"Host", host_header}};
    for (const auto& header : call.headers) request.headers.push_back(header);
    if (!call.content_type.empty()) request.headers.emplace_back("Content-Type", call.content_type);
    if (const auto credentials = signing_credentials()) {
      SigningRequest signing{call.method, path, call.query, request.headers, sha256_hex(call.body)};
      SigningScope scope;
      scope.region = region;
      const SignedRequest signed_request = sign_request(signing, *credentials, scope, m_wall_clock());
      for (const auto& header : signed_request.added_headers) request.headers.push_back(header);
    }
    // Content-Type is set by the HTTP layer from request.content_type; it is signed above.
    request.headers.erase(std::remove_if(request.headers.begin(), request.headers.end(),
                                         [](const auto& header) { return to_lower(header.first) == "content-type"; }),
                          request.headers.end());
    request.headers.emplace_back("User-Agent", std::string("flinkcli/") + FLINKCLI_VERSION);
    spdlog::debug("{} {}{}", call.method, endpoint.url(), target);  // never headers: they hold the signature
    HttpExchange exchange = connection->exchange(request, timeouts);
    const milliseconds pause = backoff.next();
    const bool fits = m_clock.now() + pause < m_deadline;
    if (exchange.response) {
      HttpResponse& response = *exchange.response;
      if (response.status >= 200 && response.status < 300) {
        release(std::move(connection));
        return std::move(response);
      }
      if (response.status == 404 && call.method == "HEAD") {
        release(std::move(connection));
        return std::move(response);
      }
      const S3Error error = parse_s3_error(response.body);
      // A bucket in another region: S3 names it in the error (PermanentRedirect,
      // AuthorizationHeaderMalformed) or, for a HEAD without a body, in x-amz-bucket-region.
      if (may_redirect && (response.status == 301 || response.status == 307 || response.status == 400)) {
        const bool named_in_error = error.code == "PermanentRedirect" || error.code == "AuthorizationHeaderMalformed" ||
                                    error.code == "TemporaryRedirect";
        std::string bucket_region = named_in_error && !error.region.empty() ? error.region : response.header("x-amz-bucket-region");
        bucket_region = trim(bucket_region);
        const bool plausible = !bucket_region.empty() && bucket_region.size() <= 40 &&
                               std::all_of(bucket_region.begin(), bucket_region.end(), [](char c) {
                                 return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
                               });
        if (plausible && bucket_region != region && (named_in_error || response.status != 400 || error.code.empty())) {
          release(std::move(connection));
          throw RegionRedirect{bucket_region, error.code.empty() ? "HTTP " + std::to_string(response.status) + " with x-amz-bucket-region"
                                                                 : error.code};
        }
      }
      // Temporary credentials that ran out sooner than they said (a clock behind): fetched anew
      // once, as the SDKs do.
      if (error.code == "ExpiredToken" && m_settings.credentials && m_settings.credentials->refreshing && !refreshed) {
        refreshed = true;
        spdlog::debug("{} answered ExpiredToken: fetching new credentials from {}", what,
                      m_settings.credentials->refreshing->source());
        m_settings.credentials->refreshing->invalidate();
        continue;
      }
      if (is_retried_status(response.status) || is_retried_code(error.code)) {
        last_failure = "HTTP " + std::to_string(response.status) + (error.code.empty() ? "" : " " + error.code);
        if (++throttled < m_limits.max_attempts && fits) {
          spdlog::debug("{} answered HTTP {} {}; retrying in {} ms (attempt {} of {})", what, response.status,
                        error.code, pause.count(), throttled + 1, m_limits.max_attempts);
          m_clock.sleep_for(pause);
          continue;
        }
        const std::string cause = "HTTP " + std::to_string(response.status) + (error.code.empty() ? "" : " " + error.code);
        if (!fits) {
          throw CliError(ErrorClass::timeout, what + " kept failing (" + cause + ") until the deadline (client.timeout " +
                                                  format_duration(m_request_timeout) + ") at " + endpoint.host_port());
        }
        throw CliError(ErrorClass::operation_failed, what + " failed " + std::to_string(throttled) + " times (" + cause +
                                                         (error.message.empty() ? "" : ": " + one_line(error.message, 200)) +
                                                         ") at " + endpoint.host_port() + "; try again later" +
                                                         (anonymous() ? " (the requests were anonymous: no S3 credentials were found)" : ""));
      }
      throw_s3_error(call, response);
    }
    if (exchange.failure == HttpFailure::tls || (exchange.failure != HttpFailure::refused && endpoint.scheme == "https")) {
      if (auto tls = connection->explain_tls_failure(exchange.failure == HttpFailure::tls)) throw *tls;
    }
    switch (exchange.failure) {
      case HttpFailure::refused: {
        if (connection->next_address()) continue;
        ++refused;
        if (m_clock.now() - start + pause < m_limits.connect_retry && fits && refused < 8) {
          spdlog::debug("connecting to {} failed ({}); retrying in {} ms", endpoint.host_port(), exchange.error_text, pause.count());
          m_clock.sleep_for(pause);
          continue;
        }
        const milliseconds diagnosis = attempt_timeouts(remaining_until(m_deadline, m_clock), m_request_timeout).diagnosis;
        throw CliError(ErrorClass::unreachable,
                       "Could not connect to the S3 endpoint at " + endpoint.host_port() + ": " +
                           (exchange.connect_timed_out ? std::string("connection timed out")
                                                       : connection->describe_connect_failure(diagnosis)) +
                           ". " + connection->peer().advice);
      }
      case HttpFailure::lost:
        last_failure = exchange.error_text;
        if (++lost < m_limits.max_attempts && fits) {
          spdlog::debug("{}: connection lost ({}); retrying in {} ms (attempt {} of {})", what, exchange.error_text,
                        pause.count(), lost + 1, m_limits.max_attempts);
          m_clock.sleep_for(pause);
          continue;
        }
        throw CliError(fits ? ErrorClass::operation_failed : ErrorClass::timeout,
                       what + ": the connection to " + endpoint.host_port() + " broke " + std::to_string(lost) +
                           " times (" + exchange.error_text + ")");
      case HttpFailure::timed_out:
        // An attempt cut short by the action's deadline is the deadline's failure, not this answer's.
        if (timeouts.answer < m_request_timeout) {
          throw CliError(ErrorClass::timeout, what + " did not finish before the deadline (client.timeout " +
                                                  format_duration(m_request_timeout) + " bounds the whole action) at " +
                                                  endpoint.host_port() + "; give more with -D client.timeout=<duration>");
        }
        throw CliError(ErrorClass::timeout, "The S3 endpoint at " + endpoint.host_port() + " did not answer " + what +
                                                " within " + format_duration(timeouts.answer) + " (client.timeout)");
      case HttpFailure::too_large:
        throw CliError(ErrorClass::protocol, "The S3 endpoint at " + endpoint.host_port() + " answered " + what +
                                                 " with more than " + std::to_string(call.max_answer_bytes) +
                                                 " bytes; that is no S3 answer to it");
      case HttpFailure::tls:
        throw CliError(ErrorClass::tls, "TLS handshake with the S3 endpoint at " + endpoint.host_port() + " failed");
      default:
        throw CliError(ErrorClass::unreachable, what + " at " + endpoint.host_port() + " failed (" + exchange.error_text + ")");
    }
  }
}

void S3Client::Impl::throw_s3_error(const S3Call& call, const HttpResponse& response) {
  const S3Error error = parse_s3_error(response.body);
  const std::string where = call.named();
  const std::string status = "HTTP " + std::to_string(response.status);
  const S3Address address = s3_address(m_settings, call.bucket, region_of(call.bucket));
  const std::string at = address.endpoint.host_port();
  const std::string s3_says = error.code + (error.message.empty() ? "" : ": " + one_line(error.message, 200));
  const std::string excerpt = "answer: " + one_line(response.body, 300);
  if (error.code.empty()) {
    if (!response.body.empty()) {
      throw CliError(ErrorClass::protocol,
                     "The endpoint at " + at + " answered " + call.operation + " " + where + " (" + status +
                         ") with something that is not S3's XML; check s3.endpoint (or AWS_ENDPOINT_URL_S3)",
                     excerpt);
    }
    if (response.status >= 400 && response.status != 404 && call.method == "HEAD") {
      // A HEAD answer has no body, so no reason: the same key's first byte tells S3's code
      // (SignatureDoesNotMatch, InvalidAccessKeyId, ...); that GET throws it.
      S3Call probe = call;
      probe.method = "GET";
      probe.headers.emplace_back("Range", "bytes=0-0");
      send(probe);
    }
    if (response.status == 403) {
      throw CliError(ErrorClass::storage_access,
                     "S3 at " + at + " refused " + call.operation + " " + where + " (HTTP 403, no reason given" +
                         std::string(call.operation == "HeadObject" ? "; S3 also answers 403 for a key that does not exist when "
                                                              "the credentials may not list the bucket"
                                                            : "") +
                         "). " + (anonymous() ? "No S3 credentials were found: set s3.access-key and s3.secret-key, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
                                                         : "Check that " + m_settings.credentials->origin + " may read it"));
    }
    if (response.status == 404) throw CliError(ErrorClass::not_found, where + " does not exist (HTTP 404 from " + at + ")");
    if (response.status >= 300 && response.status < 400) {
      const std::string region = response.header("x-amz-bucket-region");
      throw CliError(ErrorClass::config, "S3 at " + at + " redirected " + call.operation + " " + where + " (" + status + ")" +
                                             (region.empty() ? "" : ": the bucket is in region " + one_line(region, 40)) +
                                             "; set s3.endpoint.region (or AWS_REGION) to the bucket's region, or s3.endpoint");
    }
    throw CliError(ErrorClass::operation_failed, "S3 at " + at + " answered " + call.operation + " " + where + " with " + status);
  }
  if (error.code == "NoSuchBucket") {
    throw CliError(ErrorClass::not_found, "Bucket '" + call.bucket + "' does not exist (S3 NoSuchBucket at " + at + ")");
  }
  if (error.code == "NoSuchKey") throw CliError(ErrorClass::not_found, where + " does not exist (S3 NoSuchKey at " + at + ")");
  if (is_access_code(error.code)) {
    std::string advice;
    const std::string origin = m_settings.credentials ? m_settings.credentials->origin : "";
    if (error.code == "InvalidAccessKeyId") {
      advice = "the access key from " + origin + " is unknown to this endpoint";
    } else if (error.code == "SignatureDoesNotMatch") {
      advice = "the secret key from " + origin + " does not belong to its access key (or the region " +
               m_settings.region.value + " is wrong)";
    } else if (error.code == "ExpiredToken" || error.code == "TokenRefreshRequired" || error.code == "InvalidToken") {
      advice = "the session token from " + origin + " has expired or is not valid: get new credentials";
    } else if (anonymous()) {
      advice = "no S3 credentials were found, so the request was anonymous: set s3.access-key and s3.secret-key, "
               "or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY";
    } else {
      advice = "check that " + origin + " may " + (call.method == "POST" ? "delete" : "read") + " it";
      // Without s3:ListBucket, S3 answers AccessDenied for a key that does not exist too.
      if (error.code == "AccessDenied" && !call.key.empty()) {
        advice += " (or that it exists: S3 answers AccessDenied for a missing key when the credentials may not list the bucket)";
      }
    }
    if (error.code == "AccessDenied" && !call.key.empty()) {
      advice += " (S3 also answers AccessDenied for a key that does not exist when the credentials may not list "
                "the bucket)";
    }
    throw CliError(ErrorClass::storage_access, "S3 at " + at + " refused " + call.operation + " " + where + " (" + s3_says + "): " + advice,
                   excerpt);
  }
  if (error.code == "PermanentRedirect" || error.code == "AuthorizationHeaderMalformed" || error.code == "IllegalLocationConstraintException") {
    std::string region = error.region.empty() ? response.header("x-amz-bucket-region") : error.region;
    throw CliError(ErrorClass::config, "S3 at " + at + " refused " + call.operation + " " + where + " (" + s3_says + ")" +
                                           (region.empty() ? "" : ": the bucket is in region " + one_line(region, 40)) +
                                           "; set s3.endpoint.region (or AWS_REGION) to the bucket's region");
  }
  throw CliError(ErrorClass::operation_failed, "S3 at " + at + " refused " + call.operation + " " + where + " (" + status + " " + s3_says + ")",
                 excerpt);
}

std::optional<S3ObjectInfo> S3Client::head(const std::string& bucket, const std::string& key) {
  S3Call call;
  call.method = "HEAD";
  call.bucket = bucket;
  call.key = key;
  call.operation = "HeadObject";
  const HttpResponse response = m_impl->send(call);
  if (response.status == 404) return std::nullopt;
  if (!looks_like_s3_object(response)) {
    throw CliError(ErrorClass::protocol, "The endpoint at " + s3_address(m_settings, bucket).endpoint.host_port() +
                                             " answered HeadObject " + s3_url(bucket, key) +
                                             " without an ETag: it is not S3; check s3.endpoint (or AWS_ENDPOINT_URL_S3)");
  }
  S3ObjectInfo info;
  const std::string length = response.header("Content-Length");
  try {
    std::size_t used = 0;
    info.size = std::stoull(length, &used);
    if (used != length.size()) throw std::invalid_argument("trailing");
  } catch (const std::exception&) {
    throw CliError(ErrorClass::protocol, "S3 answered HeadObject " + s3_url(bucket, key) + " without a valid Content-Length");
  }
  info.modified = parse_http_date(response.header("Last-Modified"));
  return info;
}

std::string S3Client::get(const std::string& bucket, const std::string& key,
                          std::optional<std::pair<std::uint64_t, std::uint64_t>> range, std::size_t max_bytes) {
  S3Call call;
  call.bucket = bucket;
  call.key = key;
  call.operation = "GetObject";
  call.max_answer_bytes = std::max(max_bytes, k_max_error_body);
  if (range) {
    if (range->second == 0) return "";
    call.headers.emplace_back("Range", "bytes=" + std::to_string(range->first) + "-" +
                                           std::to_string(range->first + range->second - 1));
  }
  HttpResponse response = m_impl->send(call);
  if (!looks_like_s3_object(response)) {
    throw CliError(ErrorClass::protocol, "The endpoint at " + s3_address(m_settings, bucket).endpoint.host_port() +
                                             " answered GetObject " + s3_url(bucket, key) +
                                             " without an ETag: it is not S3; check s3.endpoint (or AWS_ENDPOINT_URL_S3)");
  }
  if (range && response.status == 200 && range->first > 0) {
    // A server that ignores Range sends the whole object: take the part asked for.
    response.body = response.body.size() > range->first ? response.body.substr(range->first, range->second) : "";
  }
  if (response.body.size() > max_bytes) response.body.resize(max_bytes);
  return std::move(response.body);
}

void S3Client::list(const std::string& bucket, const std::string& prefix, const std::string& delimiter,
                    const std::function<bool(const S3ListPage&)>& visit) {
  std::string token;
  std::string last_key;  // of the pages so far: S3 lists in key order, page after page
  std::uint64_t empty_pages = 0;
  for (std::uint64_t page_number = 0;; ++page_number) {
    if (page_number >= m_limits.max_list_pages) {
      throw CliError(ErrorClass::operation_failed,
                     "Listing " + s3_url(bucket, prefix) + " did not end after " + std::to_string(m_limits.max_list_pages) +
                         " pages; the endpoint keeps answering that more follow");
    }
    S3Call call;
    call.bucket = bucket;
    call.operation = "ListObjectsV2";
    call.subject = s3_url(bucket, prefix);
    call.query = {{"list-type", "2"}, {"prefix", prefix}, {"encoding-type", "url"}};
    if (!delimiter.empty()) call.query.emplace_back("delimiter", delimiter);
    if (!token.empty()) call.query.emplace_back("continuation-token", token);
    call.max_answer_bytes = m_limits.max_list_page_bytes;
    const HttpResponse response = m_impl->send(call);
    S3ListPage page;
    try {
      page = parse_list_objects_v2(response.body, true);
    } catch (const std::invalid_argument& bad) {
      throw CliError(ErrorClass::protocol,
                     "The endpoint at " + s3_address(m_settings, bucket).endpoint.host_port() + " answered ListObjectsV2 " +
                         s3_url(bucket, prefix) + " with something that is not an S3 listing (" + bad.what() +
                         "); check s3.endpoint (or AWS_ENDPOINT_URL_S3)",
                     "answer: " + one_line(response.body, 300));
    }
    const std::string page_first = std::min(page.objects.empty() ? std::string() : page.objects.front().key,
                                            page.common_prefixes.empty() ? std::string() : page.common_prefixes.front(),
                                            [](const std::string& a, const std::string& b) {
                                              return !a.empty() && (b.empty() || a < b);
                                            });
    if (!page_first.empty() && !last_key.empty() && page_first <= last_key) {
      throw CliError(ErrorClass::protocol, "The endpoint answered ListObjectsV2 " + s3_url(bucket, prefix) +
                                               " with a page that does not continue after the previous one (" +
                                               one_line(page_first, 100) + " after " + one_line(last_key, 100) +
                                               "); it is not paginating as S3 does");
    }
    for (const auto& object : page.objects) last_key = std::max(last_key, object.key);
    for (const auto& common : page.common_prefixes) last_key = std::max(last_key, common);
    empty_pages = page.objects.empty() && page.common_prefixes.empty() ? empty_pages + 1 : 0;
    if (!visit(page) || !page.truncated) return;
    if (empty_pages >= m_limits.max_empty_list_pages) {
      throw CliError(ErrorClass::operation_failed,
                     "Listing " + s3_url(bucket, prefix) + " gave " + std::to_string(empty_pages) +
                         " pages in a row without a key that each said more follow; the endpoint is not ending the listing");
    }
    if (page.next_continuation_token.empty() || page.next_continuation_token == token) {
      throw CliError(ErrorClass::protocol, "The endpoint answered ListObjectsV2 " + s3_url(bucket, prefix) +
                                               " with a page that says more follow but gives no new continuation token");
    }
    token = page.next_continuation_token;
  }
}

std::vector<S3DeleteError> S3Client::delete_objects(const std::string& bucket, const std::vector<std::string>& keys) {
  std::vector<S3DeleteError> failures;
  for (std::size_t start = 0; start < keys.size(); start += k_max_delete_batch) {
    const std::vector<std::string> batch(keys.begin() + static_cast<std::ptrdiff_t>(start),
                                         keys.begin() + static_cast<std::ptrdiff_t>(std::min(keys.size(), start + k_max_delete_batch)));
    S3Call call;
    call.method = "POST";
    call.bucket = bucket;
    call.operation = "DeleteObjects";
    call.query = {{"delete", ""}};
    call.body = delete_objects_body(batch);
    call.content_type = "application/xml";
    call.headers.emplace_back("Content-MD5", content_md5(call.body));
    const HttpResponse response = m_impl->send(call);
    try {
      for (auto& failure : parse_delete_result(response.body)) failures.push_back(std::move(failure));
    } catch (const std::invalid_argument& bad) {
      throw CliError(ErrorClass::protocol, "The endpoint answered DeleteObjects on bucket " + bucket +
                                               " with something that is not an S3 DeleteResult (" + bad.what() + ")");
    }
  }
  return failures;
}

}  // namespace flinkcli
