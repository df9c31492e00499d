#pragma once
// Flink's high-availability keys as the client reads them (the Java client's rules: which mode,
// which ZooKeeper quorum and znode, which timeouts).
#include <chrono>
#include <string>
#include <vector>

#include "flinkcli/config/configuration.hpp"

namespace flinkcli {

struct ZooKeeperSettings {
  std::string quorum;                // high-availability.zookeeper.quorum, whitespace removed
  std::string leader_path;           // <path.root>/<cluster-id>/leader/rest_server/connection_info
  std::chrono::milliseconds session_timeout{60000};     // ...client.session-timeout
  std::chrono::milliseconds connection_timeout{15000};  // ...client.connection-timeout
  std::chrono::milliseconds await_leader_timeout{30000};  // rest.await-leader-timeout
  // Said on stderr: authentication settings this client does not honour (SASL, ACL, auth).
  std::vector<std::string> warnings;
};

struct HaSettings {
  enum class Mode { none, zookeeper, kubernetes, other };
  Mode mode = Mode::none;
  std::string name;  // the configured value ("zookeeper", a factory class, ...), for messages
  std::string key;   // the key it was read from
  ZooKeeperSettings zookeeper;  // Mode::zookeeper only
};

// Reads high-availability.type (fallbacks high-availability, recovery.mode; "NONE" and the legacy
// "standalone" mean none) and, for ZooKeeper, the quorum, the znode and the timeouts. Throws a
// config CliError for a missing quorum or an invalid duration, naming the key.
HaSettings read_ha_settings(const Configuration& config);

// Flink's ZooKeeperUtils.generateZookeeperPath: the non-empty parts without their leading and
// trailing slashes, joined by "/" after a leading "/" ("/flink" + "default" -> "/flink/default").
std::string zookeeper_path(const std::vector<std::string>& parts);

}  // namespace flinkcli
