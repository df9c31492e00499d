#include "flinkcli/core/logging.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace flinkcli {

void setup_logging(bool verbose) {
  static auto logger = [] {
    auto created = spdlog::stderr_logger_mt("flink");
    created->set_pattern("flink: %l: %v");
    return created;
  }();
  logger->set_level(verbose ? spdlog::level::debug : spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

}  // namespace flinkcli
