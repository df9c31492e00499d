// core's ByteReader: big-endian reads that never go past the end and consume nothing when short.
#include <gtest/gtest.h>

#include <string>

#include "flinkcli/core/byte_reader.hpp"

namespace flinkcli::testing {
namespace {

using namespace std::string_literals;

TEST(ByteReader, NumbersAreBigEndianAndBounded) {
  const struct {
    std::string bytes;
    std::size_t size;
    std::optional<std::uint64_t> value;
    std::size_t position_after;
  } cases[] = {
      {"\x01"s, 1, 0x01, 1},
      {"\xAC\xED"s, 2, 0xACED, 2},
      {"\xC9\x6B\x16\x96\xFF"s, 4, 0xC96B1696, 4},
      {"\xBC\x99\x03\xF7\x98\x6D\x85\x2F"s, 8, 0xBC9903F7986D852FULL, 8},
      {"\x00\x00\x00\x00\x00\x00\x00\x00\x01"s, 8, 0, 8},
      {""s, 1, std::nullopt, 0},
      {"\x01\x02\x03"s, 4, std::nullopt, 0},  // short: nothing consumed
      {"\x01\x02\x03\x04\x05\x06\x07\x08\x09"s, 9, std::nullopt, 0},  // wider than 64 bits
      {"abc"s, 0, 0, 0},
  };
  for (const auto& c : cases) {
    ByteReader in(c.bytes);
    EXPECT_EQ(in.number(c.size), c.value) << c.bytes.size() << " bytes, read " << c.size;
    EXPECT_EQ(in.position(), c.position_after);
    EXPECT_EQ(in.remaining(), c.bytes.size() - c.position_after);
  }
}

TEST(ByteReader, TypedReadsPeekAndBytes) {
  const std::string bytes = "\x7f\xAC\xED\x00\x00\x00\x05\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFExyz"s;
  ByteReader in(bytes);
  EXPECT_EQ(in.peek(), 0x7f);
  EXPECT_EQ(in.position(), 0u);  // peek consumes nothing
  EXPECT_EQ(in.u8(), 0x7f);
  EXPECT_EQ(in.u16(), 0xACED);
  EXPECT_EQ(in.u32(), 5u);
  EXPECT_EQ(in.u64(), 0xFFFFFFFFFFFFFFFEULL);
  EXPECT_EQ(in.bytes(4), std::nullopt);
  EXPECT_EQ(in.bytes(3), "xyz");
  EXPECT_TRUE(in.at_end());
  EXPECT_EQ(in.peek(), std::nullopt);
  EXPECT_EQ(in.u8(), std::nullopt);
  EXPECT_EQ(in.bytes(0), "");
}

TEST(ByteReader, UtfIsALengthThenThatManyBytes) {
  const struct {
    std::string bytes;
    std::optional<std::string> text;
    std::size_t position_after;
  } cases[] = {
      {"\x00\x03" "abcd"s, "abc", 5},
      {"\x00\x00"s, "", 2},
      {"\x00\x02\xC0\x80"s, "\xC0\x80"s, 4},  // the bytes as written: decoding is from_modified_utf8's
      {"\x00\x05" "abc"s, std::nullopt, 0},    // length beyond the end: nothing consumed
      {"\x00"s, std::nullopt, 0},
      {""s, std::nullopt, 0},
  };
  for (const auto& c : cases) {
    ByteReader in(c.bytes);
    const auto text = in.utf();
    EXPECT_EQ(text ? std::optional<std::string>(std::string(*text)) : std::nullopt, c.text);
    EXPECT_EQ(in.position(), c.position_after);
  }
}

TEST(ByteReader, RewindsOnlyBackwards) {
  ByteReader in("abcd");
  (void)in.bytes(3);
  in.rewind_to(1);
  EXPECT_EQ(in.position(), 1u);
  in.rewind_to(3);  // forward: ignored
  EXPECT_EQ(in.position(), 1u);
  EXPECT_EQ(in.bytes(3), "bcd");
}

}  // namespace
}  // namespace flinkcli::testing
