// Both configuration formats, then every typed value the client reads from them.
#include <cstddef>
#include <cstdint>
#include <string>

#include "flinkcli/config/conf_files.hpp"
#include "flinkcli/config/rest_settings.hpp"
#include "flinkcli/core/error.hpp"

namespace {

void read_values(const flinkcli::Configuration& config) {
  using namespace flinkcli;
  try { (void)config.client_timeout(); } catch (const CliError&) {}
  try { (void)config.default_savepoint_dir(); } catch (const CliError&) {}
  try { (void)config.high_availability(); } catch (const CliError&) {}
  try { (void)rest_endpoint(config); } catch (const CliError&) {}
  try {
    (void)make_rest_settings(config, [](const std::string&) -> std::optional<std::string> { return std::nullopt; });
  } catch (const CliError&) {}
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flinkcli;
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    read_values(parse_standard_yaml(text, "config.yaml"));
  } catch (const CliError&) {
  }
  std::vector<std::string> warnings;
  read_values(parse_legacy_conf(text, "flink-conf.yaml", &warnings));
  try {
    Configuration config;
    apply_jobmanager_address(config, text);
    read_values(config);
  } catch (const CliError&) {
  }
  (void)parse_flink_duration(text);
  return 0;
}
