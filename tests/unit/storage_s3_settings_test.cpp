// The static S3 chain: Flink's keys, the environment, the AWS profile files; precedence between
// them, whole pairs only, the origin of each value, and the refusals (exit 2).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "fake/test_support.hpp"
#include "flinkcli/core/error.hpp"
#include "flinkcli/storage/s3_settings.hpp"

namespace flinkcli::testing {
namespace {

using Env = std::map<std::string, std::string>;

GetEnv fake_env(const Env& values) {
  return [values](const std::string& name) -> std::optional<std::string> {
    auto found = values.find(name);
    if (found == values.end()) return std::nullopt;
    return found->second;
  };
}

Configuration conf(const std::map<std::string, std::string>& values, const std::string& origin = "-D") {
  Configuration config;
  for (const auto& [key, value] : values) config.set(key, value, origin);
  return config;
}

// HOME points at an empty directory unless a case writes profile files there. The instance
// metadata service is not asked (storage_aws_credentials_test covers it), unless a case says.
struct Home {
  TempDir dir;
  Env env(Env values) const {
    values.emplace("HOME", dir.path().string());
    values.emplace("AWS_EC2_METADATA_DISABLED", "true");
    return values;
  }
};

TEST(StorageS3Settings, CredentialsFromFlinkKeysInEverySpelling) {
  const struct {
    std::map<std::string, std::string> conf;
    std::string key_id;
    std::string origin;
    std::optional<std::string> token;
  } cases[] = {
      {{{"s3.access-key", "K1"}, {"s3.secret-key", "S1"}}, "K1", "s3.access-key (from -D) and s3.secret-key (from -D)", {}},
      {{{"s3.access.key", "K2"}, {"s3.secret.key", "S2"}}, "K2", "s3.access.key (from -D) and s3.secret.key (from -D)", {}},
      {{{"fs.s3a.access.key", "K3"}, {"fs.s3a.secret.key", "S3"}, {"fs.s3a.session.token", "T3"}},
       "K3", "fs.s3a.access.key (from -D) and fs.s3a.secret.key (from -D) with fs.s3a.session.token (from -D)", "T3"},
      {{{"s3a.access-key", "K4"}, {"fs.s3a.secret-key", "S4"}}, "K4",
       "s3a.access-key (from -D) and fs.s3a.secret-key (from -D)", {}},
      // Flink mirrors the dashed spelling over the dotted one
      {{{"s3.access.key", "dotted"}, {"s3.access-key", "dashed"}, {"s3.secret-key", "S"}}, "dashed",
       "s3.access-key (from -D) and s3.secret-key (from -D)", {}},
  };
  Home home;
  for (const auto& c : cases) {
    const S3Settings settings = read_s3_settings(conf(c.conf), fake_env(home.env({})));
    ASSERT_TRUE(settings.credentials) << c.key_id;
    EXPECT_EQ(settings.credentials->credentials.access_key_id(), c.key_id);
    EXPECT_EQ(settings.credentials->origin, c.origin);
    EXPECT_EQ(settings.credentials->credentials.session_token(), c.token);
    EXPECT_FALSE(settings.anonymous());
  }
}

TEST(StorageS3Settings, CredentialsFromTheEnvironment) {
  Home home;
  const S3Settings settings = read_s3_settings(
      Configuration{}, fake_env(home.env({{"AWS_ACCESS_KEY_ID", "EK"}, {"AWS_SECRET_ACCESS_KEY", "ES"},
                                          {"AWS_SESSION_TOKEN", "ET"}})));
  ASSERT_TRUE(settings.credentials);
  EXPECT_EQ(settings.credentials->credentials.access_key_id(), "EK");
  EXPECT_EQ(settings.credentials->credentials.secret_access_key(), "ES");
  EXPECT_EQ(settings.credentials->credentials.session_token(), "ET");
  EXPECT_EQ(settings.credentials->origin, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY with AWS_SESSION_TOKEN");
}

TEST(StorageS3Settings, CredentialsFromProfiles) {
  const std::string credentials_file =
      "# comment\n[default]\naws_access_key_id = DK\naws_secret_access_key = DS\n\n"
      "[dev]\r\naws_access_key_id=VK\r\naws_secret_access_key=VS\r\naws_session_token = VT\r\n";
  const std::string config_file =
      "[default]\nregion = eu-central-1\n"
      "[profile dev]\nregion = us-west-2\ns3 =\n  endpoint_url = http://minio:9000\n  addressing_style = path\n"
      "[profile only-config]\naws_access_key_id = CK\naws_secret_access_key = CS\n"
      "[profile split]\naws_access_key_id = from-config\n";
  const struct {
    Env env;  // relative file names are resolved under HOME
    std::optional<std::string> key_id;
    std::string region;
    std::optional<std::string> endpoint;
    bool path_style;
  } cases[] = {
      {{}, "DK", "eu-central-1", {}, false},
      {{{"AWS_PROFILE", "dev"}}, "VK", "us-west-2", "http://minio:9000", true},
      {{{"AWS_PROFILE", "only-config"}}, "CK", "us-east-1", {}, false},
      {{{"AWS_PROFILE", "split"}}, {}, "us-east-1", {}, false},  // half a pair: anonymous
  };
  for (const auto& c : cases) {
    Home home;
    home.dir.write(".aws/credentials", credentials_file);
    home.dir.write(".aws/config", config_file);
    const S3Settings settings = read_s3_settings(Configuration{}, fake_env(home.env(c.env)));
    SCOPED_TRACE(c.env.empty() ? "default" : c.env.begin()->second);
    ASSERT_EQ(settings.credentials.has_value(), c.key_id.has_value());
    if (c.key_id) {
      EXPECT_EQ(settings.credentials->credentials.access_key_id(), *c.key_id);
    }
    EXPECT_EQ(settings.region.value, c.region);
    EXPECT_EQ(settings.endpoint ? std::optional(settings.endpoint->value) : std::nullopt, c.endpoint);
    EXPECT_EQ(settings.path_style_access, c.path_style);
  }
}

TEST(StorageS3Settings, ProfileFilesFromTheirVariables) {
  Home home;
  const auto credentials = home.dir.write("elsewhere/creds", "[ci]\naws_access_key_id = XK\naws_secret_access_key = XS\n");
  const auto config = home.dir.write("elsewhere/conf", "[profile ci]\nregion = ap-south-1\nendpoint_url = https://s3.example\n");
  const S3Settings settings = read_s3_settings(
      Configuration{}, fake_env(home.env({{"AWS_PROFILE", "ci"},
                                          {"AWS_SHARED_CREDENTIALS_FILE", credentials.string()},
                                          {"AWS_CONFIG_FILE", config.string()}})));
  ASSERT_TRUE(settings.credentials);
  EXPECT_EQ(settings.credentials->credentials.access_key_id(), "XK");
  EXPECT_EQ(settings.credentials->origin,
            "aws_access_key_id and aws_secret_access_key of AWS profile 'ci' (" + credentials.string() + ")");
  EXPECT_EQ(settings.region.value, "ap-south-1");
  EXPECT_EQ(settings.region.origin, "region of AWS profile 'ci' (" + config.string() + ")");
  ASSERT_TRUE(settings.endpoint);
  EXPECT_EQ(settings.endpoint->value, "https://s3.example");
}

TEST(StorageS3Settings, PrecedenceAndWholePairs) {
  const std::map<std::string, std::string> full_conf = {{"s3.access-key", "CK"}, {"s3.secret-key", "CS"}};
  const Env full_env = {{"AWS_ACCESS_KEY_ID", "EK"}, {"AWS_SECRET_ACCESS_KEY", "ES"}};
  const struct {
    std::string name;
    std::map<std::string, std::string> conf;
    Env env;
    std::optional<std::string> key_id;
    std::optional<std::string> secret;
    std::string note_part;
  } cases[] = {
      {"conf over environment over profile", full_conf, full_env, "CK", "CS", ""},
      {"environment over profile", {}, full_env, "EK", "ES", ""},
      {"profile last", {}, {}, "PK", "PS", ""},
      // a key from one source is never used with a secret from another
      {"half a pair in the conf is skipped", {{"s3.access-key", "CK"}}, full_env, "EK", "ES",
       "s3.access-key (from -D) is set without its secret key: skipped"},
      {"half a pair in the environment is skipped", {{"s3.secret-key", "CS"}},
       {{"AWS_ACCESS_KEY_ID", "EK"}}, "PK", "PS", "AWS_ACCESS_KEY_ID is set without AWS_SECRET_ACCESS_KEY"},
      {"empty values are unset", {{"s3.access-key", ""}, {"s3.secret-key", ""}},
       {{"AWS_ACCESS_KEY_ID", ""}, {"AWS_SECRET_ACCESS_KEY", " "}}, "PK", "PS", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Home home;
    home.dir.write(".aws/credentials", "[default]\naws_access_key_id = PK\naws_secret_access_key = PS\n");
    const S3Settings settings = read_s3_settings(conf(c.conf), fake_env(home.env(c.env)));
    ASSERT_TRUE(settings.credentials);
    EXPECT_EQ(settings.credentials->credentials.access_key_id(), c.key_id);
    EXPECT_EQ(settings.credentials->credentials.secret_access_key(), c.secret);
    if (!c.note_part.empty()) {
      EXPECT_TRUE(std::any_of(settings.notes.begin(), settings.notes.end(),
                              [&](const std::string& note) { return note.find(c.note_part) != std::string::npos; }))
          << ::testing::PrintToString(settings.notes);
    } else {
      EXPECT_TRUE(settings.notes.empty());
    }
  }
}

TEST(StorageS3Settings, RegionEndpointAndPathStyleOrigins) {
  const struct {
    std::string name;
    std::map<std::string, std::string> conf;
    Env env;
    std::string region;
    std::string region_origin;
    std::optional<std::string> endpoint;
    std::string endpoint_origin;
    bool path_style;
    std::string path_style_origin;
  } cases[] = {
      {"defaults", {}, {}, "us-east-1", "default", {}, "", false, "default"},
      {"flink keys",
       {{"s3.endpoint", "http://127.0.0.1:9000"}, {"s3.endpoint.region", "eu-west-1"}, {"s3.path.style.access", "true"}},
       {{"AWS_REGION", "ignored"}, {"AWS_ENDPOINT_URL", "ignored"}},
       "eu-west-1", "s3.endpoint.region (from -D)", "http://127.0.0.1:9000", "s3.endpoint (from -D)", true,
       "s3.path.style.access (from -D)"},
      {"fs.s3a forms",
       {{"fs.s3a.endpoint", "http://m:9000"}, {"fs.s3a.endpoint.region", "r1"}, {"fs.s3a.path.style.access", "TRUE"}},
       {}, "r1", "fs.s3a.endpoint.region (from -D)", "http://m:9000", "fs.s3a.endpoint (from -D)", true,
       "fs.s3a.path.style.access (from -D)"},
      {"nested YAML endpoint value wins, dashed path style",
       {{"s3.endpoint.value", "http://v:1"}, {"s3.endpoint", "http://plain:2"}, {"s3.path-style-access", "false"},
        {"s3.path.style.access", "true"}},
       {}, "us-east-1", "default", "http://v:1", "s3.endpoint.value (from -D)", false,
       "s3.path-style-access (from -D)"},
      {"environment",
       {},
       {{"AWS_REGION", "ap-1"}, {"AWS_DEFAULT_REGION", "ap-2"}, {"AWS_ENDPOINT_URL_S3", "http://s3only"},
        {"AWS_ENDPOINT_URL", "http://all"}},
       "ap-1", "AWS_REGION", "http://s3only", "AWS_ENDPOINT_URL_S3", false, "default"},
      {"environment fallbacks", {}, {{"AWS_DEFAULT_REGION", "ap-2"}, {"AWS_ENDPOINT_URL", "http://all"}},
       "ap-2", "AWS_DEFAULT_REGION", "http://all", "AWS_ENDPOINT_URL", false, "default"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Home home;
    const S3Settings settings = read_s3_settings(conf(c.conf), fake_env(home.env(c.env)));
    EXPECT_TRUE(settings.anonymous());
    EXPECT_EQ(settings.region.value, c.region);
    EXPECT_EQ(settings.region.origin, c.region_origin);
    ASSERT_EQ(settings.endpoint.has_value(), c.endpoint.has_value());
    if (c.endpoint) {
      EXPECT_EQ(settings.endpoint->value, *c.endpoint);
      EXPECT_EQ(settings.endpoint->origin, c.endpoint_origin);
    }
    EXPECT_EQ(settings.path_style_access, c.path_style);
    EXPECT_EQ(settings.path_style_origin, c.path_style_origin);
  }
}

TEST(StorageS3Settings, ConfigErrors) {
  const struct {
    std::string name;
    std::map<std::string, std::string> conf;
    Env env;
    std::string config_file;
    std::string message_part;
  } cases[] = {
      {"unknown profile named explicitly", {}, {{"AWS_PROFILE", "nope"}}, "[default]\nregion = x\n",
       "AWS profile 'nope' (AWS_PROFILE) is in neither"},
      {"credential_process", {}, {}, "[default]\ncredential_process = /bin/creds\n",
       "AWS profile 'default' uses credential_process"},
      {"sso", {}, {{"AWS_PROFILE", "corp"}}, "[profile corp]\nsso_start_url = https://x\n",
       "AWS profile 'corp' uses sso_start_url"},
      {"sso session", {}, {}, "[default]\nsso_session = s\n", "uses sso_session"},
      {"role_arn with a source profile that is not there", {}, {}, "[default]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\n",
       "assume role: the source_profile 'base' of AWS profile 'default'"},
      {"role_arn without source_profile", {}, {}, "[default]\nrole_arn = arn:aws:iam::1:role/r\n",
       "has role_arn without source_profile or credential_source"},
      {"a chain of roles to a profile that is not there", {}, {},
       "[default]\nrole_arn = r\nsource_profile = mid\n[profile mid]\nrole_arn = r2\nsource_profile = base\n",
       "the source_profile 'base' of AWS profile 'mid'"},
      {"a loop of roles", {}, {}, "[default]\nrole_arn = r\nsource_profile = mid\n[profile mid]\nrole_arn = r2\nsource_profile = default\n",
       "the source_profile settings form a loop"},
      {"source_profile and credential_source", {}, {}, "[default]\nrole_arn = r\nsource_profile = a\ncredential_source = Environment\n",
       "has both source_profile and credential_source"},
      {"credential_source Environment without keys", {}, {}, "[default]\nrole_arn = r\ncredential_source = Environment\n",
       "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set"},
      {"mfa", {}, {}, "[default]\nrole_arn = r\nsource_profile = base\nmfa_serial = arn:mfa\n", "uses mfa_serial"},
      {"web identity without a role", {}, {}, "[default]\nweb_identity_token_file = /t\n",
       "has web_identity_token_file without role_arn"},
      {"web identity token file missing", {}, {}, "[default]\nweb_identity_token_file = /nonexistent/t\nrole_arn = r\n",
       "the token file /nonexistent/t (web_identity_token_file) does not exist"},
      {"credential_source unknown", {}, {}, "[default]\nrole_arn = r\ncredential_source = Elsewhere\n",
       "expected Environment, Ec2InstanceMetadata or EcsContainer"},
      {"path style not a boolean", {{"s3.path.style.access", "yes"}}, {}, "",
       "Invalid value 'yes' for s3.path.style.access"},
      {"addressing style", {}, {}, "[default]\ns3 =\n  addressing_style = sideways\n", "Invalid s3 addressing_style"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Home home;
    if (!c.config_file.empty()) home.dir.write(".aws/config", c.config_file);
    try {
      read_s3_settings(conf(c.conf), fake_env(home.env(c.env)));
      ADD_FAILURE() << "accepted";
    } catch (const CliError& error) {
      EXPECT_EQ(error.error_class(), ErrorClass::config);
      EXPECT_EQ(error.exit_code(), 2);
      EXPECT_NE(std::string(error.what()).find(c.message_part), std::string::npos) << error.what();
      EXPECT_EQ(std::string(error.what()).find('\n'), std::string::npos) << error.what();
    }
  }
}

TEST(StorageS3Settings, UnsupportedProfileIsNotReachedWhenAnEarlierSourceHasCredentials) {
  Home home;
  home.dir.write(".aws/config", "[default]\ncredential_process = /bin/creds\nregion = eu-north-1\n");
  const S3Settings settings = read_s3_settings(
      Configuration{}, fake_env(home.env({{"AWS_ACCESS_KEY_ID", "EK"}, {"AWS_SECRET_ACCESS_KEY", "ES"}})));
  ASSERT_TRUE(settings.credentials);
  EXPECT_EQ(settings.credentials->credentials.access_key_id(), "EK");
  EXPECT_EQ(settings.region.value, "eu-north-1");
}

TEST(StorageS3Settings, NoHomeNoFilesIsInstanceMetadataThenAnonymous) {
  const S3Settings settings = read_s3_settings(Configuration{}, fake_env({}));
  ASSERT_TRUE(settings.credentials);
  EXPECT_TRUE(settings.credentials->may_be_absent);
  EXPECT_EQ(settings.describe().front(),
            "S3 credentials: temporary, from instance metadata (IMDSv2 at http://169.254.169.254, default); asked at "
            "the first request, for up to 1 s per request, anonymous when it does not answer");
  const S3Settings disabled = read_s3_settings(Configuration{}, fake_env({{"AWS_EC2_METADATA_DISABLED", "true"}}));
  EXPECT_TRUE(disabled.anonymous());
  EXPECT_EQ(disabled.describe().front(), "S3 credentials: none found, requests are anonymous");
}

TEST(StorageS3Settings, SecretsNeverInDescriptionsOrErrors) {
  Home home;
  const std::string secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  const S3Settings settings =
      read_s3_settings(conf({{"s3.access-key", "AKIAIOSFODNN7EXAMPLE"}, {"s3.secret-key", secret},
                             {"s3.session.token", "TOKEN-XYZ"}}),
                       fake_env(home.env({})));
  for (const std::string& line : settings.describe()) {
    EXPECT_EQ(line.find(secret), std::string::npos) << line;
    EXPECT_EQ(line.find("TOKEN-XYZ"), std::string::npos) << line;
    EXPECT_EQ(line.find("IOSFODNN"), std::string::npos) << line;
  }
  EXPECT_EQ(settings.describe().front(),
            "S3 credentials: access key AKIA… (with a session token) from s3.access-key (from -D) and "
            "s3.secret-key (from -D) with s3.session.token (from -D)");

  home.dir.write(".aws/credentials", "[default]\naws_secret_access_key = " + secret + "\ncredential_process = x\n");
  try {
    read_s3_settings(Configuration{}, fake_env(home.env({})));
    ADD_FAILURE() << "accepted";
  } catch (const CliError& error) {
    EXPECT_EQ(std::string(error.what()).find(secret), std::string::npos) << error.what();
  }
}

TEST(StorageS3Settings, SourcesCanBeExtended) {
  Home home;
  const Configuration config;
  const GetEnv env = fake_env(home.env({}));
  const AwsProfile profile = read_aws_profile(env);
  std::vector<CredentialSource> sources = default_credential_sources(config, env, profile);
  ASSERT_EQ(sources.size(), 6u);
  EXPECT_EQ(sources[0].name, "Flink configuration");
  EXPECT_EQ(sources[1].name, "environment");
  EXPECT_EQ(sources[3].name, "AWS profile 'default'");
  sources.pop_back();  // not the instance metadata service
  sources.push_back({"role", [](std::vector<std::string>&) {
                       return std::optional(SourcedCredentials{AwsCredentials("RK", "RS", "RT"), "a role"});
                     }});
  std::vector<std::string> notes;
  std::optional<SourcedCredentials> found;
  for (const auto& source : sources) {
    if ((found = source.resolve(notes))) break;
  }
  ASSERT_TRUE(found);
  EXPECT_EQ(found->origin, "a role");
}

}  // namespace
}  // namespace flinkcli::testing
