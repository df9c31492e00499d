#include "flinkcli/api/jobmanager_api.hpp"

#include "flinkcli/core/text.hpp"

namespace flinkcli {

const char* to_string(SavepointFormat format) {
  return format == SavepointFormat::native ? "NATIVE" : "CANONICAL";
}

const char* to_string(CheckpointType type) { return type == CheckpointType::full ? "FULL" : "CONFIGURED"; }

std::optional<SavepointFormat> parse_savepoint_format(const std::string& text) {
  const std::string upper = to_upper(text);
  if (upper == "CANONICAL") return SavepointFormat::canonical;
  if (upper == "NATIVE") return SavepointFormat::native;
  return std::nullopt;
}

bool is_globally_terminal(const std::string& job_state) {
  return job_state == "FINISHED" || job_state == "CANCELED" || job_state == "FAILED";
}

}  // namespace flinkcli
