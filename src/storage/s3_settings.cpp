#include "flinkcli/storage/s3_settings.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>
#include <tuple>

#include "flinkcli/core/error.hpp"
#include "flinkcli/core/text.hpp"

namespace flinkcli {
namespace {

// Flink's S3 plugins copy every key under s3., s3a. and fs.s3a. to fs.s3a.<rest>, then the
// dashed spellings over the dotted ones (S3FileSystemFactory, HadoopConfigLoader): dashed forms
// come first here. Between prefixes Flink's order is its HashMap's; ours is s3., s3a., fs.s3a.
constexpr std::array k_access_key_keys = {"s3.access-key", "s3a.access-key", "fs.s3a.access-key",
                                          "s3.access.key", "s3a.access.key", "fs.s3a.access.key"};
constexpr std::array k_secret_key_keys = {"s3.secret-key", "s3a.secret-key", "fs.s3a.secret-key",
                                          "s3.secret.key", "s3a.secret.key", "fs.s3a.secret.key"};
constexpr std::array k_session_token_keys = {"s3.session.token", "s3a.session.token", "fs.s3a.session.token"};
// Flink 2.x mirrors fs.s3a.endpoint.value over fs.s3a.endpoint, so that nested YAML can hold
// both the endpoint and s3.endpoint.region.
constexpr std::array k_endpoint_keys = {"s3.endpoint.value", "s3a.endpoint.value", "fs.s3a.endpoint.value",
                                        "s3.endpoint", "s3a.endpoint", "fs.s3a.endpoint"};
constexpr std::array k_region_keys = {"s3.endpoint.region", "s3a.endpoint.region", "fs.s3a.endpoint.region"};
constexpr std::array k_path_style_keys = {"s3.path-style-access", "s3a.path-style-access",
                                          "fs.s3a.path-style-access", "s3.path.style.access",
                                          "s3a.path.style.access", "fs.s3a.path.style.access"};

// Profile keys that ask for a credential provider this client does not have yet.
// (role_arn is one of them unless web_identity_token_file goes with it.)
constexpr std::array k_unsupported_profile_keys = {"credential_process", "sso_session"};

std::string described(const Configuration& config, const std::string& key) {
  const std::string origin = config.origin(key);
  if (origin.empty()) return key;
  return key + " (from " + origin + ")";
}

// The first key set to a non-empty value: S3A treats an empty value as unset.
template <std::size_t N>
std::optional<SourcedValue> first_set(const Configuration& config, const std::array<const char*, N>& keys) {
  for (const char* key : keys) {
    auto value = config.get(key);
    if (value && !trim(*value).empty()) return SourcedValue{trim(*value), described(config, key)};
  }
  return std::nullopt;
}

std::optional<SourcedValue> env_value(const GetEnv& getenv, const char* name) {
  auto value = getenv(name);
  if (!value || trim(*value).empty()) return std::nullopt;
  return SourcedValue{trim(*value), name};
}

std::optional<SourcedValue> profile_value(const AwsProfile& profile, const std::string& key) {
  auto found = profile.values.find(key);
  if (found == profile.values.end() || found->second.value.empty()) return std::nullopt;
  return found->second;
}

std::filesystem::path expand_home(const std::string& path, const std::optional<std::string>& home) {
  if (home && (path == "~" || path.starts_with("~/"))) return *home + path.substr(1);
  return path;
}

// The AWS shared-file format: "[section]", "key = value", comments from '#' or ';' at the start
// of a line, and an empty-valued key ("s3 =") opening a block of indented "key = value" lines.
struct IniSection {
  std::map<std::string, std::string> values;
  std::map<std::string, std::string> nested;  // the "s3 =" block
};

std::map<std::string, IniSection> parse_ini(std::istream& in) {
  std::map<std::string, IniSection> sections;
  IniSection* section = nullptr;
  std::string nested_key;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::string text = trim(line);
    if (text.empty() || text.front() == '#' || text.front() == ';') continue;
    const bool indented = line.front() == ' ' || line.front() == '\t';
    if (text.front() == '[' && text.back() == ']') {
      section = &sections[trim(text.substr(1, text.size() - 2))];
      nested_key.clear();
      continue;
    }
    const auto equals = text.find('=');
    if (section == nullptr || equals == std::string::npos) continue;
    const std::string key = to_lower(trim(text.substr(0, equals)));
    const std::string value = trim(text.substr(equals + 1));
    if (indented && !nested_key.empty()) {
      if (nested_key == "s3") section->nested[key] = value;
      continue;
    }
    nested_key = value.empty() ? key : std::string();
    if (!value.empty()) section->values[key] = value;
  }
  return sections;
}

// Reads `path` when it exists; none when it does not.
std::optional<std::map<std::string, IniSection>> read_ini_file(const std::filesystem::path& path) {
  std::error_code error;
  if (!std::filesystem::exists(path, error)) return std::nullopt;
  std::ifstream in(path);
  if (!in) {
    throw CliError(ErrorClass::config, "Cannot read the AWS file " + path.string() +
                                           ": check its permissions, or point AWS_CONFIG_FILE/"
                                           "AWS_SHARED_CREDENTIALS_FILE elsewhere");
  }
  return parse_ini(in);
}

void merge_section(AwsProfile& profile, const IniSection& section, const std::string& where) {
  profile.found = true;
  for (const auto& [key, value] : section.values) profile.values[key] = {value, where};
  for (const auto& [key, value] : section.nested) profile.s3[key] = {value, where};
}

std::optional<SourcedCredentials> credentials_from_configuration(const Configuration& config,
                                                                 std::vector<std::string>& notes) {
  auto key = first_set(config, k_access_key_keys);
  auto secret = first_set(config, k_secret_key_keys);
  if (!key && !secret) return std::nullopt;
  if (!key || !secret) {
    notes.push_back("Flink configuration: " + (key ? key->origin : secret->origin) +
                    " is set without its " + (key ? "secret key" : "access key") + ": skipped");
    return std::nullopt;
  }
  auto token = first_set(config, k_session_token_keys);
  std::string origin = key->origin + " and " + secret->origin;
  if (token) origin += " with " + token->origin;
  return SourcedCredentials{
      AwsCredentials(key->value, secret->value, token ? std::optional(token->value) : std::nullopt), origin};
}

std::optional<SourcedCredentials> credentials_from_environment(const GetEnv& getenv,
                                                               std::vector<std::string>& notes) {
  auto key = env_value(getenv, "AWS_ACCESS_KEY_ID");
  auto secret = env_value(getenv, "AWS_SECRET_ACCESS_KEY");
  if (!key && !secret) return std::nullopt;
  if (!key || !secret) {
    notes.push_back(std::string("environment: ") + (key ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY") +
                    " is set without " + (key ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID") + ": skipped");
    return std::nullopt;
  }
  auto token = env_value(getenv, "AWS_SESSION_TOKEN");
  std::string origin = "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY";
  if (token) origin += " with AWS_SESSION_TOKEN";
  return SourcedCredentials{
      AwsCredentials(key->value, secret->value, token ? std::optional(token->value) : std::nullopt), origin};
}

// The session name STS records: AWS_ROLE_SESSION_NAME, else one of ours with the time, as
// botocore names its sessions.
std::string session_name(const GetEnv& getenv, const std::string& from_profile) {
  if (!from_profile.empty()) return from_profile;
  if (auto name = env_value(getenv, "AWS_ROLE_SESSION_NAME")) return name->value;
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  return "flinkcli-" + std::to_string(now.count());
}

SourcedCredentials web_identity(WebIdentityConfig config, const GetEnv& getenv, const std::string& variable) {
  config.token_file = expand_home(config.token_file, getenv("HOME")).string();
  std::error_code error;
  if (!std::filesystem::is_regular_file(config.token_file, error)) {
    throw CliError(ErrorClass::config, "web identity (" + config.origin + "): the token file " +
                                           one_line(config.token_file, 200) + " (" + variable +
                                           ") does not exist; check that the service account token is mounted");
  }
  std::tie(config.sts_url, config.sts_origin) = sts_endpoint(getenv, config.region);
  const std::string source = "web identity (" + config.origin + ")";
  std::string origin = source + ", role " + config.role_arn + " through STS at " + config.sts_url + " (" +
                       config.sts_origin + ")";
  return SourcedCredentials{AwsCredentials("", ""), origin,
                            std::make_shared<RefreshingCredentials>(source, web_identity_fetch(std::move(config)))};
}

std::optional<SourcedCredentials> credentials_from_web_identity_environment(const GetEnv& getenv, const std::string& region,
                                                                            std::vector<std::string>& notes) {
  auto token_file = env_value(getenv, "AWS_WEB_IDENTITY_TOKEN_FILE");
  auto role = env_value(getenv, "AWS_ROLE_ARN");
  if (!token_file && !role) return std::nullopt;
  if (!token_file || !role) {
    notes.push_back(std::string("web identity: ") + (token_file ? "AWS_WEB_IDENTITY_TOKEN_FILE" : "AWS_ROLE_ARN") +
                    " is set without " + (token_file ? "AWS_ROLE_ARN" : "AWS_WEB_IDENTITY_TOKEN_FILE") + ": skipped");
    return std::nullopt;
  }
  WebIdentityConfig config;
  config.token_file = token_file->value;
  config.role_arn = role->value;
  config.session_name = session_name(getenv, "");
  config.origin = "AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN";
  config.region = region;
  return web_identity(std::move(config), getenv, "AWS_WEB_IDENTITY_TOKEN_FILE");
}

std::optional<SourcedCredentials> credentials_from_profile(const AwsProfile& profile, const GetEnv& getenv,
                                                           const std::string& region, std::vector<std::string>& notes,
                                                           int depth = 0);
std::optional<SourcedCredentials> credentials_from_container(const GetEnv& getenv);
std::optional<SourcedCredentials> credentials_from_instance_metadata(const GetEnv& getenv, const AwsProfile& profile,
                                                                     std::vector<std::string>& notes);

// A chain of roles longer than this is a loop in the profiles (botocore refuses loops too).
constexpr int k_max_role_chain = 5;

// The credentials that sign an AssumeRole: static keys, or those of another source (a role the
// source profile assumes itself, container credentials, instance metadata), fetched when needed.
std::function<AwsCredentials(const CredentialFetchContext&)> signing_source(const SourcedCredentials& found,
                                                                            const std::string& what) {
  if (!found.refreshing) {
    return [credentials = found.credentials](const CredentialFetchContext&) { return credentials; };
  }
  return [provider = found.refreshing, what](const CredentialFetchContext& context) {
    auto credentials = provider->current(context);
    if (!credentials) {
      throw CliError(ErrorClass::storage_access, "assume role: " + what + " gave no credentials (" + provider->source() +
                                                     " did not answer)");
    }
    return *credentials;
  };
}

// role_arn with source_profile (whose keys, or whose own role, sign STS AssumeRole) or with
// credential_source (Environment, Ec2InstanceMetadata, EcsContainer), as in the SDKs.
SourcedCredentials assume_role(const AwsProfile& profile, const SourcedValue& role, const GetEnv& getenv,
                               const std::string& region, int depth) {
  const std::string where = "AWS profile '" + profile.name + "' (" + role.origin + ")";
  if (depth >= k_max_role_chain) {
    throw CliError(ErrorClass::config, "assume role: " + where + " is reached through more than " +
                                           std::to_string(k_max_role_chain) +
                                           " roles: the source_profile settings form a loop");
  }
  auto source_name = profile_value(profile, "source_profile");
  auto credential_source = profile_value(profile, "credential_source");
  std::optional<SourcedCredentials> signer;
  std::string signer_text;
  std::vector<std::string> ignored;
  if (source_name && credential_source) {
    throw CliError(ErrorClass::config, "assume role: " + where + " has both source_profile and credential_source; keep one");
  } else if (credential_source) {
    const std::string kind = credential_source->value;
    if (kind == "Environment") {
      auto key = env_value(getenv, "AWS_ACCESS_KEY_ID");
      auto secret = env_value(getenv, "AWS_SECRET_ACCESS_KEY");
      if (!key || !secret) {
        throw CliError(ErrorClass::config, "assume role: " + where +
                                               " has credential_source Environment, but AWS_ACCESS_KEY_ID and "
                                               "AWS_SECRET_ACCESS_KEY are not both set");
      }
      auto token = env_value(getenv, "AWS_SESSION_TOKEN");
      signer.emplace(AwsCredentials(key->value, secret->value, token ? std::optional(token->value) : std::nullopt),
                     "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
    } else if (kind == "EcsContainer") {
      signer = credentials_from_container(getenv);
      if (!signer) {
        throw CliError(ErrorClass::config, "assume role: " + where +
                                               " has credential_source EcsContainer, but neither "
                                               "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor _FULL_URI is set");
      }
    } else if (kind == "Ec2InstanceMetadata") {
      signer = credentials_from_instance_metadata(getenv, profile, ignored);
      if (!signer) {
        throw CliError(ErrorClass::config, "assume role: " + where +
                                               " has credential_source Ec2InstanceMetadata, but AWS_EC2_METADATA_DISABLED is set");
      }
    } else {
      throw CliError(ErrorClass::config, "assume role: " + where + " has credential_source '" + one_line(kind, 60) +
                                             "': expected Environment, Ec2InstanceMetadata or EcsContainer");
    }
    signer_text = "credential_source " + kind;
  } else if (source_name) {
    const AwsProfile source = read_named_aws_profile(getenv, source_name->value, false);
    if (!source.found) {
      throw CliError(ErrorClass::config, "assume role: the source_profile '" + one_line(source_name->value, 100) + "' of " +
                                             where + " is in neither AWS file");
    }
    // A profile that names itself uses its own keys (the SDKs' rule); another profile is resolved
    // as a profile, its own role included.
    if (source.name != profile.name) signer = credentials_from_profile(source, getenv, region, ignored, depth + 1);
    if (!signer || source.name == profile.name) {
      auto key = profile_value(source, "aws_access_key_id");
      auto secret = profile_value(source, "aws_secret_access_key");
      if (!key || !secret) {
        throw CliError(ErrorClass::config, "assume role: the source_profile '" + one_line(source.name, 100) + "' of " + where +
                                               " has no aws_access_key_id and aws_secret_access_key");
      }
      auto token = profile_value(source, "aws_session_token");
      signer.emplace(AwsCredentials(key->value, secret->value, token ? std::optional(token->value) : std::nullopt), "keys");
    }
    signer_text = signer->refreshing ? "the credentials of AWS profile '" + source.name + "' (" + signer->origin + ")"
                                     : "the keys of AWS profile '" + source.name + "'";
  } else {
    throw CliError(ErrorClass::config, "assume role: " + where + " has role_arn without source_profile or credential_source");
  }
  AssumeRoleConfig config{signing_source(*signer, signer_text), role.value, "", std::nullopt, std::nullopt, "", "", "", region};
  auto name = profile_value(profile, "role_session_name");
  config.session_name = session_name(getenv, name ? name->value : "");
  if (auto external = profile_value(profile, "external_id")) config.external_id = external->value;
  if (auto duration = profile_value(profile, "duration_seconds")) config.duration_seconds = duration->value;
  config.origin = std::string("role_arn and ") + (credential_source ? "credential_source" : "source_profile") + " of " + where;
  std::tie(config.sts_url, config.sts_origin) = sts_endpoint(getenv, region);
  const std::string source_text = "assume role (" + config.origin + ")";
  const std::string origin = source_text + ", role " + role.value + " with " + signer_text + " through STS at " +
                             config.sts_url + " (" + config.sts_origin + ")";
  return SourcedCredentials{AwsCredentials("", ""), origin,
                            std::make_shared<RefreshingCredentials>(source_text, assume_role_fetch(std::move(config)))};
}

std::optional<SourcedCredentials> credentials_from_profile(const AwsProfile& profile, const GetEnv& getenv,
                                                           const std::string& region, std::vector<std::string>& notes,
                                                           int depth) {
  if (!profile.found) return std::nullopt;
  const bool web_identity_profile = profile_value(profile, "web_identity_token_file").has_value();
  for (const auto& [key, value] : profile.values) {
    const bool unsupported = key.starts_with("sso_") || key == "mfa_serial" ||
                             std::find(k_unsupported_profile_keys.begin(), k_unsupported_profile_keys.end(),
                                       key) != k_unsupported_profile_keys.end();
    if (unsupported) {
      throw CliError(ErrorClass::config,
                     "AWS profile '" + one_line(profile.name, 100) + "' uses " + key + " (" + value.origin +
                         "), which this client does not support yet: give static keys in "
                         "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or s3.access-key/s3.secret-key");
    }
  }
  // A role comes before the profile's own keys, as in the SDKs' profile provider.
  if (web_identity_profile) {
    auto token_file = profile_value(profile, "web_identity_token_file");
    auto role = profile_value(profile, "role_arn");
    const std::string where = "AWS profile '" + profile.name + "' (" + token_file->origin + ")";
    if (!role) {
      throw CliError(ErrorClass::config, "web identity: " + where + " has web_identity_token_file without role_arn");
    }
    WebIdentityConfig config;
    config.token_file = token_file->value;
    config.role_arn = role->value;
    auto name = profile_value(profile, "role_session_name");
    config.session_name = session_name(getenv, name ? name->value : "");
    config.origin = "web_identity_token_file and role_arn of " + where;
    config.region = region;
    return web_identity(std::move(config), getenv, "web_identity_token_file");
  }
  if (auto role = profile_value(profile, "role_arn")) return assume_role(profile, *role, getenv, region, depth);
  auto key = profile_value(profile, "aws_access_key_id");
  auto secret = profile_value(profile, "aws_secret_access_key");
  if (!key && !secret) return std::nullopt;
  if (!key || !secret) {
    notes.push_back("AWS profile '" + profile.name + "': " + (key ? "aws_access_key_id" : "aws_secret_access_key") +
                    " is set without " + (key ? "aws_secret_access_key" : "aws_access_key_id") + ": skipped");
    return std::nullopt;
  }
  auto token = profile_value(profile, "aws_session_token");
  std::string origin = "aws_access_key_id and aws_secret_access_key of AWS profile '" + profile.name + "' (" +
                       key->origin + ")";
  return SourcedCredentials{
      AwsCredentials(key->value, secret->value, token ? std::optional(token->value) : std::nullopt), origin};
}

// AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (on the ECS address) before _FULL_URI, as in the SDKs.
std::optional<SourcedCredentials> credentials_from_container(const GetEnv& getenv) {
  ContainerConfig config;
  if (auto relative = env_value(getenv, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
    config.url = "http://169.254.170.2" + (relative->value.starts_with("/") ? "" : std::string("/")) + relative->value;
    config.origin = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
  } else if (auto full = env_value(getenv, "AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
    check_container_uri(full->value, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
    config.url = full->value;
    config.origin = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
  } else {
    return std::nullopt;
  }
  std::string origin = "container credentials (" + config.origin + ") at " + config.url;
  if (auto file = env_value(getenv, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) {
    config.authorization_file = file->value;
    origin += " with AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";
    std::error_code error;
    if (!std::filesystem::is_regular_file(file->value, error)) {
      throw CliError(ErrorClass::config, "container credentials: the token file " + one_line(file->value, 200) +
                                             " (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE) does not exist");
    }
  } else if (auto token = env_value(getenv, "AWS_CONTAINER_AUTHORIZATION_TOKEN")) {
    config.authorization = token->value;
    origin += " with AWS_CONTAINER_AUTHORIZATION_TOKEN";
  }
  const std::string source = "container credentials (" + config.origin + ")";
  return SourcedCredentials{AwsCredentials("", ""), origin,
                            std::make_shared<RefreshingCredentials>(source, container_fetch(std::move(config)))};
}

std::optional<SourcedCredentials> credentials_from_instance_metadata(const GetEnv& getenv, const AwsProfile& profile,
                                                                     std::vector<std::string>& notes) {
  if (auto disabled = env_value(getenv, "AWS_EC2_METADATA_DISABLED"); disabled && to_lower(disabled->value) == "true") {
    notes.push_back("instance metadata: not asked (AWS_EC2_METADATA_DISABLED)");
    return std::nullopt;
  }
  InstanceMetadataConfig config;
  if (auto endpoint = env_value(getenv, "AWS_EC2_METADATA_SERVICE_ENDPOINT")) {
    config.endpoint = endpoint->value;
    config.origin = "AWS_EC2_METADATA_SERVICE_ENDPOINT";
    config.explicit_endpoint = true;
  } else if (auto from_profile = profile_value(profile, "ec2_metadata_service_endpoint")) {
    config.endpoint = from_profile->value;
    config.origin = "ec2_metadata_service_endpoint of AWS profile '" + profile.name + "'";
    config.explicit_endpoint = true;
  }
  const std::string source = "instance metadata (IMDSv2 at " + config.endpoint + ", " + config.origin + ")";
  SourcedCredentials found{AwsCredentials("", ""),
                           source + "; asked at the first request, for up to " + format_duration(config.timeout) +
                               " per request, anonymous when it does not answer",
                           std::make_shared<RefreshingCredentials>(source, instance_metadata_fetch(config))};
  found.may_be_absent = true;
  return found;
}

}  // namespace

AwsProfile read_aws_profile(const GetEnv& getenv) {
  auto named = env_value(getenv, "AWS_PROFILE");
  return read_named_aws_profile(getenv, named ? named->value : "default", named.has_value());
}

AwsProfile read_named_aws_profile(const GetEnv& getenv, const std::string& name, bool named_explicitly) {
  AwsProfile profile;
  profile.name = name;
  profile.named_explicitly = named_explicitly;
  const auto home = getenv("HOME");
  auto file_path = [&](const char* variable, const char* default_name) -> std::optional<std::filesystem::path> {
    if (auto path = env_value(getenv, variable)) return expand_home(path->value, home);
    if (home && !home->empty()) return std::filesystem::path(*home) / ".aws" / default_name;
    return std::nullopt;
  };
  const auto config_path = file_path("AWS_CONFIG_FILE", "config");
  const auto credentials_path = file_path("AWS_SHARED_CREDENTIALS_FILE", "credentials");
  const std::string where_config = "profile '" + profile.name + "' in " + (config_path ? config_path->string() : "");
  const std::string where_credentials =
      "profile '" + profile.name + "' in " + (credentials_path ? credentials_path->string() : "");

  // The credentials file wins over the config file, as in the AWS CLI and SDKs.
  if (config_path) {
    if (auto sections = read_ini_file(*config_path)) {
      const std::string section = profile.name == "default" ? "default" : "profile " + profile.name;
      if (auto found = sections->find(section); found != sections->end()) {
        merge_section(profile, found->second, config_path->string());
      } else if (profile.name == "default") {
        if (auto alias = sections->find("profile default"); alias != sections->end()) {
          merge_section(profile, alias->second, config_path->string());
        }
      }
    }
  }
  if (credentials_path) {
    if (auto sections = read_ini_file(*credentials_path)) {
      if (auto found = sections->find(profile.name); found != sections->end()) {
        merge_section(profile, found->second, credentials_path->string());
      }
    }
  }
  if (profile.named_explicitly && !profile.found) {
    throw CliError(ErrorClass::config,
                   "AWS profile '" + one_line(profile.name, 100) + "' (AWS_PROFILE) is in neither " +
                       (credentials_path ? credentials_path->string() : std::string("~/.aws/credentials")) +
                       " nor " + (config_path ? config_path->string() : std::string("~/.aws/config")) +
                       ": add it or unset AWS_PROFILE");
  }
  return profile;
}

std::vector<CredentialSource> default_credential_sources(const Configuration& config, const GetEnv& getenv,
                                                         const AwsProfile& profile, const std::string& region) {
  return {
      {"Flink configuration",
       [&config](std::vector<std::string>& notes) { return credentials_from_configuration(config, notes); }},
      {"environment",
       [getenv](std::vector<std::string>& notes) { return credentials_from_environment(getenv, notes); }},
      {"web identity",
       [getenv, region](std::vector<std::string>& notes) {
         return credentials_from_web_identity_environment(getenv, region, notes);
       }},
      {"AWS profile '" + profile.name + "'",
       [&profile, getenv, region](std::vector<std::string>& notes) {
         return credentials_from_profile(profile, getenv, region, notes);
       }},
      {"container credentials", [getenv](std::vector<std::string>&) { return credentials_from_container(getenv); }},
      {"instance metadata",
       [getenv, &profile](std::vector<std::string>& notes) {
         return credentials_from_instance_metadata(getenv, profile, notes);
       }},
  };
}

std::vector<std::string> S3Settings::describe() const {
  std::vector<std::string> lines;
  if (credentials && credentials->refreshing) {
    lines.push_back("S3 credentials: temporary, from " + credentials->origin);
  } else if (credentials) {
    lines.push_back("S3 credentials: " + credentials->credentials.describe() + " from " + credentials->origin);
  } else {
    lines.push_back("S3 credentials: none found, requests are anonymous");
  }
  lines.push_back("S3 region: " + region.value + " (" + region.origin + ")");
  lines.push_back("S3 endpoint: " + (endpoint ? endpoint->value + " (" + endpoint->origin + ")"
                                              : std::string("AWS's endpoint for the region")));
  lines.push_back(std::string("S3 path-style access: ") + (path_style_access ? "true" : "false") + " (" +
                  path_style_origin + ")");
  if (ca_bundle) lines.push_back("S3 CA bundle: " + ca_bundle->value + " (" + ca_bundle->origin + ")");
  lines.insert(lines.end(), notes.begin(), notes.end());
  return lines;
}

S3Settings read_s3_settings(const Configuration& config, const GetEnv& getenv) {
  S3Settings settings;
  const AwsProfile profile = read_aws_profile(getenv);

  if (auto region = first_set(config, k_region_keys)) {
    settings.region = *region;
  } else if (auto from_env = env_value(getenv, "AWS_REGION")) {
    settings.region = *from_env;
  } else if (auto from_default_env = env_value(getenv, "AWS_DEFAULT_REGION")) {
    settings.region = *from_default_env;
  } else if (auto from_profile = profile_value(profile, "region")) {
    settings.region = {from_profile->value, "region of AWS profile '" + profile.name + "' (" + from_profile->origin + ")"};
  }

  for (const CredentialSource& source : default_credential_sources(config, getenv, profile, settings.region.value)) {
    settings.credentials = source.resolve(settings.notes);
    if (settings.credentials) break;
  }

  if (auto endpoint = first_set(config, k_endpoint_keys)) {
    settings.endpoint = endpoint;
  } else if (auto s3_env = env_value(getenv, "AWS_ENDPOINT_URL_S3")) {
    settings.endpoint = s3_env;
  } else if (auto any_env = env_value(getenv, "AWS_ENDPOINT_URL")) {
    settings.endpoint = any_env;
  } else if (auto nested = profile.s3.find("endpoint_url"); nested != profile.s3.end() && !nested->second.value.empty()) {
    settings.endpoint = SourcedValue{nested->second.value, "s3.endpoint_url of AWS profile '" + profile.name +
                                                               "' (" + nested->second.origin + ")"};
  } else if (auto global = profile_value(profile, "endpoint_url")) {
    settings.endpoint = SourcedValue{global->value, "endpoint_url of AWS profile '" + profile.name + "' (" +
                                                        global->origin + ")"};
  }

  if (auto bundle = env_value(getenv, "AWS_CA_BUNDLE")) {
    settings.ca_bundle = bundle;
  } else if (auto from_profile = profile_value(profile, "ca_bundle")) {
    settings.ca_bundle = SourcedValue{from_profile->value, "ca_bundle of AWS profile '" + profile.name + "' (" +
                                                               from_profile->origin + ")"};
  }

  bool path_style_set = false;
  for (const char* key : k_path_style_keys) {
    if (!config.get(key)) continue;
    settings.path_style_access = config.get_bool(key, false);
    settings.path_style_origin = described(config, key);
    path_style_set = true;
    break;
  }
  if (!path_style_set) {
    if (auto style = profile.s3.find("addressing_style"); style != profile.s3.end()) {
      const std::string value = to_lower(style->second.value);
      if (value != "path" && value != "virtual" && value != "auto") {
        throw CliError(ErrorClass::config, "Invalid s3 addressing_style '" + one_line(style->second.value, 100) +
                                               "' in AWS profile '" + one_line(profile.name, 100) + "' (" +
                                               style->second.origin + "): expected path, virtual or auto");
      }
      settings.path_style_access = value == "path";
      settings.path_style_origin =
          "s3.addressing_style of AWS profile '" + profile.name + "' (" + style->second.origin + ")";
    }
  }
  return settings;
}

}  // namespace flinkcli
