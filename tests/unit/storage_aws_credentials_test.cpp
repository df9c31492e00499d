// Temporary credentials over HTTP: the chain's order with the role-based sources, the answers of
// STS, the container endpoint and IMDS, the requests sent to them (an injected transport records
// them), refresh before expiry on an injected wall clock, each failure's one line and exit code,
// and S3 requests signed with what was fetched (FakeS3 sees the session token).
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "fake/fake_s3.hpp"
#include "fake/test_support.hpp"
#include "flinkcli/core/error.hpp"
#include "flinkcli/storage/aws_credential_providers.hpp"
#include "flinkcli/storage/s3_client.hpp"
#include "flinkcli/storage/s3_settings.hpp"

namespace flinkcli::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::system_clock;
using Env = std::map<std::string, std::string>;

constexpr const char* k_temp_secret = "tEMPsecretNEVERshownANYWHERE/0123456789";
constexpr const char* k_temp_token = "IQoJb3JpZ2luX2VjEXAMPLE-session-token";
constexpr const char* k_web_token = "eyJhbGciOiJSUzI1NiJ9.service-account-token";

GetEnv fake_env(const Env& values) {
  return [values](const std::string& name) -> std::optional<std::string> {
    auto found = values.find(name);
    if (found == values.end()) return std::nullopt;
    return found->second;
  };
}

const system_clock::time_point k_t0 = system_clock::time_point{} + std::chrono::hours(24 * 20000);  // 2024

std::string iso(system_clock::time_point time) {
  std::string text = amz_date(std::chrono::floor<std::chrono::seconds>(time));  // 20240101T000000Z
  return text.substr(0, 4) + "-" + text.substr(4, 2) + "-" + text.substr(6, 2) + "T" + text.substr(9, 2) + ":" +
         text.substr(11, 2) + ":" + text.substr(13, 2) + "Z";
}

std::string sts_answer(const std::string& key, system_clock::time_point expiry) {
  return "<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
         "<AssumeRoleWithWebIdentityResult><SubjectFromWebIdentityToken>sa</SubjectFromWebIdentityToken>"
         "<Credentials><AccessKeyId>" + key + "</AccessKeyId><SecretAccessKey>" + k_temp_secret +
         "</SecretAccessKey><SessionToken>" + k_temp_token + "</SessionToken><Expiration>" + iso(expiry) +
         "</Expiration></Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>";
}

std::string json_answer(const std::string& key, system_clock::time_point expiry) {
  return std::string("{\"Code\":\"Success\",\"AccessKeyId\":\"") + key + "\",\"SecretAccessKey\":\"" + k_temp_secret +
         "\",\"Token\":\"" + k_temp_token + "\",\"Expiration\":\"" + iso(expiry) + "\"}";
}

// Answers by URL path; records every request.
struct FakeServices {
  std::vector<CredentialHttpRequest> requests;
  std::function<CredentialHttpAnswer(const CredentialHttpRequest&)> answer;
  CredentialTransport transport() {
    return [this](const CredentialHttpRequest& request) {
      requests.push_back(request);
      return answer(request);
    };
  }
};

CredentialHttpAnswer ok(std::string body) { return {200, std::move(body), "", false}; }
CredentialHttpAnswer no_answer() { return {std::nullopt, "", "no connection within 1s", true}; }

std::string header(const CredentialHttpRequest& request, const std::string& name) {
  for (const auto& [key, value] : request.headers) {
    if (key == name) return value;
  }
  return "";
}

struct Home {
  TempDir dir;
  Env env(Env values) const {
    values.emplace("HOME", dir.path().string());
    return values;
  }
  std::string file(const std::string& name, const std::string& text) const {
    dir.write(name, text);
    return (dir.path() / name).string();
  }
};

// --- the chain ------------------------------------------------------------------------------------

TEST(StorageAwsCredentials, ChainOrder) {
  Home home;
  const std::string token_file = home.file("token", k_web_token);
  const Env web_identity = {{"AWS_WEB_IDENTITY_TOKEN_FILE", token_file}, {"AWS_ROLE_ARN", "arn:aws:iam::1:role/env"}};
  const Env container = {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/creds"}};
  auto merged = [](std::initializer_list<Env> parts) {
    Env all;
    for (const Env& part : parts) all.insert(part.begin(), part.end());
    return all;
  };
  const struct {
    std::string name;
    std::map<std::string, std::string> conf;
    Env env;
    std::string profile;  // ~/.aws/credentials
    std::string origin_start;  // "" : anonymous
  } cases[] = {
      {"Flink keys first", {{"s3.access-key", "K"}, {"s3.secret-key", "S"}}, merged({web_identity, container}), "",
       "s3.access-key"},
      {"environment keys before web identity", {}, merged({{{"AWS_ACCESS_KEY_ID", "K"}, {"AWS_SECRET_ACCESS_KEY", "S"}}, web_identity}),
       "", "AWS_ACCESS_KEY_ID"},
      {"web identity before the profile", {}, merged({web_identity, container}), "[default]\naws_access_key_id = P\naws_secret_access_key = S\n",
       "web identity (AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN), role arn:aws:iam::1:role/env through STS at "
       "https://sts.eu-west-1.amazonaws.com (the regional STS endpoint of eu-west-1)"},
      {"profile before container", {}, container, "[default]\naws_access_key_id = P\naws_secret_access_key = S\n",
       "aws_access_key_id and aws_secret_access_key of AWS profile 'default'"},
      {"container before instance metadata", {}, container, "", "container credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI) at http://127.0.0.1:1/creds"},
      {"container relative URI wins", {}, merged({container, {{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/x"}}}), "",
       "container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI) at http://169.254.170.2/v2/credentials/x"},
      {"instance metadata last", {}, {}, "", "instance metadata (IMDSv2 at http://169.254.169.254, default)"},
      {"instance metadata endpoint", {}, {{"AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://[::1]:9"}}, "",
       "instance metadata (IMDSv2 at http://[::1]:9, AWS_EC2_METADATA_SERVICE_ENDPOINT)"},
      {"instance metadata disabled: anonymous", {}, {{"AWS_EC2_METADATA_DISABLED", "TRUE"}}, "", ""},
      {"half web identity is skipped", {}, {{"AWS_ROLE_ARN", "arn:aws:iam::1:role/env"}, {"AWS_EC2_METADATA_DISABLED", "true"}}, "", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Home each;
    if (!c.profile.empty()) each.dir.write(".aws/credentials", c.profile);
    Configuration config;
    for (const auto& [key, value] : c.conf) config.set(key, value, "-D");
    Env env = each.env(c.env);
    env["AWS_REGION"] = "eu-west-1";
    const S3Settings settings = read_s3_settings(config, fake_env(env));
    if (c.origin_start.empty()) {
      EXPECT_TRUE(settings.anonymous());
      continue;
    }
    ASSERT_TRUE(settings.credentials);
    EXPECT_EQ(settings.credentials->origin.substr(0, c.origin_start.size()), c.origin_start) << settings.credentials->origin;
    for (const std::string& line : settings.describe()) EXPECT_EQ(line.find(k_web_token), std::string::npos) << line;
  }
}

TEST(StorageAwsCredentials, SourcesInOrder) {
  Home home;
  const GetEnv env = fake_env(home.env({}));
  const AwsProfile profile = read_aws_profile(env);
  const Configuration config;
  std::vector<std::string> names;
  for (const auto& source : default_credential_sources(config, env, profile)) names.push_back(source.name);
  EXPECT_EQ(names, (std::vector<std::string>{"Flink configuration", "environment", "web identity", "AWS profile 'default'",
                                             "container credentials", "instance metadata"}));
}

TEST(StorageAwsCredentials, ProfileWebIdentity) {
  Home home;
  const std::string token_file = home.file("t", k_web_token);
  home.dir.write(".aws/config", "[profile eks]\nweb_identity_token_file = " + token_file +
                                    "\nrole_arn = arn:aws:iam::1:role/p\nrole_session_name = mine\nregion = ap-south-1\n");
  const S3Settings settings = read_s3_settings(Configuration{}, fake_env(home.env({{"AWS_PROFILE", "eks"}})));
  ASSERT_TRUE(settings.credentials);
  ASSERT_TRUE(settings.credentials->refreshing);
  EXPECT_NE(settings.credentials->origin.find("web_identity_token_file and role_arn of AWS profile 'eks'"), std::string::npos)
      << settings.credentials->origin;
  EXPECT_NE(settings.credentials->origin.find("https://sts.ap-south-1.amazonaws.com"), std::string::npos);

  FakeServices sts;
  sts.answer = [](const CredentialHttpRequest&) { return ok(sts_answer("ASIAPROFILE", k_t0 + std::chrono::hours(1))); };
  CredentialFetchContext context;
  context.transport = sts.transport();
  context.wall_clock = [] { return k_t0; };
  auto credentials = settings.credentials->refreshing->current(context);
  ASSERT_TRUE(credentials);
  EXPECT_EQ(credentials->access_key_id(), "ASIAPROFILE");
  ASSERT_EQ(sts.requests.size(), 1u);
  EXPECT_NE(sts.requests[0].body.find("RoleSessionName=mine"), std::string::npos) << sts.requests[0].body;
}

TEST(StorageAwsCredentials, ProfileAssumeRoleIsSignedWithTheSourceProfilesKeys) {
  Home home;
  home.dir.write(".aws/config", "[profile deploy]\nrole_arn = arn:aws:iam::1:role/deployer\nsource_profile = base\n"
                                "external_id = ext-1\nrole_session_name = ci\n");
  home.dir.write(".aws/credentials", "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = base-secret\n");
  const S3Settings settings = read_s3_settings(
      Configuration{}, fake_env(home.env({{"AWS_PROFILE", "deploy"}, {"AWS_REGION", "eu-west-1"}})));
  ASSERT_TRUE(settings.credentials && settings.credentials->refreshing);
  EXPECT_EQ(settings.credentials->origin,
            "assume role (role_arn and source_profile of AWS profile 'deploy' (" + (home.dir.path() / ".aws/config").string() +
                ")), role arn:aws:iam::1:role/deployer with the keys of AWS profile 'base' through STS at "
                "https://sts.eu-west-1.amazonaws.com (the regional STS endpoint of eu-west-1)");
  FakeServices sts;
  sts.answer = [](const CredentialHttpRequest&) {
    std::string xml = sts_answer("ASIAROLE", k_t0 + std::chrono::hours(1));
    for (const char* name : {"AssumeRoleWithWebIdentityResponse", "AssumeRoleWithWebIdentityResult"}) {
      for (auto at = xml.find(name); at != std::string::npos; at = xml.find(name, at)) xml.replace(at, std::string(name).size(), "AssumeRoleResponse");
    }
    return ok(xml);
  };
  CredentialFetchContext context;
  context.transport = sts.transport();
  context.wall_clock = [] { return k_t0; };
  const auto credentials = settings.credentials->refreshing->current(context);
  ASSERT_TRUE(credentials);
  EXPECT_EQ(credentials->access_key_id(), "ASIAROLE");
  ASSERT_EQ(sts.requests.size(), 1u);
  const auto& request = sts.requests[0];
  EXPECT_EQ(request.url, "https://sts.eu-west-1.amazonaws.com");
  EXPECT_EQ(request.body,
            "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fdeployer&RoleSessionName=ci&ExternalId=ext-1");
  EXPECT_EQ(header(request, "x-amz-date"), amz_date(k_t0));
  // The same signature as the signer computes for what goes on the wire.
  SigningScope scope;
  scope.region = "eu-west-1";
  scope.service = "sts";
  scope.content_sha256_header = false;
  const SignedRequest expected = sign_request(
      {"POST", "/", {}, {{"Host", "sts.eu-west-1.amazonaws.com"}, {"Content-Type", request.content_type}}, sha256_hex(request.body)},
      AwsCredentials("AKIABASE", "base-secret"), scope, k_t0);
  EXPECT_EQ(header(request, "Authorization"), expected.authorization);
  EXPECT_NE(expected.authorization.find("Credential=AKIABASE/"), std::string::npos);
  EXPECT_NE(expected.authorization.find("/eu-west-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date,"), std::string::npos)
      << expected.authorization;
}

std::string assume_role_answer(const std::string& key, system_clock::time_point expiry) {
  std::string xml = sts_answer(key, expiry);
  for (const char* name : {"AssumeRoleWithWebIdentityResponse", "AssumeRoleWithWebIdentityResult"}) {
    for (auto at = xml.find(name); at != std::string::npos; at = xml.find(name, at)) xml.replace(at, std::string(name).size(), "AssumeRoleResponse");
  }
  return xml;
}

// A source profile that assumes a role itself: its role first (signed with the base keys), then
// the profile's role signed with those temporary credentials; and credential_source.
TEST(StorageAwsCredentials, ChainedRolesAndCredentialSource) {
  Home home;
  home.dir.write(".aws/config",
                 "[profile app]\nrole_arn = arn:aws:iam::1:role/app\nsource_profile = hub\n"
                 "[profile hub]\nrole_arn = arn:aws:iam::1:role/hub\nsource_profile = base\n"
                 "[profile ecs]\nrole_arn = arn:aws:iam::1:role/ecs\ncredential_source = EcsContainer\n"
                 "[profile node]\nrole_arn = arn:aws:iam::1:role/node\ncredential_source = Ec2InstanceMetadata\n");
  home.dir.write(".aws/credentials", "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = base-secret\n");
  const struct {
    std::string name;
    Env env;
    std::vector<std::string> signed_by;  // the key id of each STS request's signature, in order
    std::string origin_part;
  } cases[] = {
      {"chain", {{"AWS_PROFILE", "app"}}, {"AKIABASE", "ASIAFROMSTS1"},
       "role arn:aws:iam::1:role/app with the credentials of AWS profile 'hub' (assume role (role_arn and source_profile of "
       "AWS profile 'hub'"},
      // (Environment would give way to the environment source itself, which comes first.)
      {"EcsContainer", {{"AWS_PROFILE", "ecs"}, {"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9/c"}},
       {"ASIACONTAINER"}, "role arn:aws:iam::1:role/ecs with credential_source EcsContainer"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const S3Settings settings = read_s3_settings(Configuration{}, fake_env(home.env(c.env)));
    ASSERT_TRUE(settings.credentials && settings.credentials->refreshing);
    EXPECT_NE(settings.credentials->origin.find(c.origin_part), std::string::npos) << settings.credentials->origin;
    FakeServices sts;
    int issued = 0;
    sts.answer = [&](const CredentialHttpRequest& request) {
      if (request.method == "GET") return ok(json_answer("ASIACONTAINER", k_t0 + std::chrono::hours(1)));
      return ok(assume_role_answer("ASIAFROMSTS" + std::to_string(++issued), k_t0 + std::chrono::hours(1)));
    };
    CredentialFetchContext context;
    context.transport = sts.transport();
    context.wall_clock = [] { return k_t0; };
    const auto credentials = settings.credentials->refreshing->current(context);
    ASSERT_TRUE(credentials);
    EXPECT_EQ(credentials->access_key_id(), "ASIAFROMSTS" + std::to_string(c.signed_by.size()));
    std::vector<CredentialHttpRequest> posts;
    for (const auto& request : sts.requests) {
      if (request.method == "POST") posts.push_back(request);
    }
    ASSERT_EQ(posts.size(), c.signed_by.size());
    for (std::size_t i = 0; i < c.signed_by.size(); ++i) {
      EXPECT_NE(header(posts[i], "Authorization").find("Credential=" + c.signed_by[i] + "/"), std::string::npos);
      EXPECT_EQ(header(posts[i], "x-amz-security-token").empty(), c.signed_by[i].starts_with("AKIA"));
    }
  }
}

// --- what is sent and parsed ------------------------------------------------------------------------

TEST(StorageAwsCredentials, WebIdentityRequestIsUnsignedAndCarriesTheTokenFile) {
  Home home;
  const std::string token_file = home.file("token", std::string(k_web_token) + "\n");
  const Env env = home.env({{"AWS_WEB_IDENTITY_TOKEN_FILE", token_file},
                            {"AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/flink"},
                            {"AWS_ROLE_SESSION_NAME", "pipeline"},
                            {"AWS_ENDPOINT_URL_STS", "http://127.0.0.1:4567"}});
  const S3Settings settings = read_s3_settings(Configuration{}, fake_env(env));
  ASSERT_TRUE(settings.credentials && settings.credentials->refreshing);
  FakeServices sts;
  sts.answer = [](const CredentialHttpRequest&) { return ok(sts_answer("ASIATEMP", k_t0 + std::chrono::hours(1))); };
  CredentialFetchContext context;
  context.transport = sts.transport();
  context.wall_clock = [] { return k_t0; };
  const auto credentials = settings.credentials->refreshing->current(context);
  ASSERT_TRUE(credentials);
  EXPECT_EQ(credentials->access_key_id(), "ASIATEMP");
  EXPECT_EQ(credentials->secret_access_key(), k_temp_secret);
  EXPECT_EQ(credentials->session_token(), std::optional<std::string>(k_temp_token));
  ASSERT_EQ(sts.requests.size(), 1u);
  const auto& request = sts.requests[0];
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url, "http://127.0.0.1:4567");
  EXPECT_EQ(header(request, "Authorization"), "");
  EXPECT_EQ(request.content_type, "application/x-www-form-urlencoded; charset=utf-8");
  EXPECT_EQ(request.body,
            "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fflink"
            "&RoleSessionName=pipeline&WebIdentityToken=" + uri_encode(k_web_token, false));
}

TEST(StorageAwsCredentials, StsEndpoint) {
  EXPECT_EQ(sts_endpoint(fake_env({}), "eu-central-1"),
            std::make_pair(std::string("https://sts.eu-central-1.amazonaws.com"), std::string("the regional STS endpoint of eu-central-1")));
  EXPECT_EQ(sts_endpoint(fake_env({{"AWS_ENDPOINT_URL", "http://all:1"}}), "x").first, "http://all:1");
  EXPECT_EQ(sts_endpoint(fake_env({{"AWS_ENDPOINT_URL", "http://all:1"}, {"AWS_ENDPOINT_URL_STS", "http://sts:2"}}), "x"),
            std::make_pair(std::string("http://sts:2"), std::string("AWS_ENDPOINT_URL_STS")));
}

TEST(StorageAwsCredentials, ParseStsCredentials) {
  const FetchedCredentials fetched = parse_sts_credentials(sts_answer("ASIA1", k_t0));
  EXPECT_EQ(fetched.credentials.access_key_id(), "ASIA1");
  EXPECT_EQ(fetched.expiration, k_t0);
  const struct {
    std::string name, xml;
  } bad[] = {
      {"empty", ""},
      {"an error", "<ErrorResponse><Error><Code>AccessDenied</Code></Error></ErrorResponse>"},
      {"no token", "<Credentials><AccessKeyId>A</AccessKeyId><SecretAccessKey>S</SecretAccessKey><Expiration>2024-01-01T00:00:00Z</Expiration></Credentials>"},
      {"no expiry", "<Credentials><AccessKeyId>A</AccessKeyId><SecretAccessKey>S</SecretAccessKey><SessionToken>T</SessionToken></Credentials>"},
      {"bad expiry", "<Credentials><AccessKeyId>A</AccessKeyId><SecretAccessKey>S</SecretAccessKey><SessionToken>T</SessionToken><Expiration>soon</Expiration></Credentials>"},
      {"empty key", "<Credentials><AccessKeyId/><SecretAccessKey>S</SecretAccessKey><SessionToken>T</SessionToken><Expiration>2024-01-01T00:00:00Z</Expiration></Credentials>"},
  };
  for (const auto& c : bad) {
    SCOPED_TRACE(c.name);
    EXPECT_THROW(parse_sts_credentials(c.xml), std::invalid_argument);
  }
}

TEST(StorageAwsCredentials, ParseJsonCredentials) {
  const FetchedCredentials fetched = parse_json_credentials(json_answer("ASIA2", k_t0));
  EXPECT_EQ(fetched.credentials.access_key_id(), "ASIA2");
  EXPECT_EQ(fetched.credentials.session_token(), std::optional<std::string>(k_temp_token));
  EXPECT_EQ(fetched.expiration, k_t0);
  // ECS answers without Code; a long-lived pair without Token or Expiration is accepted.
  const FetchedCredentials plain = parse_json_credentials(R"({"AccessKeyId":"A","SecretAccessKey":"S"})");
  EXPECT_FALSE(plain.expiration);
  EXPECT_FALSE(plain.credentials.session_token());
  for (const std::string bad : {"", "[]", "not json", R"({"Code":"Failure","AccessKeyId":"A","SecretAccessKey":"S"})",
                                R"({"AccessKeyId":"A"})", R"({"AccessKeyId":1,"SecretAccessKey":"S"})",
                                R"({"AccessKeyId":"A","SecretAccessKey":"S","Expiration":"tomorrow"})"}) {
    SCOPED_TRACE(bad);
    EXPECT_THROW(parse_json_credentials(bad), std::invalid_argument);
  }
}

TEST(StorageAwsCredentials, ContainerRequestCarriesTheAuthorizationToken) {
  Home home;
  const std::string token_file = home.file("auth", "from-the-file\n");
  const struct {
    std::string name;
    Env env;
    std::string url, authorization;
  } cases[] = {
      {"relative, no token", {{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc"}},
       "http://169.254.170.2/v2/credentials/abc", ""},
      {"full with token", {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials"},
                           {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "from-the-variable"}},
       "http://169.254.170.23/v1/credentials", "from-the-variable"},
      {"the token file wins", {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://[fd00:ec2::23]/v1/credentials"},
                               {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "from-the-variable"},
                               {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token_file}},
       "http://[fd00:ec2::23]/v1/credentials", "from-the-file"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const S3Settings settings = read_s3_settings(Configuration{}, fake_env(home.env(c.env)));
    ASSERT_TRUE(settings.credentials && settings.credentials->refreshing);
    FakeServices container;
    container.answer = [](const CredentialHttpRequest&) { return ok(json_answer("ASIACONTAINER", k_t0 + std::chrono::hours(6))); };
    CredentialFetchContext context;
    context.transport = container.transport();
    context.wall_clock = [] { return k_t0; };
    const auto credentials = settings.credentials->refreshing->current(context);
    ASSERT_TRUE(credentials);
    EXPECT_EQ(credentials->access_key_id(), "ASIACONTAINER");
    ASSERT_EQ(container.requests.size(), 1u);
    EXPECT_EQ(container.requests[0].method, "GET");
    EXPECT_EQ(container.requests[0].url, c.url);
    EXPECT_EQ(header(container.requests[0], "Authorization"), c.authorization);
  }
}

TEST(StorageAwsCredentials, ContainerHostsAllowed) {
  for (const std::string allowed : {"http://127.0.0.1:8080/c", "http://127.1.2.3/c", "http://localhost/c", "http://[::1]:80/c",
                                    "http://169.254.170.2/c", "http://169.254.170.23/c", "http://[fd00:ec2::23]/c",
                                    "https://creds.example.com/c"}) {
    SCOPED_TRACE(allowed);
    EXPECT_NO_THROW(check_container_uri(allowed, "AWS_CONTAINER_CREDENTIALS_FULL_URI"));
  }
  for (const std::string refused : {"http://169.254.169.254/c", "http://example.com/c", "http://10.0.0.1/c", "ftp://127.0.0.1/c",
                                    "127.0.0.1/c", "http://[fd00:ec2::24]/c"}) {
    SCOPED_TRACE(refused);
    EXPECT_THROW(check_container_uri(refused, "AWS_CONTAINER_CREDENTIALS_FULL_URI"), CliError);
  }
}

TEST(StorageAwsCredentials, InstanceMetadataTokenThenRoleThenCredentials) {
  FakeServices imds;
  imds.answer = [](const CredentialHttpRequest& request) -> CredentialHttpAnswer {
    if (request.url.ends_with("/latest/api/token")) return ok("imds-session-token");
    if (header(request, "X-aws-ec2-metadata-token") != "imds-session-token") return {401, "", "", false};
    if (request.url.ends_with("/security-credentials/")) return ok("flink-node-role\n");
    if (request.url.ends_with("/security-credentials/flink-node-role")) return ok(json_answer("ASIAIMDS", k_t0 + std::chrono::hours(6)));
    return {404, "", "", false};
  };
  InstanceMetadataConfig config;
  config.endpoint = "http://127.0.0.1:1/";
  RefreshingCredentials provider("instance metadata", instance_metadata_fetch(config));
  CredentialFetchContext context;
  context.transport = imds.transport();
  context.wall_clock = [] { return k_t0; };
  const auto credentials = provider.current(context);
  ASSERT_TRUE(credentials);
  EXPECT_EQ(credentials->access_key_id(), "ASIAIMDS");
  ASSERT_EQ(imds.requests.size(), 3u);
  EXPECT_EQ(imds.requests[0].method, "PUT");
  EXPECT_EQ(imds.requests[0].url, "http://127.0.0.1:1/latest/api/token");
  EXPECT_EQ(header(imds.requests[0], "X-aws-ec2-metadata-token-ttl-seconds"), "21600");
  EXPECT_EQ(imds.requests[2].url, "http://127.0.0.1:1/latest/meta-data/iam/security-credentials/flink-node-role");
  for (const auto& request : imds.requests) EXPECT_EQ(request.timeout, milliseconds(1000));
}

TEST(StorageAwsCredentials, InstanceMetadataNotThereIsAnonymousWithinItsTimeout) {
  FakeServices imds;
  imds.answer = [](const CredentialHttpRequest&) { return no_answer(); };
  RefreshingCredentials provider("instance metadata", instance_metadata_fetch({}));
  CredentialFetchContext context;
  context.transport = imds.transport();
  EXPECT_FALSE(provider.current(context));
  EXPECT_FALSE(provider.current(context));  // asked once
  EXPECT_EQ(imds.requests.size(), 1u);
  EXPECT_EQ(provider.fetches(), 1);
}

TEST(StorageAwsCredentials, AtTheDefaultAddressAnyInstanceMetadataFailureIsAnonymous) {
  const struct {
    std::string name;
    std::function<CredentialHttpAnswer(const CredentialHttpRequest&)> answer;
  } cases[] = {
      {"something else answers 403", [](const CredentialHttpRequest&) { return CredentialHttpAnswer{403, "", "", false}; }},
      {"no role", [](const CredentialHttpRequest& request) {
         return request.method == "PUT" ? ok("t") : CredentialHttpAnswer{404, "", "", false};
       }},
      {"not credentials", [](const CredentialHttpRequest& request) {
         return request.method == "PUT" ? ok("t") : ok(request.url.ends_with("/") ? "role" : "<html/>");
       }},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    RefreshingCredentials provider("instance metadata", instance_metadata_fetch({}));
    CredentialFetchContext context;
    context.transport = c.answer;
    EXPECT_FALSE(provider.current(context));
  }
}

// --- refresh ------------------------------------------------------------------------------------------

TEST(StorageAwsCredentials, RefreshedBeforeExpiry) {
  system_clock::time_point now = k_t0;
  int issued = 0;
  RefreshingCredentials provider("a test", [&](const CredentialFetchContext&) -> std::optional<FetchedCredentials> {
    ++issued;
    return FetchedCredentials{AwsCredentials("ASIA" + std::to_string(issued), "s", "t"), now + std::chrono::hours(1), ""};
  });
  CredentialFetchContext context;
  context.wall_clock = [&] { return now; };
  const struct {
    minutes at;
    std::string key;
  } steps[] = {
      {minutes(0), "ASIA1"},  {minutes(30), "ASIA1"}, {minutes(54), "ASIA1"},
      // 5 minutes before the hour is up: fetched again, valid for an hour from then
      {minutes(55), "ASIA2"}, {minutes(100), "ASIA2"}, {minutes(111), "ASIA3"},
  };
  for (const auto& step : steps) {
    SCOPED_TRACE(step.at.count());
    now = k_t0 + step.at;
    EXPECT_EQ(provider.current(context)->access_key_id(), step.key);
  }
  provider.invalidate();
  EXPECT_EQ(provider.current(context)->access_key_id(), "ASIA4");
}

TEST(StorageAwsCredentials, AFailedFetchIsNotRepeatedByTheRequestsWaitingForIt) {
  int calls = 0;
  RefreshingCredentials provider("a test", [&](const CredentialFetchContext&) -> std::optional<FetchedCredentials> {
    ++calls;
    throw CliError(ErrorClass::storage_access, "refused");
  });
  CredentialFetchContext context;
  EXPECT_THROW(provider.current(context), CliError);
  EXPECT_THROW(provider.current(context), CliError);
  EXPECT_EQ(calls, 1);
  provider.invalidate();
  EXPECT_THROW(provider.current(context), CliError);
  EXPECT_EQ(calls, 2);
}

TEST(StorageAwsCredentials, ShortLivedCredentialsRefreshAtHalfTheirLifetime) {
  system_clock::time_point now = k_t0;
  int issued = 0;
  RefreshingCredentials provider("a test", [&](const CredentialFetchContext&) -> std::optional<FetchedCredentials> {
    ++issued;
    return FetchedCredentials{AwsCredentials("K" + std::to_string(issued), "s", "t"), now + minutes(4), ""};
  });
  CredentialFetchContext context;
  context.wall_clock = [&] { return now; };
  EXPECT_EQ(provider.current(context)->access_key_id(), "K1");
  now += minutes(1);
  EXPECT_EQ(provider.current(context)->access_key_id(), "K1");
  now += minutes(1);
  EXPECT_EQ(provider.current(context)->access_key_id(), "K2");
}

// --- failures: one line, the source named, the right exit code, no secret -----------------------------

TEST(StorageAwsCredentials, FailuresNameTheirSource) {
  Home home;
  const std::string token_file = home.file("token", k_web_token);
  const std::string empty_file = home.file("empty", "");
  const Env web = {{"AWS_WEB_IDENTITY_TOKEN_FILE", token_file}, {"AWS_ROLE_ARN", "arn:aws:iam::1:role/r"}};
  const Env container = {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9/c"},
                         {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "container-auth-token"}};
  const struct {
    std::string name;
    Env env;
    std::string profile;  // ~/.aws/config
    std::function<CredentialHttpAnswer(const CredentialHttpRequest&)> answer;
    ErrorClass error_class;
    std::string message_part;
  } cases[] = {
      {"missing token file", {{"AWS_WEB_IDENTITY_TOKEN_FILE", home.dir.path().string() + "/nope"}, {"AWS_ROLE_ARN", "r"}}, "", nullptr,
       ErrorClass::config, "web identity (AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN): the token file"},
      {"empty token file", {{"AWS_WEB_IDENTITY_TOKEN_FILE", empty_file}, {"AWS_ROLE_ARN", "r"}}, "",
       [](const CredentialHttpRequest&) { return ok(""); }, ErrorClass::config, "is empty"},
      {"profile token file without role", {}, "[default]\nweb_identity_token_file = " + token_file + "\n", nullptr, ErrorClass::config,
       "has web_identity_token_file without role_arn"},
      {"STS refuses the token", web, "",
       [](const CredentialHttpRequest&) {
         return CredentialHttpAnswer{403,
                                     "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code>"
                                     "<Message>Incorrect token audience</Message></Error></ErrorResponse>",
                                     "", false};
       },
       ErrorClass::storage_access,
       "web identity (AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN): STS at sts.us-east-1.amazonaws.com:443 (the regional STS "
       "endpoint of us-east-1) refused AssumeRoleWithWebIdentity for role arn:aws:iam::1:role/r (InvalidIdentityToken: "
       "Incorrect token audience)"},
      {"STS unreachable", web, "", [](const CredentialHttpRequest&) { return no_answer(); }, ErrorClass::unreachable,
       "web identity (AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN): no answer from STS"},
      {"STS answers nonsense", web, "", [](const CredentialHttpRequest&) { return ok("<html/>"); }, ErrorClass::protocol,
       "with something that is not STS's"},
      {"container host not allowed", {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://192.168.1.1/creds"}}, "", nullptr,
       ErrorClass::config, "container credentials: AWS_CONTAINER_CREDENTIALS_FULL_URI points at 192.168.1.1, which is not allowed"},
      {"container token file missing", {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1/c"},
                                        {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/nonexistent/token"}}, "", nullptr,
       ErrorClass::config, "(AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE) does not exist"},
      {"container refuses the token", container, "", [](const CredentialHttpRequest&) { return CredentialHttpAnswer{401, "no", "", false}; },
       ErrorClass::storage_access,
       "container credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI): the container credentials endpoint at 127.0.0.1:9 refused the "
       "request (HTTP 401); check AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE)"},
      {"container unreachable", container, "", [](const CredentialHttpRequest&) { return no_answer(); }, ErrorClass::unreachable,
       "container credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI): no answer from the container credentials endpoint"},
      {"instance without a role", {{"AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://169.254.169.254"}}, "",
       [](const CredentialHttpRequest& request) {
         return request.method == "PUT" ? ok("t") : CredentialHttpAnswer{404, "", "", false};
       },
       ErrorClass::storage_access,
       "instance metadata (IMDSv2 at http://169.254.169.254, AWS_EC2_METADATA_SERVICE_ENDPOINT): this instance has no IAM role"},
      {"IMDS refuses the token", {{"AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1"}}, "", [](const CredentialHttpRequest&) { return CredentialHttpAnswer{403, "", "", false}; },
       ErrorClass::storage_access, "refused a session token"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Home each;
    if (!c.profile.empty()) each.dir.write(".aws/config", c.profile);
    try {
      const S3Settings settings = read_s3_settings(Configuration{}, fake_env(each.env(c.env)));
      ASSERT_TRUE(settings.credentials && settings.credentials->refreshing);
      ASSERT_TRUE(c.answer) << "accepted: " << settings.credentials->origin;
      FakeClock clock;
      CredentialFetchContext context;
      context.clock = &clock;
      context.deadline = clock.now() + std::chrono::seconds(60);
      context.transport = c.answer;
      settings.credentials->refreshing->current(context);
      ADD_FAILURE() << "no error";
    } catch (const CliError& error) {
      const std::string message = error.what();
      EXPECT_EQ(error.error_class(), c.error_class) << message;
      EXPECT_NE(message.find(c.message_part), std::string::npos) << message;
      EXPECT_EQ(message.find('\n'), std::string::npos) << message;
      for (const char* secret : {k_web_token, "container-auth-token", k_temp_secret, k_temp_token}) {
        EXPECT_EQ(message.find(secret), std::string::npos) << message;
        EXPECT_EQ(error.detail().find(secret), std::string::npos) << error.detail();
      }
    }
  }
}

// --- S3 requests signed with fetched credentials -------------------------------------------------------

TEST(StorageAwsCredentials, S3RequestsAreSignedWithTheFetchedCredentialsAndRefreshed) {
  FakeS3 s3;
  s3.put("flink-state", "a", "x");
  system_clock::time_point now = k_t0;
  int issued = 0;
  S3Settings settings;
  settings.region = {"us-east-1", "the test"};
  settings.endpoint = SourcedValue{s3.endpoint(), "the test's endpoint"};
  settings.credentials = SourcedCredentials{
      AwsCredentials("", ""), "a role",
      std::make_shared<RefreshingCredentials>("a role", [&](const CredentialFetchContext&) -> std::optional<FetchedCredentials> {
        ++issued;
        return FetchedCredentials{AwsCredentials("ASIA" + std::to_string(issued), k_temp_secret, k_temp_token), now + std::chrono::hours(1), ""};
      })};
  // The fake answers ExpiredToken once, for the third request.
  s3.intercept = [](const FakeS3Request&, int index) -> std::optional<FakeS3Reply> {
    if (index == 2) return s3_error_reply(400, "ExpiredToken", "The provided token has expired.");
    return std::nullopt;
  };
  FakeClock clock;
  S3Client client(settings, clock, clock.now() + std::chrono::seconds(60), milliseconds(10000), {}, [&] { return now; });
  EXPECT_TRUE(client.head("flink-state", "a"));
  now += minutes(56);
  EXPECT_TRUE(client.head("flink-state", "a"));
  EXPECT_EQ(client.get("flink-state", "a", std::nullopt, 10), "x");  // ExpiredToken, fetched anew, retried
  const auto requests = s3.requests();
  ASSERT_EQ(requests.size(), 4u);
  const std::string keys[] = {"ASIA1", "ASIA2", "ASIA2", "ASIA3"};
  for (std::size_t i = 0; i < requests.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_NE(requests[i].header("Authorization").find("Credential=" + keys[i] + "/"), std::string::npos)
        << requests[i].header("Authorization");
    EXPECT_EQ(requests[i].header("x-amz-security-token"), k_temp_token);
  }
}

TEST(StorageAwsCredentials, NoInstanceMetadataMeansAnonymousRequests) {
  FakeS3 s3;
  s3.put("flink-state", "a", "x");
  S3Settings settings;
  settings.region = {"us-east-1", "the test"};
  settings.endpoint = SourcedValue{s3.endpoint(), "the test's endpoint"};
  SourcedCredentials imds{AwsCredentials("", ""), "instance metadata",
                          std::make_shared<RefreshingCredentials>("instance metadata", instance_metadata_fetch({}))};
  imds.may_be_absent = true;
  settings.credentials = imds;
  settings.credential_transport = [](const CredentialHttpRequest&) { return no_answer(); };
  FakeClock clock;
  S3Client client(settings, clock, clock.now() + std::chrono::seconds(60), milliseconds(10000));
  EXPECT_TRUE(client.head("flink-state", "a"));
  s3.intercept = [](const FakeS3Request&, int) -> std::optional<FakeS3Reply> { return s3_error_reply(403, "AccessDenied", "no"); };
  try {
    client.get("flink-state", "a", std::nullopt, 10);
    ADD_FAILURE() << "no error";
  } catch (const CliError& error) {
    EXPECT_EQ(error.exit_code(), 17);
    EXPECT_NE(std::string(error.what()).find("the request was anonymous"), std::string::npos) << error.what();
  }
  EXPECT_EQ(s3.requests().front().header("Authorization"), "");
}

}  // namespace
}  // namespace flinkcli::testing
