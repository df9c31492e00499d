#include <algorithm>
#include <cctype>
#include <cstdint>
#include <limits>
#include <string>

#include "flinkcli/config/configuration.hpp"
#include "flinkcli/core/text.hpp"

namespace flinkcli {

namespace {

// Units as org.apache.flink.util.TimeUtils accepts them, in nanoseconds per unit (integers: no
// rounding, and the limit is checked before any multiplication).
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

// The largest duration accepted, in nanoseconds (3.2e17: far from the 64-bit limit, 9.2e18).
constexpr std::int64_t k_max_nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(k_max_duration).count();
}  // namespace

DurationReading read_flink_duration(const std::string& text) {
  const std::string trimmed = trim(text);
  std::size_t digits = 0;
  // Digits are summed only up to the limit: any more and the value is too large whatever the
  // unit (the smallest is 1 ns), and the sum never overflows.
  std::int64_t number = 0;
  bool above_limit = false;
  while (digits < trimmed.size() && std::isdigit(static_cast<unsigned char>(trimmed[digits]))) {
    if (!above_limit) number = number * 10 + (trimmed[digits] - '0');
    above_limit = above_limit || number > k_max_nanos;
    ++digits;
  }
  if (digits == 0) return {};
  const std::string unit = to_lower(trim(trimmed.substr(digits)));
  std::int64_t nanos_per_unit = 0;
  if (unit.empty()) {
    nanos_per_unit = k_ms;
  } else {
    for (const auto& candidate : k_units) {
      if (unit == candidate.label) nanos_per_unit = candidate.nanos;
    }
  }
  if (nanos_per_unit == 0) return {};
  if (above_limit || number > k_max_nanos / nanos_per_unit) return {std::nullopt, true};
  const std::int64_t nanos = number * nanos_per_unit;
  // A positive value below 1 ms is 1 ms, not 0 (which every key refuses as "not positive").
  const std::int64_t millis = nanos > 0 && nanos < k_ms ? 1 : nanos / k_ms;
  return {std::chrono::milliseconds(millis), false};
}

std::optional<std::chrono::milliseconds> parse_flink_duration(const std::string& text) {
  return read_flink_duration(text).value;
}

std::string format_duration_short(std::chrono::milliseconds duration) {
  const std::int64_t ms = std::max<std::int64_t>(duration.count(), 0);
  if (ms < 1000) return ms == 0 ? "0s" : std::to_string(ms) + "ms";
  static const std::pair<std::int64_t, const char*> units[] = {{86400, "d"}, {3600, "h"}, {60, "min"}, {1, "s"}};
  std::int64_t seconds = ms / 1000;
  std::string text;
  int parts = 0;
  for (const auto& [size, name] : units) {
    if (seconds >= size) {
      text += std::to_string(seconds / size) + name;
      seconds %= size;
      if (++parts == 2) break;
    } else if (parts == 1) {
      break;  // "1d" for a day and five minutes: the second unit only next to the first
    }
  }
  return text;
}

std::string format_duration(std::chrono::milliseconds duration) {
  const auto ms = duration.count();
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + " s";
  return std::to_string(ms) + " ms";
}

}  // namespace flinkcli
