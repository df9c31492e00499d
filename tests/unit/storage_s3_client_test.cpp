// S3Client through the real http layer against loopback fakes: addressing, what each answer
// means (objects, S3's XML errors, pages that never end, answers that are not S3), retries of
// throttling and resets within their bounds, what every request carries (SigV4 re-computed from
// the bytes on the wire, Content-MD5, Range), and that the secret is in no error.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "fake/fake_s3.hpp"
#include "fake/raw_server.hpp"
#include "fake/test_support.hpp"
#include "flinkcli/core/error.hpp"
#include "flinkcli/storage/s3_client.hpp"
#include "flinkcli/storage/sigv4.hpp"

namespace flinkcli::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

// Distinctive, so that finding it anywhere in an error is certain to be a leak.
constexpr const char* k_secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYzzSECRETzz";
constexpr const char* k_key_id = "AKIDEXAMPLE";
constexpr const char* k_bucket = "flink-state";

S3Settings settings_for(const std::string& endpoint, bool credentials = true,
                        std::optional<std::string> token = std::nullopt) {
  S3Settings settings;
  if (credentials) settings.credentials = SourcedCredentials{AwsCredentials(k_key_id, k_secret, token), "the test's keys"};
  settings.region = {"us-east-1", "the test"};
  if (!endpoint.empty()) settings.endpoint = SourcedValue{endpoint, "the test's endpoint"};
  return settings;
}

// --- s3_address ----------------------------------------------------------------------------------

TEST(StorageS3Address, EndpointForms) {
  const struct {
    std::string endpoint;
    std::string bucket;
    bool path_style_access;
    std::string scheme, host;
    int port;
    bool path_style;
  } cases[] = {
      {"http://127.0.0.1:9000", "flink-state", false, "http", "127.0.0.1", 9000, true},
      {"http://127.0.0.1:9000/", "flink-state", false, "http", "127.0.0.1", 9000, true},
      {"https://s3.example.com", "flink-state", false, "https", "flink-state.s3.example.com", 443, false},
      {"HTTPS://S3.Example.COM:8443", "flink-state", false, "https", "flink-state.s3.example.com", 8443, false},
      {"s3.example.com", "flink-state", false, "https", "flink-state.s3.example.com", 443, false},
      {"s3.example.com:9000", "flink-state", false, "https", "flink-state.s3.example.com", 9000, false},
      {"http://s3.example.com", "flink-state", false, "http", "flink-state.s3.example.com", 80, false},
      {"  http://minio:9000  ", "flink-state", false, "http", "flink-state.minio", 9000, false},
      {"http://[::1]:9000", "flink-state", false, "http", "::1", 9000, true},
      {"http://[::1]", "flink-state", false, "http", "::1", 80, true},
      {"http://localhost:9000", "flink-state", false, "http", "localhost", 9000, true},
      {"http://LOCALHOST:9000", "flink-state", false, "http", "localhost", 9000, true},
      // a dot would not match the endpoint's wildcard certificate
      {"https://s3.example.com", "my.bucket", false, "https", "s3.example.com", 443, true},
      {"http://s3.example.com", "my.bucket", false, "http", "my.bucket.s3.example.com", 80, false},
      // not a host name label
      {"https://s3.example.com", "My-Bucket", false, "https", "s3.example.com", 443, true},
      {"https://s3.example.com", "my_bucket", false, "https", "s3.example.com", 443, true},
      {"https://s3.example.com", "ab", false, "https", "s3.example.com", 443, true},
      {"https://s3.example.com", "-bucket", false, "https", "s3.example.com", 443, true},
      {"https://s3.example.com", std::string(64, 'a'), false, "https", "s3.example.com", 443, true},
      // configured
      {"https://s3.example.com", "flink-state", true, "https", "s3.example.com", 443, true},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.endpoint + " " + c.bucket);
    S3Settings settings = settings_for(c.endpoint);
    settings.path_style_access = c.path_style_access;
    const S3Address address = s3_address(settings, c.bucket);
    EXPECT_EQ(address.endpoint.scheme, c.scheme);
    EXPECT_EQ(address.endpoint.host, c.host);
    EXPECT_EQ(address.endpoint.port, c.port);
    EXPECT_EQ(address.path_style, c.path_style);
    EXPECT_EQ(address.path_prefix, c.path_style ? "/" + c.bucket : "");
  }
}

TEST(StorageS3Address, AwsEndpointOfTheRegion) {
  S3Settings settings = settings_for("");
  settings.region = {"eu-central-1", "AWS_REGION"};
  const S3Address address = s3_address(settings, "flink-state");
  EXPECT_EQ(address.endpoint.url(), "https://flink-state.s3.eu-central-1.amazonaws.com:443");
  EXPECT_FALSE(address.path_style);
  const S3Address dotted = s3_address(settings, "flink.state");
  EXPECT_EQ(dotted.endpoint.url(), "https://s3.eu-central-1.amazonaws.com:443");
  EXPECT_EQ(dotted.path_prefix, "/flink.state");
}

TEST(StorageS3Address, BadEndpointsAreConfigErrors) {
  for (const std::string endpoint :
       {"http://127.0.0.1:9000/x", "http://h/path/", "ftp://h", "file:///tmp", "http://", "http://:9000", "http://h:",
        "http://h:abc", "http://h:99999", "http://h:123456", "http://h:-1", "http://[::1", "http://[::1]:",
        "http://[::1]:abc", "http://[::1]:99999", "http://[::1]x", "http://[]:9000"}) {
    SCOPED_TRACE(endpoint);
    try {
      const S3Address address = s3_address(settings_for(endpoint), k_bucket);
      ADD_FAILURE() << "accepted as " << address.endpoint.url();
    } catch (const CliError& error) {
      EXPECT_EQ(error.error_class(), ErrorClass::config) << error.what();
      EXPECT_NE(std::string(error.what()).find("S3 endpoint"), std::string::npos) << error.what();
    } catch (const std::exception& other) {
      ADD_FAILURE() << "not a CliError: " << other.what();
    }
  }
}

// --- the client against fakes --------------------------------------------------------------------

std::string hex(const unsigned char* data, std::size_t size) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < size; ++i) {
    out += digits[data[i] >> 4];
    out += digits[data[i] & 15];
  }
  return out;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(text);
  while (std::getline(in, part, separator)) parts.push_back(part);
  return parts;
}

std::string trimmed(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  return text.substr(begin, text.find_last_not_of(" \t") - begin + 1);
}

// Re-computes the signature from the request as it arrived: the path and query exactly as sent
// (so what was signed is what was sent), the signed headers' values as received, the payload hash
// of the body received. Only the key derivation and HMAC are the project's (checked against
// AWS's vectors in storage_sigv4_test.cpp).
void expect_valid_signature(const FakeS3Request& request, const std::string& secret = k_secret,
                            const std::string& region = "us-east-1") {
  SCOPED_TRACE(request.method + " " + request.target);
  const std::string authorization = request.header("Authorization");
  ASSERT_EQ(authorization.rfind("AWS4-HMAC-SHA256 Credential=", 0), 0u) << authorization;
  const auto signed_at = authorization.find(", SignedHeaders=");
  const auto signature_at = authorization.find(", Signature=");
  ASSERT_NE(signed_at, std::string::npos);
  ASSERT_NE(signature_at, std::string::npos);
  const std::string credential = authorization.substr(28, signed_at - 28);
  const std::string signed_headers = authorization.substr(signed_at + 16, signature_at - signed_at - 16);
  const std::string signature = authorization.substr(signature_at + 12);
  const std::vector<std::string> scope = split(credential, '/');
  ASSERT_EQ(scope.size(), 5u) << credential;
  EXPECT_EQ(scope[0], k_key_id);
  EXPECT_EQ(scope[2], region);
  EXPECT_EQ(scope[3], "s3");
  EXPECT_EQ(scope[4], "aws4_request");

  const std::vector<std::string> names = split(signed_headers, ';');
  const std::set<std::string> name_set(names.begin(), names.end());
  EXPECT_TRUE(name_set.count("host")) << signed_headers;
  EXPECT_TRUE(name_set.count("x-amz-date")) << signed_headers;
  EXPECT_TRUE(name_set.count("x-amz-content-sha256")) << signed_headers;
  EXPECT_FALSE(name_set.count("user-agent")) << signed_headers;
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end())) << signed_headers;
  EXPECT_EQ(request.header("x-amz-content-sha256"), sha256_hex(request.body));
  const std::string amz_date_value = request.header("x-amz-date");
  ASSERT_EQ(amz_date_value.size(), 16u);
  EXPECT_EQ(amz_date_value.substr(0, 8), scope[1]);

  const auto question = request.target.find('?');
  const std::string path = request.target.substr(0, question);
  std::vector<std::string> query;
  if (question != std::string::npos) {
    for (std::string pair : split(request.target.substr(question + 1), '&')) {
      if (pair.find('=') == std::string::npos) pair += "=";
      query.push_back(pair);
    }
  }
  std::sort(query.begin(), query.end());
  std::string canonical = request.method + "\n" + path + "\n";
  for (std::size_t i = 0; i < query.size(); ++i) canonical += (i ? "&" : "") + query[i];
  canonical += "\n";
  for (const std::string& name : names) {
    ASSERT_TRUE(request.has_header(name)) << name << " is signed but was not sent";
    canonical += name + ":" + trimmed(request.header(name)) + "\n";
  }
  canonical += "\n" + signed_headers + "\n" + sha256_hex(request.body);
  SigningScope signing_scope;
  signing_scope.region = region;
  const std::string to_sign = string_to_sign(amz_date_value, credential_scope(scope[1], signing_scope), canonical);
  const auto key = signing_key(secret, scope[1], signing_scope);
  const auto mac = hmac_sha256(std::string_view(reinterpret_cast<const char*>(key.data()), key.size()), to_sign);
  EXPECT_EQ(signature, hex(mac.data(), mac.size())) << canonical;
}

class S3ClientTest : public ::testing::Test {
 protected:
  std::unique_ptr<S3Client> client(const std::string& endpoint, S3ClientLimits limits = {},
                                   milliseconds deadline = milliseconds(5000), milliseconds request_timeout = milliseconds(2000),
                                   std::optional<S3Settings> settings = std::nullopt) {
    return std::make_unique<S3Client>(settings ? std::move(*settings) : settings_for(endpoint), clock, clock.now() + deadline,
                                      request_timeout, limits);
  }
  // The same on the fake clock: retries sleep on it, and the deadline is on it.
  std::unique_ptr<S3Client> client_on_fake_clock(const std::string& endpoint, S3ClientLimits limits, milliseconds deadline) {
    return std::make_unique<S3Client>(settings_for(endpoint), fake_clock, fake_clock.now() + deadline, milliseconds(2000),
                                      limits);
  }

  // Runs `action`, which must throw a CliError of `expected`, whose message has every one of
  // `needles`; and never the secret, in the message or the detail.
  CliError expect_error(const std::function<void()>& action, ErrorClass expected, const std::vector<std::string>& needles = {}) {
    try {
      action();
    } catch (const CliError& error) {
      const std::string what = error.what();
      EXPECT_EQ(error.error_class(), expected) << error_class_name(error.error_class()) << ": " << what;
      for (const std::string& needle : needles) EXPECT_NE(what.find(needle), std::string::npos) << needle << " in: " << what;
      EXPECT_EQ(what.find(k_secret), std::string::npos) << what;
      EXPECT_EQ(error.detail().find(k_secret), std::string::npos) << error.detail();
      EXPECT_EQ(what.find('\n'), std::string::npos) << "one line: " << what;
      return error;
    } catch (const std::exception& other) {
      ADD_FAILURE() << "not a CliError: " << other.what();
      return CliError(ErrorClass::usage, "none");
    }
    ADD_FAILURE() << "no error";
    return CliError(ErrorClass::usage, "none");
  }

  SystemClock clock;
  FakeClock fake_clock;
};

TEST_F(S3ClientTest, HeadGivesSizeAndTime) {
  FakeS3 s3;
  s3.put(k_bucket, "sp/_metadata", std::string(1234, 'm'));
  auto s3_client = client(s3.endpoint());
  const auto info = s3_client->head(k_bucket, "sp/_metadata");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->size, 1234u);
  ASSERT_TRUE(info->modified);
  EXPECT_EQ(*info->modified, std::chrono::sys_days{std::chrono::year{2024} / 5 / 6} + std::chrono::hours{7} +
                                 std::chrono::minutes{8} + std::chrono::seconds{9});
  EXPECT_FALSE(s3_client->head(k_bucket, "sp/missing"));
  EXPECT_FALSE(s3_client->head("no-such-bucket", "sp/_metadata"));  // HEAD can't tell; no object either way
  const auto requests = s3.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].method, "HEAD");
  EXPECT_EQ(requests[0].target, "/flink-state/sp/_metadata");
  for (const auto& request : requests) expect_valid_signature(request);
}

TEST_F(S3ClientTest, KeysAreEncodedOnceOnTheWire) {
  FakeS3 s3;
  const std::string key = "sp/a b+c%20~d/caf\xC3\xA9&x=y?z#";
  s3.put(k_bucket, key, "bytes");
  auto s3_client = client(s3.endpoint());
  EXPECT_EQ(s3_client->get(k_bucket, key, std::nullopt, 100), "bytes");
  const auto requests = s3.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].target, "/flink-state/sp/a%20b%2Bc%2520~d/caf%C3%A9%26x%3Dy%3Fz%23");
  expect_valid_signature(requests[0]);
}

TEST_F(S3ClientTest, HeadOfSomethingThatIsNotS3) {
  RawServer server([](const RawRequest&, int) { return RawAction::http(200, "", "text/html"); });
  auto s3_client = client("http://" + server.address());
  expect_error([&] { s3_client->head(k_bucket, "sp/_metadata"); }, ErrorClass::protocol,
               {"HeadObject", "s3://flink-state/sp/_metadata", "ETag"});
}

TEST_F(S3ClientTest, ForbiddenHeadAsksTheFirstByteForTheReason) {
  const struct {
    std::string code;
    ErrorClass expected;
    std::vector<std::string> needles;
  } cases[] = {
      {"SignatureDoesNotMatch", ErrorClass::storage_access, {"SignatureDoesNotMatch", "s3://flink-state/sp/_metadata", "the test's keys"}},
      {"InvalidAccessKeyId", ErrorClass::storage_access, {"InvalidAccessKeyId", "unknown"}},
      {"ExpiredToken", ErrorClass::storage_access, {"ExpiredToken", "expired"}},
      {"AccessDenied", ErrorClass::storage_access, {"AccessDenied", "s3://flink-state/sp/_metadata", "missing key"}},
      {"NoSuchBucket", ErrorClass::not_found, {"flink-state", "NoSuchBucket"}},
      {"NoSuchKey", ErrorClass::not_found, {"s3://flink-state/sp/_metadata", "NoSuchKey"}},
      {"", ErrorClass::storage_access, {"HTTP 403", "no reason given", "does not exist"}},  // GET says nothing either
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.code);
    FakeS3 s3;
    s3.intercept = [&](const FakeS3Request& request, int) -> std::optional<FakeS3Reply> {
      if (request.method == "HEAD" || c.code.empty()) return FakeS3Reply{403, "", {{"x-amz-request-id", "R"}}};
      const int status = c.code == "NoSuchBucket" || c.code == "NoSuchKey" ? 404 : 403;
      return s3_error_reply(status, c.code, "S3 says <" + c.code + ">");
    };
    auto s3_client = client(s3.endpoint());
    expect_error([&] { s3_client->head(k_bucket, "sp/_metadata"); }, c.expected, c.needles);
    const auto requests = s3.requests();
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_EQ(requests[0].method, "HEAD");
    EXPECT_EQ(requests[1].method, "GET");
    EXPECT_EQ(requests[1].target, "/flink-state/sp/_metadata");
    EXPECT_EQ(requests[1].header("Range"), "bytes=0-0");
    for (const auto& request : requests) expect_valid_signature(request);
  }
}

TEST_F(S3ClientTest, ErrorsOfGetAndList) {
  const struct {
    std::string name;
    FakeS3Reply reply;
    ErrorClass expected;
    std::vector<std::string> needles;
  } cases[] = {
      {"NoSuchKey", s3_error_reply(404, "NoSuchKey"), ErrorClass::not_found, {"s3://flink-state/sp/x", "NoSuchKey"}},
      {"NoSuchBucket", s3_error_reply(404, "NoSuchBucket"), ErrorClass::not_found, {"'flink-state'", "NoSuchBucket"}},
      {"AccessDenied", s3_error_reply(403, "AccessDenied", "Access Denied"), ErrorClass::storage_access, {"AccessDenied"}},
      {"redirect", s3_error_reply(301, "PermanentRedirect"), ErrorClass::config, {"PermanentRedirect", "region"}},
      {"unknown code", s3_error_reply(400, "InvalidArgument", "bad"), ErrorClass::operation_failed, {"InvalidArgument"}},
      {"html 404", FakeS3Reply{404, "<html><body>Not Found</body></html>", {}, "text/html"}, ErrorClass::protocol,
       {"not S3's XML"}},
      {"html 200", FakeS3Reply{200, "<html><body>Welcome</body></html>", {}, "text/html"}, ErrorClass::protocol, {}},
      {"empty 404", FakeS3Reply{404, "", {}, ""}, ErrorClass::not_found, {"s3://flink-state/sp/x"}},
      {"empty 400", FakeS3Reply{400, "", {}, ""}, ErrorClass::operation_failed, {"HTTP 400"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    FakeS3 s3;
    s3.intercept = [&](const FakeS3Request&, int) { return c.reply; };
    auto s3_client = client(s3.endpoint());
    expect_error([&] { s3_client->get(k_bucket, "sp/x", std::nullopt, 100); }, c.expected, c.needles);
    if (c.name != "html 200") {
      expect_error([&] { s3_client->list(k_bucket, "sp/", "", [](const S3ListPage&) { return true; }); },
                   c.name == "NoSuchKey" ? ErrorClass::not_found : c.expected);
    }
  }
}

// A bucket in another region: S3 names the region (in the error, or in x-amz-bucket-region when a
// HEAD has no body); the request is signed for it and sent again, once, and the bucket's next
// requests go there at once. A second redirect is exit 2, as is one that names no region.
TEST_F(S3ClientTest, BucketInAnotherRegionIsRetriedThereOnce) {
  const auto redirect_xml = [](int status, const std::string& code, const std::string& region) {
    FakeS3Reply reply = s3_error_reply(status, code, "The bucket is in this region: " + region);
    const auto end = reply.body.find("</Error>");
    reply.body.insert(end, "<Region>" + region + "</Region>");
    return reply;
  };
  const struct {
    std::string name;
    std::string operation;  // head, get, list
    FakeS3Reply reply;
  } cases[] = {
      {"PermanentRedirect with x-amz-bucket-region", "get",
       FakeS3Reply{301, s3_error_reply(301, "PermanentRedirect").body, {{"x-amz-bucket-region", "eu-west-1"}}}},
      {"AuthorizationHeaderMalformed naming the region", "list", redirect_xml(400, "AuthorizationHeaderMalformed", "eu-west-1")},
      {"HEAD 301 without a body", "head", FakeS3Reply{301, "", {{"x-amz-bucket-region", "eu-west-1"}}, ""}},
      {"HEAD 400 without a body", "head", FakeS3Reply{400, "", {{"x-amz-bucket-region", "eu-west-1"}}, ""}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    FakeS3 s3;
    s3.put(k_bucket, "sp/_metadata", "bytes");
    s3.intercept = [&](const FakeS3Request& request, int) -> std::optional<FakeS3Reply> {
      if (request.header("Authorization").find("/us-east-1/s3/") != std::string::npos) return c.reply;
      return std::nullopt;
    };
    auto s3_client = client(s3.endpoint());
    const auto run = [&] {
      if (c.operation == "head") {
        EXPECT_TRUE(s3_client->head(k_bucket, "sp/_metadata"));
      } else if (c.operation == "get") {
        EXPECT_EQ(s3_client->get(k_bucket, "sp/_metadata", std::nullopt, 100), "bytes");
      } else {
        s3_client->list(k_bucket, "sp/", "", [](const S3ListPage& page) {
          EXPECT_EQ(page.objects.size(), 1u);
          return true;
        });
      }
    };
    run();
    run();  // straight to the bucket's region
    const auto requests = s3.requests();
    ASSERT_EQ(requests.size(), 3u);
    expect_valid_signature(requests[0], k_secret, "us-east-1");
    expect_valid_signature(requests[1], k_secret, "eu-west-1");
    expect_valid_signature(requests[2], k_secret, "eu-west-1");
  }
}

TEST_F(S3ClientTest, RegionRedirectsThatCannotBeFollowed) {
  const struct {
    std::string name;
    std::function<FakeS3Reply(const FakeS3Request&)> reply;
    std::vector<std::string> needles;
  } cases[] = {
      {"redirected again", [](const FakeS3Request& request) {
         const bool east = request.header("Authorization").find("/us-east-1/") != std::string::npos;
         return FakeS3Reply{301, s3_error_reply(301, "PermanentRedirect").body, {{"x-amz-bucket-region", east ? "eu-west-1" : "ap-south-1"}}};
       }, {"PermanentRedirect", "ap-south-1", "s3.endpoint.region"}},
      {"no region named", [](const FakeS3Request&) { return s3_error_reply(301, "PermanentRedirect"); }, {"PermanentRedirect"}},
      {"a region that is not one", [](const FakeS3Request&) {
         return FakeS3Reply{301, s3_error_reply(301, "PermanentRedirect").body, {{"x-amz-bucket-region", "eu-west-1/../x"}}};
       }, {"PermanentRedirect"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    FakeS3 s3;
    s3.intercept = [&](const FakeS3Request& request, int) -> std::optional<FakeS3Reply> { return c.reply(request); };
    auto s3_client = client(s3.endpoint());
    expect_error([&] { s3_client->get(k_bucket, "sp/x", std::nullopt, 100); }, ErrorClass::config, c.needles);
    EXPECT_LE(s3.requests().size(), 2u);
  }
}

TEST_F(S3ClientTest, RegionRedirectWithoutAnEndpointGoesToTheRegionsHost) {
  S3Settings settings;
  settings.region = {"us-east-1", "default"};
  EXPECT_EQ(s3_address(settings, "flink-state", "eu-west-1").endpoint.host, "flink-state.s3.eu-west-1.amazonaws.com");
  EXPECT_EQ(s3_address(settings, "flink-state").endpoint.host, "flink-state.s3.us-east-1.amazonaws.com");
  settings.endpoint = SourcedValue{"http://127.0.0.1:9000", "-D"};
  EXPECT_EQ(s3_address(settings, "flink-state", "eu-west-1").endpoint.host, "127.0.0.1");
}

TEST_F(S3ClientTest, ListingThatIsNotS3IsProtocol) {
  FakeS3 s3;
  s3.intercept = [](const FakeS3Request&, int) {
    return FakeS3Reply{200, "<!DOCTYPE html><html><body>It works!</body></html>", {}, "text/html"};
  };
  auto s3_client = client(s3.endpoint());
  const CliError error = expect_error([&] { s3_client->list(k_bucket, "sp/", "", [](const S3ListPage&) { return true; }); },
                                      ErrorClass::protocol, {"ListObjectsV2", "s3://flink-state/sp/", "not an S3 listing"});
  EXPECT_NE(error.detail().find("It works!"), std::string::npos) << error.detail();
}

TEST_F(S3ClientTest, SlowDownIsRetried) {
  FakeS3 s3;
  s3.put(k_bucket, "sp/_metadata", "bytes");
  s3.intercept = [](const FakeS3Request&, int index) -> std::optional<FakeS3Reply> {
    if (index < 2) return s3_error_reply(503, "SlowDown", "Please reduce your request rate.");
    return std::nullopt;
  };
  auto s3_client = client(s3.endpoint());
  EXPECT_EQ(s3_client->get(k_bucket, "sp/_metadata", std::nullopt, 100), "bytes");
  const auto requests = s3.requests();
  ASSERT_EQ(requests.size(), 3u);
  // Each attempt is signed anew (a fresh x-amz-date would otherwise be stale at the next).
  for (const auto& request : requests) expect_valid_signature(request);
}

TEST_F(S3ClientTest, RetriedStatusesAndCodes) {
  const struct {
    std::string name;
    FakeS3Reply reply;
  } cases[] = {
      {"500 InternalError", s3_error_reply(500, "InternalError")},
      {"503 empty", FakeS3Reply{503, "", {}, ""}},
      {"502 html", FakeS3Reply{502, "<html>Bad Gateway</html>", {}, "text/html"}},
      {"400 RequestTimeout", s3_error_reply(400, "RequestTimeout")},
      {"400 Throttling", s3_error_reply(400, "Throttling")},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    FakeS3 s3;
    s3.put(k_bucket, "k", "v");
    s3.intercept = [&](const FakeS3Request&, int index) -> std::optional<FakeS3Reply> {
      if (index == 0) return c.reply;
      return std::nullopt;
    };
    auto s3_client = client(s3.endpoint());
    EXPECT_EQ(s3_client->get(k_bucket, "k", std::nullopt, 10), "v");
    EXPECT_EQ(s3.requests().size(), 2u);
  }
}

TEST_F(S3ClientTest, SlowDownForeverEndsAfterTheAttemptsOrAtTheDeadline) {
  FakeS3 s3;
  s3.intercept = [](const FakeS3Request&, int) { return s3_error_reply(503, "SlowDown", "Please reduce your request rate."); };
  {
    S3ClientLimits limits;
    limits.max_attempts = 3;
    auto s3_client = client(s3.endpoint(), limits);
    expect_error([&] { s3_client->get(k_bucket, "k", std::nullopt, 10); }, ErrorClass::operation_failed,
                 {"SlowDown", "3 times", "s3://flink-state/k"});
    EXPECT_EQ(s3.requests().size(), 3u);
  }
  {
    S3ClientLimits limits;
    limits.max_attempts = 1000;
    const auto before = s3.requests().size();
    auto s3_client = client_on_fake_clock(s3.endpoint(), limits, milliseconds(600));
    expect_error([&] { s3_client->get(k_bucket, "k", std::nullopt, 10); }, ErrorClass::timeout, {"SlowDown", "deadline"});
    // Backed off between attempts, and ended at the 600 ms deadline, not after 1,000 attempts:
    // the next pause would not have fitted.
    const auto& sleeps = fake_clock.sleeps;
    expect_backoff_pauses(sleeps);
    EXPECT_EQ(s3.requests().size() - before, sleeps.size() + 1);
    EXPECT_LT(fake_clock.elapsed(), milliseconds(600));
    EXPECT_GE(fake_clock.elapsed() + backoff_step(sleeps.size()), milliseconds(600));
  }
}

TEST_F(S3ClientTest, ResetConnectionIsRetried) {
  RawServer server([](const RawRequest&, int index) {
    if (index == 0) return RawAction::reset_connection();
    return RawAction::http(200, "bytes", "application/octet-stream", "ETag: \"e\"\r\n");
  });
  auto s3_client = client("http://" + server.address());
  EXPECT_EQ(s3_client->get(k_bucket, "sp/_metadata", std::nullopt, 100), "bytes");
  EXPECT_EQ(server.requests().size(), 2u);
}

TEST_F(S3ClientTest, ResetForeverEndsAfterTheAttempts) {
  RawServer server([](const RawRequest&, int) { return RawAction::reset_connection(); });
  S3ClientLimits limits;
  limits.max_attempts = 3;
  auto s3_client = client("http://" + server.address(), limits);
  expect_error([&] { s3_client->get(k_bucket, "sp/_metadata", std::nullopt, 100); }, ErrorClass::operation_failed,
               {"broke 3 times", "GetObject s3://flink-state/sp/_metadata"});
  EXPECT_EQ(server.requests().size(), 3u);
}

TEST_F(S3ClientTest, NothingListeningIsUnreachable) {
  int port;
  {
    RawServer server([](const RawRequest&, int) { return RawAction::http(200, ""); });
    port = std::stoi(server.address().substr(10));
  }
  S3ClientLimits limits;  // connect_retry: 3 s
  auto s3_client = client_on_fake_clock("http://127.0.0.1:" + std::to_string(port), limits, milliseconds(60000));
  expect_error([&] { s3_client->head(k_bucket, "k"); }, ErrorClass::unreachable, {"127.0.0.1:" + std::to_string(port)});
  // Retried for a while with backoff (S3 behind a restarting proxy): 8 connects, or as many as fit
  // in connect_retry.
  const auto& sleeps = fake_clock.sleeps;
  expect_backoff_pauses(sleeps);
  EXPECT_GE(fake_clock.elapsed(), milliseconds(1000));
  EXPECT_LT(fake_clock.elapsed(), limits.connect_retry);
  EXPECT_LE(sleeps.size(), 7u);
  if (sleeps.size() < 7) {
    EXPECT_GE(fake_clock.elapsed() + backoff_step(sleeps.size()), limits.connect_retry);
  }
}

TEST_F(S3ClientTest, EndlessListingIsAnError) {
  {
    FakeS3 s3;
    s3.intercept = [](const FakeS3Request&, int index) {
      return FakeS3Reply{200, "<ListBucketResult><IsTruncated>true</IsTruncated><NextContinuationToken>t" +
                                  std::to_string(index) + "</NextContinuationToken><Contents><Key>k" + std::to_string(index) +
                                  "</Key><Size>1</Size></Contents></ListBucketResult>",
                         {}};
    };
    S3ClientLimits limits;
    limits.max_list_pages = 5;
    auto s3_client = client(s3.endpoint(), limits);
    int pages = 0;
    expect_error([&] { s3_client->list(k_bucket, "sp/", "", [&](const S3ListPage&) { return ++pages > 0; }); },
                 ErrorClass::operation_failed, {"5 pages", "s3://flink-state/sp/"});
    EXPECT_EQ(pages, 5);
    const auto requests = s3.requests();
    ASSERT_EQ(requests.size(), 5u);
    EXPECT_EQ(requests[0].param("continuation-token"), "");
    EXPECT_EQ(requests[3].param("continuation-token"), "t2");
  }
  // A token repeated is noticed on the page that repeats it (the second); none, on the first.
  for (const auto& [token, expected_requests] : {std::pair<std::string, std::size_t>{"same", 2}, {"", 1}}) {
    SCOPED_TRACE("token '" + token + "'");
    FakeS3 s3;
    s3.intercept = [&](const FakeS3Request&, int) {
      return FakeS3Reply{200, "<ListBucketResult><IsTruncated>true</IsTruncated><NextContinuationToken>" + token +
                                  "</NextContinuationToken></ListBucketResult>",
                         {}};
    };
    auto s3_client = client(s3.endpoint());
    expect_error([&] { s3_client->list(k_bucket, "sp/", "", [](const S3ListPage&) { return true; }); }, ErrorClass::protocol,
                 {"continuation token"});
    EXPECT_EQ(s3.requests().size(), expected_requests);
  }
}

TEST_F(S3ClientTest, ListingPagesAndStops) {
  FakeS3 s3;
  s3.page_size = 2;
  for (const std::string key : {"sp/a", "sp/b b", "sp/c+c", "sp/d/e", "sp/d/f", "sp/\xC3\xA9&<>", "other"}) s3.put(k_bucket, key, "x");
  auto s3_client = client(s3.endpoint());
  std::vector<std::string> keys;
  s3_client->list(k_bucket, "sp/", "", [&](const S3ListPage& page) {
    for (const auto& object : page.objects) keys.push_back(object.key);
    return true;
  });
  EXPECT_EQ(keys, (std::vector<std::string>{"sp/a", "sp/b b", "sp/c+c", "sp/d/e", "sp/d/f", "sp/\xC3\xA9&<>"}));
  EXPECT_EQ(s3.count("GET", "list"), 3);
  for (const auto& request : s3.requests()) {
    expect_valid_signature(request);
    EXPECT_EQ(request.param("encoding-type"), "url");
    EXPECT_EQ(request.param("list-type"), "2");
    EXPECT_EQ(request.param("prefix"), "sp/");
  }
  // One level, with common prefixes; stopping early sends no more requests.
  std::vector<std::string> prefixes;
  int pages = 0;
  s3_client->list(k_bucket, "sp/", "/", [&](const S3ListPage& page) {
    ++pages;
    prefixes.insert(prefixes.end(), page.common_prefixes.begin(), page.common_prefixes.end());
    return false;
  });
  EXPECT_EQ(pages, 1);
  EXPECT_EQ(s3.count("GET", "list"), 4);
  EXPECT_EQ(s3.requests().back().param("delimiter"), "/");
}

// Real time: the request timeout is a socket's.
TEST_F(S3ClientTest, ServerThatHangsIsATimeout) {
  RawServer server([](const RawRequest&, int) { return RawAction::hang_for(milliseconds(60000)); });
  auto s3_client = client("http://" + server.address(), {}, milliseconds(60000), milliseconds(500));
  const auto start = steady_clock::now();
  expect_error([&] { s3_client->get(k_bucket, "k", std::nullopt, 10); }, ErrorClass::timeout,
               {"did not answer", "within 500 ms"});
  // Gives up after the 500 ms request timeout, not at the server's 60 s hang or the deadline
  // (the bound only tells those apart, with room for a loaded machine).
  EXPECT_LT(steady_clock::now() - start, milliseconds(15000));
}

TEST_F(S3ClientTest, AnswerLargerThanTheBoundIsProtocol) {
  {
    RawServer server([](const RawRequest&, int) {
      return RawAction::http(200, std::string(std::size_t{3} << 20, 'x'), "application/octet-stream", "ETag: \"e\"\r\n");
    });
    auto s3_client = client("http://" + server.address());
    expect_error([&] { s3_client->get(k_bucket, "k", std::nullopt, 100); }, ErrorClass::protocol, {"more than"});
    EXPECT_EQ(server.requests().size(), 1u);  // not retried
  }
  {
    FakeS3 s3;
    for (int i = 0; i < 50; ++i) s3.put(k_bucket, "sp/" + std::to_string(i), "x");
    S3ClientLimits limits;
    limits.max_list_page_bytes = 1000;
    auto s3_client = client(s3.endpoint(), limits);
    expect_error([&] { s3_client->list(k_bucket, "sp/", "", [](const S3ListPage&) { return true; }); }, ErrorClass::protocol,
                 {"more than 1000 bytes"});
  }
}

TEST_F(S3ClientTest, RangedGet) {
  FakeS3 s3;
  s3.put(k_bucket, "f", "0123456789abcdefghij");
  auto s3_client = client(s3.endpoint());
  EXPECT_EQ(s3_client->get(k_bucket, "f", std::make_pair(std::uint64_t{10}, std::uint64_t{5}), 5), "abcde");
  EXPECT_EQ(s3_client->get(k_bucket, "f", std::make_pair(std::uint64_t{0}, std::uint64_t{1}), 1), "0");
  EXPECT_EQ(s3_client->get(k_bucket, "f", std::make_pair(std::uint64_t{7}, std::uint64_t{0}), 0), "");  // nothing asked
  const auto requests = s3.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].header("Range"), "bytes=10-14");
  EXPECT_EQ(requests[1].header("Range"), "bytes=0-0");
  for (const auto& request : requests) expect_valid_signature(request);
}

TEST_F(S3ClientTest, RangeIgnoredByTheServer) {
  RawServer server([](const RawRequest&, int) {
    return RawAction::http(200, "0123456789", "application/octet-stream", "ETag: \"e\"\r\n");
  });
  auto s3_client = client("http://" + server.address());
  EXPECT_EQ(s3_client->get(k_bucket, "f", std::make_pair(std::uint64_t{3}, std::uint64_t{4}), 4), "3456");
  EXPECT_EQ(s3_client->get(k_bucket, "f", std::make_pair(std::uint64_t{0}, std::uint64_t{4}), 4), "0123");
  EXPECT_EQ(s3_client->get(k_bucket, "f", std::make_pair(std::uint64_t{20}, std::uint64_t{4}), 4), "");
}

TEST_F(S3ClientTest, DeleteObjectsInBatchesWithContentMd5) {
  FakeS3 s3;
  std::vector<std::string> keys;
  for (int i = 0; i < 2500; ++i) {
    keys.push_back("sp/chk-1/" + std::to_string(i) + (i % 7 == 0 ? " a&b<c>" : ""));
    s3.put(k_bucket, keys.back(), "x");
  }
  s3.undeletable = {keys[3], keys[1400], keys[2499]};
  auto s3_client = client(s3.endpoint());
  const auto failures = s3_client->delete_objects(k_bucket, keys);
  ASSERT_EQ(failures.size(), 3u);
  EXPECT_EQ(failures[0].key, keys[3]);
  EXPECT_EQ(failures[1].key, keys[1400]);
  EXPECT_EQ(failures[2].key, keys[2499]);
  EXPECT_EQ(failures[2].code, "AccessDenied");
  EXPECT_EQ(failures[2].message, "Access Denied");
  EXPECT_EQ(s3.object_count(k_bucket), 3u);
  const auto requests = s3.requests();
  ASSERT_EQ(requests.size(), 3u);
  const std::size_t expected_keys[] = {1000, 1000, 500};
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const auto& request = requests[i];
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.target, "/flink-state?delete");
    EXPECT_EQ(request.header("Content-MD5"), md5_base64(request.body));
    EXPECT_EQ(request.header("Content-Type"), "application/xml");
    std::size_t count = 0;
    for (std::size_t at = 0; (at = request.body.find("<Key>", at)) != std::string::npos; ++at) ++count;
    EXPECT_EQ(count, expected_keys[i]);
    expect_valid_signature(request);
    const std::string signed_headers = request.header("Authorization");
    EXPECT_NE(signed_headers.find("content-md5"), std::string::npos) << signed_headers;
  }
  // Nothing to delete: no request.
  EXPECT_TRUE(s3_client->delete_objects(k_bucket, {}).empty());
  EXPECT_EQ(s3.requests().size(), 3u);
}

TEST_F(S3ClientTest, DeleteResultThatIsNotOne) {
  FakeS3 s3;
  s3.intercept = [](const FakeS3Request&, int) { return FakeS3Reply{200, "<html>ok</html>", {}, "text/html"}; };
  auto s3_client = client(s3.endpoint());
  expect_error([&] { s3_client->delete_objects(k_bucket, {"a"}); }, ErrorClass::protocol, {"DeleteResult"});
}

TEST_F(S3ClientTest, SessionTokenIsSentAndSigned) {
  FakeS3 s3;
  s3.put(k_bucket, "k", "v");
  S3Settings settings = settings_for(s3.endpoint(), true, "FwoGZXIvYXdzEBYaDH/+token==");
  auto s3_client = client(s3.endpoint(), {}, milliseconds(5000), milliseconds(2000), settings);
  EXPECT_EQ(s3_client->get(k_bucket, "k", std::nullopt, 10), "v");
  const auto request = s3.requests().at(0);
  EXPECT_EQ(request.header("x-amz-security-token"), "FwoGZXIvYXdzEBYaDH/+token==");
  EXPECT_NE(request.header("Authorization").find("x-amz-security-token"), std::string::npos);
  expect_valid_signature(request);
}

TEST_F(S3ClientTest, AnonymousRequestsAreNotSigned) {
  FakeS3 s3;
  s3.put(k_bucket, "k", "v");
  auto s3_client = client(s3.endpoint(), {}, milliseconds(5000), milliseconds(2000), settings_for(s3.endpoint(), false));
  EXPECT_EQ(s3_client->get(k_bucket, "k", std::nullopt, 10), "v");
  const auto request = s3.requests().at(0);
  EXPECT_FALSE(request.has_header("Authorization"));
  EXPECT_FALSE(request.has_header("x-amz-security-token"));
  // Anonymous and refused: the advice says where credentials go.
  FakeS3 refusing;
  refusing.intercept = [](const FakeS3Request&, int) { return s3_error_reply(403, "AccessDenied", "Access Denied"); };
  auto anonymous = client(refusing.endpoint(), {}, milliseconds(5000), milliseconds(2000), settings_for(refusing.endpoint(), false));
  expect_error([&] { anonymous->get(k_bucket, "k", std::nullopt, 10); }, ErrorClass::storage_access,
               {"AccessDenied", "anonymous", "AWS_ACCESS_KEY_ID"});
}

TEST_F(S3ClientTest, UserAgentIsSentButNotSigned) {
  FakeS3 s3;
  s3.put(k_bucket, "k", "v");
  auto s3_client = client(s3.endpoint());
  s3_client->head(k_bucket, "k");
  const auto request = s3.requests().at(0);
  EXPECT_EQ(request.header("User-Agent").rfind("flinkcli/", 0), 0u);
  EXPECT_EQ(request.header("Host"), "127.0.0.1:" + std::to_string(s3.port()));
  expect_valid_signature(request);
}

TEST_F(S3ClientTest, ParallelHeadsShareTheClient) {
  FakeS3 s3;
  for (int i = 0; i < 40; ++i) s3.put(k_bucket, "k" + std::to_string(i), std::string(static_cast<std::size_t>(i), 'x'));
  auto s3_client = client(s3.endpoint());
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < 40; i += 8) {
        try {
          const auto info = s3_client->head(k_bucket, "k" + std::to_string(i));
          if (!info || info->size != static_cast<std::uint64_t>(i)) ++wrong;
        } catch (const std::exception& error) {
          ADD_FAILURE() << error.what();
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(s3.requests().size(), 40u);
}

}  // namespace
}  // namespace flinkcli::testing
