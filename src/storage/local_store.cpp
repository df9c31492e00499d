#include "local_store.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <system_error>

namespace flinkcli {

namespace fs = std::filesystem;

namespace {

// Exact, so the same file has the same time in every listing and stat (snapshots sort by it).
std::chrono::system_clock::time_point to_system_time(fs::file_time_type time) {
  return std::chrono::time_point_cast<std::chrono::system_clock::duration>(fs::file_time_type::clock::to_sys(time));
}

// A failed file system call: permission problems are access failures (exit 17), a path that
// is not there is not_found, anything else (I/O errors) a failed operation.
[[noreturn]] void throw_file_error(const std::string& doing, const fs::path& path, const std::error_code& error) {
  const std::string line = "Cannot " + doing + " " + path.string() + ": " + error.message();
  if (error == std::errc::permission_denied || error == std::errc::operation_not_permitted) {
    throw CliError(ErrorClass::storage_access, line);
  }
  if (error == std::errc::no_such_file_or_directory || error == std::errc::not_a_directory) {
    throw CliError(ErrorClass::not_found, line);
  }
  throw CliError(ErrorClass::operation_failed, line);
}

Location local_location(const fs::path& path) {
  Location location;
  location.kind = LocationKind::local;
  location.text = path.string();
  location.local_path = path;
  return location;
}

class LocalStore final : public SnapshotStore {
 public:
  std::optional<StoredObject> stat(const Location& location) override {
    // One stat(2) for kind, size and time: inspect asks this for every state file.
    struct stat info {};
    if (::stat(location.local_path.c_str(), &info) != 0) {
      const std::error_code error(errno, std::generic_category());
      if (error == std::errc::no_such_file_or_directory || error == std::errc::not_a_directory) return std::nullopt;
      throw_file_error("read", location.local_path, error);
    }
    if (!S_ISREG(info.st_mode)) return std::nullopt;
    StoredObject object;
    object.location = location;
    object.size = static_cast<std::uint64_t>(info.st_size);
    object.modified = std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
        std::chrono::seconds(info.st_mtim.tv_sec) + std::chrono::nanoseconds(info.st_mtim.tv_nsec)));
    return object;
  }

  bool is_directory(const Location& location) override {
    std::error_code error;
    return fs::is_directory(location.local_path, error);
  }

  std::string read(const Location& location, std::uint64_t limit, ErrorClass too_large) override {
    const auto object = stat(location);
    if (!object) throw CliError(ErrorClass::not_found, "Not found: " + location.display());
    if (object->size > limit) {
      throw CliError(too_large, "Cannot read " + location.display() + ": " + std::to_string(object->size) +
                                    " bytes, more than the " + std::to_string(limit) + " this client reads");
    }
    return read_range(location, 0, object->size);
  }

  std::string read_range(const Location& location, std::uint64_t offset, std::uint64_t length) override {
    std::ifstream in(location.local_path, std::ios::binary);
    if (!in) {
      throw_file_error("open", location.local_path, std::error_code(errno, std::generic_category()));
    }
    // Room for what the file holds from `offset`, not for `length`: a length read from a damaged
    // reference may be anything.
    std::error_code error;
    const std::uintmax_t size = fs::file_size(location.local_path, error);
    if (error) throw_file_error("read the size of", location.local_path, error);
    if (offset >= size) return "";
    length = std::min<std::uint64_t>(length, size - offset);
    in.seekg(static_cast<std::streamoff>(offset));
    std::string content(static_cast<std::size_t>(length), '\0');
    in.read(content.data(), static_cast<std::streamsize>(length));
    content.resize(static_cast<std::size_t>(std::max<std::streamsize>(in.gcount(), 0)));
    return content;
  }

  void list(const Location& directory, const std::function<bool(const StoredObject&)>& visit,
            bool with_directories) override {
    std::error_code error;
    fs::recursive_directory_iterator it(directory.local_path, fs::directory_options::skip_permission_denied, error);
    if (error) {
      if (error == std::errc::no_such_file_or_directory) return;
      throw_file_error("list", directory.local_path, error);
    }
    for (const fs::recursive_directory_iterator end; it != end; it.increment(error)) {
      if (error) throw_file_error("list", directory.local_path, error);
      std::error_code entry_error;
      if (with_directories && it->is_directory(entry_error)) {
        StoredObject object;
        object.location = local_location(it->path());
        object.directory = true;
        // skip_permission_denied passes over what cannot be listed: say so instead.
        object.readable = ::access(it->path().c_str(), R_OK | X_OK) == 0;
        const auto time = it->last_write_time(entry_error);
        if (!entry_error) object.modified = to_system_time(time);
        if (!visit(object)) return;
        continue;
      }
      if (!it->is_regular_file(entry_error)) continue;
      StoredObject object;
      object.location = local_location(it->path());
      object.size = it->file_size(entry_error);
      if (entry_error) continue;  // removed while listing
      const auto time = it->last_write_time(entry_error);
      if (!entry_error) object.modified = to_system_time(time);
      if (!visit(object)) return;
    }
    if (error) throw_file_error("list", directory.local_path, error);
  }

  std::vector<DeleteFailure> remove(const std::vector<Location>& locations) override {
    std::vector<DeleteFailure> failures;
    for (const Location& location : locations) {
      std::error_code error;
      fs::remove(location.local_path, error);
      if (error && error != std::errc::no_such_file_or_directory) failures.push_back({location, error.message()});
    }
    return failures;
  }
};

}  // namespace

std::unique_ptr<SnapshotStore> make_local_store() { return std::make_unique<LocalStore>(); }

}  // namespace flinkcli
