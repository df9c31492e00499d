#pragma once
// S3's XML answers, read without an XML library: the few documents S3 sends (ListObjectsV2,
// DeleteObjects results, errors) are flat, and only named elements' text is needed. Pure
// functions on bytes; every loop bounded by the input.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flinkcli {

// The text of each element `name` (outermost ones, in order), entities decoded.
std::vector<std::string> xml_texts(std::string_view xml, std::string_view name);
// The raw inner XML of each element `name`, for looking into nested elements.
std::vector<std::string_view> xml_elements(std::string_view xml, std::string_view name);
// The first element's text; none when there is none.
std::optional<std::string> xml_text(std::string_view xml, std::string_view name);
// &amp; &lt; &gt; &quot; &apos; and numeric references; anything else is kept as it is.
std::string xml_unescape(std::string_view text);
std::string xml_escape(std::string_view text);
// Whether `body` starts (after whitespace and an XML declaration) with the element `root`.
bool xml_has_root(std::string_view body, std::string_view root);

struct S3ListedObject {
  std::string key;
  std::uint64_t size = 0;
  std::optional<std::chrono::system_clock::time_point> modified;
};

struct S3ListPage {
  std::vector<S3ListedObject> objects;
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  std::string next_continuation_token;
};

// A ListObjectsV2 answer (<ListBucketResult>). With `url_encoded` (encoding-type=url was asked
// for), keys and prefixes are percent-decoded, '+' as a space, as S3 encodes them. Throws
// std::invalid_argument when it is not one or a size is not a number.
S3ListPage parse_list_objects_v2(std::string_view xml, bool url_encoded);

struct S3Error {
  std::string code;     // "NoSuchKey"; empty when the body is not an S3 error
  std::string message;
  std::string region;   // <Region> of a redirect or a malformed authorization header
};
S3Error parse_s3_error(std::string_view xml);

struct S3DeleteError {
  std::string key;
  std::string code;
  std::string message;
};
// A DeleteObjects request body (quiet: only failures are answered).
std::string delete_objects_body(const std::vector<std::string>& keys);
// The failures of a DeleteObjects answer (<DeleteResult>); throws std::invalid_argument when it
// is not one.
std::vector<S3DeleteError> parse_delete_result(std::string_view xml);

// "2026-12-07T01:02:03.000Z" (ISO 8601, UTC); none when malformed.
std::optional<std::chrono::system_clock::time_point> parse_iso8601(std::string_view text);
// "Mon, 07 Dec 2026 01:02:03 GMT" (Last-Modified); none when malformed.
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text);

}  // namespace flinkcli
