#pragma once
// A synthetic savepoint shaped like the sample job's (tests/flink-job: uids source-id,
// throttle-id, mapper-id, sink-id), in any metadata version 2..7, for parser and command tests.
#include <string>

#include "fake/metadata_writer.hpp"

namespace flinkcli::testing {

inline constexpr std::int64_t k_source_file_size = 265;
inline constexpr std::int64_t k_mapper_file_size = 603;
inline constexpr const char* k_source_file = "274033bd-7c24-41ef-9004-95cd5640c27f";
inline constexpr const char* k_mapper_file = "b2e0ec83-8012-4f21-b2c9-e8bb39767b5d";

// Subtask 0 of an operator without state.
inline void empty_subtask(MetadataWriter& w, int version) {
  w.i32(0);
  if (version == 2) w.i64(-1).i32(0);
  w.i32(0).i32(0).u8(0).u8(0);
  if (version >= 3) w.i32(0).i32(0);
  if (version >= 7) w.u8(0);
}

inline MetadataWriter sample_savepoint(int version, const std::string& format = "CANONICAL") {
  MetadataWriter w;
  w.header(version, 12).i32(0).i32(4);
  // source-id: coordinator state (inline) and operator state in a file.
  w.mark("source").operator_head(version, "source-id", "Source: source", 1, 128);
  if (version >= 3) w.mark("coordinator").inline_stream("coordinator", std::string(16, 'c'));
  w.i32(1).i32(0);
  if (version == 2) w.i64(-1).i32(0);
  w.i32(1).mark("operator_tag").u8(4).i32(1).utf("SourceReaderState").mark("mode").u8(0).i32(1).i64(0);
  w.mark("source_stream").relative_stream(k_source_file, k_source_file_size);
  w.i32(0).u8(0).u8(0);
  if (version >= 3) w.i32(0).i32(0);
  if (version >= 7) w.u8(0);
  // throttle-id: stateless.
  w.operator_head(version, "throttle-id", "throttle", 1, 128);
  if (version >= 3) w.u8(0);
  w.i32(1);
  empty_subtask(w, version);
  // mapper-id: keyed state (canonical savepoint handle) in a file, key groups 0..1.
  w.mark("mapper").operator_head(version, "mapper-id", "mapper", 1, 128);
  if (version >= 3) w.u8(0);
  w.i32(1).i32(0);
  if (version == 2) w.i64(-1).i32(0);
  w.i32(0).i32(0).mark("keyed_tag").u8(7).i32(0).mark("key_groups").i32(2).i64(0).i64(300);
  w.relative_stream(k_mapper_file, k_mapper_file_size).u8(0);
  if (version >= 3) w.i32(0).i32(0);
  if (version >= 7) w.u8(0);
  // sink-id: stateless.
  w.operator_head(version, "sink-id", "sink: Writer", 1, 128);
  if (version >= 3) w.u8(0);
  w.i32(1);
  empty_subtask(w, version);
  w.mark("trailer");
  if (version >= 4) w.savepoint_properties(format);
  return w;
}

}  // namespace flinkcli::testing
