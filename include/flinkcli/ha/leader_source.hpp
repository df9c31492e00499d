#pragma once
// Where the leading JobManager's REST address comes from under high availability: the leader
// information Flink publishes in ZooKeeper (a znode holding the Java-serialized URL and leader
// session id), decoded by a pure function, read through `ZnodeReader` (the ZooKeeper C client, or
// a fake in tests), and waited for with the injected clock by `LeaderSource`.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "flinkcli/core/clock.hpp"
#include "flinkcli/ha/ha_settings.hpp"

namespace flinkcli {

// The leader's REST address as published: "http://127.0.0.1:18481" and its parts.
struct LeaderInfo {
  std::string url;
  std::string scheme;  // "http" or "https"
  std::string host;    // without brackets for IPv6
  int port = 0;
  std::string session_id;  // the leader session UUID, "" when none was published
};

// What a znode's bytes say: a leader, no leader (empty data: leadership revoked), or bytes that
// are not Flink's leader information (`error` says why, one line).
struct DecodedLeader {
  enum class Kind { leader, no_leader, malformed };
  Kind kind = Kind::malformed;
  LeaderInfo leader;
  std::string error;
};

// Decodes Flink's leader information: Java serialization of writeUTF(url) and a java.util.UUID
// (ZooKeeperUtils.writeLeaderInformationToZooKeeper). Every length is bounded by the input; never throws.
DecodedLeader decode_leader_information(std::string_view data);

// One read of a znode.
struct ZnodeRead {
  enum class Status { data, no_node, unreachable, no_auth };
  Status status = Status::unreachable;
  std::string bytes;   // Status::data
  std::string reason;  // Status::unreachable: why ("connection refused", "timed out after 15 s ...")
};

// Reads znodes of one ZooKeeper quorum; each call returns by `deadline`.
class ZnodeReader {
 public:
  virtual ~ZnodeReader() = default;
  virtual ZnodeRead read(const std::string& path, std::chrono::steady_clock::time_point deadline) = 0;
};

// Makes the reader for `settings`; sleeps and deadlines on `clock`.
using ZnodeReaderFactory =
    std::function<std::unique_ptr<ZnodeReader>(const ZooKeeperSettings& settings, Clock& clock)>;

// The real one: the ZooKeeper C client (libzookeeper-mt), one session for the client's lifetime.
std::unique_ptr<ZnodeReader> make_zookeeper_reader(const ZooKeeperSettings& settings, Clock& clock);

// The leader as ZooKeeper publishes it.
class LeaderSource {
 public:
  LeaderSource(ZooKeeperSettings settings, std::unique_ptr<ZnodeReader> reader, Clock& clock);

  // The leader published now; while none is (no node, empty data), reads again until `deadline`
  // or rest.await-leader-timeout from now, whichever comes first. Throws a no_leader CliError
  // naming the quorum and the znode when none is found by then or ZooKeeper cannot be reached, a
  // protocol error for data that is not Flink's, unsupported when ZooKeeper wants authentication.
  LeaderInfo leader(std::chrono::steady_clock::time_point deadline);
  // "ZooKeeper 127.0.0.1:2181, znode /flink/default/leader/rest_server/connection_info"
  std::string description() const;

 private:
  ZooKeeperSettings m_settings;
  std::unique_ptr<ZnodeReader> m_reader;
  Clock& m_clock;
};

}  // namespace flinkcli
