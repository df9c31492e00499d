// The `_metadata` reader and the uid hash (include/flinkcli/metadata/): test vectors, synthetic
// files of every version, and bad input: truncation at every offset, corrupted tags, huge
// lengths and counts, unknown versions. Bad input must give one MetadataError with an offset.
#include <gtest/gtest.h>

#include "fake/sample_savepoint.hpp"
#include "flinkcli/metadata/savepoint_metadata.hpp"

namespace flinkcli::testing {
namespace {

using metadata::MetadataError;
using metadata::parse_metadata;

std::string unhex(const std::string& hex) {
  std::string out;
  std::string digits;
  for (char c : hex) {
    if (std::isxdigit(static_cast<unsigned char>(c))) digits += c;
  }
  for (std::size_t i = 0; i + 1 < digits.size(); i += 2) out += static_cast<char>(std::stoi(digits.substr(i, 2), nullptr, 16));
  return out;
}

// What the parser says about `bytes`: "" when it parses, else its message.
std::string error_of(const std::string& bytes) {
  try {
    (void)parse_metadata(bytes);
    return "";
  } catch (const MetadataError& error) {
    return error.what();
  }
}

struct MurmurCase {
  std::uint32_t seed;
  std::string text;
  std::uint64_t h1;
  std::uint64_t h2;
};

TEST(MetadataHash, GuavaMurmur3Vectors) {
  const std::vector<MurmurCase> cases = {
      {0, "hell", 0x629942693e10f867ULL, 0x92db0b82baeb5347ULL},
      {1, "hello", 0xa78ddff5adae8d10ULL, 0x128900ef20900135ULL},
      {2, "hello ", 0x8a486b23f422e826ULL, 0xf962a2c58947765fULL},
      {3, "hello w", 0x2ea59f466f6bed8cULL, 0xc610990acc428a17ULL},
      {4, "hello wo", 0x79f6305a386c572cULL, 0x46305aed3483b94eULL},
      {5, "hello wor", 0xc2219d213ec1f1b5ULL, 0xa1d8e2e0a52785bdULL},
      {0, "The quick brown fox jumps over the lazy dog", 0xe34bbc7bbc071b6cULL, 0x7a433ca9c49a9347ULL},
  };
  for (const auto& c : cases) {
    const auto [h1, h2] = metadata::murmur3_x64_128(c.text, c.seed);
    EXPECT_EQ(h1, c.h1) << c.text;
    EXPECT_EQ(h2, c.h2) << c.text;
  }
}

TEST(MetadataHash, OperatorIdsFromUids) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"source", "e5a72f353fc1e6bbf3bd96a41384998c"},  // Flink's own test (StateEagerRegisterTest)
      {"sink", "2e588ce1c86a9d46e2e85186773ce4fd"},
      {"flatMap", "4cf304da7f0eed0ff91c4cb6128e1ca7"},
      {"The quick brown fox jumps over the lazy dog", "6c1b07bc7bbc4be347939ac4a93c437a"},
      {"", "00000000000000000000000000000000"},
      {"uid", "0e1febe90327d1cea326114660ec1de8"},
      {"a", "897859f6655555855a890e51483ab5e6"},
      {"abcdefghijklmnop", "23b74c22a33ccac41aeb31b395d63343"},
      {"abcdefghijklmnopq", "57a6bd887f746475e40d11a19d49daec"},
      {"\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", "f4effba8b987bb12ee76470a47800fe4"},  // 日本語
      {"Source: Custom Source", "1640a1cd8726ec8c7d93a05ed1e790e7"},
      // The sample job's, as Flink 1.20.5 and 2.3.0 report them for its vertices.
      {"source-id", "bd9c186e89cc37a76d776844dfa8ccba"},
      {"mapper-id", "c9cecfed5cae9d489451c50e442666e3"},
  };
  for (const auto& [uid, id] : cases) EXPECT_EQ(metadata::operator_id_for_uid(uid), id) << uid;
}

// A hand-built version 3 file (191 bytes, MetadataV3Serializer's layout): checkpoint 7, one
// operator with inline operator state "offsets" and keyed state in a relative file.
const char* const k_reference_v3 =
    "4960672d 00000003 0000000000000007 00000000 00000001"
    "e5a72f353fc1e6bbf3bd96a41384998c 00000001 00000080 00 00000001 00000000"
    "00000001 04 00000001 0007 6f666673657473 00 00000001 0000000000000000"
    "01 0008 696e6c696e652d30 00000003 616263"
    "00000000"
    "07 00000000 00000002 0000000000000000 0000000000000064"
    "06 0024 31623063376431652d326633612d346235632d386439652d306631613262336334643565 00000000000000fa"
    "00 00000000 00000000";

TEST(MetadataParser, ReferenceFile) {
  const std::string bytes = unhex(k_reference_v3);
  ASSERT_EQ(bytes.size(), 191u);
  const auto savepoint = parse_metadata(bytes);
  EXPECT_EQ(savepoint.version, 3);
  EXPECT_EQ(savepoint.checkpoint_id, 7);
  ASSERT_EQ(savepoint.operators.size(), 1u);
  const auto& op = savepoint.operators[0];
  EXPECT_EQ(op.operator_id, "e5a72f353fc1e6bbf3bd96a41384998c");
  EXPECT_FALSE(op.uid);
  EXPECT_EQ(op.parallelism, 1);
  EXPECT_EQ(op.max_parallelism, 128);
  EXPECT_EQ(op.subtask_states, 1);
  EXPECT_EQ(op.state_size, 3 + 250);
  EXPECT_EQ(op.inline_size, 3);
  EXPECT_TRUE(op.kinds.managed_operator);
  EXPECT_TRUE(op.kinds.managed_keyed);
  EXPECT_FALSE(op.kinds.coordinator);
  EXPECT_TRUE(op.has_state);
  ASSERT_EQ(op.files.size(), 1u);
  EXPECT_EQ(op.path_of(op.files[0]), "1b0c7d1e-2f3a-4b5c-8d9e-0f1a2b3c4d5e");
  EXPECT_TRUE(op.files[0].relative);
  EXPECT_EQ(op.files[0].size, 250);
  EXPECT_FALSE(savepoint.snapshot_type);
}

TEST(MetadataParser, SampleSavepointInEveryVersion) {
  for (int version = 2; version <= 7; ++version) {
    SCOPED_TRACE("version " + std::to_string(version));
    const auto savepoint = parse_metadata(sample_savepoint(version, "NATIVE").bytes);
    EXPECT_EQ(savepoint.version, version);
    EXPECT_EQ(savepoint.checkpoint_id, 12);
    ASSERT_EQ(savepoint.operators.size(), 4u);
    const auto& source = savepoint.operators[0];
    const auto& throttle = savepoint.operators[1];
    const auto& mapper = savepoint.operators[2];
    EXPECT_EQ(source.operator_id, metadata::operator_id_for_uid("source-id"));
    EXPECT_EQ(mapper.operator_id, metadata::operator_id_for_uid("mapper-id"));
    EXPECT_EQ(source.kinds.coordinator, version >= 3);
    EXPECT_TRUE(source.kinds.managed_operator);
    EXPECT_FALSE(source.kinds.managed_keyed);
    EXPECT_EQ(source.state_size, k_source_file_size + (version >= 3 ? 16 : 0));
    EXPECT_EQ(source.inline_size, version >= 3 ? 16 : 0);
    EXPECT_TRUE(mapper.kinds.managed_keyed);
    EXPECT_EQ(mapper.state_size, k_mapper_file_size);
    ASSERT_EQ(mapper.files.size(), 1u);
    EXPECT_EQ(mapper.path_of(mapper.files[0]), k_mapper_file);
    EXPECT_FALSE(throttle.has_state);
    EXPECT_EQ(throttle.subtask_states, 1);
    EXPECT_EQ(throttle.state_size, 0);
    EXPECT_TRUE(throttle.files.empty());
    if (version >= 5) {
      EXPECT_EQ(source.uid, "source-id");
      EXPECT_EQ(source.name, "Source: source");
      EXPECT_EQ(mapper.uid, "mapper-id");
    } else {
      EXPECT_FALSE(source.uid);
      EXPECT_FALSE(source.name);
    }
    if (version >= 4) {
      EXPECT_EQ(savepoint.snapshot_type, "savepoint");
      EXPECT_EQ(savepoint.format, "NATIVE");
    } else {
      EXPECT_FALSE(savepoint.snapshot_type);
    }
  }
  EXPECT_EQ(parse_metadata(sample_savepoint(6, "CANONICAL").bytes).format, "CANONICAL");
}

TEST(MetadataParser, FinishedSubtasksAndOperators) {
  MetadataWriter w;
  w.header(6, 3).i32(0).i32(2);
  w.operator_head(6, "done", "done", 2, 128).u8(0).i32(-1);  // fully finished
  w.operator_head(6, "half", "half", 2, 128).u8(0).i32(2).i32(-1);  // subtask 0 finished
  empty_subtask(w, 6);
  w.savepoint_properties("CANONICAL");
  const auto savepoint = parse_metadata(w.bytes);
  ASSERT_EQ(savepoint.operators.size(), 2u);
  EXPECT_TRUE(savepoint.operators[0].fully_finished);
  EXPECT_EQ(savepoint.operators[1].finished_subtasks, 1);
  EXPECT_EQ(savepoint.operators[1].subtask_states, 1);
}

TEST(MetadataParser, ModifiedUtf8BecomesUtf8) {
  MetadataWriter w;
  w.header(6, 1).i32(0).i32(1);
  // "😀" (U+1F600) as Java writes it: two 3-byte surrogates; U+0000 as C0 80.
  const std::string cesu = "\xED\xA0\xBD\xED\xB8\x80";
  w.u8(0).u8(static_cast<std::uint8_t>(cesu.size() + 2)).raw(cesu + "\xC0\x80").utf("u");
  w.hex_id(metadata::operator_id_for_uid("u")).i32(1).i32(1).u8(0).i32(0);
  w.savepoint_properties("CANONICAL");
  const auto savepoint = parse_metadata(w.bytes);
  EXPECT_EQ(savepoint.operators.at(0).name, std::string("\xF0\x9F\x98\x80") + std::string(1, '\0'));
}

// Every proper prefix of a valid file is an error naming an offset within the prefix.
TEST(MetadataParser, TruncatedAtEveryOffset) {
  std::vector<std::string> files = {unhex(k_reference_v3)};
  for (int version = 2; version <= 7; ++version) files.push_back(sample_savepoint(version).bytes);
  for (const auto& file : files) {
    ASSERT_EQ(error_of(file), "");
    for (std::size_t length = 0; length < file.size(); ++length) {
      try {
        (void)parse_metadata(file.substr(0, length));
        ADD_FAILURE() << "a prefix of " << length << " of " << file.size() << " bytes parsed";
      } catch (const MetadataError& error) {
        EXPECT_LE(error.offset(), length) << error.what();
        EXPECT_NE(std::string(error.what()).find(" at byte "), std::string::npos);
      }
    }
  }
}

struct Corruption {
  const char* name;
  int version;
  const char* mark;  // where to write
  std::string bytes;  // what to write there
  const char* expected;  // the whole message
};

std::string be32(std::uint32_t value) {
  MetadataWriter w;
  w.i32(value);
  return w.bytes;
}

TEST(MetadataParser, CorruptedFields) {
  const std::vector<Corruption> cases = {
      {"keyed tag", 6, "keyed_tag", "\x2A", "unknown keyed state handle type 42"},
      {"operator tag", 6, "operator_tag", "\x09", "unknown operator state handle type 9"},
      {"stream tag", 6, "source_stream", "\x63", "unknown stream handle type 99"},
      {"distribution mode", 6, "mode", "\x07", "unknown operator state distribution mode 7"},
      {"coordinator as a file", 6, "coordinator", "\x06", "coordinator state of operator "},
      {"huge key group count", 6, "key_groups", be32(0x7FFFFFFF), "bad key group count 2147483647"},
      {"negative key group count", 6, "key_groups", be32(0xFFFFFFFF), "bad key group count -1"},
      {"huge inline length", 6, "coordinator", std::string("\x01\x00\x0b" "coordinator" "\x7f\xff\xff\xff", 18),
       "file ends inside inline state bytes"},
      {"huge name length", 6, "source", "\xff\xff", "file ends inside an operator name"},
      {"trailer class", 4, "trailer", std::string("\xAC\xED\x00\x05\x73\x99", 6),
       "checkpoint properties: unexpected type code 153"},
      {"no Java stream", 4, "trailer", std::string("\x00\x00", 2), "checkpoint properties: not a Java serialization stream"},
      // Found by the fuzzer: a reset while a class descriptor was being read invalidated it.
      {"reset inside an object", 5, "trailer",
       std::string("\xAC\xED\x00\x05\x73\x72\x00\x01" "A" "\x00\x00\x00\x00\x00\x00\x00\x01\x02\x00\x01" "L"
                   "\x00\x01" "f" "\x79", 25),
       "checkpoint properties: a reset inside an object"},
      {"back reference to nothing", 6, "trailer", std::string("\xAC\xED\x00\x05\x71\x00\x7e\x00\x05", 9),
       "checkpoint properties: bad back reference"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto file = sample_savepoint(c.version);
    const std::size_t at = file.marks.at(c.mark);
    file.bytes.replace(at, std::min(c.bytes.size(), file.bytes.size() - at), c.bytes);
    const std::string message = error_of(file.bytes);
    EXPECT_EQ(message.rfind(c.expected, 0), 0u) << message;
    EXPECT_NE(message.find(" at byte "), std::string::npos) << message;
  }
}

TEST(MetadataParser, BadHeadersAndHugeCounts) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "file ends inside the magic number (4 bytes needed, 0 left) at byte 0"},
      {unhex("cafebabe 00000004"), "not a Flink _metadata file (magic number cafebabe, expected 4960672d) at byte 0"},
      {unhex("4960672d 00000008 0000000000000001"), "unknown metadata version 8 (known: 2 to 7) at byte 4"},
      {unhex("4960672d 00000000"), "unknown metadata version 0 (known: 2 to 7) at byte 4"},
      {unhex("4960672d ffffffff"), "unknown metadata version -1 (known: 2 to 7) at byte 4"},
      {unhex("4960672d 00000001"), "metadata version 1 (Flink 1.2) is not supported at byte 4"},
      {unhex("4960672d 00000006 8000000000000000"), "negative checkpoint id at byte 8"},
      {unhex("4960672d 00000006 0000000000000001 7fffffff"), "master state count 2147483647 exceeds the 0 bytes left at byte 16"},
      {unhex("4960672d 00000006 0000000000000001 00000000 7fffffff 00"),
       "operator count 2147483647 exceeds the 1 bytes left at byte 20"},
      {unhex("4960672d 00000006 0000000000000001 00000000 80000000"), "negative operator count -2147483648 at byte 20"},
      {unhex("4960672d 00000006 0000000000000001 00000001 c96b1696 7fffffff"),
       "file ends inside a master state (2147483647 bytes needed, 0 left) at byte 28"},
      {unhex("4960672d 00000006 0000000000000001 00000001 12345678 00000001"), "bad master state magic number at byte 20"},
  };
  for (const auto& [bytes, expected] : cases) EXPECT_EQ(error_of(bytes), expected);
}

TEST(MetadataParser, HugeSubtaskAndListCounts) {
  MetadataWriter w;
  w.header(6, 1).i32(0).i32(1).operator_head(6, "x", "x", 1, 128).u8(0).mark("count").i32(0x7FFFFFFF);
  EXPECT_EQ(error_of(w.bytes).rfind("subtask state count 2147483647 exceeds", 0), 0u) << error_of(w.bytes);
  // An incremental RocksDB handle claiming two billion shared files.
  MetadataWriter incremental;
  incremental.header(6, 1).i32(0).i32(1).operator_head(6, "x", "x", 1, 128).u8(0).i32(1).i32(0).i32(0).i32(0);
  incremental.u8(11).i64(1).utf("backend").i32(0).i32(128).i64(0).u8(0).i32(0x7FFFFFF0);
  EXPECT_EQ(error_of(incremental.bytes).rfind("a state handle list's size 2147483632 exceeds", 0), 0u)
      << error_of(incremental.bytes);
}

// Changelog handles nest keyed handles; a file that nests them without end is refused, not a
// stack overflow.
TEST(MetadataParser, DeepNestingIsBounded) {
  MetadataWriter w;
  w.header(6, 1).i32(0).i32(1).operator_head(6, "x", "x", 1, 128).u8(0).i32(1).i32(0).i32(0).i32(0);
  for (int i = 0; i < 100000; ++i) w.u8(14).i32(0).i32(1).i64(0).i32(1);
  EXPECT_EQ(error_of(w.bytes).rfind("handles nested deeper than 16", 0), 0u) << error_of(w.bytes);
}

TEST(MetadataParser, IncrementalAndChangelogSizes) {
  MetadataWriter w;
  w.header(6, 1).i32(0).i32(1).operator_head(6, "x", "x", 1, 128).u8(0).i32(1).i32(0).i32(0).i32(0);
  // Changelog (14) holding one incremental (11) and one in-memory increment (9).
  w.u8(14).i32(0).i32(128).i64(0).i32(1);
  w.u8(11).i64(5).utf("backend").i32(0).i32(128).i64(0).inline_stream("meta", "mm");
  w.i32(1).utf("000001.sst").file_stream("file:/shared/000001.sst", 1000);
  w.i32(1).utf("MANIFEST").relative_stream("manifest", 50).utf("handle-1");
  w.i32(1).u8(9).i32(0).i32(128).i64(0).i64(1).i32(1).i32(3).i32(4).raw("abcd").utf("handle-2");
  w.i64(7).i64(5).utf("handle-3");
  w.u8(0).i32(0).i32(0);
  w.savepoint_properties("NATIVE");
  const auto op = parse_metadata(w.bytes).operators.at(0);
  EXPECT_EQ(op.state_size, 2 + 1000 + 50 + 4);
  EXPECT_EQ(op.inline_size, 2 + 4);
  ASSERT_EQ(op.files.size(), 2u);
  EXPECT_EQ(op.path_of(op.files[0]), "file:/shared/000001.sst");
  EXPECT_FALSE(op.files[0].relative);
  EXPECT_TRUE(op.files[1].relative);
}

// Each (path, relative) once per operator, in the order first seen, sizes added; the same path
// relative and absolute are two files, and operators keep their own lists. Many files, so the
// hash index grows several times while duplicates come back.
TEST(MetadataParser, StateFilesOncePerOperatorInFirstSeenOrder) {
  constexpr int k_files = 5000;
  MetadataWriter w;
  w.header(6, 1).i32(0).i32(2).operator_head(6, "a", "a", 1, 128).u8(0).i32(1).i32(0).i32(0).i32(0);
  w.u8(11).i64(5).utf("backend").i32(0).i32(128).i64(0).inline_stream("meta", "m");
  w.i32(2 * k_files + 1);
  for (int i = 0; i < k_files; ++i) w.utf("").file_stream("file:/shared/" + std::to_string(i), i);
  for (int i = k_files - 1; i >= 0; --i) w.utf("").file_stream("file:/shared/" + std::to_string(i), 1);
  w.utf("").relative_stream("file:/shared/7", 3);
  w.i32(0).utf("handle").u8(0).i32(0).i32(0);
  w.operator_head(6, "b", "b", 1, 128).u8(0).i32(1).i32(0).i32(0).i32(0);
  w.u8(3).i32(0).i32(0).file_stream("file:/shared/0", 9);
  w.u8(0).i32(0).i32(0);
  w.savepoint_properties("CANONICAL");
  const auto savepoint = parse_metadata(w.bytes);
  const auto& op = savepoint.operators.at(0);
  const auto& files = op.files;
  ASSERT_EQ(files.size(), static_cast<std::size_t>(k_files + 1));
  for (int i = 0; i < k_files; ++i) {
    ASSERT_EQ(op.path_of(files[static_cast<std::size_t>(i)]), "file:/shared/" + std::to_string(i));
    ASSERT_FALSE(files[static_cast<std::size_t>(i)].relative);
    ASSERT_EQ(files[static_cast<std::size_t>(i)].size, i + 1) << i;
  }
  EXPECT_EQ(op.path_of(files.back()), "file:/shared/7");
  EXPECT_TRUE(files.back().relative);
  EXPECT_EQ(files.back().size, 3);
  const auto& other_op = savepoint.operators.at(1);
  const auto& other = other_op.files;
  ASSERT_EQ(other.size(), 1u);
  EXPECT_EQ(other_op.path_of(other[0]), "file:/shared/0");
  EXPECT_EQ(other[0].size, 9);
}

// A state file's path is a range of its operator's file_paths, decoded from modified UTF-8 as
// names are; a duplicate's path is dropped again, so the buffer holds each distinct path once.
TEST(MetadataParser, StateFilePathsRoundTripThroughTheOperatorsBuffer) {
  struct PathCase {
    const char* name;
    std::string stored;  // as in the file (modified UTF-8)
    bool relative;
    std::string path;    // as path_of gives it
  };
  const PathCase cases[] = {
      {"absolute URI", "file:/shared/000001.sst", false, "file:/shared/000001.sst"},
      {"relative name", "1b0c7d1e-2f3a", true, "1b0c7d1e-2f3a"},
      {"the same text, absolute", "1b0c7d1e-2f3a", false, "1b0c7d1e-2f3a"},
      {"empty", "", true, ""},
      {"U+0000 as C0 80", std::string("a\xC0\x80" "b"), false, std::string("a\0b", 3)},
      {"U+1F600 as a surrogate pair", "s3://b/\xED\xA0\xBD\xED\xB8\x80", false, "s3://b/\xF0\x9F\x98\x80"},
      {"a malformed byte", "x\xFFy", true, "x\xEF\xBF\xBDy"},
      {"control characters kept", "\x1B[31m\n", true, "\x1B[31m\n"},
  };
  MetadataWriter w;
  w.header(6, 1).i32(0).i32(1).operator_head(6, "a", "a", 1, 128).u8(0).i32(1).i32(0).i32(0).i32(0);
  w.u8(11).i64(5).utf("backend").i32(0).i32(128).i64(0).inline_stream("meta", "m");
  const int count = static_cast<int>(std::size(cases));
  w.i32(2 * count);
  for (int round = 0; round < 2; ++round) {  // each one twice: the second time a duplicate
    for (const auto& row : cases) {
      w.utf("");
      if (row.relative) {
        w.relative_stream(row.stored, 10);
      } else {
        w.file_stream(row.stored, 10);
      }
    }
  }
  w.i32(0).utf("handle").u8(0).i32(0).i32(0);
  w.savepoint_properties("CANONICAL");
  const auto op = parse_metadata(w.bytes).operators.at(0);
  ASSERT_EQ(op.files.size(), std::size(cases));
  std::string all_paths;
  for (std::size_t i = 0; i < std::size(cases); ++i) {
    SCOPED_TRACE(cases[i].name);
    EXPECT_EQ(op.path_of(op.files[i]), cases[i].path);
    EXPECT_EQ(op.files[i].relative, cases[i].relative);
    EXPECT_EQ(op.files[i].size, 20);
    all_paths += cases[i].path;
  }
  EXPECT_EQ(op.file_paths, all_paths);  // no duplicate's bytes left behind
  EXPECT_EQ(metadata::OperatorState().path_of(metadata::StateFile()), "");
}

// The trailer's handle table: strings and objects are counted, class descriptors kept. Back
// references after many strings still find their class; one naming a string is refused.
TEST(MetadataParser, TrailerBackReferencesAcrossManyHandles) {
  const auto with_trailer = [](const std::string& trailer) {
    MetadataWriter w;
    w.header(6, 1).i32(0).i32(0).raw(trailer);
    return w.bytes;
  };
  const auto be32 = [](std::uint32_t value) {
    std::string out;
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((value >> shift) & 0xFF);
    return out;
  };
  const auto class_desc = [](const std::string& name, const std::string& fields) {
    MetadataWriter w;
    w.u8(0x72).utf(name).i64(1).u8(0x02).raw(fields).u8(0x78).u8(0x70);
    return w.bytes;
  };
  constexpr std::uint32_t k_strings = 100000;
  // Object[] { "" x k_strings, new X(7) where X is a fresh class, new X(8) by reference }.
  std::string body = std::string("\xAC\xED\x00\x05\x75", 5) + class_desc("[Ljava.lang.Object;", std::string(2, '\0')) +
                     be32(k_strings + 2);
  // Handles: 0 the array's class, 1 the array, 2.. the strings, then X, then the first X object.
  for (std::uint32_t i = 0; i < k_strings; ++i) body += std::string("\x74\x00\x00", 3);
  MetadataWriter x;
  x.raw(std::string("\x00\x01", 2)).u8('I').utf("value");
  body += std::string("\x73", 1) + class_desc("X", x.bytes) + be32(7);
  const std::uint32_t x_handle = 0x7E0000 + 2 + k_strings;
  body += std::string("\x73\x71", 2) + be32(x_handle) + be32(8);
  EXPECT_EQ(error_of(with_trailer(body)), "");
  // The same, the second object naming a string as its class.
  std::string bad = body.substr(0, body.size() - 10) + std::string("\x73\x71", 2) + be32(0x7E0000 + 5) + be32(8);
  EXPECT_NE(error_of(with_trailer(bad)).find("checkpoint properties: reference to a non-class"), std::string::npos)
      << error_of(with_trailer(bad));
}

}  // namespace
}  // namespace flinkcli::testing
