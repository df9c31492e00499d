#pragma once
// The jar side of `run` (and `inspect --jar`): read and check the local file, get it onto the
// JobManager once, and the options that go with it.
#include <optional>
#include <string>
#include <utility>

#include "flinkcli/api/jobmanager_api.hpp"
#include "flinkcli/core/option_parser.hpp"

namespace flinkcli {

// The jar's bytes; a missing file, a directory or a file without a ZIP header is an error, in
// Java's words ("Could not get job jar and dependencies from JAR file: ...").
std::string read_jar(const std::string& path);

// Uploads `content` unless the JobManager already holds a jar with identical content (found by
// the content hash in the uploaded name). Returns the jar id and whether we uploaded it (and so
// must delete it).
std::pair<std::string, bool> provide_jar(JobManagerApi& api, const std::string& path,
                                         const std::string& content);

// -p <parallelism>: a positive number, or none given.
std::optional<int> parallelism(const ParsedArgs& args);

}  // namespace flinkcli
