#include "flinkcli/commands/savepoint_paths.hpp"

#include <filesystem>

#include "flinkcli/core/file_uri.hpp"

namespace flinkcli {

namespace {

bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void strip_trailing_slashes(std::string& path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
}

}  // namespace

std::string savepoint_identity(std::string path) {
  // A file URI on another host keeps its scheme and host: it is not this machine's path.
  if (const auto uri = parse_file_uri(path); uri && uri->is_local()) path = uri->path;
  // Flink's S3 file systems report the scheme they were configured with; one bucket either way.
  for (const char* scheme : {"s3a://", "s3p://"}) {
    if (starts_with(path, scheme)) path = "s3://" + path.substr(std::string(scheme).size());
  }
  if (!path.empty() && path.front() == '/') {
    path = std::filesystem::path(path).lexically_normal().string();
  } else if (const auto authority = path.find("://"); authority != std::string::npos) {
    const auto slash = path.find('/', authority + 3);
    if (slash != std::string::npos) {
      path = path.substr(0, slash) + std::filesystem::path(path.substr(slash)).lexically_normal().string();
    }
  }
  strip_trailing_slashes(path);
  const std::string metadata = "/_metadata";
  if (path.size() > metadata.size() && ends_with(path, metadata)) {
    path.resize(path.size() - metadata.size());
    strip_trailing_slashes(path);
  }
  return path;
}

std::string without_entropy_key(std::string path, const std::string& entropy_key) {
  if (entropy_key.empty()) return path;
  const std::string segment = "/" + entropy_key;
  for (auto at = path.find(segment); at != std::string::npos; at = path.find(segment, at)) {
    const auto end = at + segment.size();
    if (end == path.size() || path[end] == '/') {
      path.erase(at, segment.size());
    } else {
      at = end;
    }
  }
  return path;
}

bool lies_under(const std::string& location, const std::string& directory, const std::string& entropy_key) {
  const std::string savepoint = savepoint_identity(location);
  const std::string parent = without_entropy_key(savepoint_identity(directory), entropy_key);
  if (parent.empty()) return false;
  const bool absolute = parent.front() == '/' || parent.find("://") != std::string::npos;
  if (absolute) return parent == "/" ? savepoint.front() == '/' : starts_with(savepoint, parent + "/");
  // Relative: the savepoint's directory ends with "/<parent>".
  const auto last_slash = savepoint.rfind('/');
  if (last_slash == std::string::npos) return false;
  const std::string savepoint_parent = savepoint.substr(0, last_slash);
  return ends_with(savepoint_parent, "/" + parent) || savepoint_parent == parent;
}

}  // namespace flinkcli
