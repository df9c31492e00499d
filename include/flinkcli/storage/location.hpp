#pragma once
// The one parser of snapshot locations (savepoint and checkpoint directories, `_metadata` files):
// a local path or an S3 object key. Every command that takes a location goes through it, so
// `s3://`, `s3a://` and `s3p://` (all three are S3 to Flink's S3 plugins) mean the same thing
// everywhere.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace flinkcli {

enum class LocationKind { local, s3 };

struct Location {
  LocationKind kind = LocationKind::local;
  std::string text;                 // what the user wrote, for messages
  std::filesystem::path local_path; // local: absolute and lexically normal, no trailing slash
  std::string scheme;               // s3: "s3", "s3a" or "s3p", lower-cased
  std::string bucket;               // s3: never empty
  std::string key;                  // s3: no leading or trailing slash; "" is the bucket itself

  bool is_s3() const { return kind == LocationKind::s3; }
  // "s3://bucket/key" (the user's scheme) or the local path: the location as messages name it.
  std::string display() const;
};

// Parses `text` as Flink's Path would read it for a savepoint location:
//   /x, x/y (resolved against `current_directory`), file:/x, file:///x, file://localhost/x
//   s3://bucket/key, s3a://bucket/key, s3p://bucket/key
// Local paths are normalised lexically (`..` may leave the directory). S3 keys keep their bytes
// (no percent-decoding: a key may hold spaces, '+' and '%'); only runs of '/' become one and a
// trailing '/' is dropped, as Flink's Path (flink-core Path.java, normalizePath) does to every
// path it writes. Throws a usage CliError (one line) for an empty text, an empty bucket, a `.`
// or `..` segment in a key (S3 would keep it, Flink's Path would not), a file URI with another
// host, and any other scheme.
Location parse_location(std::string_view text, const std::filesystem::path& current_directory);

// The URI scheme `text` starts with, lower-cased ("s3", "hdfs"); none for a plain path.
std::optional<std::string> location_scheme(std::string_view text);
// The location of `name` inside the directory (prefix) `directory`, and the directory holding
// `location` ("" key: the bucket itself).
Location child_location(const Location& directory, std::string_view name);
Location parent_location(const Location& location);
// The last path segment: "chk-7" of .../chk-7, "" for a bucket.
std::string last_segment(const Location& location);

// `prefix` + "/" + `name` without doubling the slash; "" + name is name. `name` is relative: its
// leading slashes are dropped.
std::string join_key(std::string_view prefix, std::string_view name);
// The prefix that holds `key`, with its trailing slash ("a/b/_metadata" -> "a/b/", "a/b/" -> "a/"),
// "" for a key at the top of the bucket.
std::string parent_prefix(std::string_view key);

}  // namespace flinkcli
