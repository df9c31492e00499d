#pragma once
// The one reading of `file:` URIs. Snapshot locations (storage), the savepoint a restore reports
// (commands) and `inspect`'s local path all strip the scheme the same way, so that
// file:/x, file:///x and file://localhost/x name the same file everywhere.
#include <optional>
#include <string>
#include <string_view>

namespace flinkcli {

struct FileUri {
  std::string host;  // the authority, lower-cased: "" for file:/x and file:///x
  std::string path;  // what follows the authority, unchanged: "/x"; "x" for the relative file:x

  // No host, or "localhost": a path on this machine.
  bool is_local() const { return host.empty() || host == "localhost"; }
};

// `text` read as a `file:` URI (the scheme in any case), or none when it has another scheme or
// none. With an authority ("file://host..."), the path is what follows it, "/" when nothing does.
std::optional<FileUri> parse_file_uri(std::string_view text);

}  // namespace flinkcli
