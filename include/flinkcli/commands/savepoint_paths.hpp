#pragma once
// Savepoint paths as the JobManager reports them, compared with what the client sent.
#include <string>

namespace flinkcli {

// The savepoint a path names, for comparing what was asked for with what the JobManager reports:
// without the "file:" scheme ("file:/x", "file:///x" and "/x" alike), a trailing "/" or
// "/_metadata" (Flink accepts the directory or its _metadata file), its "//", "." and ".."
// segments normalised as Flink's Path does; Flink's S3 schemes (s3, s3a, s3p) as "s3://".
std::string savepoint_identity(std::string path);

// Whether `location` (a savepoint the JobManager reports) lies under `directory` (the target
// directory sent). A relative directory (resolved by the JobManager against its own working
// directory) matches when the location's parent path ends with it. With S3 entropy injection
// (`s3.entropy.key`, here `entropy_key`), Flink reports savepoints with the key's path segment
// removed from the directory.
// `path` with the entropy key's path segment removed, as Flink reports and writes `_metadata`
// (flink-core EntropyInjector): ".../<key>/rest" becomes ".../rest". An empty key changes nothing.
std::string without_entropy_key(std::string path, const std::string& entropy_key);
bool lies_under(const std::string& location, const std::string& directory, const std::string& entropy_key = "");

}  // namespace flinkcli
