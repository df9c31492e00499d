#pragma once
#include <string>

namespace flinkcli {

// A Flink JobID: 32 hex digits, kept lower case as Flink prints it.
class JobId {
 public:
  // Throws a usage CliError with Flink's exact message when `text` is malformed.
  static JobId parse(const std::string& text);
  const std::string& str() const { return m_hex; }
  bool operator==(const JobId&) const = default;

 private:
  explicit JobId(std::string hex) : m_hex(std::move(hex)) {}
  std::string m_hex;
};

bool is_hex_id(const std::string& text);

// 32 random hex digits, as Flink's AbstractID prints them: a trigger id of our own.
std::string random_hex_id();

}  // namespace flinkcli
