#pragma once
// Where S3 credentials, region, endpoint and addressing style come from, in this order:
//   1. Flink's configuration (config.yaml and -D): the keys Flink's S3 plugins read, in each
//      spelling they accept (s3.*, s3a.*, fs.s3a.*; access-key and access.key);
//   2. the environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION,
//      AWS_DEFAULT_REGION, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL;
//   3. web identity from the environment: AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN (STS);
//   4. the AWS profile AWS_PROFILE (else "default") in ~/.aws/credentials and ~/.aws/config
//      (AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE): its web_identity_token_file and
//      role_arn, its role_arn with source_profile (chained) or credential_source (STS
//      AssumeRole), or its keys;
//   5. the container credentials endpoint (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI/_FULL_URI);
//   6. the EC2 instance metadata service (IMDSv2), unless AWS_EC2_METADATA_DISABLED.
// The order is the AWS SDKs' default chain after Flink's keys. Sources 3 to 6 give temporary
// credentials fetched over HTTP when the first request needs them (aws_credential_providers.hpp).
// No credentials anywhere (or no metadata service answering) means anonymous requests. Each value remembers its origin for -v; a
// secret is never part of an origin, a note or an error.
#include <filesystem>
#include <functional>
#include <memory>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "flinkcli/config/conf_files.hpp"
#include "flinkcli/config/configuration.hpp"
#include "flinkcli/storage/aws_credential_providers.hpp"
#include "flinkcli/storage/sigv4.hpp"

namespace flinkcli {

struct SourcedValue {
  std::string value;
  std::string origin;  // "s3.endpoint (from /opt/flink/conf/config.yaml)", "AWS_REGION", ...
};

struct SourcedCredentials {
  SourcedCredentials(AwsCredentials credentials_, std::string origin_,
                     std::shared_ptr<RefreshingCredentials> refreshing_ = nullptr)
      : credentials(std::move(credentials_)), origin(std::move(origin_)), refreshing(std::move(refreshing_)) {}

  AwsCredentials credentials;  // a static source's keys; empty for a refreshing source
  std::string origin;  // names the keys or variables, never their values
  // Temporary credentials fetched over HTTP (web identity, container, instance metadata), shared
  // by the copies of these settings; none for static keys.
  std::shared_ptr<RefreshingCredentials> refreshing;
  // The instance metadata service may not be there: then the requests are anonymous.
  bool may_be_absent = false;
};

// One place credentials may come from. As in the AWS SDKs, a source gives a complete pair (key
// id and secret, with its own session token if any) or nothing: a key id from one source is
// never used with a secret from another. A source that is configured but cannot be used throws a
// config CliError. A role-based source is chosen when its variables or keys are set; its
// credentials are fetched later, by the S3 client, and a failure to get them is then an error
// naming the source (never a fall-through to the next source, as in the SDKs).
struct CredentialSource {
  std::string name;  // "Flink configuration", "environment", "AWS profile 'default'"
  // Adds a line to `notes` (for -v) when it skips a half-configured pair.
  std::function<std::optional<SourcedCredentials>(std::vector<std::string>& notes)> resolve;
};

// An AWS profile as read from the shared credentials and config files: the credentials file's
// values over the config file's. Keys are lower-cased; `s3` holds the nested `s3 =` block.
struct AwsProfile {
  std::string name;
  bool named_explicitly = false;  // AWS_PROFILE was set
  bool found = false;             // a section of that name is in either file
  std::map<std::string, SourcedValue> values;
  std::map<std::string, SourcedValue> s3;
};

// Reads the profile AWS_PROFILE names (else "default"). Missing files are skipped; an existing
// file that cannot be read, or a profile named in AWS_PROFILE that neither file has, is a config
// CliError (exit 2).
AwsProfile read_aws_profile(const GetEnv& getenv);
// The profile `name` (a source_profile); as above, with `named_explicitly` for the error when
// neither file has it.
AwsProfile read_named_aws_profile(const GetEnv& getenv, const std::string& name, bool named_explicitly);

// The sources in the order they are tried: Flink's configuration, the environment, web identity
// from the environment, the profile, container credentials, instance metadata. They refer to
// `config` and `profile`, which must outlive them; `region` places the regional STS endpoint.
std::vector<CredentialSource> default_credential_sources(const Configuration& config, const GetEnv& getenv,
                                                         const AwsProfile& profile,
                                                         const std::string& region = "us-east-1");

struct S3Settings {
  std::optional<SourcedCredentials> credentials;  // none: anonymous requests
  SourcedValue region{"us-east-1", "default"};
  std::optional<SourcedValue> endpoint;           // none: AWS's own endpoint for the region
  bool path_style_access = false;                 // bucket in the path, not in the host name
  std::string path_style_origin = "default";
  std::optional<SourcedValue> ca_bundle;          // AWS_CA_BUNDLE, or the profile's ca_bundle
  std::vector<std::string> notes;                 // for -v: sources skipped and why
  // How temporary credentials are fetched (STS, container endpoint, IMDS); empty: the http
  // layer. Tests give their own.
  CredentialTransport credential_transport;

  bool anonymous() const { return !credentials.has_value(); }
  // Lines for -v: each setting and its origin; credentials as AwsCredentials::describe().
  std::vector<std::string> describe() const;
};

// The whole chain. Throws a config CliError for an invalid value (s3.path.style.access not
// true/false), a missing profile named in AWS_PROFILE, a missing web identity token file, a
// container credentials URI on a host that is not allowed, or a profile that needs a feature
// this client does not have (credential_process, sso_*, mfa_serial) when the chain reaches it.
S3Settings read_s3_settings(const Configuration& config, const GetEnv& getenv);

}  // namespace flinkcli
