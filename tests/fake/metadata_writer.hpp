#pragma once
// Builds synthetic `_metadata` files for tests, following Flink's writer
// (MetadataV2V3SerializerBase and MetadataV3..V7Serializer): no binary fixtures in the repository.
// mark() records byte offsets, so tests can corrupt a known field.
#include <cstdint>
#include <map>
#include <string>

#include "flinkcli/metadata/savepoint_metadata.hpp"

namespace flinkcli::testing {

class MetadataWriter {
 public:
  MetadataWriter& u8(std::uint8_t value) {
    bytes += static_cast<char>(value);
    return *this;
  }
  MetadataWriter& i32(std::int64_t value) {
    const auto v = static_cast<std::uint32_t>(value);
    for (int shift = 24; shift >= 0; shift -= 8) bytes += static_cast<char>((v >> shift) & 0xFF);
    return *this;
  }
  MetadataWriter& i64(std::int64_t value) {
    const auto v = static_cast<std::uint64_t>(value);
    for (int shift = 56; shift >= 0; shift -= 8) bytes += static_cast<char>((v >> shift) & 0xFF);
    return *this;
  }
  MetadataWriter& utf(const std::string& text) {  // ASCII/BMP-free text: plain UTF-8 is modified UTF-8
    u8(static_cast<std::uint8_t>(text.size() >> 8));
    u8(static_cast<std::uint8_t>(text.size() & 0xFF));
    bytes += text;
    return *this;
  }
  MetadataWriter& raw(const std::string& data) {
    bytes += data;
    return *this;
  }
  MetadataWriter& hex_id(const std::string& hex) {  // 32 hex digits -> 16 bytes
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) u8(static_cast<std::uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    return *this;
  }
  MetadataWriter& mark(const std::string& name) {
    marks[name] = bytes.size();
    return *this;
  }

  MetadataWriter& header(int version, std::int64_t checkpoint_id) {
    return i32(0x4960672D).i32(version).i64(checkpoint_id);
  }
  // An operator state up to and including its subtask count.
  MetadataWriter& operator_head(int version, const std::string& uid, const std::string& name, int parallelism,
                                int max_parallelism) {
    if (version >= 5) utf(name).utf(uid);
    hex_id(flinkcli::metadata::operator_id_for_uid(uid)).i32(parallelism).i32(max_parallelism);
    if (version == 2) i32(1);
    return *this;
  }
  MetadataWriter& inline_stream(const std::string& name, const std::string& data) {
    return u8(1).utf(name).i32(static_cast<std::int64_t>(data.size())).raw(data);
  }
  MetadataWriter& relative_stream(const std::string& path, std::int64_t size) { return u8(6).utf(path).i64(size); }
  MetadataWriter& file_stream(const std::string& path, std::int64_t size) { return u8(2).i64(size).utf(path); }

  // A Java-serialized CheckpointProperties of a savepoint in `format` (CANONICAL or NATIVE), the
  // shape ObjectOutputStream writes (class descriptors, an enum constant, end-of-block markers).
  MetadataWriter& savepoint_properties(const std::string& format) {
    raw(std::string("\xAC\xED\x00\x05", 4));
    u8(0x73).u8(0x72).utf("org.apache.flink.runtime.checkpoint.CheckpointProperties").i64(1).u8(0x02);
    bytes += std::string("\x00\x02", 2);
    u8('Z').utf("forced");
    u8('L').utf("checkpointType").u8(0x74).utf("Lorg/apache/flink/runtime/checkpoint/SnapshotType;");
    u8(0x78).u8(0x70);  // no annotation, no superclass
    u8(0x01);           // forced
    u8(0x73).u8(0x72).utf("org.apache.flink.runtime.checkpoint.SavepointType").i64(2).u8(0x02);
    bytes += std::string("\x00\x01", 2);
    u8('L').utf("formatType").u8(0x74).utf("Lorg/apache/flink/core/execution/SavepointFormatType;");
    u8(0x78).u8(0x70);
    u8(0x7E).u8(0x72).utf("org.apache.flink.core.execution.SavepointFormatType").i64(0).u8(0x12);
    bytes += std::string("\x00\x00", 2);
    u8(0x78).u8(0x72).utf("java.lang.Enum").i64(0).u8(0x12);
    bytes += std::string("\x00\x00", 2);
    u8(0x78).u8(0x70);
    u8(0x74).utf(format);
    return *this;
  }

  std::string bytes;
  std::map<std::string, std::size_t> marks;
};

}  // namespace flinkcli::testing
