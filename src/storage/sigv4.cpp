#include "flinkcli/storage/sigv4.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <stdexcept>

#include "flinkcli/core/text.hpp"

namespace flinkcli {
namespace {

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

bool never_signed(std::string_view lower_name) {
  return std::find(k_never_signed_headers.begin(), k_never_signed_headers.end(), lower_name) !=
         k_never_signed_headers.end();
}

// botocore's _header_value: ' '.join(value.split()), so line breaks of a folded value count too.
std::string trimmed_header_value(std::string_view value) {
  std::string result;
  bool pending_space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
      pending_space = !result.empty();
      continue;
    }
    if (pending_space) result.push_back(' ');
    pending_space = false;
    result.push_back(c);
  }
  return result;
}

std::string hex(const std::array<unsigned char, 32>& bytes) { return to_hex(bytes.data(), bytes.size()); }

std::string_view as_text(const std::array<unsigned char, 32>& bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

}  // namespace

AwsCredentials::AwsCredentials(std::string access_key_id, std::string secret_access_key,
                               std::optional<std::string> session_token)
    : m_access_key_id(std::move(access_key_id)),
      m_secret_access_key(std::move(secret_access_key)),
      m_session_token(std::move(session_token)) {}

std::string AwsCredentials::describe() const {
  // Key ids are not secret, but four characters are enough to tell keys apart in a log.
  std::string text = "access key " + one_line(m_access_key_id.substr(0, 4), 16) + "…";
  if (m_session_token) text += " (with a session token)";
  return text;
}

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, 32> digest{};
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1 || size != 32) {
    throw std::runtime_error("OpenSSL SHA-256 failed");
  }
  return hex(digest);
}

std::array<unsigned char, 32> hmac_sha256(std::string_view key, std::string_view data) {
  std::array<unsigned char, 32> mac{};
  unsigned int size = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac.data(), &size) == nullptr ||
      size != 32) {
    throw std::runtime_error("OpenSSL HMAC-SHA256 failed");
  }
  return mac;
}

std::string uri_encode(std::string_view bytes, bool keep_slash) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string encoded;
  encoded.reserve(bytes.size());
  for (char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    if (is_unreserved(byte) || (keep_slash && c == '/')) {
      encoded.push_back(c);
    } else {
      encoded.push_back('%');
      encoded.push_back(k_hex[byte >> 4]);
      encoded.push_back(k_hex[byte & 0x0f]);
    }
  }
  return encoded;
}

std::string canonical_uri(std::string_view path) {
  if (path.empty()) return "/";
  return uri_encode(path, true);
}

std::string canonical_query_string(const QueryParameters& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query) encoded.emplace_back(uri_encode(name, false), uri_encode(value, false));
  std::sort(encoded.begin(), encoded.end());
  std::string text;
  for (const auto& [name, value] : encoded) {
    if (!text.empty()) text.push_back('&');
    text += name + "=" + value;
  }
  return text;
}

CanonicalHeaders canonical_headers(const HttpHeaders& headers) {
  std::map<std::string, std::string> joined;  // sorted by lower-cased name
  for (const auto& [name, value] : headers) {
    const std::string lower = to_lower(trim(name));
    if (never_signed(lower)) continue;
    auto [entry, inserted] = joined.try_emplace(lower, trimmed_header_value(value));
    if (inserted) continue;
    entry->second.push_back(',');
    entry->second += trimmed_header_value(value);
  }
  CanonicalHeaders result;
  for (const auto& [name, value] : joined) {
    result.text += name + ":" + value + "\n";
    if (!result.signed_headers.empty()) result.signed_headers.push_back(';');
    result.signed_headers += name;
  }
  return result;
}

std::string canonical_request(const SigningRequest& request) {
  const CanonicalHeaders headers = canonical_headers(request.headers);
  return to_upper(request.method) + "\n" + canonical_uri(request.path) + "\n" +
         canonical_query_string(request.query) + "\n" + headers.text + "\n" + headers.signed_headers + "\n" +
         request.payload_hash;
}

std::string amz_date(std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  const auto seconds = floor<std::chrono::seconds>(time);
  const auto day = floor<days>(seconds);
  const year_month_day date{day};
  const hh_mm_ss clock{seconds - day};
  char text[32];
  std::snprintf(text, sizeof text, "%04d%02u%02uT%02ld%02ld%02ldZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<long>(clock.hours().count()), static_cast<long>(clock.minutes().count()),
                static_cast<long>(clock.seconds().count()));
  return text;
}

std::string credential_scope(std::string_view date, const SigningScope& scope) {
  return std::string(date) + "/" + scope.region + "/" + scope.service + "/aws4_request";
}

std::string string_to_sign(std::string_view amz_date, std::string_view credential_scope,
                           std::string_view canonical_request) {
  return "AWS4-HMAC-SHA256\n" + std::string(amz_date) + "\n" + std::string(credential_scope) + "\n" +
         sha256_hex(canonical_request);
}

std::array<unsigned char, 32> signing_key(std::string_view secret_access_key, std::string_view date,
                                          const SigningScope& scope) {
  const auto date_key = hmac_sha256("AWS4" + std::string(secret_access_key), date);
  const auto region_key = hmac_sha256(as_text(date_key), scope.region);
  const auto service_key = hmac_sha256(as_text(region_key), scope.service);
  return hmac_sha256(as_text(service_key), "aws4_request");
}

SignedRequest sign_request(const SigningRequest& request, const AwsCredentials& credentials,
                           const SigningScope& scope, std::chrono::system_clock::time_point time) {
  const std::string timestamp = amz_date(time);
  const std::string date = timestamp.substr(0, 8);
  SignedRequest signed_request;
  signed_request.added_headers.emplace_back("x-amz-date", timestamp);
  if (scope.content_sha256_header) {
    signed_request.added_headers.emplace_back("x-amz-content-sha256", request.payload_hash);
  }
  if (credentials.session_token()) {
    signed_request.added_headers.emplace_back("x-amz-security-token", *credentials.session_token());
  }
  // The headers signing sets replace any the caller already put there (a retry signs again).
  SigningRequest to_sign = request;
  std::erase_if(to_sign.headers, [&](const auto& header) {
    const std::string lower = to_lower(trim(header.first));
    if (lower == "authorization") return true;
    return std::any_of(signed_request.added_headers.begin(), signed_request.added_headers.end(),
                       [&](const auto& added) { return added.first == lower; });
  });
  to_sign.headers.insert(to_sign.headers.end(), signed_request.added_headers.begin(),
                         signed_request.added_headers.end());

  const std::string scope_text = credential_scope(date, scope);
  signed_request.canonical_request = canonical_request(to_sign);
  signed_request.string_to_sign = string_to_sign(timestamp, scope_text, signed_request.canonical_request);
  const auto key = signing_key(credentials.secret_access_key(), date, scope);
  const std::string signature = hex(hmac_sha256(as_text(key), signed_request.string_to_sign));
  signed_request.authorization = "AWS4-HMAC-SHA256 Credential=" + credentials.access_key_id() + "/" +
                                 scope_text + ", SignedHeaders=" +
                                 canonical_headers(to_sign.headers).signed_headers + ", Signature=" + signature;
  signed_request.added_headers.emplace_back("Authorization", signed_request.authorization);
  return signed_request;
}

}  // namespace flinkcli
