#pragma once
// AWS Signature Version 4 as S3 checks it, matching botocore's S3SigV4Auth (botocore/auth.py),
// which is also what moto re-computes: pure functions on an injected time, no I/O.
#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace flinkcli {

// An access key pair, with a session token for temporary credentials. The secret is never
// printable: there is no operator<<, and describe() shows only the start of the key id.
class AwsCredentials {
 public:
  AwsCredentials(std::string access_key_id, std::string secret_access_key,
                 std::optional<std::string> session_token = std::nullopt);

  const std::string& access_key_id() const { return m_access_key_id; }
  // For the signer only: never log or print it.
  const std::string& secret_access_key() const { return m_secret_access_key; }
  const std::optional<std::string>& session_token() const { return m_session_token; }
  // "access key AKIA… (session)" – the first 4 characters of the key id, nothing of the secret.
  std::string describe() const;

 private:
  std::string m_access_key_id;
  std::string m_secret_access_key;
  std::optional<std::string> m_session_token;
};

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;
using QueryParameters = std::vector<std::pair<std::string, std::string>>;

// The payload hash S3 accepts in place of the body's SHA-256.
inline constexpr std::string_view k_unsigned_payload = "UNSIGNED-PAYLOAD";
// botocore's SIGNED_HEADERS_BLACKLIST: proxies and clients change these, and moto drops them
// when it re-signs, so a request that signs one of them is refused.
inline constexpr std::array<std::string_view, 4> k_never_signed_headers = {
    "expect", "transfer-encoding", "user-agent", "x-amzn-trace-id"};

struct SigningRequest {
  std::string method;           // "GET", "PUT", ...
  std::string path;             // decoded bytes ("/bucket/a key+1"): encoded once when signing
  QueryParameters query;        // decoded names and values
  HttpHeaders headers;          // as they will be sent; must include Host
  std::string payload_hash;     // sha256_hex(body), or k_unsigned_payload
};

struct SigningScope {
  std::string region = "us-east-1";
  std::string service = "s3";
  // S3 wants the payload hash as a header too, and botocore's S3SigV4Auth signs it; other
  // services (and the generic test vectors) do not send it.
  bool content_sha256_header = true;
};

// What signing adds to the request, and the intermediate texts for -v and tests.
struct SignedRequest {
  HttpHeaders added_headers;  // x-amz-date, x-amz-content-sha256, x-amz-security-token, Authorization
  std::string canonical_request;
  std::string string_to_sign;
  std::string authorization;
};

std::string sha256_hex(std::string_view data);
std::array<unsigned char, 32> hmac_sha256(std::string_view key, std::string_view data);

// RFC 3986 percent-encoding with upper-case hex: unreserved characters (A-Z a-z 0-9 - . _ ~)
// stay, and '/' too when `keep_slash`. Every other byte is encoded, '%' included (no double
// decoding ever happens: the input is raw bytes).
std::string uri_encode(std::string_view bytes, bool keep_slash);
// S3's canonical URI: the path encoded once, '/' kept, no normalisation ("//a/./b" stays);
// "" becomes "/".
std::string canonical_uri(std::string_view path);
// Names and values encoded, sorted by encoded name then encoded value, joined with '&'.
std::string canonical_query_string(const QueryParameters& query);

struct CanonicalHeaders {
  std::string text;            // "name:value\n" per header, sorted by lower-cased name
  std::string signed_headers;  // "host;x-amz-date"
};
// Lower-cased names, values trimmed with runs of whitespace made one space, repeated names
// joined with ',' in order; the never-signed headers left out.
CanonicalHeaders canonical_headers(const HttpHeaders& headers);

std::string canonical_request(const SigningRequest& request);
// "20150830T123600Z"
std::string amz_date(std::chrono::system_clock::time_point time);
std::string credential_scope(std::string_view date, const SigningScope& scope);  // date: "20150830"
std::string string_to_sign(std::string_view amz_date, std::string_view credential_scope,
                           std::string_view canonical_request);
std::array<unsigned char, 32> signing_key(std::string_view secret_access_key, std::string_view date,
                                          const SigningScope& scope);

// Signs `request` at `time` as botocore's S3SigV4Auth does: x-amz-date (replacing any in the
// request), x-amz-content-sha256 (when the scope asks), x-amz-security-token (with a session
// token), then every header present except the never-signed ones.
SignedRequest sign_request(const SigningRequest& request, const AwsCredentials& credentials,
                           const SigningScope& scope, std::chrono::system_clock::time_point time);

}  // namespace flinkcli
