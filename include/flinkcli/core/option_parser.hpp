#pragma once
// A command-line parser with Apache commons-cli's rules, the ones Flink's scripts were written
// against: single-dash multi-letter options (-type, -detached), optional arguments that swallow
// the next non-option token (cancel -s <jobId>), stop at the first non-option for `run`, and
// commons-cli's exact error messages.
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace flinkcli {

// many: commons-cli's unlimited values (run -a x y z): every following non-option token.
enum class Arity { none, required, optional, many };

struct OptionSpec {
  std::string short_name;  // without '-', may be several letters ("type"); empty if none
  std::string long_name;   // without "--"; empty if none
  Arity arity = Arity::none;
  std::string arg_name;    // shown in help, e.g. "savepointPath"
  std::string description;
  bool hidden = false;     // accepted but not in the help, as Java's cancel takes -type
  bool extension = false;  // this client's own, not Flink's: listed apart in the help
  // The key options are stored under: the short name if any, else the long name.
  std::string key() const { return short_name.empty() ? long_name : short_name; }
};

// `spec` marked as this client's own option: listed apart in the help, and never the meaning of
// a prefix that one of Flink's options also takes.
inline OptionSpec extension_option(OptionSpec spec) {
  spec.extension = true;
  return spec;
}

class ParsedArgs {
 public:
  bool has(const std::string& key) const { return m_values.count(key) > 0; }
  // The first value given for `key`, if the option was given with a value.
  std::optional<std::string> value(const std::string& key) const;
  std::vector<std::string> values(const std::string& key) const;
  const std::vector<std::string>& positionals() const { return m_positionals; }

  void add_option(const std::string& key) { m_values[key]; }
  void add_value(const std::string& key, std::string value) { m_values[key].push_back(std::move(value)); }
  void add_positional(std::string arg) { m_positionals.push_back(std::move(arg)); }

 private:
  std::map<std::string, std::vector<std::string>> m_values;
  std::vector<std::string> m_positionals;
};

// Parses `args` (without the action word). Throws CliError::usage with commons-cli's message
// ("Unrecognized option: --bogus", "Missing argument for option: d") on bad input.
ParsedArgs parse_options(const std::vector<OptionSpec>& specs, const std::vector<std::string>& args,
                         bool stop_at_non_option);

// Whether `token` ends the values of an unlimited option (run -a) as commons-cli decides it: it
// is one of Flink's options among `specs` (this client's own are values there, as Java hands
// them to the program).
bool ends_unlimited_values(const std::vector<OptionSpec>& specs, const std::string& token);

}  // namespace flinkcli
