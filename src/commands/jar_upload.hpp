#pragma once
// The jar side of `run` (and `inspect --jar`): read and check the local file, upload a copy of
// its own for this run and delete it again, and the options that go with it.
#include <optional>
#include <string>

#include "flinkcli/api/jobmanager_api.hpp"
#include "flinkcli/core/option_parser.hpp"

namespace flinkcli {

// The jar's bytes; a missing file, a directory or a file without a ZIP header is an error, in
// Java's words ("Could not get job jar and dependencies from JAR file: ...").
std::string read_jar(const std::string& path);

// The name this run uploads `content` under: `<stem>-<16 hex of its SHA-256>-<8 hex of
// run_token>.jar`. The hash tells builds apart in the JobManager's jar list; the token (random per
// run) keeps concurrent runs of one jar apart.
std::string upload_name(const std::string& path, const std::string& content, const std::string& run_token);

// Uploads `content` under upload_name() and returns the jar id. A jar already on the JobManager is
// never reused: the run that uploaded it may delete it at any moment.
std::string upload_jar_copy(JobManagerApi& api, const std::string& path, const std::string& content,
                            const std::string& run_token);

// Deletes the jar this run uploaded; returns whether it is gone. A failure is one warning naming
// the jar id, never an error: the action's own outcome stands.
bool delete_uploaded_jar(JobManagerApi& api, const std::string& jar_id);

// -p <parallelism>: a positive number, or none given.
std::optional<int> parallelism(const ParsedArgs& args);

}  // namespace flinkcli
