// Reading Flink's conf directory the way GlobalConfiguration (Flink 1.20 / 2.x) does.
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

#include "flinkcli/configuration.hpp"
#include "flinkcli/error.hpp"

namespace fs = std::filesystem;

namespace flinkcli {

namespace {

constexpr const char* k_standard_file = "config.yaml";
constexpr const char* k_legacy_file = "flink-conf.yaml";

std::string trim(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  return text.substr(begin, text.find_last_not_of(" \t\r") - begin + 1);
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CliError(ErrorClass::config, "Cannot read configuration file " + path.string());
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
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

void flatten(const YAML::Node& node, const std::string& prefix, Configuration& config) {
  for (const auto& entry : node) {
    const std::string key = prefix.empty() ? entry.first.Scalar() : prefix + "." + entry.first.Scalar();
    const YAML::Node& value = entry.second;
    if (value.IsMap()) {
      flatten(value, key, config);
    } else if (value.IsScalar() || value.IsSequence()) {
      config.set(key, scalar_text(value));
    }
    // null values are skipped, as Flink skips them
  }
}

}  // namespace

fs::path find_conf_dir(const GetEnv& getenv, const fs::path& executable) {
  if (auto dir = getenv("FLINK_CONF_DIR"); dir && !dir->empty()) return fs::path(*dir);
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
    flatten(root, "", config);
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
    config.set(key, value);
  }
  return config;
}

Configuration load_conf_dir(const fs::path& conf_dir, ConfigSource* source) {
  ConfigSource local_source;
  ConfigSource& info = source ? *source : local_source;
  info.conf_dir = conf_dir;
  const fs::path legacy = conf_dir / k_legacy_file;
  const fs::path standard = conf_dir / k_standard_file;
  // Flink 1.20 prefers the legacy file when it exists; 2.x ships only config.yaml.
  if (fs::exists(legacy)) {
    info.file = legacy;
    if (fs::exists(standard)) {
      info.warnings.push_back("Both " + legacy.string() + " and " + standard.string() +
                           " exist; using the legacy flink-conf.yaml, as Flink 1.20 does.");
    }
    info.notes.push_back("Usage of the legacy flink-conf.yaml is deprecated; prefer config.yaml.");
    return parse_legacy_conf(read_file(legacy), legacy.string(), &info.notes);
  }
  if (fs::exists(standard)) {
    info.file = standard;
    return parse_standard_yaml(read_file(standard), standard.string());
  }
  info.notes.push_back("No config.yaml or flink-conf.yaml in " + conf_dir.string() +
                       "; using defaults (localhost:8081).");
  return {};
}

}  // namespace flinkcli
