// High availability through ZooKeeper: the znode decoder (table-driven, on the exact bytes
// Flink 1.20.5 and 2.3.0 write to the leader znode), the keys read, the wait for a leader on a fake clock, and whole
// actions against a fake quorum: -m ignored, -z, no leader (exit 12), and failovers between two
// fake JobManagers over real HTTP.
#include <gtest/gtest.h>

#include <deque>
#include <functional>

#include "fake/fake_jobmanager.hpp"
#include "fake/fake_jobmanager_api.hpp"
#include "fake/test_support.hpp"
#include "flinkcli/core/error.hpp"
#include "flinkcli/ha/ha_settings.hpp"
#include "flinkcli/ha/leader_source.hpp"
#include "flinkcli/rest/http_jobmanager_api.hpp"

namespace flinkcli::testing {
namespace {

using nlohmann::json;
using Lines = std::vector<std::string>;
using std::chrono::milliseconds;
using Kind = DecodedLeader::Kind;

const std::string J = k_job;
const std::string T = k_trigger;
const std::string L = "file:/data/savepoints/savepoint-a48f8e-f8b2e237b6f8";
const std::string k_znode = "/flink/default/leader/rest_server/connection_info";

std::string bytes(std::initializer_list<int> values) {
  std::string text;
  for (int value : values) text += static_cast<char>(value);
  return text;
}

std::string u16(std::size_t value) { return bytes({static_cast<int>(value >> 8), static_cast<int>(value & 0xff)}); }
std::string u64(std::uint64_t value) {
  std::string text;
  for (int shift = 56; shift >= 0; shift -= 8) text += static_cast<char>((value >> shift) & 0xff);
  return text;
}
std::string utf(const std::string& text) { return u16(text.size()) + text; }

// The UUID's serialized form: class description, then leastSigBits and mostSigBits.
std::string uuid_object(std::uint64_t most, std::uint64_t least) {
  return bytes({0x73, 0x72}) + utf("java.util.UUID") +
         bytes({0xbc, 0x99, 0x03, 0xf7, 0x98, 0x6d, 0x85, 0x2f, 0x02}) + u16(2) + "J" + utf("leastSigBits") + "J" +
         utf("mostSigBits") + bytes({0x78, 0x70}) + u64(least) + u64(most);
}

constexpr std::uint64_t k_most = 0x2d1c5a8a41fb4b7bULL;
constexpr std::uint64_t k_least = 0x9e6a2f3c5d7e8f90ULL;
const std::string k_session = "2d1c5a8a-41fb-4b7b-9e6a-2f3c5d7e8f90";

// What Flink writes for `url` (block data of writeUTF, then the UUID), as ZooKeeperUtils writes it.
std::string leader_bytes(const std::string& url, std::uint64_t most = k_most, std::uint64_t least = k_least) {
  const std::string block = utf(url);
  return bytes({0xac, 0xed, 0x00, 0x05, 0x77, static_cast<int>(block.size())}) + block + uuid_object(most, least);
}

// A leader znode as Flink 1.20.5 and 2.3.0 write it, byte for byte: http://127.0.0.1:18481, 106 bytes.
const std::string k_example = bytes({0xac, 0xed, 0x00, 0x05, 0x77, 0x18, 0x00, 0x16}) + "http://127.0.0.1:18481" +
                              bytes({0x73, 0x72, 0x00, 0x0e}) + "java.util.UUID" +
                              bytes({0xbc, 0x99, 0x03, 0xf7, 0x98, 0x6d, 0x85, 0x2f, 0x02, 0x00, 0x02}) +
                              bytes({0x4a, 0x00, 0x0c}) + "leastSigBits" + bytes({0x4a, 0x00, 0x0b}) + "mostSigBits" +
                              bytes({0x78, 0x70}) + u64(k_least) + u64(k_most);

TEST(LeaderInformation, DecodesHaMdsExample) {
  ASSERT_EQ(k_example.size(), 106u);
  EXPECT_EQ(k_example, leader_bytes("http://127.0.0.1:18481"));
  const DecodedLeader decoded = decode_leader_information(k_example);
  ASSERT_EQ(decoded.kind, Kind::leader) << decoded.error;
  EXPECT_EQ(decoded.leader.url, "http://127.0.0.1:18481");
  EXPECT_EQ(decoded.leader.scheme, "http");
  EXPECT_EQ(decoded.leader.host, "127.0.0.1");
  EXPECT_EQ(decoded.leader.port, 18481);
  EXPECT_EQ(decoded.leader.session_id, k_session);
}

TEST(LeaderInformation, Table) {
  struct Case {
    std::string name;
    std::string data;
    Kind kind;
    std::string expect;  // host:port for a leader, a part of the error for malformed data
  };
  std::string split_blocks = bytes({0xac, 0xed, 0x00, 0x05, 0x77, 0x04}) + u16(22) + "ht" +
                             bytes({0x7a, 0, 0, 0, 20}) + "tp://127.0.0.1:18481" + uuid_object(k_most, k_least);
  std::string null_uuid = bytes({0xac, 0xed, 0x00, 0x05, 0x77, 0x18}) + utf("http://127.0.0.1:18481") + bytes({0x70});
  std::string wrong_serial = k_example;
  wrong_serial[60 - 1 - 10] = 0x00;  // inside the serialVersionUID
  std::string wrong_class = k_example;
  wrong_class[36] = 'X';  // java.util.UUID -> jXva.util.UUID
  const Case cases[] = {
      {"empty: leadership revoked", "", Kind::no_leader, ""},
      {"https", leader_bytes("https://jm-1.example:8443"), Kind::leader, "jm-1.example:8443"},
      {"IPv6", leader_bytes("http://[::1]:18482"), Kind::leader, "::1:18482"},
      {"with a path", leader_bytes("http://127.0.0.1:18481/proxy"), Kind::leader, "127.0.0.1:18481"},
      {"split over two blocks", split_blocks, Kind::leader, "127.0.0.1:18481"},
      {"null session id", null_uuid, Kind::leader, "127.0.0.1:18481"},
      {"not Java serialization", "http://127.0.0.1:18481", Kind::malformed, "stream header"},
      {"stream version 4", bytes({0xac, 0xed, 0x00, 0x04}), Kind::malformed, "stream header"},
      {"block longer than the data", bytes({0xac, 0xed, 0x00, 0x05, 0x77, 0xff, 0x00, 0x16}) + "http://", Kind::malformed,
       "block data of 255 bytes"},
      {"huge long block", bytes({0xac, 0xed, 0x00, 0x05, 0x7a, 0xff, 0xff, 0xff, 0xff, 0x00}), Kind::malformed,
       "block data of 4294967295 bytes"},
      {"UTF length beyond the block", bytes({0xac, 0xed, 0x00, 0x05, 0x77, 0x04, 0xff, 0xff, 'h', 't'}),
       Kind::malformed, "no leader address"},
      {"bytes after the URL in the block", bytes({0xac, 0xed, 0x00, 0x05, 0x77, 0x06}) + utf("a:1") + "x",
       Kind::malformed, "after the leader address"},
      {"no block data", bytes({0xac, 0xed, 0x00, 0x05}) + uuid_object(1, 2), Kind::malformed, "no leader address"},
      {"not a URL", leader_bytes("127.0.0.1:18481"), Kind::malformed, "not a URL"},
      {"not http", leader_bytes("pekko.tcp://flink@127.0.0.1:16481/user/rpc/dispatcher_1"), Kind::malformed,
       "not an http(s) URL"},
      {"no port", leader_bytes("http://127.0.0.1"), Kind::malformed, "no host:port"},
      {"port out of range", leader_bytes("http://127.0.0.1:70000"), Kind::malformed, "no host:port"},
      {"control character", leader_bytes("http://127.0.0.1:1\n"), Kind::malformed, "not a printable URL"},
      {"modified UTF-8 NUL", leader_bytes(std::string("http://a\xc0\x80:1")), Kind::malformed, "not a printable URL"},
      {"not a UUID", bytes({0xac, 0xed, 0x00, 0x05, 0x77, 0x18}) + utf("http://127.0.0.1:18481") + "xyz", Kind::malformed,
       "no leader session id"},
      {"another class", wrong_class, Kind::malformed, "not a java.util.UUID"},
      {"another serialVersionUID", wrong_serial, Kind::malformed, "serialVersionUID"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const DecodedLeader decoded = decode_leader_information(c.data);
    EXPECT_EQ(decoded.kind, c.kind) << decoded.error;
    if (c.kind == Kind::leader) {
      EXPECT_EQ(decoded.leader.host + ":" + std::to_string(decoded.leader.port), c.expect);
    } else if (c.kind == Kind::malformed) {
      EXPECT_NE(decoded.error.find(c.expect), std::string::npos) << decoded.error;
    }
  }
}

// Every truncation of the example and every single-byte corruption: a leader or a clear error,
// never a crash (ASan/UBSan builds run this too).
TEST(LeaderInformation, TruncatedAndCorruptVariants) {
  for (std::size_t size = 1; size < k_example.size(); ++size) {
    const DecodedLeader decoded = decode_leader_information(std::string_view(k_example).substr(0, size));
    EXPECT_EQ(decoded.kind, Kind::malformed) << size;
    EXPECT_FALSE(decoded.error.empty()) << size;
  }
  for (std::size_t at = 0; at < k_example.size(); ++at) {
    std::string corrupt = k_example;
    corrupt[at] = static_cast<char>(corrupt[at] ^ 0x5a);
    const DecodedLeader decoded = decode_leader_information(corrupt);
    if (decoded.kind == Kind::leader) {
      EXPECT_GT(decoded.leader.port, 0) << at;
    } else {
      EXPECT_EQ(decoded.kind, Kind::malformed) << at;
      EXPECT_FALSE(decoded.error.empty()) << at;
    }
  }
  // Trailing bytes (a longer serialization) are tolerated, as ObjectInputStream does.
  EXPECT_EQ(decode_leader_information(k_example + "more").kind, Kind::leader);
}

TEST(HaSettings, ZooKeeperPathFollowsFlinksSlashRules) {
  EXPECT_EQ(zookeeper_path({"/flink", "/default"}), "/flink/default");
  EXPECT_EQ(zookeeper_path({"/flink", "default"}), "/flink/default");
  EXPECT_EQ(zookeeper_path({"/x", "y", "leader"}), "/x/y/leader");
  EXPECT_EQ(zookeeper_path({"flink/", "//a/b//", "", "/"}), "/flink/a/b");
  EXPECT_EQ(zookeeper_path({"", ""}), "/");
}

Configuration config_of(std::initializer_list<std::pair<const char*, const char*>> values) {
  Configuration config;
  for (const auto& [key, value] : values) config.set(key, value);
  return config;
}

TEST(HaSettings, ReadsFlinksKeys) {
  EXPECT_EQ(read_ha_settings(config_of({})).mode, HaSettings::Mode::none);
  EXPECT_EQ(read_ha_settings(config_of({{"high-availability.type", "NONE"}})).mode, HaSettings::Mode::none);
  EXPECT_EQ(read_ha_settings(config_of({{"high-availability", "standalone"}})).mode, HaSettings::Mode::none);
  EXPECT_EQ(read_ha_settings(config_of({{"high-availability.type", "kubernetes"}})).mode, HaSettings::Mode::kubernetes);
  EXPECT_EQ(read_ha_settings(config_of({{"high-availability.type", "com.example.MyHaFactory"}})).mode,
            HaSettings::Mode::other);

  const HaSettings defaults = read_ha_settings(config_of({{"high-availability", "ZooKeeper"},
                                                          {"high-availability.zookeeper.quorum", " zk-1:2181, zk-2:2181 "}}));
  EXPECT_EQ(defaults.mode, HaSettings::Mode::zookeeper);
  EXPECT_EQ(defaults.key, "high-availability");
  EXPECT_EQ(defaults.zookeeper.quorum, "zk-1:2181,zk-2:2181");
  EXPECT_EQ(defaults.zookeeper.leader_path, k_znode);
  EXPECT_EQ(defaults.zookeeper.session_timeout, milliseconds(60000));
  EXPECT_EQ(defaults.zookeeper.connection_timeout, milliseconds(15000));
  EXPECT_EQ(defaults.zookeeper.await_leader_timeout, milliseconds(30000));
  EXPECT_TRUE(defaults.zookeeper.warnings.empty());

  const HaSettings custom = read_ha_settings(config_of({{"high-availability.type", "zookeeper"},
                                                        {"high-availability.zookeeper.quorum", "127.0.0.1:12181"},
                                                        {"high-availability.zookeeper.path.root", "/x"},
                                                        {"high-availability.cluster-id", "y"},
                                                        {"high-availability.zookeeper.client.session-timeout", "6 s"},
                                                        {"high-availability.zookeeper.client.connection-timeout", "500"},
                                                        {"rest.await-leader-timeout", "1 min"}}));
  EXPECT_EQ(custom.zookeeper.leader_path, "/x/y/leader/rest_server/connection_info");
  EXPECT_EQ(custom.zookeeper.session_timeout, milliseconds(6000));
  EXPECT_EQ(custom.zookeeper.connection_timeout, milliseconds(500));
  EXPECT_EQ(custom.zookeeper.await_leader_timeout, milliseconds(60000));
  // Flink's deprecated cluster-id key still counts.
  EXPECT_EQ(read_ha_settings(config_of({{"high-availability.type", "zookeeper"},
                                        {"high-availability.zookeeper.quorum", "zk:2181"},
                                        {"high-availability.zookeeper.path.namespace", "/legacy"}}))
                .zookeeper.leader_path,
            "/flink/legacy/leader/rest_server/connection_info");
}

TEST(HaSettings, ConfigurationErrorsAndAuthenticationWarnings) {
  auto error_of = [](const Configuration& config) -> std::string {
    try {
      read_ha_settings(config);
    } catch (const CliError& error) {
      EXPECT_EQ(error.exit_code(), 2);
      return error.what();
    }
    return "no error";
  };
  EXPECT_EQ(error_of(config_of({{"high-availability.type", "zookeeper"}})),
            "No valid ZooKeeper quorum has been specified. You can specify the quorum via the configuration "
            "key 'high-availability.zookeeper.quorum'.");
  EXPECT_EQ(error_of(config_of({{"high-availability.type", "zookeeper"}, {"high-availability.zookeeper.quorum", "zk:1"},
                                {"high-availability.zookeeper.client.session-timeout", "soon"}})),
            "Invalid value 'soon' for high-availability.zookeeper.client.session-timeout: expected a positive "
            "duration such as 15 s");
  EXPECT_NE(error_of(config_of({{"high-availability.type", "zookeeper"}, {"high-availability.zookeeper.quorum", "zk:1"},
                                {"high-availability.zookeeper.client.acl", "creator"}, {"zookeeper.sasl.disable", "true"}}))
                .find("Cannot set ACL role to CREATOR"),
            std::string::npos);

  const auto warnings = read_ha_settings(config_of({{"high-availability.type", "zookeeper"},
                                                    {"high-availability.zookeeper.quorum", "zk:1"},
                                                    {"high-availability.zookeeper.client.acl", "creator"},
                                                    {"security.kerberos.login.contexts", "KafkaClient, Client"},
                                                    {"high-availability.zookeeper.client.authorization", "digest:a"}}))
                            .zookeeper.warnings;
  ASSERT_EQ(warnings.size(), 3u);
  EXPECT_NE(warnings[0].find("creator"), std::string::npos);
  EXPECT_NE(warnings[1].find("SASL"), std::string::npos);
  EXPECT_NE(warnings[2].find("authorization"), std::string::npos);
  // SASL off, or no login context for ZooKeeper: nothing to say.
  EXPECT_TRUE(read_ha_settings(config_of({{"high-availability.type", "zookeeper"}, {"high-availability.zookeeper.quorum", "zk:1"},
                                          {"security.kerberos.login.contexts", "KafkaClient"}}))
                  .zookeeper.warnings.empty());
}

// A quorum in memory: each read of a path answers from `answer` (called with the path), and
// every read is recorded.
struct FakeQuorum {
  std::function<ZnodeRead(const std::string& path)> answer = [](const std::string&) {
    return ZnodeRead{ZnodeRead::Status::no_node, {}, {}};
  };
  std::vector<std::string> reads;
  int readers = 0;

  ZnodeReaderFactory factory() {
    return [this](const ZooKeeperSettings&, Clock&) -> std::unique_ptr<ZnodeReader> {
      ++readers;
      return std::make_unique<Reader>(*this);
    };
  }

  struct Reader final : ZnodeReader {
    explicit Reader(FakeQuorum& quorum) : m_quorum(quorum) {}
    ZnodeRead read(const std::string& path, std::chrono::steady_clock::time_point) override {
      m_quorum.reads.push_back(path);
      return m_quorum.answer(path);
    }
    FakeQuorum& m_quorum;
  };
};

ZnodeRead data(const std::string& bytes) { return {ZnodeRead::Status::data, bytes, {}}; }

ZooKeeperSettings zk_settings() {
  ZooKeeperSettings settings;
  settings.quorum = "127.0.0.1:12181";
  settings.leader_path = k_znode;
  return settings;
}

TEST(LeaderSource, WaitsForALeaderWithinTheBound) {
  FakeQuorum quorum;
  FakeClock clock;
  int reads = 0;
  quorum.answer = [&](const std::string&) {
    ++reads;
    if (reads == 1) return ZnodeRead{ZnodeRead::Status::no_node, {}, {}};
    if (reads == 2) return data("");  // elected, not yet written
    return data(k_example);
  };
  LeaderSource source(zk_settings(), quorum.factory()(zk_settings(), clock), clock);
  EXPECT_EQ(source.leader(clock.now() + std::chrono::seconds(60)).port, 18481);
  EXPECT_EQ(reads, 3);
  EXPECT_EQ(clock.total_slept(), milliseconds(500));
  EXPECT_EQ(source.description(), "ZooKeeper 127.0.0.1:12181, znode " + k_znode);
}

std::string error_text(const std::function<void()>& action, int expected_exit_code) {
  try {
    action();
  } catch (const CliError& error) {
    EXPECT_EQ(error.exit_code(), expected_exit_code) << error.what();
    return error.what();
  }
  ADD_FAILURE() << "no error";
  return {};
}

TEST(LeaderSource, FailuresAreOneLineWithTheQuorumAndZnode) {
  FakeQuorum quorum;
  FakeClock clock;
  LeaderSource source(zk_settings(), quorum.factory()(zk_settings(), clock), clock);
  // Nothing published: rest.await-leader-timeout (30 s) bounds the wait...
  EXPECT_EQ(error_text([&] { source.leader(clock.now() + std::chrono::minutes(5)); }, 12),
            "No leading JobManager found: ZooKeeper 127.0.0.1:12181 publishes no leader at " + k_znode +
                " (no such node) after waiting 30 s (rest.await-leader-timeout). Check that the cluster runs and "
                "-z / high-availability.cluster-id / high-availability.zookeeper.path.root name it.");
  EXPECT_EQ(clock.elapsed(), milliseconds(30000));
  // ...or the action's deadline, when nearer.
  const auto start = clock.elapsed();
  EXPECT_NE(error_text([&] { source.leader(clock.now() + std::chrono::seconds(2)); }, 12)
                .find("after waiting the action's deadline (client.timeout)"),
            std::string::npos);
  EXPECT_EQ(clock.elapsed() - start, milliseconds(2000));

  quorum.answer = [](const std::string&) { return ZnodeRead{ZnodeRead::Status::unreachable, {}, "connection refused"}; };
  EXPECT_EQ(error_text([&] { source.leader(clock.now() + std::chrono::minutes(1)); }, 12),
            "No leading JobManager found: ZooKeeper 127.0.0.1:12181 could not be reached to read " + k_znode +
                " (connection refused). Check high-availability.zookeeper.quorum.");
  quorum.answer = [](const std::string&) { return ZnodeRead{ZnodeRead::Status::no_auth, {}, {}}; };
  EXPECT_NE(error_text([&] { source.leader(clock.now() + std::chrono::minutes(1)); }, 8).find("NoAuth"),
            std::string::npos);
  quorum.answer = [](const std::string&) { return data(k_example.substr(0, 100)); };
  EXPECT_NE(error_text([&] { source.leader(clock.now() + std::chrono::minutes(1)); }, 9)
                .find("at " + k_znode + " is not Flink's (truncated java.util.UUID, 100 bytes)"),
            std::string::npos);
}

// The real ZooKeeper client against a port where nothing listens: exit 12 once the connection
// timeout has passed, naming the quorum and the znode. Real time: the client's own threads wait.
TEST(LeaderSource, RealClientGivesUpOnAnUnreachableQuorum) {
  SystemClock clock;
  ZooKeeperSettings settings = zk_settings();
  settings.quorum = "127.0.0.1:" + std::to_string(unused_local_port());
  settings.connection_timeout = milliseconds(400);
  LeaderSource source(settings, make_zookeeper_reader(settings, clock), clock);
  const auto start = std::chrono::steady_clock::now();
  const std::string error = error_text([&] { source.leader(clock.now() + std::chrono::seconds(25)); }, 12);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(error, "No leading JobManager found: ZooKeeper " + settings.quorum + " could not be reached to read " +
                       k_znode + " (no connection within 400 ms (high-availability.zookeeper.client.connection-timeout))"
                       ". Check high-availability.zookeeper.quorum.");
  // Gave up at the 400 ms connection timeout, not at the 25 s deadline (the bound only tells those
  // apart, with room for a loaded machine).
  EXPECT_LT(took, std::chrono::seconds(15));
  // A quorum that is no host:port list fails at once.
  settings.quorum = "127.0.0.1:notaport";
  LeaderSource bad(settings, make_zookeeper_reader(settings, clock), clock);
  EXPECT_NE(error_text([&] { bad.leader(clock.now() + std::chrono::seconds(20)); }, 12).find("could not be reached"),
            std::string::npos);
}

// --- Whole actions against a fake quorum ---

class HaCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env.conf_dir().write("config.yaml",
                         "high-availability.type: zookeeper\n"
                         "high-availability.zookeeper.quorum: 127.0.0.1:12181\n"
                         "rest.address: jm-from-conf\n");
  }

  CliRun run(const std::vector<std::string>& args, const ApiFactory& factory, Clock& clock) {
    CapturingConsole console;
    FakeInterrupt interrupt;
    Runtime runtime{console, clock, interrupt, env.environment(), factory};
    runtime.new_trigger_id = [] { return std::string(k_trigger); };
    runtime.znode_reader_factory = quorum.factory();
    CliRun result;
    result.exit_code = run_cli(args, runtime);
    result.out = console.stdout_lines;
    result.err = console.stderr_lines;
    return result;
  }

  // The REST endpoints the client was pointed at, through the in-memory API.
  CliRun run_recording(const std::vector<std::string>& args, std::vector<std::string>& endpoints, Clock& clock) {
    return run(args,
               [&](const RestSettings& settings, Clock& api_clock) -> std::unique_ptr<JobManagerApi> {
                 endpoints.push_back(settings.endpoint.url());
                 return std::make_unique<FakeJobManagerApi>(cluster, api_clock);
               },
               clock);
  }

  static Lines without_debug(const Lines& lines) {
    Lines kept;
    for (const auto& line : lines) {
      if (line.rfind("flink: debug:", 0) != 0) kept.push_back(line);
    }
    return kept;
  }

  TestEnvironment env;
  FakeQuorum quorum;
  FakeCluster cluster;
};

TEST_F(HaCliTest, TheLeaderComesFromZooKeeperAndMIsIgnored) {
  quorum.answer = [](const std::string&) { return data(leader_bytes("http://127.0.0.1:18482")); };
  FakeClock clock;
  std::vector<std::string> endpoints;
  const auto plain = run_recording({"list"}, endpoints, clock);
  EXPECT_EQ(plain.exit_code, 0);
  EXPECT_TRUE(plain.err.empty()) << plain.err.front();
  // As the Java client: -m does not choose the JobManager under ZooKeeper HA; -v says so.
  const auto with_m = run_recording({"list", "-m", "127.0.0.1:9", "-v"}, endpoints, clock);
  EXPECT_EQ(with_m.exit_code, 0);
  EXPECT_EQ(endpoints, (Lines{"http://127.0.0.1:18482", "http://127.0.0.1:18482"}));
  EXPECT_TRUE(without_debug(with_m.err).empty());
  const std::string verbose = [&] {
    std::string text;
    for (const auto& line : with_m.err) text += line + "\n";
    return text;
  }();
  EXPECT_NE(verbose.find("-m 127.0.0.1:9 is ignored"), std::string::npos) << verbose;
  EXPECT_NE(verbose.find("flink: debug: leading JobManager http://127.0.0.1:18482 (leader session " + k_session +
                         "), from ZooKeeper 127.0.0.1:12181, znode " + k_znode),
            std::string::npos)
      << verbose;
  EXPECT_NE(verbose.find("JobManager REST endpoint: http://127.0.0.1:18482 (the leader published in ZooKeeper"),
            std::string::npos)
      << verbose;
  EXPECT_EQ(quorum.reads, (Lines{k_znode, k_znode}));
}

TEST_F(HaCliTest, DashZNamesTheClusterId) {
  quorum.answer = [](const std::string& path) {
    return path == "/flink/other/leader/rest_server/connection_info" ? data(k_example)
                                                                     : ZnodeRead{ZnodeRead::Status::no_node, {}, {}};
  };
  FakeClock clock;
  std::vector<std::string> endpoints;
  for (const std::string z : {"other", "/other"}) {
    const auto result = run_recording({"list", "-z", z}, endpoints, clock);
    EXPECT_EQ(result.exit_code, 0) << z;
  }
  // -D comes after -z, as in Flink.
  EXPECT_EQ(run_recording({"savepoint", J, "-z", "nope", "-Dhigh-availability.cluster-id=other"}, endpoints, clock)
                .exit_code,
            0);
  EXPECT_EQ(endpoints.size(), 3u);
  EXPECT_EQ(quorum.reads.front(), "/flink/other/leader/rest_server/connection_info");
}

TEST_F(HaCliTest, NoLeaderIsExit12WithinTheBound) {
  FakeClock clock;
  std::vector<std::string> endpoints;
  const auto result = run_recording({"savepoint", J, "-z", "wrong"}, endpoints, clock);
  EXPECT_EQ(result.exit_code, 12);
  EXPECT_TRUE(endpoints.empty());
  EXPECT_EQ(result.err,
            (Lines{"Failed to trigger a savepoint for the job " + J + ": No leading JobManager found: ZooKeeper "
                   "127.0.0.1:12181 publishes no leader at "
                   "/flink/wrong/leader/rest_server/connection_info (no such node) after waiting 30 s "
                   "(rest.await-leader-timeout). Check that the cluster runs and -z / high-availability.cluster-id / "
                   "high-availability.zookeeper.path.root name it."}));
  EXPECT_EQ(clock.elapsed(), milliseconds(30000));
  // client.timeout shorter than rest.await-leader-timeout bounds it instead.
  FakeClock short_clock;
  const auto bounded = run_recording({"list", "-D", "client.timeout=5 s"}, endpoints, short_clock);
  EXPECT_EQ(bounded.exit_code, 12);
  EXPECT_EQ(short_clock.elapsed(), milliseconds(5000));
  // In JSON the class is no_leader.
  FakeClock json_clock;
  const auto as_json = run_recording({"list", "-o", "json"}, endpoints, json_clock);
  EXPECT_EQ(as_json.exit_code, 12);
  ASSERT_EQ(as_json.out.size(), 1u);
  EXPECT_EQ(json::parse(as_json.out[0])["error"]["class"], "no_leader");
}

TEST_F(HaCliTest, KubernetesAndFactoryClassesSayWhichAddressIsUsed) {
  FakeClock clock;
  std::vector<std::string> endpoints;
  env.conf_dir().write("config.yaml", "high-availability.type: kubernetes\nrest.address: jm-a\n");
  const auto result = run_recording({"list"}, endpoints, clock);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.err, (Lines{"flink: warning: leader discovery through Kubernetes (high availability 'kubernetes') is "
                               "not supported yet: using jm-a:8081 from rest.address in " +
                               (env.conf_dir() / "config.yaml").string() + "."}));
  const auto with_m = run_recording({"list", "-m", "jm-b:8081"}, endpoints, clock);
  EXPECT_EQ(with_m.err, (Lines{"flink: warning: leader discovery through Kubernetes (high availability 'kubernetes') is "
                               "not supported yet: using jm-b:8081 from -m."}));
  env.conf_dir().write("config.yaml", "high-availability: com.example.HaFactory\n");
  EXPECT_EQ(run_recording({"list"}, endpoints, clock).err,
            (Lines{"flink: warning: high availability through 'com.example.HaFactory' is not supported by this client: "
                   "using localhost:8081 from rest.address (default)."}));
  EXPECT_EQ(endpoints, (Lines{"http://jm-a:8081", "http://jm-b:8081", "http://localhost:8081"}));
  EXPECT_EQ(quorum.readers, 0);
}

// --- Failover between two fake JobManagers over real HTTP ---

json in_progress_body() { return {{"status", {{"id", "IN_PROGRESS"}}}, {"operation", nullptr}}; }
json completed_body(const std::string& location) {
  return {{"status", {{"id", "COMPLETED"}}}, {"operation", {{"location", location}}}};
}

// A clock that runs `on_sleep` before each sleep: the test's hook to crash a JobManager mid-wait.
class HookedClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point now() override { return m_now; }
  void sleep_for(milliseconds duration) override {
    if (on_sleep) on_sleep();
    m_now += duration;
    slept += duration;
  }
  std::function<void()> on_sleep;
  milliseconds slept{0};

 private:
  std::chrono::steady_clock::time_point m_now{};
};

class FailoverTest : public HaCliTest {
 protected:
  void SetUp() override {
    HaCliTest::SetUp();
    first = std::make_unique<FakeJobManager>();
    first_address = first->address();
    quorum.answer = [this](const std::string&) {
      ++reads;
      // The crashed leader's znode outlives it for a few reads (the session timeout), then the
      // standby's is published.
      if (!first && ++reads_since_crash > 3) return data(leader_bytes("http://" + second.address()));
      return data(leader_bytes("http://" + first_address));
    };
  }

  // The first JobManager takes the trigger and answers IN_PROGRESS; it crashes at the first
  // pause of the wait.
  void script_first_then_crash(HookedClock& clock) {
    first->on("POST", "/jobs/" + J + "/savepoints", {CannedReply::json(202, {{"request-id", T}})});
    first->on("GET", "/jobs/" + J + "/savepoints/" + T, {CannedReply::json(200, in_progress_body())});
    clock.on_sleep = [this] {
      if (first && !first->requests_to("GET", "/jobs/" + J + "/savepoints/" + T).empty()) {
        first_requests = first->request_lines();
        first.reset();
      }
    };
  }

  CliRun run_http(const std::vector<std::string>& args, Clock& clock) { return run(args, make_http_jobmanager_api, clock); }

  std::unique_ptr<FakeJobManager> first;
  std::string first_address;
  Lines first_requests;
  FakeJobManager second;
  int reads = 0;
  int reads_since_crash = 0;
};

TEST_F(FailoverTest, SavepointWaitFollowsTheNewLeader) {
  HookedClock clock;
  script_first_then_crash(clock);
  // The new leader took over the operation (e.g. the trigger reached it): it answers for it.
  second.on("GET", "/jobs/" + J + "/savepoints/" + T,
            {CannedReply::json(200, in_progress_body()), CannedReply::json(200, completed_body(L))});
  script_result_checks(second, J, {L});
  const auto result = run_http({"savepoint", J, "-m", "127.0.0.1:9"}, clock);
  EXPECT_EQ(result.exit_code, 0) << (result.err.empty() ? "" : result.err.front());
  EXPECT_EQ(result.out, (Lines{"Triggering savepoint for job " + J + ".", "Waiting for response...",
                               "Savepoint completed. Path: " + L,
                               "You can resume your program from this savepoint with the run command."}));
  EXPECT_TRUE(result.err.empty());
  const std::string poll = "GET /jobs/" + J + "/savepoints/" + T;
  EXPECT_EQ(first_requests, (Lines{"POST /jobs/" + J + "/savepoints", poll}));
  // No second trigger, to either JobManager: the new leader is only polled (and asked for the
  // result's history entry).
  EXPECT_EQ(second.request_lines(), (Lines{poll, poll, "GET /jobs/" + J + "/checkpoints"}));
  // The znode was read when the action started, then again at each refused connection until it
  // changed (the fourth read after the crash).
  EXPECT_EQ(reads, 5);
}

// After a failover the new leader answers 503 while it is still being elected: the poll is
// retried until the deadline. The refused connections to the old leader before it do not use up
// the attempts of another kind of failure.
TEST_F(FailoverTest, TheNewLeaderElectingIsWaitedForAfterRefusedConnections) {
  HookedClock clock;
  script_first_then_crash(clock);
  std::vector<CannedReply> polls(10, CannedReply::errors(503, {"Service temporarily unavailable due to an ongoing "
                                                               "leader election. Please refresh."}));
  polls.push_back(CannedReply::json(200, completed_body(L)));
  second.on("GET", "/jobs/" + J + "/savepoints/" + T, polls);
  const auto result = run_http({"savepoint", J, "-v"}, clock);
  EXPECT_EQ(result.exit_code, 0) << ::testing::PrintToString(without_debug(result.err));
  EXPECT_EQ(second.requests_to("GET", "/jobs/" + J + "/savepoints/" + T).size(), 11u);
  EXPECT_EQ(second.requests_to("POST", "/jobs/" + J + "/savepoints").size(), 0u);
  for (const auto& line : result.err) {
    for (int beyond = 9; beyond <= 20; ++beyond) {
      EXPECT_EQ(line.find("attempt " + std::to_string(beyond) + " of 8"), std::string::npos) << line;
    }
  }
}

TEST_F(FailoverTest, AnOperationLostWithTheOldLeaderIsSaidWithItsTriggerId) {
  HookedClock clock;
  script_first_then_crash(clock);
  second.on("GET", "/jobs/" + J + "/savepoints/" + T,
            {CannedReply::errors(404, {"org.apache.flink.runtime.rest.handler.RestHandlerException: There is no "
                                       "savepoint operation with triggerId=" + T + " for job " + J + "."})});
  const auto result = run_http({"savepoint", J}, clock);
  EXPECT_EQ(result.exit_code, 4);
  ASSERT_EQ(result.err.size(), 1u);
  EXPECT_EQ(result.err[0].rfind("The operation with trigger id " + T +
                                    " was lost with the leading JobManager " + first_address +
                                    ": the leader changed to " + second.address() +
                                    " during the wait, and the new leader does not know the trigger id; whether the "
                                    "operation completed before is unknown",
                                0),
            0u)
      << result.err[0];
  EXPECT_EQ(second.requests_to("POST", "/jobs/" + J + "/savepoints").size(), 0u);
}

TEST_F(FailoverTest, ARefusedLeaderIsReadAgainBeforeAnyRequest) {
  // The published leader is down from the start (its znode not yet expired): the client waits for
  // the new one instead of failing after 3 s.
  first.reset();
  second.on("GET", "/jobs/overview", {CannedReply::json(200, {{"jobs", json::array()}})});
  HookedClock clock;
  const auto result = run_http({"list"}, clock);
  EXPECT_EQ(result.exit_code, 0) << (result.err.empty() ? "" : result.err.front());
  EXPECT_EQ(second.request_lines(), (Lines{"GET /jobs/overview"}));
  // The trigger of a savepoint is re-sent to the new leader with the SAME trigger id.
  reads_since_crash = 0;
  second.on("POST", "/jobs/" + J + "/savepoints", {CannedReply::json(202, {{"request-id", T}})});
  second.on("GET", "/jobs/" + J + "/savepoints/" + T, {CannedReply::json(200, completed_body(L))});
  EXPECT_EQ(run_http({"savepoint", J}, clock).exit_code, 0);
  const auto triggers = second.requests_to("POST", "/jobs/" + J + "/savepoints");
  ASSERT_EQ(triggers.size(), 1u);
  EXPECT_EQ(triggers[0].json()["triggerId"], T);
}

TEST_F(FailoverTest, ALeaderThatNeverComesBackEndsAtTheDeadline) {
  first.reset();
  quorum.answer = [this](const std::string&) { return data(leader_bytes("http://" + first_address)); };
  HookedClock clock;
  const auto result = run_http({"list", "-D", "client.timeout=20 s"}, clock);
  EXPECT_EQ(result.exit_code, 3);
  ASSERT_EQ(result.err.size(), 1u);
  EXPECT_NE(result.err[0].find("Could not connect to the JobManager at " + first_address), std::string::npos);
  EXPECT_NE(result.err[0].find("It is the leader published in ZooKeeper 127.0.0.1:12181, znode " + k_znode +
                               "; check that it runs."),
            std::string::npos)
      << result.err[0];
  // Retried with backoff (capped at 1 s) until the next pause would not fit before the deadline.
  EXPECT_LT(clock.slept, milliseconds(20000));
  EXPECT_GE(clock.slept, milliseconds(19000));
}

// A leader change at each step of each action (the fault-injection matrix's ZooKeeper column,
// docs/fault-matrix.md): before the trigger (the published leader is down), during it (the leader
// answers Flink's 503 "ongoing leader election" and the standby is published), during the wait
// (the leader crashes; the standby took the operation over). Triggers follow the leader with the
// same trigger id; a disposal is never sent twice; nothing is reported that did not complete.
TEST_F(FailoverTest, LeaderChangeAtEachStep) {
  const std::string dispose_id = "d1d2d3d4d5d6d7d8d9d0d1d2d3d4d5d6";
  const json election = {{"errors", {"Service temporarily unavailable due to an ongoing leader election. Please refresh."}}};
  struct Case {
    std::string action;
    std::vector<std::string> args;
    std::string phase;
    int exit_code;
    std::string message_part;  // in the one stderr line when failing
  };
  const std::vector<Case> cases = {
      {"savepoint", {"savepoint", J}, "before trigger", 0, ""},
      {"savepoint", {"savepoint", J}, "during trigger", 0, ""},
      {"savepoint", {"savepoint", J}, "during wait", 0, ""},
      {"stop", {"stop", J}, "before trigger", 0, ""},
      {"stop", {"stop", J}, "during trigger", 0, ""},
      {"stop", {"stop", J}, "during wait", 0, ""},
      {"cancel -s", {"cancel", "-s", J}, "before trigger", 0, ""},
      {"cancel -s", {"cancel", "-s", J}, "during trigger", 0, ""},
      {"cancel -s", {"cancel", "-s", J}, "during wait", 0, ""},
      {"dispose", {"savepoint", "-d", L}, "before trigger", 0, ""},
      {"dispose", {"savepoint", "-d", L}, "during trigger", 3, "is electing a leader (HTTP 503 for POST /savepoint-disposal): nothing was done"},
      {"dispose", {"savepoint", "-d", L}, "during wait", 0, ""},
      {"follow", {"follow", J, T}, "during wait", 0, ""},
      {"checkpoint", {"checkpoint", J}, "before trigger", 0, ""},
      {"checkpoint", {"checkpoint", "-full", J}, "during trigger", 0, ""},
      {"checkpoint", {"checkpoint", J}, "during wait", 0, ""},
      {"follow --checkpoint", {"follow", "--checkpoint", J, T}, "during wait", 0, ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.action + ", leader change " + c.phase);
    const bool dispose = c.action == "dispose";
    const bool checkpoint = c.action == "checkpoint" || c.action == "follow --checkpoint";
    const std::string trigger_path = dispose      ? "/savepoint-disposal"
                                     : checkpoint ? "/jobs/" + J + "/checkpoints"
                                                  : "/jobs/" + J + (c.action == "stop" ? "/stop" : "/savepoints");
    const std::string poll_path = dispose      ? "/savepoint-disposal/" + dispose_id
                                  : checkpoint ? "/jobs/" + J + "/checkpoints/" + T
                                               : "/jobs/" + J + "/savepoints/" + T;
    auto old_leader = std::make_unique<FakeJobManager>();
    const std::string old_address = old_leader->address();
    FakeJobManager new_leader;
    if (dispose) {
      new_leader.on("POST", trigger_path, {CannedReply::json(200, {{"request-id", dispose_id}})});
      new_leader.on("GET", poll_path, {CannedReply::json(200, {{"status", {{"id", "COMPLETED"}}}, {"operation", json::object()}})});
    } else if (checkpoint) {
      new_leader.on("POST", trigger_path, {CannedReply::json(202, {{"request-id", T}})});
      new_leader.on("GET", poll_path,
                    {CannedReply::json(200, {{"status", {{"id", "COMPLETED"}}}, {"operation", {{"checkpointId", 3}}}})});
    } else {
      serve_savepoints(new_leader, J, T, L);
    }
    bool moved = false;
    quorum.answer = [&](const std::string&) {
      return data(leader_bytes("http://" + (moved ? new_leader.address() : old_address)));
    };
    HookedClock clock;
    int reads_left = 3;
    if (c.phase == "before trigger") {
      old_leader.reset();  // its znode is still published for a few reads
      quorum.answer = [&](const std::string&) {
        return data(leader_bytes("http://" + (reads_left-- > 0 ? old_address : new_leader.address())));
      };
    } else if (c.phase == "during trigger") {
      old_leader->on("POST", trigger_path, [&](const RecordedRequest&) {
        moved = true;
        return CannedReply::json(503, election);
      });
    } else {
      if (!dispose && !checkpoint) {  // the new leader took over the old one's operation, of its kind
        const bool stop = c.action == "stop";
        SnapshotEntry entry{L, stop ? "SYNC_SAVEPOINT" : "SAVEPOINT"};
        script_result_checks(new_leader, J, entry, stop ? "FINISHED" : c.action == "cancel -s" ? "CANCELED" : "RUNNING");
      }
      old_leader->on("POST", trigger_path, {CannedReply::json(dispose ? 200 : 202, {{"request-id", dispose ? dispose_id : T}})});
      old_leader->on("GET", poll_path, {CannedReply::json(200, in_progress_body())});
      clock.on_sleep = [&] {
        if (old_leader && !old_leader->requests_to("GET", poll_path).empty()) {
          old_leader.reset();
          moved = true;
        }
      };
    }
    const auto result = run_http(c.args, clock);
    EXPECT_EQ(result.exit_code, c.exit_code) << ::testing::PrintToString(result.err);
    if (c.exit_code == 0) {
      EXPECT_TRUE(result.err.empty()) << result.err.front();
    } else {
      ASSERT_EQ(result.err.size(), 1u);
      EXPECT_NE(result.err[0].find(c.message_part), std::string::npos) << result.err[0];
    }
    const auto new_triggers = new_leader.requests_to("POST", trigger_path);
    if (dispose) {
      const std::size_t old_triggers = old_leader ? old_leader->requests_to("POST", trigger_path).size() : 0;
      EXPECT_LE(new_triggers.size() + (c.phase == "during trigger" ? 1 : old_triggers), 1u) << "a disposal is sent once";
    } else {
      for (const auto& trigger : new_triggers) EXPECT_EQ(trigger.json()["triggerId"], T) << "the same trigger id";
      EXPECT_LE(new_triggers.size(), 1u);
    }
    for (const auto& request : new_leader.requests()) EXPECT_NE(request.method, "PATCH") << "nothing is cancelled";
  }
}

}  // namespace
}  // namespace flinkcli::testing
