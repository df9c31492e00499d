#pragma once
// Checks that bytes hold one complete Java-serialized object (java.io.ObjectOutputStream's
// grammar: stream header, objects, class descriptors, enums, strings, arrays, back references,
// block data), without building it. The `_metadata` trailer of version 4+ is such an object
// (CheckpointProperties); walking it is what tells a complete file from a truncated one.
#include <cstddef>
#include <string_view>

namespace flinkcli::metadata {

// Returns the number of bytes the stream header and its first object take. Throws MetadataError
// (offsets relative to `base`) for a truncated or malformed stream.
std::size_t walk_java_object(std::string_view bytes, std::size_t base);

}  // namespace flinkcli::metadata
