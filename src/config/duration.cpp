#include <cctype>
#include <cstdint>
#include <string>

#include "flinkcli/configuration.hpp"

namespace flinkcli {

namespace {
std::string trim(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  return text.substr(begin, text.find_last_not_of(" \t") - begin + 1);
}

// Units as org.apache.flink.util.TimeUtils accepts them; value = milliseconds per unit, 0 = sub-ms.
struct DurationUnit {
  const char* label;
  double millis;
};
constexpr DurationUnit k_units[] = {
    {"ns", 1e-6}, {"nano", 1e-6}, {"nanos", 1e-6}, {"nanosecond", 1e-6}, {"nanoseconds", 1e-6},
    {"us", 1e-3}, {"µs", 1e-3}, {"micro", 1e-3}, {"micros", 1e-3}, {"microsecond", 1e-3},
    {"microseconds", 1e-3}, {"ms", 1}, {"milli", 1}, {"millis", 1}, {"millisecond", 1},
    {"milliseconds", 1}, {"s", 1e3}, {"sec", 1e3}, {"secs", 1e3}, {"second", 1e3},
    {"seconds", 1e3}, {"m", 6e4}, {"min", 6e4}, {"mins", 6e4}, {"minute", 6e4}, {"minutes", 6e4},
    {"h", 3.6e6}, {"hour", 3.6e6}, {"hours", 3.6e6}, {"d", 8.64e7}, {"day", 8.64e7},
    {"days", 8.64e7},
};
}  // namespace

std::optional<std::chrono::milliseconds> parse_flink_duration(const std::string& text) {
  const std::string trimmed = trim(text);
  std::size_t digits = 0;
  while (digits < trimmed.size() && std::isdigit(static_cast<unsigned char>(trimmed[digits]))) {
    ++digits;
  }
  if (digits == 0 || digits > 15) return std::nullopt;
  const auto number = std::stoll(trimmed.substr(0, digits));
  std::string unit = trim(trimmed.substr(digits));
  for (auto& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (unit.empty()) return std::chrono::milliseconds(number);
  for (const auto& candidate : k_units) {
    if (unit == candidate.label) {
      return std::chrono::milliseconds(static_cast<std::int64_t>(number * candidate.millis));
    }
  }
  return std::nullopt;
}

std::string format_duration(std::chrono::milliseconds duration) {
  const auto ms = duration.count();
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + " s";
  return std::to_string(ms) + " ms";
}

}  // namespace flinkcli
