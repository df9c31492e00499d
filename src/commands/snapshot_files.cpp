#include "snapshot_files.hpp"

#include <filesystem>

#include "flinkcli/core/file_uri.hpp"
#include "flinkcli/core/text.hpp"

namespace flinkcli {

Location snapshot_location(const std::string& text, std::string_view doing) {
  const auto scheme = location_scheme(text);
  if (scheme && *scheme != "file" && *scheme != "s3" && *scheme != "s3a" && *scheme != "s3p" && scheme->size() > 1) {
    throw CliError(ErrorClass::unsupported,
                   "Cannot " + std::string(doing) + " " + text + ": this client reads local and s3:// snapshots only; "
                   "copy the directory (" + *scheme + ":) to a local disk and give that");
  }
  Location location = parse_location(text, std::filesystem::current_path());  // a malformed one is a usage error
  if (location.kind == LocationKind::local) {
    // As given (relative stays relative), only a file: prefix removed.
    const auto uri = parse_file_uri(text);
    const std::string path = uri ? uri->path : text;
    location.local_path = path;
    location.text = path;
  }
  return location;
}

std::optional<Location> state_file_location(const metadata::OperatorState& op, const metadata::StateFile& file,
                                            const Location& directory) {
  const std::string_view path = op.path_of(file);
  if (file.relative) return child_location(directory, path);
  try {
    Location location = parse_location(path, "/");
    if (location.kind != directory.kind) return std::nullopt;
    if (location.kind == LocationKind::local && (path.empty() || (path.front() != '/' && !parse_file_uri(path)))) {
      return std::nullopt;
    }
    return location;
  } catch (const CliError&) {
    return std::nullopt;
  }
}

MetadataLookup find_metadata_file(SnapshotStore& store, const Location& given) {
  const bool named_metadata = given.display().ends_with("/_metadata");
  if (named_metadata && store.stat(given)) return {given};
  const Location inside = child_location(given, "_metadata");
  if (store.stat(inside)) return {inside};
  if (!named_metadata && store.stat(given)) return {given};
  return {std::nullopt, store.is_directory(given)};
}

Location locate_metadata_file(SnapshotStore& store, const Location& given) {
  const MetadataLookup found = find_metadata_file(store, given);
  if (found.file) return *found.file;
  if (found.directory) {
    throw CliError(ErrorClass::not_found, "No _metadata file in the savepoint directory " + given.display());
  }
  throw CliError(ErrorClass::not_found, "Savepoint path not found: " + given.display());
}

metadata::SavepointMetadata parse_metadata_of(std::string_view bytes, const Location& metadata_file) {
  try {
    return metadata::parse_metadata(bytes);
  } catch (const metadata::MetadataError& bad) {
    throw CliError(ErrorClass::bad_savepoint, "Cannot read savepoint metadata " + metadata_file.display() + ": " + bad.what());
  }
}

metadata::SavepointMetadata read_metadata(SnapshotStore& store, const Location& metadata_file) {
  return parse_metadata_of(store.read(metadata_file, k_max_metadata_bytes, ErrorClass::bad_savepoint), metadata_file);
}

std::string printable_path(std::string_view path) { return one_line(path, 4096); }

}  // namespace flinkcli
