// Flink's `_metadata` layout (MetadataV2V3SerializerBase, MetadataV3/V4/V5/V6/V7Serializer), read
// with a bounds-checked big-endian reader. See include/flinkcli/metadata/savepoint_metadata.hpp.
#include "flinkcli/metadata/savepoint_metadata.hpp"

#include <algorithm>
#include <functional>
#include <limits>

#include "flinkcli/core/byte_reader.hpp"
#include "flinkcli/core/text.hpp"
#include "java_serialization.hpp"

namespace flinkcli::metadata {

MetadataError::MetadataError(const std::string& problem, std::size_t offset)
    : std::runtime_error(problem + " at byte " + std::to_string(offset)),
      m_problem(problem),
      m_offset(offset) {}

namespace {

// Handle type tags (MetadataV2V3SerializerBase).
enum Tag : std::uint8_t {
  k_null = 0,
  k_byte_stream = 1,
  k_file_stream = 2,
  k_key_groups = 3,
  k_partitionable_operator = 4,
  k_incremental_key_groups = 5,
  k_relative_stream = 6,
  k_savepoint_key_groups = 7,
  k_changelog = 8,
  k_changelog_byte_increment = 9,
  k_changelog_file_increment = 10,
  k_incremental_key_groups_v2 = 11,
  k_key_groups_v2 = 12,
  k_changelog_file_increment_v2 = 13,
  k_changelog_v2 = 14,
  k_segment_file = 15,
  k_empty_segment_file = 16,
  k_segment_partitionable_operator = 17,
};

constexpr std::uint32_t k_master_state_magic = 0xC96B1696;
constexpr int k_max_depth = 16;  // nested handles (key groups in key groups, changelog in changelog)
constexpr std::int32_t k_max_key_groups = 32768;  // Flink's upper bound for max parallelism

std::int64_t add_size(std::int64_t total, std::int64_t size) {
  if (size <= 0) return total;  // -1: unknown, as Flink records it
  if (total > std::numeric_limits<std::int64_t>::max() - size) return std::numeric_limits<std::int64_t>::max();
  return total + size;
}

class Reader {
 public:
  explicit Reader(std::string_view bytes) : m_in(bytes) {}

  std::size_t pos() const { return m_in.position(); }
  std::size_t remaining() const { return m_in.remaining(); }

  [[noreturn]] void fail(const std::string& problem, std::size_t at) const { throw MetadataError(problem, at); }

  void need(std::size_t count, const char* what) const {
    if (count > remaining()) {
      fail(std::string("file ends inside ") + what + " (" + std::to_string(count) + " bytes needed, " +
               std::to_string(remaining()) + " left)",
           pos());
    }
  }

  std::uint8_t u8(const char* what) {
    need(1, what);
    return *m_in.u8();
  }
  std::uint32_t u32(const char* what) {
    need(4, what);
    return *m_in.u32();
  }
  std::int32_t i32(const char* what) { return static_cast<std::int32_t>(u32(what)); }
  std::int64_t i64(const char* what) {
    need(8, what);
    return static_cast<std::int64_t>(*m_in.u64());
  }
  std::string_view raw(std::size_t count, const char* what) {
    need(count, what);
    return *m_in.bytes(count);
  }
  void skip(std::size_t count, const char* what) { (void)raw(count, what); }

  // A count of elements that each take at least `min_element_bytes`: never more than the bytes
  // left can hold, so no loop runs longer than the file and nothing is reserved from it.
  std::int32_t count(const char* what, std::size_t min_element_bytes) {
    const std::size_t at = pos();
    const std::int32_t value = i32(what);
    if (value < 0) fail(std::string("negative ") + what + " " + std::to_string(value), at);
    if (static_cast<std::size_t>(value) > remaining() / min_element_bytes) {
      fail(std::string(what) + " " + std::to_string(value) + " exceeds the " + std::to_string(remaining()) +
               " bytes left",
           at);
    }
    return value;
  }

  // Java's writeUTF: u16 byte length, modified UTF-8 (U+0000 as C0 80, characters above U+FFFF
  // as two 3-byte surrogates). Returned as standard UTF-8 (core's from_modified_utf8).
  std::string utf(const char* what) {
    std::string text;
    append_utf(text, what);
    return text;
  }
  // The same, appended to `out`.
  void append_utf(std::string& out, const char* what) {
    const std::uint32_t high = u8(what);
    const std::uint32_t length = (high << 8) | u8(what);
    append_from_modified_utf8(out, raw(length, what));
  }

 private:
  ByteReader m_in;
};

// What one handle contributes to its operator.
struct HandleSummary {
  std::int64_t size = 0;
  std::int64_t inline_size = 0;
  bool present = false;  // a non-null handle
};

class Parser {
 public:
  explicit Parser(std::string_view bytes) : m_reader(bytes) {}

  SavepointMetadata parse() {
    SavepointMetadata result;
    const std::uint32_t magic = m_reader.u32("the magic number");
    if (magic != k_magic) {
      m_reader.fail("not a Flink _metadata file (magic number " + hex32(magic) + ", expected 4960672d)", 0);
    }
    const std::size_t version_at = m_reader.pos();
    m_version = m_reader.i32("the metadata version");
    if (m_version == 1) m_reader.fail("metadata version 1 (Flink 1.2) is not supported", version_at);
    if (m_version < k_min_version || m_version > k_max_version) {
      m_reader.fail("unknown metadata version " + std::to_string(m_version) + " (known: " +
                        std::to_string(k_min_version) + " to " + std::to_string(k_max_version) + ")",
                    version_at);
    }
    result.version = m_version;
    const std::size_t id_at = m_reader.pos();
    result.checkpoint_id = m_reader.i64("the checkpoint id");
    if (result.checkpoint_id < 0) m_reader.fail("negative checkpoint id", id_at);
    result.master_states = m_reader.count("master state count", 8);
    for (std::int32_t i = 0; i < result.master_states; ++i) skip_master_state();
    const std::int32_t operators = m_reader.count("operator count", 16);
    for (std::int32_t i = 0; i < operators; ++i) result.operators.push_back(read_operator());
    if (m_version >= 4) read_properties(result);
    // Versions 2 and 3 end here; trailing bytes are tolerated as Flink's reader does.
    return result;
  }

 private:
  static std::string hex32(std::uint32_t value) {
    static const char* digits = "0123456789abcdef";
    std::string text(8, '0');
    for (int i = 7; i >= 0; --i, value >>= 4) text[static_cast<std::size_t>(i)] = digits[value & 15];
    return text;
  }

  void skip_master_state() {
    const std::size_t at = m_reader.pos();
    if (m_reader.u32("a master state") != k_master_state_magic) m_reader.fail("bad master state magic number", at);
    const std::size_t length_at = m_reader.pos();
    const std::int32_t length = m_reader.i32("a master state's length");
    if (length <= 0) m_reader.fail("bad master state length " + std::to_string(length), length_at);
    m_reader.skip(static_cast<std::size_t>(length), "a master state");
  }

  OperatorState read_operator() {
    OperatorState op;
    if (m_version >= 5) {
      std::string name = m_reader.utf("an operator name");
      std::string uid = m_reader.utf("an operator uid");
      if (!name.empty()) op.name = std::move(name);
      if (!uid.empty()) op.uid = std::move(uid);
    }
    const std::string_view id = m_reader.raw(16, "an operator id");
    static const char* digits = "0123456789abcdef";
    for (char c : id) {
      const auto byte = static_cast<std::uint8_t>(c);
      op.operator_id += digits[byte >> 4];
      op.operator_id += digits[byte & 15];
    }
    const std::size_t parallelism_at = m_reader.pos();
    op.parallelism = m_reader.i32("an operator's parallelism");
    op.max_parallelism = m_reader.i32("an operator's max parallelism");
    if (op.parallelism < 0 || op.max_parallelism < 0) {
      m_reader.fail("negative parallelism for operator " + op.operator_id, parallelism_at);
    }
    if (m_version == 2) m_reader.skip(4, "an operator's chain length");
    track_files(&op);
    if (m_version >= 3) {
      const std::size_t at = m_reader.pos();
      const HandleSummary coordinator = read_stream(0);
      if (coordinator.present) {
        if (coordinator.inline_size != coordinator.size) {
          m_reader.fail("coordinator state of operator " + op.operator_id + " is not inline bytes", at);
        }
        op.kinds.coordinator = true;
        op.has_state = true;
        add(op, coordinator);
      }
    }
    const std::size_t count_at = m_reader.pos();
    const std::int32_t subtasks = m_reader.i32("a subtask state count");
    if (subtasks < 0 && m_version >= 3) {
      if (op.kinds.coordinator) m_reader.fail("a fully finished operator with coordinator state", count_at);
      op.fully_finished = true;
      track_files(nullptr);
      return op;
    }
    if (subtasks < 0 || static_cast<std::size_t>(subtasks) > m_reader.remaining() / 4) {
      m_reader.fail("subtask state count " + std::to_string(subtasks) + " exceeds the " +
                        std::to_string(m_reader.remaining()) + " bytes left",
                    count_at);
    }
    for (std::int32_t i = 0; i < subtasks; ++i) {
      const std::int32_t index = m_reader.i32("a subtask index");
      if (index < 0 && m_version >= 3) {
        ++op.finished_subtasks;
        continue;
      }
      ++op.subtask_states;
      read_subtask(op);
    }
    track_files(nullptr);
    return op;
  }

  void add(OperatorState& op, const HandleSummary& handle) {
    op.state_size = add_size(op.state_size, handle.size);
    op.inline_size = add_size(op.inline_size, handle.inline_size);
  }

  void read_subtask(OperatorState& op) {
    if (m_version == 2) {
      m_reader.skip(8, "a subtask's duration");
      const std::size_t at = m_reader.pos();
      if (m_reader.i32("a legacy state count") != 0) m_reader.fail("legacy operator state is not supported", at);
    }
    bool any = false;
    if (m_reader.i32("a managed operator state flag") != 0) {
      const HandleSummary handle = read_operator_handle();
      op.kinds.managed_operator |= handle.present;
      any |= handle.present;
      add(op, handle);
    }
    if (m_reader.i32("a raw operator state flag") != 0) {
      const HandleSummary handle = read_operator_handle();
      op.kinds.raw_operator |= handle.present;
      any |= handle.present;
      add(op, handle);
    }
    const HandleSummary managed = read_keyed(0);
    op.kinds.managed_keyed |= managed.present;
    any |= managed.present;
    add(op, managed);
    const HandleSummary raw = read_keyed(0);
    op.kinds.raw_keyed |= raw.present;
    any |= raw.present;
    add(op, raw);
    if (m_version >= 3) {
      for (int direction = 0; direction < 2; ++direction) {
        const std::int32_t channels = m_reader.count("a channel state count", 1);
        for (std::int32_t i = 0; i < channels; ++i) {
          const HandleSummary handle = read_channel(direction == 0);
          op.kinds.channel = true;
          any = true;
          add(op, handle);
        }
      }
    }
    if (m_version >= 7) {
      const std::size_t at = m_reader.pos();
      const std::uint8_t marker = m_reader.u8("a checkpoint reference marker");
      if (marker == 1) {
        m_reader.skip(8, "a referenced checkpoint id");
      } else if (marker != 0) {
        m_reader.fail("bad checkpoint reference marker " + std::to_string(marker), at);
      }
    }
    op.has_state |= any;
  }

  // A state file's path, read onto the end of the operator's `file_paths`; returns where it
  // starts there (record_file takes it from there to the end).
  std::size_t read_path(const char* what) {
    std::string& paths = m_op->file_paths;
    const std::size_t start = paths.size();
    const std::size_t at = m_reader.pos();
    m_reader.append_utf(paths, what);
    // StateFile's 32-bit offsets: far beyond the 256 MiB a caller reads, so only a huge input gets here.
    if (paths.size() > std::numeric_limits<std::uint32_t>::max()) {
      m_reader.fail("state file paths longer than 4 GiB in one operator", at);
    }
    return start;
  }

  // Each (path, relative) once per operator, sizes added, in the order first seen; the path is
  // file_paths from `path_start` on, dropped again when the operator has it already. An
  // open-addressing table of indexes into the list keeps this linear: incremental checkpoints
  // give one operator tens of thousands of files.
  void record_file(std::size_t path_start, bool relative, std::int64_t size) {
    std::vector<StateFile>& files = m_op->files;
    const std::string_view path = std::string_view(m_op->file_paths).substr(path_start);
    // At most 3/4 full; growing at 3/4 rather than 1/2 also keeps the table's growth and the
    // list's (both doubling) from holding their old and new copies at the same moment.
    if ((files.size() + 1) * 4 > m_file_slots.size() * 3) grow_file_slots();
    const std::size_t mask = m_file_slots.size() - 1;
    for (std::size_t slot = file_hash(path, relative) & mask;; slot = (slot + 1) & mask) {
      const std::uint32_t entry = m_file_slots[slot];
      if (entry == 0) {
        m_file_slots[slot] = static_cast<std::uint32_t>(files.size() + 1);
        StateFile file;
        file.path_offset = static_cast<std::uint32_t>(path_start);
        file.path_length = static_cast<std::uint32_t>(path.size());
        file.relative = relative;
        file.size = size < 0 ? 0 : size;
        files.push_back(file);
        return;
      }
      StateFile& file = files[entry - 1];
      if (file.relative == relative && m_op->path_of(file) == path) {
        file.size = add_size(file.size, size);
        m_op->file_paths.resize(path_start);
        return;
      }
    }
  }

  static std::size_t file_hash(std::string_view path, bool relative) {
    return std::hash<std::string_view>{}(path) ^ (relative ? 0x9E3779B97F4A7C15ULL : 0);
  }

  void grow_file_slots() {
    m_file_slots.assign(std::max<std::size_t>(64, m_file_slots.size() * 2), 0);
    const std::size_t mask = m_file_slots.size() - 1;
    const std::vector<StateFile>& files = m_op->files;
    for (std::size_t i = 0; i < files.size(); ++i) {
      std::size_t slot = file_hash(m_op->path_of(files[i]), files[i].relative) & mask;
      while (m_file_slots[slot] != 0) slot = (slot + 1) & mask;
      m_file_slots[slot] = static_cast<std::uint32_t>(i + 1);
    }
  }

  // Starts (`op`) or ends (nullptr) the file list of the operator being read.
  void track_files(OperatorState* op) {
    m_op = op;
    std::vector<std::uint32_t>().swap(m_file_slots);
  }

  void check_depth(int depth, std::size_t at) {
    if (depth > k_max_depth) m_reader.fail("handles nested deeper than " + std::to_string(k_max_depth), at);
  }

  void read_key_group_range(const char* what) {
    m_reader.skip(4, what);  // start key group
    const std::size_t at = m_reader.pos();
    const std::int32_t groups = m_reader.i32(what);
    if (groups < 0 || groups > k_max_key_groups) {
      m_reader.fail("bad key group count " + std::to_string(groups), at);
    }
  }

  // KeyGroupsStateHandle (and its savepoint/V2 forms): range, offsets, delegate stream.
  HandleSummary read_key_groups(int depth) {
    m_reader.skip(4, "a key group range");
    const std::size_t at = m_reader.pos();
    const std::int32_t groups = m_reader.i32("a key group range");
    if (groups < 0 || groups > k_max_key_groups) m_reader.fail("bad key group count " + std::to_string(groups), at);
    m_reader.skip(static_cast<std::size_t>(groups) * 8, "key group offsets");
    HandleSummary delegate = read_stream(depth + 1);
    delegate.present = true;
    return delegate;
  }

  HandleSummary read_stream(int depth) {
    const std::size_t at = m_reader.pos();
    check_depth(depth, at);
    const std::uint8_t tag = m_reader.u8("a stream handle type");
    HandleSummary summary;
    summary.present = tag != k_null;
    switch (tag) {
      case k_null:
        return summary;
      case k_byte_stream: {
        (void)m_reader.utf("an inline handle's name");
        const std::size_t length_at = m_reader.pos();
        const std::int32_t length = m_reader.i32("an inline handle's length");
        if (length < 0) m_reader.fail("negative inline state length " + std::to_string(length), length_at);
        m_reader.skip(static_cast<std::size_t>(length), "inline state bytes");
        summary.size = summary.inline_size = length;
        return summary;
      }
      case k_file_stream: {
        summary.size = m_reader.i64("a file handle's size");
        record_file(read_path("a file handle's path"), false, summary.size);
        return summary;
      }
      case k_relative_stream: {
        const std::size_t path = read_path("a relative file handle's path");
        summary.size = m_reader.i64("a relative file handle's size");
        record_file(path, true, summary.size);
        return summary;
      }
      case k_key_groups:
        return read_key_groups(depth);
      case k_segment_file: {
        m_reader.skip(8, "a segment's start position");
        summary.size = m_reader.i64("a segment's size");
        m_reader.skip(4, "a segment's scope");
        record_file(read_path("a segment's file path"), false, summary.size);
        (void)m_reader.utf("a segment's logical file id");
        return summary;
      }
      case k_empty_segment_file:
        return summary;
      default:
        m_reader.fail("unknown stream handle type " + std::to_string(tag), at);
    }
  }

  // Returns the sum of the handles' sizes.
  std::int64_t read_handle_list(int depth) {
    std::int64_t total = 0;
    const std::int32_t entries = m_reader.count("a state handle list's size", 3);
    for (std::int32_t i = 0; i < entries; ++i) {
      (void)m_reader.utf("a state file's local name");
      total = add_size(total, read_stream(depth + 1).size);
    }
    return total;
  }

  HandleSummary read_keyed(int depth) {
    const std::size_t at = m_reader.pos();
    check_depth(depth, at);
    const std::uint8_t tag = m_reader.u8("a keyed state handle type");
    HandleSummary summary;
    switch (tag) {
      case k_null:
        return summary;
      case k_key_groups:
      case k_savepoint_key_groups:
      case k_key_groups_v2:
        summary = read_key_groups(depth);
        if (tag == k_key_groups_v2) (void)m_reader.utf("a state handle id");
        return summary;
      case k_incremental_key_groups:
      case k_incremental_key_groups_v2: {
        m_reader.skip(8, "an incremental handle's checkpoint id");
        (void)m_reader.utf("an incremental handle's backend id");
        read_key_group_range("an incremental handle's key groups");
        if (tag == k_incremental_key_groups_v2) m_reader.skip(8, "an incremental handle's checkpointed size");
        const HandleSummary meta = read_stream(depth + 1);
        const std::int64_t shared = read_handle_list(depth);
        const std::int64_t exclusive = read_handle_list(depth);
        summary.size = add_size(add_size(meta.size, shared), exclusive);
        summary.inline_size = meta.inline_size;
        if (tag == k_incremental_key_groups_v2) (void)m_reader.utf("a state handle id");
        summary.present = true;
        return summary;
      }
      case k_changelog:
      case k_changelog_v2: {
        read_key_group_range("a changelog handle's key groups");
        m_reader.skip(8, "a changelog handle's checkpointed size");
        for (int part = 0; part < 2; ++part) {
          const std::int32_t handles = m_reader.count("a changelog handle count", 1);
          for (std::int32_t i = 0; i < handles; ++i) {
            const HandleSummary nested = read_keyed(depth + 1);
            summary.size = add_size(summary.size, nested.size);
            summary.inline_size = add_size(summary.inline_size, nested.inline_size);
          }
        }
        m_reader.skip(8, "a materialization id");
        if (tag == k_changelog_v2) m_reader.skip(8, "a changelog handle's checkpoint id");
        (void)m_reader.utf("a state handle id");
        summary.present = true;
        return summary;
      }
      case k_changelog_byte_increment: {
        read_key_group_range("a changelog increment's key groups");
        m_reader.skip(16, "a changelog increment's sequence numbers");
        const std::int32_t changes = m_reader.count("a change count", 8);
        for (std::int32_t i = 0; i < changes; ++i) {
          m_reader.skip(4, "a change's key group");
          const std::size_t length_at = m_reader.pos();
          const std::int32_t length = m_reader.i32("a change's length");
          if (length < 0) m_reader.fail("negative change length " + std::to_string(length), length_at);
          m_reader.skip(static_cast<std::size_t>(length), "a change's bytes");
          summary.size = add_size(summary.size, length);
          summary.inline_size = add_size(summary.inline_size, length);
        }
        (void)m_reader.utf("a state handle id");
        summary.present = true;
        return summary;
      }
      case k_changelog_file_increment:
      case k_changelog_file_increment_v2: {
        read_key_group_range("a changelog file's key groups");
        const std::int32_t handles = m_reader.count("a changelog file handle count", 9);
        for (std::int32_t i = 0; i < handles; ++i) {
          m_reader.skip(8, "a changelog offset");
          (void)read_stream(depth + 1);
        }
        summary.size = m_reader.i64("a changelog file's size");
        m_reader.skip(8, "a changelog file's checkpointed size");
        (void)m_reader.utf("a state handle id");
        if (tag == k_changelog_file_increment_v2) (void)m_reader.utf("a storage identifier");
        summary.present = true;
        return summary;
      }
      default:
        m_reader.fail("unknown keyed state handle type " + std::to_string(tag), at);
    }
  }

  HandleSummary read_operator_handle() {
    const std::size_t at = m_reader.pos();
    const std::uint8_t tag = m_reader.u8("an operator state handle type");
    if (tag == k_null) return {};
    if (tag != k_partitionable_operator && tag != k_segment_partitionable_operator) {
      m_reader.fail("unknown operator state handle type " + std::to_string(tag), at);
    }
    const std::int32_t states = m_reader.count("an operator state count", 7);
    for (std::int32_t i = 0; i < states; ++i) {
      (void)m_reader.utf("an operator state's name");
      const std::size_t mode_at = m_reader.pos();
      const std::uint8_t mode = m_reader.u8("an operator state's distribution mode");
      if (mode > 2) m_reader.fail("unknown operator state distribution mode " + std::to_string(mode), mode_at);
      const std::int32_t offsets = m_reader.count("an operator state's offset count", 8);
      m_reader.skip(static_cast<std::size_t>(offsets) * 8, "operator state offsets");
    }
    if (tag == k_segment_partitionable_operator) {
      (void)m_reader.utf("a task-owned directory");
      (void)m_reader.utf("a shared directory");
      m_reader.skip(1, "an empty-state flag");
    }
    const std::size_t delegate_at = m_reader.pos();
    HandleSummary delegate = read_stream(1);
    if (!delegate.present) m_reader.fail("operator state without its stream", delegate_at);
    return delegate;
  }

  HandleSummary read_channel(bool input) {
    int kind = input ? 1 : 2;
    const std::size_t at = m_reader.pos();
    if (m_version >= 6) kind = m_reader.u8("a channel state handle type");
    HandleSummary summary;
    summary.present = true;
    if (kind == 1 || kind == 2) {
      m_reader.skip(12, "a channel state handle's indices");
      const std::int32_t offsets = m_reader.count("a channel state offset count", 8);
      m_reader.skip(static_cast<std::size_t>(offsets) * 8, "channel state offsets");
      summary.size = m_reader.i64("a channel state's size");
      const HandleSummary delegate = read_stream(1);
      summary.inline_size = delegate.inline_size;
    } else if (kind == 3 || kind == 4) {
      m_reader.skip(4, "a merged channel state handle's subtask");
      summary.size = m_reader.i64("a merged channel state's size");
      const HandleSummary delegate = read_stream(1);
      summary.inline_size = delegate.inline_size;
      const std::size_t length_at = m_reader.pos();
      const std::int32_t length = m_reader.i32("a channel offsets length");
      if (length < 0) m_reader.fail("negative channel offsets length " + std::to_string(length), length_at);
      m_reader.skip(static_cast<std::size_t>(length), "channel offsets");
    } else {
      m_reader.fail("unknown channel state handle type " + std::to_string(kind), at);
    }
    return summary;
  }

  // Version 4+: Java-serialized CheckpointProperties to the end. Not deserialized: its class
  // names say checkpoint or savepoint, and a savepoint's SavepointFormatType enum constant.
  void read_properties(SavepointMetadata& result) {
    const std::size_t at = m_reader.pos();
    const std::string_view rest = m_reader.raw(m_reader.remaining(), "the checkpoint properties");
    if (rest.empty()) m_reader.fail("file ends before the checkpoint properties", at);
    (void)walk_java_object(rest, at);  // complete, or a MetadataError naming the offset
    if (rest.find("org.apache.flink.runtime.checkpoint.SavepointType") != std::string_view::npos) {
      result.snapshot_type = "savepoint";
      const auto format_at = rest.find("org.apache.flink.core.execution.SavepointFormatType");
      if (format_at != std::string_view::npos) {
        const std::string_view after = rest.substr(format_at);
        if (after.find(std::string_view("\x74\x00\x06NATIVE", 9)) != std::string_view::npos) {
          result.format = "NATIVE";
        } else if (after.find(std::string_view("\x74\x00\x09" "CANONICAL", 12)) != std::string_view::npos) {
          result.format = "CANONICAL";
        }
      }
    } else if (rest.find("org.apache.flink.runtime.checkpoint.CheckpointType") != std::string_view::npos) {
      result.snapshot_type = "checkpoint";
    }
  }

  Reader m_reader;
  int m_version = 0;
  OperatorState* m_op = nullptr;            // the operator being read
  std::vector<std::uint32_t> m_file_slots;  // its files' index + 1 by hash, 0: free
};

std::uint64_t rotl(std::uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

std::uint64_t fmix(std::uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ULL;
  k ^= k >> 33;
  return k;
}

std::uint64_t little_endian(const unsigned char* p, std::size_t n) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < n; ++i) value |= static_cast<std::uint64_t>(p[i]) << (8 * i);
  return value;
}

}  // namespace

SavepointMetadata parse_metadata(std::string_view bytes) { return Parser(bytes).parse(); }

std::pair<std::uint64_t, std::uint64_t> murmur3_x64_128(std::string_view data, std::uint32_t seed) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
  const std::size_t length = data.size();
  const std::size_t blocks = length / 16;
  constexpr std::uint64_t c1 = 0x87c37b91114253d5ULL;
  constexpr std::uint64_t c2 = 0x4cf5ad432745937fULL;
  std::uint64_t h1 = seed;
  std::uint64_t h2 = seed;
  for (std::size_t i = 0; i < blocks; ++i) {
    std::uint64_t k1 = little_endian(bytes + 16 * i, 8);
    std::uint64_t k2 = little_endian(bytes + 16 * i + 8, 8);
    k1 *= c1; k1 = rotl(k1, 31); k1 *= c2; h1 ^= k1;
    h1 = rotl(h1, 27); h1 += h2; h1 = h1 * 5 + 0x52dce729;
    k2 *= c2; k2 = rotl(k2, 33); k2 *= c1; h2 ^= k2;
    h2 = rotl(h2, 31); h2 += h1; h2 = h2 * 5 + 0x38495ab5;
  }
  const unsigned char* tail = bytes + 16 * blocks;
  const std::size_t rest = length & 15;
  if (rest > 8) {
    std::uint64_t k2 = little_endian(tail + 8, rest - 8);
    k2 *= c2; k2 = rotl(k2, 33); k2 *= c1; h2 ^= k2;
  }
  if (rest > 0) {
    std::uint64_t k1 = little_endian(tail, rest < 8 ? rest : 8);
    k1 *= c1; k1 = rotl(k1, 31); k1 *= c2; h1 ^= k1;
  }
  h1 ^= length;
  h2 ^= length;
  h1 += h2;
  h2 += h1;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h1 += h2;
  h2 += h1;
  return {h1, h2};
}

std::string operator_id_for_uid(std::string_view uid) {
  const auto [h1, h2] = murmur3_x64_128(uid, 0);
  static const char* digits = "0123456789abcdef";
  std::string hex;
  for (const std::uint64_t half : {h1, h2}) {
    for (int i = 0; i < 8; ++i) {  // Guava's asBytes(): each half little-endian
      const auto byte = static_cast<unsigned>((half >> (8 * i)) & 0xFF);
      hex += digits[byte >> 4];
      hex += digits[byte & 15];
    }
  }
  return hex;
}

}  // namespace flinkcli::metadata
