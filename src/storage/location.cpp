#include "flinkcli/storage/location.hpp"

#include <cctype>
#include <optional>

#include "flinkcli/core/error.hpp"
#include "flinkcli/core/file_uri.hpp"
#include "flinkcli/core/text.hpp"

namespace flinkcli {
namespace {

constexpr const char* k_supported = "not supported yet: only local paths and s3:// (also s3a://, s3p://)";

std::string quoted(std::string_view text) { return "'" + one_line(text, 200) + "'"; }

// A URI scheme (RFC 3986: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )) followed by ':', before
// any '/': Flink's Path reads "name:rest" the same way.
std::optional<std::string> scheme_of(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  if (text.substr(0, colon).find('/') != std::string_view::npos) return std::nullopt;
  if (!std::isalpha(static_cast<unsigned char>(text[0]))) return std::nullopt;
  for (char c : text.substr(0, colon)) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return std::nullopt;
  }
  return to_lower(text.substr(0, colon));
}

std::filesystem::path local_path(std::string_view path, const std::filesystem::path& current_directory) {
  std::filesystem::path result(path);
  if (result.is_relative()) result = current_directory / result;
  result = result.lexically_normal();
  // "/a/b/" normalises to "/a/b/"; the directory is "/a/b".
  std::string text = result.string();
  while (text.size() > 1 && text.back() == '/') text.pop_back();
  return text;
}

// Runs of '/' become one and a trailing '/' goes, as Flink's Path normalises; other bytes stay.
std::string normalised_key(std::string_view raw, std::string_view text) {
  std::string key;
  for (char c : raw) {
    if (c == '/' && (key.empty() || key.back() == '/')) continue;
    key.push_back(c);
  }
  if (!key.empty() && key.back() == '/') key.pop_back();
  std::string_view rest = key;
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    if (segment == "." || segment == "..") {
      throw CliError::usage("Invalid S3 location " + quoted(text) +
                            ": '.' and '..' are not allowed in an object key; write the key without them");
    }
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return key;
}

}  // namespace

std::string Location::display() const {
  if (kind == LocationKind::local) return local_path.string();
  return scheme + "://" + bucket + (key.empty() ? "" : "/" + key);
}

Location parse_location(std::string_view text, const std::filesystem::path& current_directory) {
  if (text.empty()) throw CliError::usage("Empty location: give a local path or s3://bucket/key");
  Location location;
  location.text = std::string(text);
  const auto scheme = scheme_of(text);
  if (!scheme) {
    location.local_path = local_path(text, current_directory);
    return location;
  }
  if (const auto uri = parse_file_uri(text)) {
    if (!uri->is_local()) {
      throw CliError::usage("Unsupported location " + quoted(text) + ": a file URI names a host (" +
                            one_line(uri->host, 100) + "); use file:///path for a local path");
    }
    if (!uri->path.starts_with('/')) {
      throw CliError::usage("Invalid location " + quoted(text) +
                            ": a file URI needs an absolute path (file:///path)");
    }
    location.local_path = local_path(uri->path, current_directory);
    return location;
  }
  std::string_view rest = text.substr(scheme->size() + 1);
  if (*scheme != "s3" && *scheme != "s3a" && *scheme != "s3p") {
    throw CliError::usage("Unsupported location " + quoted(text) + ": " + *scheme + "://" + " is " + k_supported);
  }
  if (!rest.starts_with("//")) {
    throw CliError::usage("Invalid S3 location " + quoted(text) + ": expected " + *scheme + "://bucket/key");
  }
  rest.remove_prefix(2);
  const auto slash = rest.find('/');
  location.kind = LocationKind::s3;
  location.scheme = *scheme;
  location.bucket = std::string(rest.substr(0, slash));
  if (location.bucket.empty()) {
    throw CliError::usage("Invalid S3 location " + quoted(text) + ": no bucket; expected " + *scheme +
                          "://bucket/key");
  }
  if (slash != std::string_view::npos) location.key = normalised_key(rest.substr(slash + 1), text);
  return location;
}

std::optional<std::string> location_scheme(std::string_view text) { return scheme_of(text); }

Location child_location(const Location& directory, std::string_view name) {
  Location child = directory;
  if (directory.kind == LocationKind::local) {
    child.local_path = directory.local_path / std::filesystem::path(name);
  } else {
    child.key = join_key(directory.key, name);
  }
  child.text = child.display();
  return child;
}

Location parent_location(const Location& location) {
  Location parent = location;
  if (location.kind == LocationKind::local) {
    parent.local_path = location.local_path.parent_path();
  } else {
    parent.key = parent_prefix(location.key);
    if (!parent.key.empty()) parent.key.pop_back();
  }
  parent.text = parent.display();
  return parent;
}

std::string last_segment(const Location& location) {
  if (location.is_s3()) {
    const auto slash = location.key.rfind('/');
    return slash == std::string::npos ? location.key : location.key.substr(slash + 1);
  }
  return location.local_path.filename().string();
}

std::string join_key(std::string_view prefix, std::string_view name) {
  while (name.starts_with('/')) name.remove_prefix(1);
  if (prefix.empty()) return std::string(name);
  std::string joined(prefix);
  if (joined.back() != '/') joined.push_back('/');
  joined += name;
  return joined;
}

std::string parent_prefix(std::string_view key) {
  if (key.ends_with('/')) key.remove_suffix(1);
  const auto slash = key.rfind('/');
  if (slash == std::string_view::npos) return {};
  return std::string(key.substr(0, slash + 1));
}

}  // namespace flinkcli
