#pragma once
// Finding and reading Flink's conf directory the way the Java client of the same installation
// would: which directory, which file (that depends on the Flink version), and how to parse it.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "flinkcli/config/configuration.hpp"

namespace flinkcli {

using GetEnv = std::function<std::optional<std::string>(const std::string&)>;

// The Flink version of an installation, from lib/flink-dist[_<scala>]-<version>.jar.
struct FlinkVersion {
  int major = 0;
  std::string text;             // "1.20.5"
  std::filesystem::path jar;    // the flink-dist jar it was read from
};

// Looks in `lib_dir` for flink-dist-<version>.jar; none when absent or unreadable.
std::optional<FlinkVersion> flink_version_in(const std::filesystem::path& lib_dir);
// The installation the client belongs to: <dir of the binary>/../lib, else <conf dir>/../lib.
std::optional<FlinkVersion> installation_version(const std::filesystem::path& executable,
                                                 const std::filesystem::path& conf_dir);

// Where the configuration came from, for --verbose and for tests.
struct ConfigSource {
  std::filesystem::path conf_dir;
  std::optional<std::filesystem::path> file;  // none when the directory has no conf file read
  std::vector<std::string> notes;             // for -v: which file and why
  std::vector<std::string> warnings;          // worth a line on stderr (both files present, ...)
};

// FLINK_CONF_DIR, else <directory of the executable>/../conf (symlinks resolved, as bin/flink
// does). A FLINK_CONF_DIR that is not a directory is a config error.
std::filesystem::path find_conf_dir(const GetEnv& getenv, const std::filesystem::path& executable);

// Reads the conf file Flink `version` would read: 1.x prefers flink-conf.yaml, 2.x reads only
// config.yaml; with no known version, config.yaml wins and both present is warned about.
// Unreadable directories and malformed files throw a config CliError naming the path.
Configuration load_conf_dir(const std::filesystem::path& conf_dir,
                            const std::optional<FlinkVersion>& version,
                            ConfigSource* source = nullptr);

Configuration parse_standard_yaml(const std::string& text, const std::string& file_name);
Configuration parse_legacy_conf(const std::string& text, const std::string& file_name,
                                std::vector<std::string>* warnings = nullptr);

}  // namespace flinkcli
