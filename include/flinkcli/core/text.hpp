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
// Appends `code_point` (at most U+10FFFF) to `out` as UTF-8.
void append_utf8(std::string& out, char32_t code_point);
// Java's modified UTF-8 (what DataOutput.writeUTF writes) as standard UTF-8: C0 80 is U+0000,
// and a surrogate pair written as two 3-byte sequences is one character. Java's readUTF throws on
// malformed input; this client only shows and compares such text (operator names, keystore
// aliases and types), so a malformed byte or a lone surrogate becomes U+FFFD, the conventional
// replacement, and the rest of the text is kept.
std::string from_modified_utf8(std::string_view bytes);
// The same, appended to `out` (no allocation of its own for ASCII text: `_metadata` paths).
void append_from_modified_utf8(std::string& out, std::string_view bytes);
// Lower-case hex digits of `size` bytes ("0a1b...").
std::string to_hex(const unsigned char* data, std::size_t size);

// One printable line of at most `max_bytes`: line breaks and control characters become spaces,
// invalid UTF-8 becomes '?', and a longer text is cut at a character boundary with "…".
// Linear in the input, whatever its size.
std::string one_line(std::string_view text, std::size_t max_bytes = 1000);

}  // namespace flinkcli
