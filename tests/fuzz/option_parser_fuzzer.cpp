// argv as Flink's commons-cli rules parse it, for every action: NUL-separated arguments, the
// first byte picks the action. Only CliError may come out.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "flinkcli/commands/command.hpp"
#include "flinkcli/core/error.hpp"
#include "flinkcli/core/option_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flinkcli;
  if (size == 0) return 0;
  const auto& table = command_table();
  const CommandSpec& spec = table[data[0] % table.size()];
  std::vector<std::string> args(1);
  for (std::size_t i = 1; i < size; ++i) {
    if (data[i] == 0) {
      args.emplace_back();
    } else {
      args.back() += static_cast<char>(data[i]);
    }
  }
  (void)scan_output_mode(args);  // the pre-parse scan for -o json / -q never throws
  std::vector<OptionSpec> options = spec.options;
  options.insert(options.end(), general_option_specs().begin(), general_option_specs().end());
  try {
    const ParsedArgs parsed = parse_options(options, args, spec.stop_at_non_option);
    (void)parse_general_options(parsed);
  } catch (const CliError&) {
  }
  return 0;
}
