#include "flinkcli/core/job_id.hpp"

#include <algorithm>
#include <cctype>
#include <random>

#include "flinkcli/core/error.hpp"
#include "flinkcli/core/text.hpp"

namespace flinkcli {

bool is_hex_id(const std::string& text) {
  return text.size() == 32 &&
         std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isxdigit(c) != 0; });
}

std::string random_hex_id() {
  static const char* hex = "0123456789abcdef";
  std::random_device device;
  std::string id;
  for (int i = 0; i < 32; ++i) id += hex[device() % 16];
  return id;
}

JobId JobId::parse(const std::string& text) {
  if (!is_hex_id(text)) {
    // Flink's JobID.fromHexString message, verbatim.
    throw CliError::usage("Cannot parse JobID from \"" + text +
                          "\". The expected format is [0-9a-fA-F]{32}, e.g. "
                          "fd72014d4c864993a2e5a9287b4a9c5d.");
  }
  return JobId(to_lower(text));
}

}  // namespace flinkcli
