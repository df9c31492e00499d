#pragma once
// Turns what Flink sends about a failure (REST {"errors": [...]}, a failure-cause stack trace)
// into one readable line and a failure class.
#include <string>
#include <vector>

#include "flinkcli/error.hpp"

namespace flinkcli {

// The innermost cause of a Java stack trace text, without exception class names:
// "...Caused by: x.y.FlinkJobNotFoundException: Could not find Flink job (id)" ->
// "Could not find Flink job (id)".
std::string root_cause_message(const std::string& java_trace);

// The cause chain as "Caused by" lines without stack frames, for --verbose.
std::string cause_chain(const std::string& java_trace);

// The failure class a Java trace stands for (not found, restore mismatch, or operation failed).
ErrorClass classify_java_failure(const std::string& java_trace);

}  // namespace flinkcli
