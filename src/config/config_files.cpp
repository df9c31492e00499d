// Reading Flink's conf directory the way GlobalConfiguration (Flink 1.20 / 2.x) does.
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>
#include <sstream>

#include <cerrno>
#include <cstring>
#include <regex>

#include "flinkcli/config/conf_files.hpp"
#include "flinkcli/core/error.hpp"
#include "flinkcli/core/text.hpp"

namespace fs = std::filesystem;

namespace flinkcli {

namespace {

constexpr const char* k_standard_file = "config.yaml";
constexpr const char* k_legacy_file = "flink-conf.yaml";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw CliError(ErrorClass::config, "Cannot read the configuration file " + path.string() + ": " +
                                           std::strerror(errno) + ".");
  }
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) {
    throw CliError(ErrorClass::config, "Cannot read the configuration file " + path.string() + ".");
  }
  return content.str();
}

// Whether `path` exists; a path we cannot even look at (permissions, a symlink loop) is a
// configuration error in our words, not a filesystem_error.
bool file_exists(const fs::path& path) {
  std::error_code error;
  const auto status = fs::status(path, error);
  if (error && error != std::errc::no_such_file_or_directory && error != std::errc::not_a_directory) {
    throw CliError(ErrorClass::config, "Cannot read the configuration directory " +
                                           path.parent_path().string() + ": " + error.message() +
                                           ". Check FLINK_CONF_DIR and the directory's permissions.");
  }
  return !error && fs::exists(status);
}

std::string scalar_text(const YAML::Node& node) {
  if (node.IsScalar()) return node.Scalar();
  // Lists become Flink's ';'-separated form; nested structures in lists are kept as flow YAML.
  std::string joined;
  for (const auto& item : node) {
    if (!joined.empty()) joined += ';';
    joined += item.IsScalar() ? item.Scalar() : YAML::Dump(item);
  }
  return joined;
}

void flatten(const YAML::Node& node, const std::string& prefix, Configuration& config,
             const std::string& origin) {
  // Flink's YAML parser (SnakeYAML without duplicate keys) refuses a key given twice in one
  // mapping ("found duplicate key"), and the Java client then exits without a word; say where.
  // The same key through different mappings ("rest.port" beside "rest: {port}") is no duplicate.
  std::set<std::string> seen;
  for (const auto& entry : node) {
    const std::string key = prefix.empty() ? entry.first.Scalar() : prefix + "." + entry.first.Scalar();
    if (!seen.insert(entry.first.Scalar()).second) {
      throw CliError(ErrorClass::config, "Malformed YAML in " + origin + " at line " +
                                             std::to_string(entry.first.Mark().line + 1) +
                                             ": found duplicate key " + key);
    }
    const YAML::Node& value = entry.second;
    if (value.IsMap()) {
      flatten(value, key, config, origin);
    } else if (value.IsScalar() || value.IsSequence()) {
      config.set(key, scalar_text(value), origin);
    }
    // null values are skipped, as Flink skips them
  }
}

}  // namespace

std::optional<FlinkVersion> flink_version_in(const fs::path& lib_dir) {
  // flink-dist-1.20.5.jar, flink-dist_2.12-1.14.6.jar
  static const std::regex dist_jar(R"(flink-dist(_[0-9.]+)?-(([0-9]+)\.[0-9][^/]*)\.jar)");
  std::error_code error;
  for (fs::directory_iterator it(lib_dir, error), end; !error && it != end; it.increment(error)) {
    const std::string name = it->path().filename().string();
    std::smatch match;
    if (name.size() < 100 && std::regex_match(name, match, dist_jar)) {
      return FlinkVersion{std::stoi(match[3].str()), match[2].str(), it->path()};
    }
  }
  return std::nullopt;
}

std::optional<FlinkVersion> installation_version(const fs::path& executable, const fs::path& conf_dir) {
  std::error_code error;
  fs::path binary = fs::canonical(executable, error);
  if (error) binary = executable;
  if (auto version = flink_version_in(binary.parent_path() / ".." / "lib")) return version;
  return flink_version_in(conf_dir / ".." / "lib");
}

fs::path find_conf_dir(const GetEnv& getenv, const fs::path& executable) {
  if (auto dir = getenv("FLINK_CONF_DIR"); dir && !dir->empty()) {
    std::error_code error;
    const auto status = fs::status(*dir, error);
    std::string problem;
    if (error && error != std::errc::no_such_file_or_directory) {
      problem = "cannot be read: " + error.message();
    } else if (!fs::exists(status)) {
      problem = "does not exist";
    } else if (!fs::is_directory(status)) {
      problem = "is not a directory";
    }
    if (!problem.empty()) {
      throw CliError(ErrorClass::config,
                     "The configuration directory '" + *dir + "' (FLINK_CONF_DIR) " + problem + ".");
    }
    return fs::path(*dir);
  }
  std::error_code ec;
  fs::path resolved = fs::canonical(executable, ec);
  if (ec) resolved = executable;
  return (resolved.parent_path() / ".." / "conf").lexically_normal();
}

Configuration parse_standard_yaml(const std::string& text, const std::string& file_name) {
  Configuration config;
  try {
    YAML::Node root = YAML::Load(text);
    if (root.IsNull()) return config;
    if (!root.IsMap()) {
      throw CliError(ErrorClass::config,
                     "Malformed YAML in " + file_name + ": the top level must be a map of keys");
    }
    flatten(root, "", config, file_name);
  } catch (const YAML::ParserException& e) {
    throw CliError(ErrorClass::config, "Malformed YAML in " + file_name + " at line " +
                                           std::to_string(e.mark.line + 1) + ": " + e.msg);
  } catch (const YAML::Exception& e) {
    throw CliError(ErrorClass::config, "Malformed YAML in " + file_name + ": " + e.msg);
  }
  return config;
}

Configuration parse_legacy_conf(const std::string& text, const std::string& file_name,
                                std::vector<std::string>* warnings) {
  // Flink's loadLegacyYAMLResource: "key: value" per line, '#' starts a comment, no typing.
  Configuration config;
  std::istringstream lines(text);
  std::string line;
  int line_number = 0;
  while (std::getline(lines, line)) {
    ++line_number;
    const std::string content = trim(line.substr(0, line.find('#')));
    if (content.empty()) continue;
    const auto separator = content.find(": ");
    if (separator == std::string::npos) {
      if (warnings) {
        warnings->push_back("Error while trying to split key and value in configuration file " +
                            file_name + ":" + std::to_string(line_number) + ": Line is not a "
                            "key-value pair (missing space after ':'?)");
      }
      continue;
    }
    const std::string key = trim(content.substr(0, separator));
    const std::string value = trim(content.substr(separator + 2));
    if (key.empty() || value.empty()) {
      if (warnings) {
        warnings->push_back("Error after splitting key and value in configuration file " +
                            file_name + ":" + std::to_string(line_number) + ": Key or value was empty");
      }
      continue;
    }
    config.set(key, value, file_name);
  }
  return config;
}

Configuration load_conf_dir(const fs::path& conf_dir, const std::optional<FlinkVersion>& version,
                            ConfigSource* source) {
  ConfigSource local_source;
  ConfigSource& info = source ? *source : local_source;
  info.conf_dir = conf_dir;
  const fs::path legacy = conf_dir / k_legacy_file;
  const fs::path standard = conf_dir / k_standard_file;
  const bool has_legacy = file_exists(legacy);
  const bool has_standard = file_exists(standard);
  const std::string version_text =
      version ? "Flink " + version->text + " (" + version->jar.filename().string() + ")"
              : std::string("an unknown Flink version");
  info.notes.push_back("installation: " + version_text);

  bool use_legacy = false;
  if (version && version->major < 2) {
    // Flink 1.x: flink-conf.yaml wins whenever it exists.
    use_legacy = has_legacy;
  } else if (version) {
    // Flink 2.x reads config.yaml only; a flink-conf.yaml left from 1.x is ignored.
    if (has_legacy && !has_standard) {
      info.warnings.push_back("Ignoring " + legacy.string() + ": Flink " + version->text +
                              " reads only config.yaml (migrate it with Flink's "
                              "bin/migrate-config-file.sh).");
    }
  } else {
    use_legacy = has_legacy && !has_standard;
    if (has_legacy && has_standard) {
      info.warnings.push_back("Both " + legacy.string() + " and " + standard.string() +
                              " exist and the Flink version of this installation is unknown; "
                              "using config.yaml, as Flink 2.x does.");
    }
  }
  if (use_legacy) {
    info.file = legacy;
    info.notes.push_back("reading the legacy " + legacy.string());
    return parse_legacy_conf(read_file(legacy), legacy.string(), &info.notes);
  }
  if (has_standard) {
    info.file = standard;
    info.notes.push_back("reading " + standard.string());
    return parse_standard_yaml(read_file(standard), standard.string());
  }
  info.notes.push_back("No configuration file read in " + conf_dir.string() +
                       "; using defaults (localhost:8081).");
  return {};
}

}  // namespace flinkcli
