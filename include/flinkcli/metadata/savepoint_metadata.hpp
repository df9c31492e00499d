#pragma once
// A reader for Flink's checkpoint/savepoint `_metadata` file (metadata versions 2 to 7: Flink
// 1.3 to 2.x; 1.20 writes 4, 2.x writes 6) and the uid -> operator id hash. Pure functions on
// bytes: no file system, no JVM. The format is Flink's MetadataV2V3SerializerBase and its
// subclasses MetadataV3Serializer .. MetadataV6Serializer (flink-runtime, checkpoint.metadata).
//
// Untrusted input: every length and count read from the file is checked against the bytes that
// are left before anything is allocated or looped over, nesting is bounded, and any problem is
// one MetadataError naming it and its byte offset.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace flinkcli::metadata {

inline constexpr std::uint32_t k_magic = 0x4960672D;
inline constexpr int k_min_version = 2;
inline constexpr int k_max_version = 7;

class MetadataError : public std::runtime_error {
 public:
  // `problem` without the offset ("unknown stream handle type 42"); what() adds " at byte N".
  MetadataError(const std::string& problem, std::size_t offset);
  const std::string& problem() const { return m_problem; }
  std::size_t offset() const { return m_offset; }

 private:
  std::string m_problem;
  std::size_t m_offset;
};

// A state file a handle points to. Its path is a range of its operator's `file_paths`
// (OperatorState::path_of): a savepoint may name millions of files, and a string each would be
// most of the memory. 16 bytes.
struct StateFile {
  std::uint32_t path_offset = 0;  // into OperatorState::file_paths
  std::uint32_t path_length : 31 = 0;
  bool relative : 1 = false;  // RelativeFileStateHandle: resolve against the directory of _metadata
  std::int64_t size = 0;      // the size the handle records (bytes of this handle in that file)
};
static_assert(sizeof(StateFile) == 16);

// The kinds of state an operator holds.
struct StateKinds {
  bool managed_keyed = false;
  bool raw_keyed = false;
  bool managed_operator = false;
  bool raw_operator = false;
  bool coordinator = false;  // an operator coordinator's state (e.g. a FLIP-27 source enumerator)
  bool channel = false;      // in-flight data of an unaligned checkpoint
};

struct OperatorState {
  std::string operator_id;            // 32 lower-case hex digits, as Flink prints it
  std::optional<std::string> name;    // stored from version 5 on (empty there: null)
  std::optional<std::string> uid;     // stored from version 5 on (empty: the operator had none)
  std::int32_t parallelism = 0;
  std::int32_t max_parallelism = 0;
  std::int32_t subtask_states = 0;    // subtasks with a state entry (finished ones not counted)
  std::int32_t finished_subtasks = 0;
  bool fully_finished = false;
  std::int64_t state_size = 0;        // Flink's getStateSize(): coordinator + every handle
  std::int64_t inline_size = 0;       // of that, bytes inline in _metadata
  StateKinds kinds;
  // Flink's restore check: an operator whose state nobody takes fails the restore (unless -n)
  // when it has coordinator state or any subtask state with a handle.
  bool has_state = false;
  std::vector<StateFile> files;       // every file referenced, once per (path, relative)
  std::string file_paths;             // the files' paths, back to back

  // A file's path as stored: an absolute URI/path, or relative to the savepoint directory.
  std::string_view path_of(const StateFile& file) const {
    return std::string_view(file_paths).substr(file.path_offset, file.path_length);
  }
};

struct SavepointMetadata {
  int version = 0;
  std::int64_t checkpoint_id = 0;
  std::int32_t master_states = 0;
  std::vector<OperatorState> operators;
  // From the version 4+ trailer (Java-serialized CheckpointProperties), when it says so.
  std::optional<std::string> snapshot_type;  // "savepoint" or "checkpoint"
  std::optional<std::string> format;         // "CANONICAL" or "NATIVE" (savepoints)
};

// Parses a whole `_metadata` file. Throws MetadataError.
SavepointMetadata parse_metadata(std::string_view bytes);

// MurmurHash3_x64_128 (Guava's murmur3_128(seed)): (h1, h2).
std::pair<std::uint64_t, std::uint64_t> murmur3_x64_128(std::string_view data, std::uint32_t seed);
// The operator id Flink derives from `uid` (StreamGraphHasherV2: murmur3_128(0) over its UTF-8
// bytes), as 32 lower-case hex digits.
std::string operator_id_for_uid(std::string_view uid);

}  // namespace flinkcli::metadata
