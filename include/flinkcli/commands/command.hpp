#pragma once
// What an action sees: its typed options, the output layer, the effective configuration and the
// JobManager, the last two created only when the action first asks for them, so argument errors
// never touch the network or the conf files. The table of actions is built from one row per
// command file.
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "flinkcli/api/jobmanager_api.hpp"
#include "flinkcli/config/conf_files.hpp"
#include "flinkcli/config/configuration.hpp"
#include "flinkcli/config/rest_settings.hpp"
#include "flinkcli/core/clock.hpp"
#include "flinkcli/core/console.hpp"
#include "flinkcli/core/interrupt.hpp"
#include "flinkcli/core/operation_waiter.hpp"
#include "flinkcli/core/option_parser.hpp"
#include "flinkcli/ha/ha_settings.hpp"
#include "flinkcli/ha/leader_source.hpp"
#include "flinkcli/output/report.hpp"
#include "flinkcli/storage/snapshot_store.hpp"

namespace flinkcli {

struct Environment {
  GetEnv getenv;
  std::filesystem::path executable;  // for <dir of binary>/../conf and ../lib
};

// Everything from outside the process an action may touch; tests pass fakes.
struct Runtime {
  Console& console;
  Clock& clock;
  Interrupt& interrupt;
  Environment environment;
  ApiFactory api_factory;
  // Where snapshots are stored (local disks, S3): `inspect` reads through it (tests: fakes).
  StoreFactory store_factory = make_snapshot_store;
  // High availability through ZooKeeper: how znodes are read (tests: a fake quorum).
  ZnodeReaderFactory znode_reader_factory = make_zookeeper_reader;
  // Random ids: trigger ids of our own for savepoint, stop and cancel -s, and the random part of
  // an uploaded jar's name (tests fix them).
  std::function<std::string()> new_trigger_id = random_hex_id;
  // Wall-clock time, for the "started_at" of JSON documents and the age of stored objects
  // (durations use `clock`).
  std::function<std::chrono::system_clock::time_point()> wall_clock = std::chrono::system_clock::now;
  // stderr is a terminal: waits may show a live progress line there (text mode only).
  bool stderr_is_terminal = false;
};

// The options every action takes (Flink's generic and default command lines).
struct GeneralOptions {
  bool help = false;
  bool verbose = false;
  std::optional<std::string> jobmanager;         // -m host:port or URL
  std::optional<std::string> zookeeper_namespace;  // -z: high-availability.cluster-id
  std::vector<std::string> dynamic_properties;   // -D key=value, in order
  std::optional<std::string> target;             // -t / -e: only "remote" is supported
  bool yarn_application = false;                 // -yid
  OutputMode output = OutputMode::text;          // -o text|json, -q (this client's)
};
const std::vector<OptionSpec>& general_option_specs();
GeneralOptions parse_general_options(const ParsedArgs& args);

class CommandContext {
 public:
  CommandContext(GeneralOptions options, Runtime& runtime, Report& report);

  Console& console() { return m_runtime.console; }
  // Where the action's result goes: Flink's lines, its JSON fields, its quiet value.
  Report& report() { return m_report; }
  // A live progress line belongs on stderr: a terminal, and neither quiet nor JSON output.
  bool show_progress() const {
    return m_runtime.stderr_is_terminal && m_report.mode() == OutputMode::text;
  }
  Clock& clock() { return m_runtime.clock; }
  std::chrono::system_clock::time_point now() { return m_runtime.wall_clock(); }
  Interrupt& interrupt() { return m_runtime.interrupt; }
  std::string new_trigger_id() { return m_runtime.new_trigger_id(); }
  const GeneralOptions& options() const { return m_options; }

  const Configuration& config();  // conf file, then -m, then -D
  JobManagerApi& api();           // bounded by deadline(); under ZooKeeper HA, the leader's
  // Reads and checks every setting api() uses (rest.*, client.timeout, TLS keys and stores, HA
  // keys) without sending anything, as the Java client builds its cluster client before
  // savepoint, checkpoint and dispose print their first line. Under ZooKeeper HA the leader is
  // not waited for here: Java starts looking for it there and prints before it is found.
  void check_settings();
  // The store for locations of `kind` (made once per kind), bounded by deadline().
  SnapshotStore& store(LocationKind kind);
  // The action's one deadline: its start plus client.timeout, shared by every call and wait.
  // With --wait-timeout, its start plus that instead: the wait is bounded by it, and each call
  // by client.timeout (and what is left of the wait).
  std::chrono::steady_clock::time_point deadline();
  WaitPolicy wait_policy();
  // --wait-timeout; set before the first api() call.
  void set_wait_timeout(std::optional<std::chrono::milliseconds> timeout) { m_wait_timeout = timeout; }
  const std::optional<std::chrono::milliseconds>& wait_timeout() const { return m_wait_timeout; }

 private:
  // Finds the leader through ZooKeeper and points `settings` at it, asking again on failover.
  void follow_zookeeper_leader(const ZooKeeperSettings& zookeeper, RestSettings& settings);

  GeneralOptions m_options;
  Runtime& m_runtime;
  Report& m_report;
  std::chrono::steady_clock::time_point m_started;
  std::optional<std::chrono::milliseconds> m_wait_timeout;
  std::optional<Configuration> m_config;
  std::optional<int> m_flink_major;  // of the installation, for version-dependent keys
  std::optional<RestSettings> m_settings;  // read once, by check_settings()
  std::optional<HaSettings> m_ha;
  std::unique_ptr<LeaderSource> m_leader_source;  // ZooKeeper HA: outlives m_api, which asks it
  std::unique_ptr<JobManagerApi> m_api;
  std::map<LocationKind, std::unique_ptr<SnapshotStore>> m_stores;
};

struct CommandSpec {
  std::string name;
  std::string summary;  // the sentence after 'Action "name" ' in the help
  std::string syntax;   // e.g. "savepoint [OPTIONS] <Job ID> [<target directory>]"
  std::vector<OptionSpec> options;
  bool stop_at_non_option = false;  // `run`: everything after the jar belongs to the program
  // Parses `args` into the action's typed options and runs it. Null for Java's actions that
  // need a JVM on the client: they are in the table to say so.
  int (*run)(CommandContext& context, const ParsedArgs& args) = nullptr;
  // This client's own action (not Flink's): its help lists all its options as the action's own.
  bool extension = false;
};

// The one table of actions: dispatch, help and the unknown-action message all read it.
const std::vector<CommandSpec>& command_table();
const CommandSpec* find_command(const std::string& name);

}  // namespace flinkcli
