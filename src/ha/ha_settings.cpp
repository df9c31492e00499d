#include "flinkcli/ha/ha_settings.hpp"

#include <algorithm>
#include <cctype>
#include <limits>
#include <optional>

#include "flinkcli/core/error.hpp"
#include "flinkcli/core/text.hpp"

namespace flinkcli {

namespace {

// The first of `names` that is set (Flink's deprecated keys after the current one), with its key.
struct Found {
  std::string key;
  std::string value;
};
std::optional<Found> first_of(const Configuration& config, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    if (auto value = config.get(name)) return Found{name, *value};
  }
  return std::nullopt;
}

std::chrono::milliseconds duration_of(const Configuration& config, std::initializer_list<const char*> names,
                                      std::chrono::milliseconds fallback) {
  const auto found = first_of(config, names);
  if (!found) return fallback;
  const DurationReading reading = read_flink_duration(found->value);
  const auto& duration = reading.value;
  // Flink hands these to ZooKeeper as an int of milliseconds (Math.toIntExact).
  if (reading.too_large || (duration && duration->count() > std::numeric_limits<int>::max())) {
    throw CliError(ErrorClass::config, "Invalid value '" + one_line(found->value, 100) + "' for " +
                                           found->key + ": at most " +
                                           std::to_string(std::numeric_limits<int>::max()) + " ms (about 24 days)");
  }
  if (!duration || duration->count() <= 0) {
    throw CliError(ErrorClass::config, "Invalid value '" + one_line(found->value, 100) + "' for " +
                                           found->key + ": expected a positive duration such as 15 s");
  }
  return *duration;
}

std::string without_whitespace(std::string text) {
  text.erase(std::remove_if(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c); }),
             text.end());
  return text;
}

ZooKeeperSettings read_zookeeper(const Configuration& config) {
  ZooKeeperSettings settings;
  const auto quorum = first_of(config, {"high-availability.zookeeper.quorum", "recovery.zookeeper.quorum"});
  settings.quorum = quorum ? without_whitespace(quorum->value) : "";
  if (settings.quorum.empty()) {
    // Flink's words (ZooKeeperUtils.startCuratorFramework).
    throw CliError(ErrorClass::config,
                   "No valid ZooKeeper quorum has been specified. You can specify the quorum via the "
                   "configuration key 'high-availability.zookeeper.quorum'.");
  }
  const auto root = first_of(config, {"high-availability.zookeeper.path.root", "recovery.zookeeper.path.root"});
  const auto cluster_id = first_of(config, {"high-availability.cluster-id", "high-availability.zookeeper.path.namespace",
                                            "recovery.zookeeper.path.namespace"});
  settings.leader_path = zookeeper_path({root ? root->value : "/flink", cluster_id ? cluster_id->value : "/default",
                                         "leader", "rest_server", "connection_info"});
  settings.session_timeout = duration_of(
      config, {"high-availability.zookeeper.client.session-timeout", "recovery.zookeeper.client.session-timeout"},
      settings.session_timeout);
  settings.connection_timeout = duration_of(
      config, {"high-availability.zookeeper.client.connection-timeout", "recovery.zookeeper.client.connection-timeout"},
      settings.connection_timeout);
  settings.await_leader_timeout = duration_of(config, {"rest.await-leader-timeout"}, settings.await_leader_timeout);

  // Authentication: the Java client's SASL (Kerberos through a JAAS login context) and ACLs.
  const bool sasl_disabled = config.get_bool("zookeeper.sasl.disable", false);
  const std::string acl = to_lower(trim(config.get("high-availability.zookeeper.client.acl").value_or("open")));
  if (acl == "creator") {
    if (sasl_disabled) {
      // Flink's own check, which fails the Java client the same way.
      throw CliError(ErrorClass::config,
                     "Cannot set ACL role to CREATOR  since SASL authentication is disabled through the "
                     "zookeeper.sasl.disable property");
    }
    settings.warnings.push_back(
        "high-availability.zookeeper.client.acl is 'creator': the leader's znode may be readable only "
        "with SASL authentication, which this client does not support (it reads without "
        "authentication)");
  }
  if (!sasl_disabled) {
    const std::string context = config.get("zookeeper.sasl.login-context-name").value_or("Client");
    const std::string contexts = config.get("security.kerberos.login.contexts").value_or("");
    for (std::size_t start = 0; start <= contexts.size();) {
      const auto comma = std::min(contexts.find(',', start), contexts.size());
      if (trim(contexts.substr(start, comma - start)) == context) {
        settings.warnings.push_back("ZooKeeper SASL (Kerberos login context '" + one_line(context, 100) +
                                    "' in security.kerberos.login.contexts) is not supported by this "
                                    "client: it connects to ZooKeeper without authentication");
        break;
      }
      start = comma + 1;
    }
  }
  if (config.get("high-availability.zookeeper.client.authorization")) {
    settings.warnings.push_back("high-availability.zookeeper.client.authorization is not supported by "
                                "this client and is ignored");
  }
  return settings;
}

}  // namespace

std::string zookeeper_path(const std::vector<std::string>& parts) {
  std::string path;
  for (const auto& part : parts) {
    const auto first = part.find_first_not_of('/');
    if (first == std::string::npos) continue;
    const auto last = part.find_last_not_of('/');
    path += '/';
    path.append(part, first, last - first + 1);
  }
  return path.empty() ? "/" : path;
}

HaSettings read_ha_settings(const Configuration& config) {
  HaSettings settings;
  const auto mode = first_of(config, {"high-availability.type", "high-availability", "recovery.mode"});
  if (!mode) return settings;
  settings.key = mode->key;
  settings.name = trim(mode->value);
  const std::string lower = to_lower(settings.name);
  // HighAvailabilityMode.fromConfig: "standalone" is the legacy name of NONE; anything that is not
  // a mode's name is a factory class.
  if (lower.empty() || lower == "none" || lower == "standalone") return settings;
  if (lower == "zookeeper") {
    settings.mode = HaSettings::Mode::zookeeper;
    settings.zookeeper = read_zookeeper(config);
  } else if (lower == "kubernetes") {
    settings.mode = HaSettings::Mode::kubernetes;
  } else {
    settings.mode = HaSettings::Mode::other;
  }
  return settings;
}

}  // namespace flinkcli
