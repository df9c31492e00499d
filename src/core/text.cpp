#include "flinkcli/core/text.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace flinkcli {

namespace {

// Length of the valid UTF-8 sequence starting at text[i], or 0 when it is not one.
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
  const auto byte = static_cast<unsigned char>(text[i]);
  std::size_t length = 0;
  unsigned int min_value = 0;
  unsigned int value = 0;
  if (byte < 0x80) return 1;
  if ((byte & 0xE0) == 0xC0) { length = 2; value = byte & 0x1F; min_value = 0x80; }
  else if ((byte & 0xF0) == 0xE0) { length = 3; value = byte & 0x0F; min_value = 0x800; }
  else if ((byte & 0xF8) == 0xF0) { length = 4; value = byte & 0x07; min_value = 0x10000; }
  else return 0;
  if (i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    const auto next = static_cast<unsigned char>(text[i + k]);
    if ((next & 0xC0) != 0x80) return 0;
    value = (value << 6) | (next & 0x3F);
  }
  if (value < min_value || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return 0;
  return length;
}

}  // namespace

std::string trim(std::string_view text) {
  const auto begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return "";
  return std::string(text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1));
}

std::string to_upper(std::string_view text) {
  std::string result(text);
  for (auto& c : result) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return result;
}

std::string to_lower(std::string_view text) {
  std::string result(text);
  for (auto& c : result) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return result;
}

std::string to_hex(const unsigned char* data, std::size_t size) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string text;
  text.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    text += digits[data[i] >> 4];
    text += digits[data[i] & 0x0F];
  }
  return text;
}

bool is_valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

std::string one_line(std::string_view text, std::size_t max_bytes) {
  static constexpr std::string_view k_ellipsis = "\xE2\x80\xA6";  // "…"
  std::string result;
  std::size_t cut = 0;  // the longest prefix (whole characters) that leaves room for the ellipsis
  std::size_t i = 0;
  while (i < text.size() && result.size() <= max_bytes) {
    std::size_t length = utf8_sequence_length(text, i);
    std::string_view piece = length ? text.substr(i, length) : std::string_view("?");
    if (length == 1 && (static_cast<unsigned char>(text[i]) < 0x20 || text[i] == 0x7F)) piece = " ";
    if (result.size() + piece.size() + k_ellipsis.size() <= max_bytes) cut = result.size() + piece.size();
    result += piece;
    i += length ? length : 1;
  }
  if (i >= text.size() && result.size() <= max_bytes) return result;
  result.resize(cut);
  return result += k_ellipsis;
}

void append_utf8(std::string& out, char32_t code_point) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xE0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

std::string from_modified_utf8(std::string_view bytes) {
  std::string text;
  append_from_modified_utf8(text, bytes);
  return text;
}

void append_from_modified_utf8(std::string& out, std::string_view bytes) {
  // ASCII is the same in both encodings (U+0000 is C0 80 in modified UTF-8, never a 00 byte).
  if (std::all_of(bytes.begin(), bytes.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
    out.append(bytes);
    return;
  }
  constexpr char32_t replacement = 0xFFFD;
  // First the UTF-16 code units, as Java holds the string; then surrogate pairs are joined.
  std::vector<char32_t> units;
  std::size_t i = 0;
  while (i < bytes.size()) {
    const auto lead = static_cast<unsigned char>(bytes[i]);
    auto continuation = [&](std::size_t k) {
      return i + k < bytes.size() && (static_cast<unsigned char>(bytes[i + k]) & 0xC0) == 0x80;
    };
    if (lead < 0x80) {
      units.push_back(lead);
      i += 1;
    } else if ((lead & 0xE0) == 0xC0 && continuation(1)) {
      units.push_back(static_cast<char32_t>(((lead & 0x1F) << 6) | (static_cast<unsigned char>(bytes[i + 1]) & 0x3F)));
      i += 2;
    } else if ((lead & 0xF0) == 0xE0 && continuation(1) && continuation(2)) {
      units.push_back(static_cast<char32_t>(((lead & 0x0F) << 12) |
                                            ((static_cast<unsigned char>(bytes[i + 1]) & 0x3F) << 6) |
                                            (static_cast<unsigned char>(bytes[i + 2]) & 0x3F)));
      i += 3;
    } else {
      units.push_back(replacement);
      i += 1;
    }
  }
  for (std::size_t k = 0; k < units.size(); ++k) {
    const char32_t unit = units[k];
    if (unit >= 0xD800 && unit <= 0xDBFF && k + 1 < units.size() && units[k + 1] >= 0xDC00 && units[k + 1] <= 0xDFFF) {
      append_utf8(out, 0x10000 + ((unit - 0xD800) << 10) + (units[k + 1] - 0xDC00));
      ++k;
    } else if (unit >= 0xD800 && unit <= 0xDFFF) {
      append_utf8(out, replacement);
    } else {
      append_utf8(out, unit);
    }
  }
}

}  // namespace flinkcli
