// What an S3 endpoint (or anything else on its port) may answer: listings, errors, DeleteObjects
// results, dates, and the element reader under them; and what STS, the container credentials
// endpoint and IMDS may answer. Only std::invalid_argument may come out, and only of the parsers
// documented to throw it.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "flinkcli/storage/aws_credential_providers.hpp"
#include "flinkcli/storage/s3_xml.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flinkcli;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try { (void)parse_list_objects_v2(text, true); } catch (const std::invalid_argument&) {}
  try { (void)parse_list_objects_v2(text, false); } catch (const std::invalid_argument&) {}
  try { (void)parse_delete_result(text); } catch (const std::invalid_argument&) {}
  (void)parse_s3_error(text);
  try { (void)parse_sts_credentials(text); } catch (const std::invalid_argument&) {}
  try { (void)parse_json_credentials(text); } catch (const std::invalid_argument&) {}
  (void)xml_texts(text, "Key");
  (void)xml_texts(text, "Contents");
  (void)xml_text(text, "Code");
  (void)xml_unescape(text);
  (void)xml_has_root(text, "ListBucketResult");
  (void)parse_iso8601(text);
  (void)parse_http_date(text);
  // What we write, we read back.
  const std::string key(text);
  const auto keys = xml_texts(delete_objects_body({key}), "Key");
  if (keys.size() != 1 || keys[0] != key) __builtin_trap();
  return 0;
}
