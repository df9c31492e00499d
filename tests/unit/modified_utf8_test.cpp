// core's from_modified_utf8: Java's writeUTF bytes as standard UTF-8, for the `_metadata` reader
// (operator names, uids) and the JKS reader (aliases, certificate types).
#include <gtest/gtest.h>

#include <string>

#include "flinkcli/core/text.hpp"

namespace flinkcli::testing {
namespace {

using namespace std::string_literals;

const std::string k_replacement = "\xEF\xBF\xBD";  // U+FFFD

TEST(ModifiedUtf8, DecodesAsJavaWroteIt) {
  const struct {
    std::string bytes;
    std::string text;
  } cases[] = {
      {"", ""},
      {"source-uid", "source-uid"},
      {"a\xC0\x80z"s, "a\0z"s},                                // U+0000 as two bytes
      {"\xC3\xA9t\xC3\xA9", "\xC3\xA9t\xC3\xA9"},              // é: two bytes, as in UTF-8
      {"\xE2\x82\xAC", "\xE2\x82\xAC"},                        // €: three bytes
      {"\xED\xA0\xBD\xED\xB8\x80", "\xF0\x9F\x98\x80"},        // U+1F600 as two 3-byte surrogates
      {"x\xED\xA0\xBD\xED\xB8\x80y", "x\xF0\x9F\x98\x80y"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(from_modified_utf8(c.bytes), c.text) << c.bytes;
    std::string appended = "kept/";  // the `_metadata` reader appends paths to one buffer
    append_from_modified_utf8(appended, c.bytes);
    EXPECT_EQ(appended, "kept/" + c.text) << c.bytes;
  }
}

// Java's readUTF throws UTFDataFormatException here; for display each bad byte or lone surrogate
// becomes U+FFFD and the rest is kept.
TEST(ModifiedUtf8, MalformedInputBecomesTheReplacementCharacter) {
  const struct {
    std::string bytes;
    std::string text;
  } cases[] = {
      {"\xFF", k_replacement},
      {"a\x80z", "a" + k_replacement + "z"},                    // a stray continuation byte
      {"a\xC3", "a" + k_replacement},                           // a two-byte sequence cut short
      {"\xE2\x82", k_replacement + k_replacement},              // a three-byte sequence cut short
      {"\xF0\x9F\x98\x80", k_replacement + k_replacement + k_replacement + k_replacement},  // 4-byte UTF-8 is not Java's
      {"\xED\xA0\xBD", k_replacement},                          // a high surrogate alone
      {"\xED\xB8\x80x", k_replacement + "x"},                   // a low surrogate alone
      {"\xED\xB8\x80\xED\xA0\xBD", k_replacement + k_replacement},  // the pair in the wrong order
  };
  for (const auto& c : cases) EXPECT_EQ(from_modified_utf8(c.bytes), c.text) << c.bytes;
}

TEST(ModifiedUtf8, AppendUtf8EncodesEachLength) {
  const struct {
    char32_t code_point;
    std::string utf8;
  } cases[] = {
      {0x00, "\0"s}, {0x7F, "\x7F"}, {0x80, "\xC2\x80"}, {0x7FF, "\xDF\xBF"}, {0x800, "\xE0\xA0\x80"},
      {0xFFFD, k_replacement}, {0x10000, "\xF0\x90\x80\x80"}, {0x10FFFF, "\xF4\x8F\xBF\xBF"},
  };
  for (const auto& c : cases) {
    std::string out;
    append_utf8(out, c.code_point);
    EXPECT_EQ(out, c.utf8) << static_cast<std::uint32_t>(c.code_point);
  }
}

}  // namespace
}  // namespace flinkcli::testing
