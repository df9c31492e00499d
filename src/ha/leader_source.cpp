#include "flinkcli/ha/leader_source.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "flinkcli/core/error.hpp"
#include "flinkcli/core/text.hpp"

namespace flinkcli {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

namespace {

// While no leader is published, the znode is read again this often (the Java client watches it;
// a re-read every quarter second finds a new leader as fast for a command-line client).
constexpr milliseconds k_poll_interval(250);

}  // namespace

LeaderSource::LeaderSource(ZooKeeperSettings settings, std::unique_ptr<ZnodeReader> reader, Clock& clock)
    : m_settings(std::move(settings)), m_reader(std::move(reader)), m_clock(clock) {}

std::string LeaderSource::description() const {
  return "ZooKeeper " + m_settings.quorum + ", znode " + m_settings.leader_path;
}

LeaderInfo LeaderSource::leader(steady_clock::time_point deadline) {
  const auto start = m_clock.now();
  const auto await_end = start + m_settings.await_leader_timeout;
  const bool awaiting = await_end <= deadline;  // which bound ends the wait, for the message
  const auto end = std::min(deadline, await_end);
  const std::string budget = awaiting ? format_duration(m_settings.await_leader_timeout) + " (rest.await-leader-timeout)"
                                      : "the action's deadline (client.timeout)";
  std::string last_seen = "no such node";
  bool said_waiting = false;
  while (true) {
    const ZnodeRead read = m_reader->read(m_settings.leader_path, end);
    switch (read.status) {
      case ZnodeRead::Status::unreachable:
        throw CliError(ErrorClass::no_leader,
                       "No leading JobManager found: ZooKeeper " + m_settings.quorum +
                           " could not be reached to read " + m_settings.leader_path + " (" +
                           one_line(read.reason, 300) + "). Check high-availability.zookeeper.quorum.");
      case ZnodeRead::Status::no_auth:
        throw CliError(ErrorClass::unsupported,
                       "ZooKeeper " + m_settings.quorum + " refused to let this client read " +
                           m_settings.leader_path + " (NoAuth): the node needs authentication (SASL), "
                           "which this client does not support. Pass -m with the leader's address.");
      case ZnodeRead::Status::no_node: last_seen = "no such node"; break;
      case ZnodeRead::Status::data: {
        const DecodedLeader decoded = decode_leader_information(read.bytes);
        if (decoded.kind == DecodedLeader::Kind::leader) {
          spdlog::debug("leading JobManager {} (leader session {}), from {}", decoded.leader.url,
                        decoded.leader.session_id.empty() ? "none" : decoded.leader.session_id, description());
          return decoded.leader;
        }
        if (decoded.kind == DecodedLeader::Kind::malformed) {
          throw CliError(ErrorClass::protocol,
                         "The leader information in ZooKeeper " + m_settings.quorum + " at " +
                             m_settings.leader_path + " is not Flink's (" + decoded.error + ", " +
                             std::to_string(read.bytes.size()) + " bytes); is the quorum or -z / "
                             "high-availability.cluster-id that of a Flink cluster?");
        }
        last_seen = "empty: no leader elected";
        break;
      }
    }
    const auto remaining = remaining_until(end, m_clock);
    if (remaining.count() == 0) {
      throw CliError(ErrorClass::no_leader,
                     "No leading JobManager found: ZooKeeper " + m_settings.quorum + " publishes no leader at " +
                         m_settings.leader_path + " (" + last_seen + ") after waiting " + budget +
                         ". Check that the cluster runs and -z / high-availability.cluster-id / "
                         "high-availability.zookeeper.path.root name it.");
    }
    if (!said_waiting) {
      spdlog::debug("no leader published at {} yet ({}); reading it again every {} ms for up to {}",
                    m_settings.leader_path, last_seen, k_poll_interval.count(), budget);
      said_waiting = true;
    }
    m_clock.sleep_for(std::min(k_poll_interval, remaining));
  }
}

}  // namespace flinkcli
