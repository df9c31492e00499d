#pragma once
// Temporary S3 credentials obtained over HTTP, as clusters hand them out: STS
// AssumeRoleWithWebIdentity (EKS service-account tokens), the container credentials endpoint (EKS
// Pod Identity, ECS) and the EC2 instance metadata service (IMDSv2). Each is a fetch that gives
// a key pair with a session token and an expiry; RefreshingCredentials keeps the last one in
// memory only (never on disk) and fetches again before it expires, so that a long action (an
// inventory of a large bucket) outlives the credentials' lifetime. The secret, the session token
// and the tokens proving who we are never appear in a log line or an error.
#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "flinkcli/config/conf_files.hpp"
#include "flinkcli/config/configuration.hpp"
#include "flinkcli/core/clock.hpp"
#include "flinkcli/storage/sigv4.hpp"

namespace flinkcli {

// One HTTP exchange with a credentials service, as the caller sees it: the status and body, or
// why there was no answer. Tests replace the transport; the real one is the http layer.
struct CredentialHttpRequest {
  std::string method = "GET";
  std::string url;  // "http://169.254.170.2/v2/credentials/..."
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type;
  std::chrono::milliseconds timeout{1000};  // connect and answer, each
};
struct CredentialHttpAnswer {
  std::optional<int> status;  // none: no answer (refused, reset, timed out)
  std::string body;
  std::string failure;        // with no status: why, in plain words
  bool nothing_sent = false;  // with no status: the connection was never made
};
using CredentialTransport = std::function<CredentialHttpAnswer(const CredentialHttpRequest&)>;

// What a fetch needs from the action: its clock and deadline, client.timeout, the wall clock
// (expiry), how to reach the services, and the CA bundle for https.
struct CredentialFetchContext {
  Clock* clock = nullptr;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  std::chrono::milliseconds request_timeout{60000};
  std::function<std::chrono::system_clock::time_point()> wall_clock = std::chrono::system_clock::now;
  CredentialTransport transport;  // empty: the http layer
  std::string ca_bundle;          // AWS_CA_BUNDLE, for https services
};

// Sends one request with the http layer (a new connection each time: these are rare).
CredentialHttpAnswer send_credential_request(const CredentialHttpRequest& request, const CredentialFetchContext& context);

struct FetchedCredentials {
  AwsCredentials credentials;
  std::optional<std::chrono::system_clock::time_point> expiration;  // none: they do not expire
  std::string detail;  // for -v: "role arn:aws:iam::1:role/r", "role name from IMDS"
};

// A source of temporary credentials. The fetch throws a one-line CliError naming the source when
// the service refuses or cannot be reached; it returns none when the source turns out not to be
// there (no instance metadata service answered): the requests are then anonymous.
class RefreshingCredentials {
 public:
  using Fetch = std::function<std::optional<FetchedCredentials>(const CredentialFetchContext&)>;
  // `source` names it in -v and in errors: "web identity (AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN)".
  RefreshingCredentials(std::string source, Fetch fetch);

  // The credentials to sign with now: fetched on first use, and fetched again once less than
  // the refresh margin is left before they expire (5 minutes, or half their lifetime when it is
  // shorter). Thread-safe: parallel requests share one fetch, and its failure. None: anonymous.
  std::optional<AwsCredentials> current(const CredentialFetchContext& context);
  // After S3 refused them as expired: the next current() fetches anew.
  void invalidate();
  const std::string& source() const { return m_source; }
  // How many fetches were made (for -v and tests).
  int fetches() const;

 private:
  std::string m_source;
  Fetch m_fetch;
  mutable std::mutex m_mutex;
  bool m_fetched = false;
  std::optional<FetchedCredentials> m_current;
  std::chrono::system_clock::time_point m_fetched_at{};
  int m_fetch_count = 0;
  std::exception_ptr m_failure;  // the last fetch's error, thrown again until invalidate()
};

inline constexpr std::chrono::minutes k_refresh_margin{5};

// The <Credentials> of an STS AssumeRole or AssumeRoleWithWebIdentity answer. Throws
// std::invalid_argument when it is not one (a field missing, an expiry that is not a date).
FetchedCredentials parse_sts_credentials(std::string_view xml);
// The JSON the container endpoint and IMDS answer: AccessKeyId, SecretAccessKey, Token,
// Expiration (and IMDS's Code, which must be Success). Throws std::invalid_argument otherwise.
FetchedCredentials parse_json_credentials(std::string_view json);

// Where STS is: AWS_ENDPOINT_URL_STS, else AWS_ENDPOINT_URL, else the regional endpoint
// https://sts.<region>.amazonaws.com (as the SDKs now default to). The value and its origin.
std::pair<std::string, std::string> sts_endpoint(const GetEnv& getenv, const std::string& region);

struct WebIdentityConfig {
  std::string token_file;
  std::string role_arn;
  std::string session_name;
  std::string origin;  // "AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN", "... of AWS profile 'x' (...)"
  std::string sts_url;
  std::string sts_origin;
  std::string region;
};
// STS AssumeRoleWithWebIdentity, unsigned: the token file is read on each fetch (Kubernetes
// rotates it).
RefreshingCredentials::Fetch web_identity_fetch(WebIdentityConfig config);

struct AssumeRoleConfig {
  // What signs the request: the source profile's keys, or the credentials of the source profile's
  // own role, of the container or of instance metadata (credential_source), fetched when needed.
  std::function<AwsCredentials(const CredentialFetchContext&)> source_credentials;
  std::string role_arn;
  std::string session_name;
  std::optional<std::string> external_id;
  std::optional<std::string> duration_seconds;
  std::string origin;  // "role_arn and source_profile of AWS profile 'x' (...)"
  std::string sts_url;
  std::string sts_origin;
  std::string region;  // of the signature
};
// STS AssumeRole, signed (SigV4, service sts) with the source's credentials.
RefreshingCredentials::Fetch assume_role_fetch(AssumeRoleConfig config);

struct ContainerConfig {
  std::string url;
  std::string origin;              // the variable that gave the URI
  std::optional<std::string> authorization;       // AWS_CONTAINER_AUTHORIZATION_TOKEN
  std::optional<std::string> authorization_file;  // AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (wins)
};
// The URI of AWS_CONTAINER_CREDENTIALS_FULL_URI, checked: http only on loopback, 169.254.170.2,
// 169.254.170.23 or fd00:ec2::23 (the hosts the SDKs allow), any host with https. A config
// CliError otherwise.
void check_container_uri(const std::string& url, const std::string& origin);
RefreshingCredentials::Fetch container_fetch(ContainerConfig config);

struct InstanceMetadataConfig {
  std::string endpoint = "http://169.254.169.254";
  std::string origin = "default";
  std::chrono::milliseconds timeout{1000};
  // Set by AWS_EC2_METADATA_SERVICE_ENDPOINT or the profile: a refusal is then an error.
  bool explicit_endpoint = false;
};
// IMDSv2: PUT /latest/api/token, then the role's name and its credentials with that token. No
// answer within the timeout: none (anonymous), said with -v. At the default address any other
// failure (a refusal, no role) is none too; at an endpoint set explicitly it is an error.
RefreshingCredentials::Fetch instance_metadata_fetch(InstanceMetadataConfig config);

}  // namespace flinkcli
