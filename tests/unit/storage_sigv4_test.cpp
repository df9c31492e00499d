// AWS Signature Version 4 as S3 checks it: the encoding rules, header selection, the signing key,
// AWS's published S3 examples, and the AWS SigV4 test suite (aws4_testsuite, from botocore's
// source distribution: scripts/fetch-test-data.sh) with S3's path rules.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <ostream>
#include <set>
#include <sstream>

#include "flinkcli/storage/sigv4.hpp"

namespace flinkcli::testing {
namespace {

using std::chrono::system_clock;

// No way to print credentials by accident, through streams or GoogleTest's value printer.
template <typename T>
concept Streamable = requires(std::ostream& out, const T& value) { out << value; };
static_assert(!Streamable<AwsCredentials>);

system_clock::time_point utc(int year, unsigned month, unsigned day, int hour, int minute, int second) {
  using namespace std::chrono;
  return sys_days{year_month_day{std::chrono::year{year}, std::chrono::month{month}, std::chrono::day{day}}} +
         hours{hour} + minutes{minute} + seconds{second};
}

std::string header(const HttpHeaders& headers, const std::string& name) {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return "<absent>";
}

TEST(StorageSigV4, UriEncode) {
  const struct {
    std::string bytes;
    bool keep_slash;
    std::string encoded;
  } cases[] = {
      {"-._~AZaz09", false, "-._~AZaz09"},
      {"a b", false, "a%20b"},
      {"a+b", false, "a%2Bb"},
      {"100%", false, "100%25"},
      {"%20", false, "%2520"},  // raw bytes: a '%' is a character like any other
      {"a/b", false, "a%2Fb"},
      {"a/b", true, "a/b"},
      {"$delete", true, "%24delete"},
      {"\xE1\x88\xB4", true, "%E1%88%B4"},
      {"*'()!", false, "%2A%27%28%29%21"},
      {"", false, ""},
  };
  for (const auto& c : cases) EXPECT_EQ(uri_encode(c.bytes, c.keep_slash), c.encoded) << c.bytes;
}

TEST(StorageSigV4, CanonicalUriEncodesOnceAndNeverNormalises) {
  const struct {
    std::string path;
    std::string canonical;
  } cases[] = {
      {"", "/"},
      {"/", "/"},
      {"/bucket/savepoints/savepoint-a-b/_metadata", "/bucket/savepoints/savepoint-a-b/_metadata"},
      {"//example//", "//example//"},
      {"/example/../x/./y", "/example/../x/./y"},
      {"/b/key with space+plus", "/b/key%20with%20space%2Bplus"},
      {"/b/%41", "/b/%2541"},
  };
  for (const auto& c : cases) EXPECT_EQ(canonical_uri(c.path), c.canonical) << c.path;
}

TEST(StorageSigV4, CanonicalQueryStringSortsByEncodedNameThenValue) {
  const struct {
    QueryParameters query;
    std::string canonical;
  } cases[] = {
      {{}, ""},
      {{{"delete", ""}}, "delete="},
      {{{"prefix", "sp/a b"}, {"list-type", "2"}, {"delimiter", "/"}},
       "delimiter=%2F&list-type=2&prefix=sp%2Fa%20b"},
      {{{"b", "2"}, {"a", "y"}, {"a", "x"}}, "a=x&a=y&b=2"},
      {{{"Param-3", "1"}, {"Param", "2"}, {"\xE1\x88\xB4", "3"}}, "%E1%88%B4=3&Param=2&Param-3=1"},
  };
  for (const auto& c : cases) EXPECT_EQ(canonical_query_string(c.query), c.canonical) << c.canonical;
}

TEST(StorageSigV4, CanonicalHeadersLeaveOutWhatProxiesChange) {
  const struct {
    HttpHeaders headers;
    std::string text;
    std::string signed_headers;
  } cases[] = {
      {{{"Host", "b.s3.amazonaws.com"}, {"User-Agent", "flink/0.1"}, {"Expect", "100-continue"},
        {"X-Amzn-Trace-Id", "Root=1"}, {"Transfer-Encoding", "chunked"}},
       "host:b.s3.amazonaws.com\n",
       "host"},
      {{{"X-Amz-Date", "20150830T123600Z"}, {"Host", "h"}, {"Range", "  bytes=0-9  "}},
       "host:h\nrange:bytes=0-9\nx-amz-date:20150830T123600Z\n",
       "host;range;x-amz-date"},
      {{{"My-Header", "a   b\n\t c"}, {"my-header", "d"}, {"Host", "h"}},
       "host:h\nmy-header:a b c,d\n",
       "host;my-header"},
  };
  for (const auto& c : cases) {
    const CanonicalHeaders canonical = canonical_headers(c.headers);
    EXPECT_EQ(canonical.text, c.text);
    EXPECT_EQ(canonical.signed_headers, c.signed_headers);
  }
}

TEST(StorageSigV4, AmzDate) {
  EXPECT_EQ(amz_date(utc(2015, 8, 30, 12, 36, 0)), "20150830T123600Z");
  EXPECT_EQ(amz_date(utc(2013, 5, 24, 0, 0, 0)), "20130524T000000Z");
  EXPECT_EQ(amz_date(utc(2026, 12, 31, 23, 59, 59) + std::chrono::milliseconds(999)), "20261231T235959Z");
}

TEST(StorageSigV4, CredentialsDescribeNoSecret) {
  const AwsCredentials plain("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  const AwsCredentials session("ASIAXYZ", "secret-value", "token-value");
  const AwsCredentials short_id("AK", "s");
  EXPECT_EQ(plain.describe(), "access key AKIA…");
  EXPECT_EQ(session.describe(), "access key ASIA… (with a session token)");
  EXPECT_EQ(short_id.describe(), "access key AK…");
  for (const auto* credentials : {&plain, &session}) {
    EXPECT_EQ(credentials->describe().find(credentials->secret_access_key()), std::string::npos);
    EXPECT_EQ(credentials->describe().find("token-value"), std::string::npos);
    EXPECT_EQ(credentials->describe().find("IOSFODNN"), std::string::npos);
  }
}

// AWS's worked examples for S3 (Amazon S3 API reference, "Signature Calculations for the
// Authorization Header: Transferring Payload in a Single Chunk"): bucket examplebucket in
// us-east-1 at 20130524T000000Z.
TEST(StorageSigV4, AwsS3Examples) {
  const AwsCredentials credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  const SigningScope scope{"us-east-1", "s3", true};
  const std::string empty_hash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  const struct {
    std::string name;
    SigningRequest request;
    std::string signed_headers;
    std::string signature;
  } cases[] = {
      {"GET Object with Range",
       {"GET", "/test.txt", {}, {{"Host", "examplebucket.s3.amazonaws.com"}, {"Range", "bytes=0-9"}}, empty_hash},
       "host;range;x-amz-content-sha256;x-amz-date",
       "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"},
      {"PUT Object",
       {"PUT",
        "/test$file.text",
        {},
        {{"Host", "examplebucket.s3.amazonaws.com"},
         {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
         {"x-amz-storage-class", "REDUCED_REDUNDANCY"}},
        sha256_hex("Welcome to Amazon S3.")},
       "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
       "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"},
      {"GET Bucket Lifecycle",
       {"GET", "/", {{"lifecycle", ""}}, {{"Host", "examplebucket.s3.amazonaws.com"}}, empty_hash},
       "host;x-amz-content-sha256;x-amz-date",
       "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"},
      {"GET Bucket (List Objects)",
       {"GET", "/", {{"max-keys", "2"}, {"prefix", "J"}}, {{"Host", "examplebucket.s3.amazonaws.com"}}, empty_hash},
       "host;x-amz-content-sha256;x-amz-date",
       "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const SignedRequest signed_request = sign_request(c.request, credentials, scope, utc(2013, 5, 24, 0, 0, 0));
    EXPECT_EQ(signed_request.authorization,
              "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
              "SignedHeaders=" + c.signed_headers + ", Signature=" + c.signature)
        << signed_request.canonical_request;
    EXPECT_EQ(header(signed_request.added_headers, "x-amz-date"), "20130524T000000Z");
    EXPECT_EQ(header(signed_request.added_headers, "x-amz-content-sha256"), c.request.payload_hash);
    EXPECT_EQ(header(signed_request.added_headers, "Authorization"), signed_request.authorization);
    EXPECT_EQ(header(signed_request.added_headers, "x-amz-security-token"), "<absent>");
  }
}

TEST(StorageSigV4, SigningReplacesItsOwnHeadersAndSignsTheSessionToken) {
  const AwsCredentials credentials("AKIDEXAMPLE", "secret", "the-token");
  const SigningRequest request{"GET",
                               "/bucket/key",
                               {},
                               {{"Host", "localhost:9000"},
                                {"X-Amz-Date", "19990101T000000Z"},
                                {"Authorization", "stale"},
                                {"x-amz-security-token", "stale-token"},
                                {"User-Agent", "flink"}},
                               std::string(k_unsigned_payload)};
  const SignedRequest signed_request =
      sign_request(request, credentials, SigningScope{"eu-west-1", "s3", true}, utc(2026, 1, 2, 3, 4, 5));
  EXPECT_EQ(signed_request.canonical_request,
            "GET\n/bucket/key\n\nhost:localhost:9000\nx-amz-content-sha256:UNSIGNED-PAYLOAD\n"
            "x-amz-date:20260102T030405Z\nx-amz-security-token:the-token\n\n"
            "host;x-amz-content-sha256;x-amz-date;x-amz-security-token\nUNSIGNED-PAYLOAD");
  EXPECT_EQ(header(signed_request.added_headers, "x-amz-security-token"), "the-token");
  EXPECT_NE(signed_request.authorization.find("Credential=AKIDEXAMPLE/20260102/eu-west-1/s3/aws4_request, "
                                              "SignedHeaders=host;x-amz-content-sha256;x-amz-date;"
                                              "x-amz-security-token, Signature="),
            std::string::npos)
      << signed_request.authorization;
  EXPECT_EQ(signed_request.authorization.find("secret"), std::string::npos);
}

// Missing test data fails the test under CI and skips it elsewhere.
bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

// --- the AWS SigV4 test suite ------------------------------------------------------------------

struct RawRequest {
  std::string method;
  std::string path;
  QueryParameters query;
  HttpHeaders headers;
  std::string body;
};

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  std::string content = text.str();
  std::erase(content, '\r');
  return content;
}

std::string percent_decoded(std::string_view text) {
  std::string decoded;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      decoded.push_back(static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      decoded.push_back(text[i]);
    }
  }
  return decoded;
}

// The .req files: "METHOD target HTTP/1.1", header lines ("Name:value", a line starting with
// white space continues the previous value), an empty line, the body.
RawRequest parse_raw_request(const std::string& text) {
  RawRequest request;
  std::istringstream lines(text);
  std::string line;
  std::getline(lines, line);
  const auto first_space = line.find(' ');
  const auto version = line.rfind(" HTTP/");
  request.method = line.substr(0, first_space);
  const std::string target = line.substr(first_space + 1, version - first_space - 1);
  const auto question = target.find('?');
  request.path = target.substr(0, question);
  if (question != std::string::npos) {
    std::string_view query = std::string_view(target).substr(question + 1);
    while (!query.empty()) {
      const auto amp = query.find('&');
      const std::string_view pair = query.substr(0, amp);
      const auto equals = pair.find('=');
      request.query.emplace_back(percent_decoded(pair.substr(0, equals)),
                                 equals == std::string_view::npos ? "" : percent_decoded(pair.substr(equals + 1)));
      if (amp == std::string_view::npos) break;
      query.remove_prefix(amp + 1);
    }
  }
  while (std::getline(lines, line) && !line.empty()) {
    if ((line.front() == ' ' || line.front() == '\t') && !request.headers.empty()) {
      request.headers.back().second += "\n" + line;
      continue;
    }
    const auto colon = line.find(':');
    request.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  std::ostringstream body;
  body << lines.rdbuf();
  request.body = body.str();
  return request;
}

// Cases where S3's rules differ from the generic ones the suite was written for: S3 signs the
// path as sent, without removing "." and ".." segments or repeated slashes.
const std::map<std::string, std::string> k_differs_by_design = {
    {"normalize-path/get-relative", "S3 does not remove '..' segments from the path"},
    {"normalize-path/get-relative-relative", "S3 does not remove '..' segments from the path"},
    {"normalize-path/get-slash", "S3 keeps repeated slashes"},
    {"normalize-path/get-slash-dot-slash", "S3 does not remove '.' segments from the path"},
    {"normalize-path/get-slash-pointless-dot", "S3 does not remove '.' segments from the path"},
    {"normalize-path/get-slashes", "S3 keeps repeated slashes"},
};

TEST(StorageSigV4, AwsTestSuite) {
  const char* directory = std::getenv("FLINKCLI_AWS4_TESTSUITE");
  if (directory == nullptr || !std::filesystem::is_directory(directory)) {
    const std::string message = std::string("the AWS SigV4 test suite is not at ") +
                                (directory ? directory : "$FLINKCLI_AWS4_TESTSUITE") +
                                ": run scripts/fetch-test-data.sh build";
    if (in_ci()) FAIL() << message;
    GTEST_SKIP() << message;
  }
  const std::filesystem::path root(directory);
  const AwsCredentials no_token("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
  const SigningScope scope{"us-east-1", "service", false};
  int matched = 0;
  std::set<std::string> differed;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.path().extension() != ".req") continue;
    const std::filesystem::path base = entry.path().parent_path() / entry.path().stem();
    const std::string name = std::filesystem::relative(entry.path().parent_path(), root).generic_string();
    SCOPED_TRACE(name);
    const RawRequest raw = parse_raw_request(read_file(entry.path()));
    const std::string expected_creq = read_file(base.string() + ".creq");
    // As botocore's own runner (tests/unit/auth/test_sigv4.py): the session token is the one
    // the expected canonical request shows.
    std::optional<std::string> token;
    if (auto at = expected_creq.find("\nx-amz-security-token:"); at != std::string::npos) {
      const auto start = at + std::string_view("\nx-amz-security-token:").size();
      token = expected_creq.substr(start, expected_creq.find('\n', start) - start);
    }
    const AwsCredentials credentials("AKIDEXAMPLE", no_token.secret_access_key(), token);
    const SigningRequest request{raw.method, raw.path, raw.query, raw.headers, sha256_hex(raw.body)};
    const SignedRequest signed_request = sign_request(request, credentials, scope, utc(2015, 8, 30, 12, 36, 0));
    const bool same = signed_request.canonical_request == expected_creq;
    if (auto reason = k_differs_by_design.find(name); reason != k_differs_by_design.end()) {
      EXPECT_FALSE(same) << "listed as differing (" << reason->second << ") but matches";
      EXPECT_EQ(signed_request.canonical_request.substr(0, signed_request.canonical_request.find('\n', 4)),
                raw.method + "\n" + canonical_uri(raw.path))
          << "the path is signed as sent";
      differed.insert(name);
      continue;
    }
    EXPECT_EQ(signed_request.canonical_request, expected_creq);
    EXPECT_EQ(signed_request.string_to_sign, read_file(base.string() + ".sts"));
    EXPECT_EQ(signed_request.authorization, read_file(base.string() + ".authz"));
    ++matched;
  }
  EXPECT_EQ(differed.size(), k_differs_by_design.size()) << "a case listed as differing was not found";
  EXPECT_GE(matched, 25) << "too few cases under " << root;
}

// --- botocore's S3SigV4Auth itself -------------------------------------------------------------

std::string run_and_read(const std::string& command) {
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return output;
  char buffer[4096];
  std::size_t size = 0;
  while ((size = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, size);
  pclose(pipe);
  return output;
}

TEST(StorageSigV4, SameAsBotocore) {
  // scripts/fetch-test-data.sh installs botocore beside the test suite.
  const char* suite = std::getenv("FLINKCLI_AWS4_TESTSUITE");
  const std::filesystem::path python =
      std::filesystem::path(suite ? suite : "").parent_path() / "botocore-venv" / "bin" / "python";
  const std::string script = FLINKCLI_BOTOCORE_SIGN;
  if (suite == nullptr || !std::filesystem::exists(python)) {
    const std::string message = "botocore is not installed at " + python.string() +
                                ": run scripts/fetch-test-data.sh build";
    if (in_ci()) FAIL() << message;
    GTEST_SKIP() << message;
  }
  std::string command = "'";
  command += python.string();
  command += "' '";
  command += script;
  command += "'";
  const std::string output = run_and_read(command);
  const auto document = nlohmann::json::parse(output, nullptr, false);
  ASSERT_FALSE(document.is_discarded()) << output;
  ASSERT_GE(document.at("cases").size(), 3u);
  for (const auto& c : document.at("cases")) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    SigningRequest request;
    request.method = c.at("method").get<std::string>();
    request.path = c.at("path").get<std::string>();
    for (const auto& pair : c.at("query")) request.query.emplace_back(pair.at(0).get<std::string>(), pair.at(1).get<std::string>());
    for (const auto& pair : c.at("headers")) request.headers.emplace_back(pair.at(0).get<std::string>(), pair.at(1).get<std::string>());
    request.payload_hash = sha256_hex(c.at("body").get<std::string>());
    std::optional<std::string> token;
    if (!c.at("token").is_null()) token = c.at("token").get<std::string>();
    const AwsCredentials credentials(document.at("access_key_id").get<std::string>(),
                                     document.at("secret_access_key").get<std::string>(), token);
    const SignedRequest signed_request =
        sign_request(request, credentials, SigningScope{c.at("region").get<std::string>(), "s3", true}, utc(2026, 1, 2, 3, 4, 5));
    const auto& expected = c.at("signed");
    EXPECT_EQ(header(signed_request.added_headers, "Authorization"), expected.at("Authorization").get<std::string>())
        << signed_request.canonical_request;
    EXPECT_EQ(header(signed_request.added_headers, "x-amz-date"), expected.at("X-Amz-Date").get<std::string>());
    EXPECT_EQ(header(signed_request.added_headers, "x-amz-content-sha256"), expected.at("X-Amz-Content-SHA256").get<std::string>());
    EXPECT_EQ(header(signed_request.added_headers, "x-amz-security-token"),
              expected.value("X-Amz-Security-Token", std::string("<absent>")));
  }
}

}  // namespace
}  // namespace flinkcli::testing
