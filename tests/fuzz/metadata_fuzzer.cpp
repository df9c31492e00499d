// The savepoint `_metadata` reader on any bytes: only MetadataError may come out, and nothing
// may crash, hang or allocate by a count read from the input. The first byte picks how the rest
// is read: behind a valid header of metadata version 2..7 (mode 1..6, so small seeds reach the
// operator and handle parsers), or as a whole file; every state file's path must lie in its
// operator's buffer. Seeds: corpus/metadata/, written by make_metadata_seeds.py.
#include <cstddef>
#include <cstdint>
#include <string>

#include "flinkcli/metadata/savepoint_metadata.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flinkcli::metadata;
  if (size == 0) return 0;
  const int mode = data[0] & 7;
  std::string bytes;
  if (mode >= 1 && mode <= 6) {
    bytes = std::string("\x49\x60\x67\x2D\x00\x00\x00", 7);
    bytes += static_cast<char>(mode + 1);                 // version
    bytes += std::string("\x00\x00\x00\x00\x00\x00\x00\x01", 8);  // checkpoint id
  }
  bytes.append(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    const SavepointMetadata savepoint = parse_metadata(bytes);
    // Every state file's path lies inside its operator's buffer.
    for (const auto& op : savepoint.operators) {
      for (const auto& file : op.files) {
        if (std::size_t{file.path_offset} + file.path_length > op.file_paths.size()) __builtin_trap();
        (void)op.path_of(file);
      }
    }
  } catch (const MetadataError&) {
  }
  (void)operator_id_for_uid(std::string(reinterpret_cast<const char*>(data), size));
  return 0;
}
