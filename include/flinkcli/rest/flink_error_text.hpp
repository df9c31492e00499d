#pragma once
// Turns what Flink sends about a failure (REST {"errors": [...]}, a failure-cause stack trace)
// into one readable line and a failure class. Every function is linear in the text's length.
#include <string>

#include "flinkcli/core/error.hpp"

namespace flinkcli {

// The innermost cause of a Java stack trace text, without exception class names:
// "...Caused by: x.y.FlinkJobNotFoundException: Could not find Flink job (id)" ->
// "Could not find Flink job (id)". At most ~1000 bytes, cut with an ellipsis.
std::string root_cause_message(const std::string& java_trace);

// The cause chain as "Caused by" lines without stack frames, for --verbose.
std::string cause_chain(const std::string& java_trace);

// The failure class a Java trace stands for (not found, restore mismatch, or operation failed).
ErrorClass classify_java_failure(const std::string& java_trace);

// All three at once: the error a Java trace stands for.
CliError java_failure(const std::string& java_trace);

}  // namespace flinkcli
