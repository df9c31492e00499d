#pragma once
// Small string helpers, each in one place.
#include <cstddef>
#include <string>
#include <string_view>

namespace flinkcli {

std::string trim(std::string_view text);  // spaces, tabs, CR and LF at both ends
std::string to_upper(std::string_view text);  // ASCII only, as Flink's enum parsing
std::string to_lower(std::string_view text);
bool is_valid_utf8(std::string_view text);
// Lower-case hex digits of `size` bytes ("0a1b...").
std::string to_hex(const unsigned char* data, std::size_t size);

// One printable line of at most `max_bytes`: line breaks and control characters become spaces,
// invalid UTF-8 becomes '?', and a longer text is cut at a character boundary with "…".
// Linear in the input, whatever its size.
std::string one_line(std::string_view text, std::size_t max_bytes = 1000);

}  // namespace flinkcli
