#include <cctype>
#include <cstdint>
#include <limits>
#include <string>

#include "flinkcli/config/configuration.hpp"
#include "flinkcli/core/text.hpp"

namespace flinkcli {

namespace {

// Units as org.apache.flink.util.TimeUtils accepts them, in nanoseconds per unit (integers: no
// rounding, and overflow can be detected).
struct DurationUnit {
  const char* label;
  std::int64_t nanos;
};
constexpr std::int64_t k_us = 1000;
constexpr std::int64_t k_ms = 1000 * k_us;
constexpr std::int64_t k_s = 1000 * k_ms;
constexpr std::int64_t k_min = 60 * k_s;
constexpr std::int64_t k_h = 60 * k_min;
constexpr std::int64_t k_d = 24 * k_h;
constexpr DurationUnit k_units[] = {
    {"ns", 1}, {"nano", 1}, {"nanos", 1}, {"nanosecond", 1}, {"nanoseconds", 1},
    {"us", k_us}, {"µs", k_us}, {"micro", k_us}, {"micros", k_us}, {"microsecond", k_us},
    {"microseconds", k_us}, {"ms", k_ms}, {"milli", k_ms}, {"millis", k_ms}, {"millisecond", k_ms},
    {"milliseconds", k_ms}, {"s", k_s}, {"sec", k_s}, {"secs", k_s}, {"second", k_s},
    {"seconds", k_s}, {"m", k_min}, {"min", k_min}, {"mins", k_min}, {"minute", k_min},
    {"minutes", k_min}, {"h", k_h}, {"hour", k_h}, {"hours", k_h}, {"d", k_d}, {"day", k_d},
    {"days", k_d},
};

// number * nanos_per_unit, in whole milliseconds; nullopt when it does not fit in 64 bits.
std::optional<std::chrono::milliseconds> to_millis(std::int64_t number, std::int64_t nanos_per_unit) {
  if (nanos_per_unit < k_ms) {  // below 1e15 * 1e3: cannot overflow
    return std::chrono::milliseconds(number * nanos_per_unit / k_ms);
  }
  const std::int64_t millis_per_unit = nanos_per_unit / k_ms;
  if (number > std::numeric_limits<std::int64_t>::max() / millis_per_unit) return std::nullopt;
  return std::chrono::milliseconds(number * millis_per_unit);
}
}  // namespace

std::optional<std::chrono::milliseconds> parse_flink_duration(const std::string& text) {
  const std::string trimmed = trim(text);
  std::size_t digits = 0;
  while (digits < trimmed.size() && std::isdigit(static_cast<unsigned char>(trimmed[digits]))) {
    ++digits;
  }
  if (digits == 0 || digits > 15) return std::nullopt;
  const auto number = std::stoll(trimmed.substr(0, digits));
  const std::string unit = to_lower(trim(trimmed.substr(digits)));
  if (unit.empty()) return std::chrono::milliseconds(number);
  for (const auto& candidate : k_units) {
    if (unit == candidate.label) return to_millis(number, candidate.nanos);
  }
  return std::nullopt;
}

std::string format_duration(std::chrono::milliseconds duration) {
  const auto ms = duration.count();
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + " s";
  return std::to_string(ms) + " ms";
}

}  // namespace flinkcli
