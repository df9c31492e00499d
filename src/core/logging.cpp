#include "flinkcli/core/logging.hpp"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <mutex>

namespace flinkcli {

namespace {

// Hands each formatted record to the current Console as one stderr line.
class ConsoleSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  void set_console(Console* console) {
    std::lock_guard<std::mutex> lock(mutex_);
    m_console = console;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& message) override {
    if (!m_console) return;
    spdlog::memory_buf_t formatted;
    formatter_->format(message, formatted);
    std::string line(formatted.data(), formatted.size());
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    m_console->err(line);
  }
  void flush_() override {}

 private:
  Console* m_console = nullptr;
};

}  // namespace

void setup_logging(bool verbose, Console& console) {
  static const auto sink = std::make_shared<ConsoleSink>();
  static const auto logger = [] {
    auto created = std::make_shared<spdlog::logger>("flink", sink);
    created->set_pattern("flink: %l: %v");
    spdlog::set_default_logger(created);
    return created;
  }();
  sink->set_console(&console);
  logger->set_level(verbose ? spdlog::level::debug : spdlog::level::warn);
}

}  // namespace flinkcli
