#pragma once
// A snapshot's files in its store, shared by the actions that read snapshots (inspect,
// snapshots): where a location given on the command line points, its `_metadata` object, the
// parsed metadata, and where each state file the metadata names lies.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "flinkcli/core/error.hpp"
#include "flinkcli/metadata/savepoint_metadata.hpp"
#include "flinkcli/storage/location.hpp"
#include "flinkcli/storage/snapshot_store.hpp"

namespace flinkcli {

inline constexpr std::uint64_t k_max_metadata_bytes = 256u << 20;  // far above any real _metadata

// Where a snapshot (or a directory of snapshots) given on the command line is: a local path (as
// the user wrote it, so that messages show it so) or an S3 location. Other schemes (hdfs://,
// gs://) need that file system's client: exit 8, `doing` names the action ("inspect").
Location snapshot_location(const std::string& text, std::string_view doing);

// The state file a handle names (`file`, one of `op`'s files), in the snapshot's store; none
// when it is in another one (absolute hdfs:// paths, or an s3:// file of a local copy).
std::optional<Location> state_file_location(const metadata::OperatorState& op, const metadata::StateFile& file,
                                            const Location& directory);

// The `_metadata` object of `given`: the object itself, or the one in that directory; none when
// there is neither, and then whether `given` is a directory (a prefix with something under it).
struct MetadataLookup {
  std::optional<Location> file;
  bool directory = false;
};
MetadataLookup find_metadata_file(SnapshotStore& store, const Location& given);
// As find_metadata_file, a not_found CliError naming `given` when there is none.
Location locate_metadata_file(SnapshotStore& store, const Location& given);

// The bytes of `metadata_file` parsed; a MetadataError becomes a bad_savepoint CliError naming
// the file.
metadata::SavepointMetadata parse_metadata_of(std::string_view bytes, const Location& metadata_file);
metadata::SavepointMetadata read_metadata(SnapshotStore& store, const Location& metadata_file);

// A path from `_metadata` as a text line shows it: one line, no control characters (a file may
// hold escape sequences), long enough for any real path.
std::string printable_path(std::string_view path);

}  // namespace flinkcli
