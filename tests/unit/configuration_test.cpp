// How the client reads Flink's configuration: the conf directory, config.yaml (nested or flat)
// or the legacy flink-conf.yaml, -D and -m on top, and the typed values it uses.
#include <gtest/gtest.h>

#include <filesystem>

#include "fake/test_support.hpp"
#include "flinkcli/config/conf_files.hpp"
#include "flinkcli/config/configuration.hpp"
#include "flinkcli/config/rest_settings.hpp"
#include "flinkcli/core/error.hpp"

namespace flinkcli::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using Values = std::map<std::string, std::string>;

template <typename Call>
CliError error_of(Call&& call) {
  try {
    call();
  } catch (const CliError& error) {
    return error;
  }
  ADD_FAILURE() << "expected a CliError";
  return CliError(ErrorClass::usage, "<no error>");
}

TEST(ConfigFiles, StandardYamlFlattensNestedMapsToDottedKeys) {
  const auto config = parse_standard_yaml(
      "# Flink 2.x config.yaml\n"
      "rest:\n"
      "  address: jm.example.com\n"
      "  port: 9081\n"
      "execution:\n"
      "  checkpointing:\n"
      "    savepoint-dir: file:///data/savepoints\n"
      "client.timeout: 30 s\n"            // flat dotted keys work too
      "security.ssl.rest.enabled: true\n"
      "pipeline:\n"
      "  classpaths: [a.jar, b.jar]\n"    // lists: Flink's ';'-separated form
      "empty.value:\n",                   // null values are skipped
      "config.yaml");
  EXPECT_EQ(config.values(), (Values{{"rest.address", "jm.example.com"},
                                     {"rest.port", "9081"},
                                     {"execution.checkpointing.savepoint-dir", "file:///data/savepoints"},
                                     {"client.timeout", "30 s"},
                                     {"security.ssl.rest.enabled", "true"},
                                     {"pipeline.classpaths", "a.jar;b.jar"}}));
  EXPECT_TRUE(parse_standard_yaml("", "config.yaml").values().empty());
  EXPECT_TRUE(parse_standard_yaml("# only a comment\n", "config.yaml").values().empty());
}

TEST(ConfigFiles, MalformedYamlNamesFileAndLine) {
  struct Case {
    std::string text;
    std::string expected_start;
  };
  const Case cases[] = {
      {"a: 1\nb: 2\n  c: 3\n", "Malformed YAML in /conf/config.yaml at line 3: "},
      {"rest:\n  port: 8081\n bad: x\n", "Malformed YAML in /conf/config.yaml at line 3: "},
      {"a: 1\nb: [1, 2\nc: 3\n", "Malformed YAML in /conf/config.yaml at line 3: "},
      {"key: b: c\n", "Malformed YAML in /conf/config.yaml at line 1: "},
      {"- a\n- b\n", "Malformed YAML in /conf/config.yaml: the top level must be a map of keys"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    const CliError error = error_of([&] { parse_standard_yaml(c.text, "/conf/config.yaml"); });
    EXPECT_EQ(error.error_class(), ErrorClass::config);
    EXPECT_EQ(std::string(error.what()).rfind(c.expected_start, 0), 0u) << error.what();
  }
}

// Flink 1.20.5's Java client refuses such a config.yaml (exit 31, nothing on stdout; its log says
// "found duplicate key"); this client names file, line and key (exit 2).
TEST(ConfigFiles, DuplicateKeyInOneMappingIsRefused) {
  struct Case {
    std::string text;
    std::string error;  // empty: accepted
  };
  const Case cases[] = {
      {"rest.port: 1\nrest.port: 2\n",
       "Malformed YAML in /conf/config.yaml at line 2: found duplicate key rest.port"},
      {"rest:\n  port: 1\n  address: h\n  port: 2\n",
       "Malformed YAML in /conf/config.yaml at line 4: found duplicate key rest.port"},
      {"a: 1\nrest:\n  port: 1\na: 2\n", "Malformed YAML in /conf/config.yaml at line 4: found duplicate key a"},
      // different mappings, or the same key under different parents: no duplicate
      {"rest.port: 1\nrest:\n  port: 2\n", ""},
      {"a:\n  x: 1\nb:\n  x: 2\n", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    if (c.error.empty()) {
      EXPECT_NO_THROW(parse_standard_yaml(c.text, "/conf/config.yaml"));
      continue;
    }
    const CliError error = error_of([&] { parse_standard_yaml(c.text, "/conf/config.yaml"); });
    EXPECT_EQ(error.error_class(), ErrorClass::config);
    EXPECT_EQ(std::string(error.what()), c.error);
  }
  // the legacy flink-conf.yaml keeps Flink's last-wins
  EXPECT_EQ(parse_legacy_conf("rest.port: 1\nrest.port: 2\n", "flink-conf.yaml", nullptr).get("rest.port"),
            std::optional<std::string>("2"));
}

TEST(ConfigFiles, LegacyFlinkConfIsFlatKeyColonSpaceValue) {
  std::vector<std::string> warnings;
  const auto config = parse_legacy_conf(
      "# the legacy file\n"
      "rest.port: 9091\n"
      "rest.address: jm   # trailing comment\n"
      "   jobmanager.rpc.address:   rpc-host   \n"
      "client.timeout: 2 min\n"
      "s3.endpoint: http://minio:9000\n"   // split at the first ": " only
      "nested: {a: 1}\n"                   // values are not YAML-typed
      "no-separator-line\n"
      "key:no-space\n"
      ": no key\n"
      "empty.value: \n"
      "\n",
      "flink-conf.yaml", &warnings);
  EXPECT_EQ(config.values(), (Values{{"rest.port", "9091"},
                                     {"rest.address", "jm"},
                                     {"jobmanager.rpc.address", "rpc-host"},
                                     {"client.timeout", "2 min"},
                                     {"s3.endpoint", "http://minio:9000"},
                                     {"nested", "{a: 1}"}}));
  ASSERT_EQ(warnings.size(), 4u);
  EXPECT_NE(warnings[0].find("flink-conf.yaml:8"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[2].find("flink-conf.yaml:10"), std::string::npos) << warnings[2];
  // no warnings sink is fine too
  EXPECT_EQ(parse_legacy_conf("a: b\nbad\n", "f").values(), (Values{{"a", "b"}}));
}

FlinkVersion version(const std::string& text) {
  return FlinkVersion{std::stoi(text.substr(0, text.find('.'))), text, "flink-dist-" + text + ".jar"};
}

TEST(ConfigFiles, EmptyConfDirectoryMeansDefaults) {
  TempDir dir;
  ConfigSource source;
  const auto defaults = load_conf_dir(dir.path(), std::nullopt, &source);
  EXPECT_TRUE(defaults.values().empty());
  EXPECT_FALSE(source.file);
  EXPECT_EQ(source.conf_dir, dir.path());
  EXPECT_EQ(rest_endpoint(defaults).url(), "http://localhost:8081");
  EXPECT_EQ(defaults.client_timeout(), milliseconds(60000));
  EXPECT_EQ(defaults.default_savepoint_dir().path, std::nullopt);
}

// Which file wins follows the installation's Flink version (issue 13, defect 6): 1.x prefers
// flink-conf.yaml, 2.x reads only config.yaml, unknown follows 2.x and warns when both exist.
TEST(ConfigFiles, WhichConfFileWinsFollowsTheFlinkVersion) {
  struct Case {
    std::string name;
    std::optional<FlinkVersion> version;
    bool legacy_file;
    bool standard_file;
    std::optional<std::string> port;  // what was read (legacy 1111, standard 2222)
    std::string warning;              // the start of the one warning, "" for none
  };
  const Case cases[] = {
      {"1.20, both", version("1.20.5"), true, true, "1111", ""},
      {"1.20, legacy only", version("1.20.5"), true, false, "1111", ""},
      {"1.20, config.yaml only", version("1.20.5"), false, true, "2222", ""},
      {"2.3, both: a stale flink-conf.yaml does not win", version("2.3.0"), true, true, "2222", ""},
      {"2.3, legacy only: ignored, said", version("2.3.0"), true, false, std::nullopt, "Ignoring "},
      {"2.3, config.yaml only", version("2.3.0"), false, true, "2222", ""},
      {"unknown, both: config.yaml, warned", std::nullopt, true, true, "2222", "Both "},
      {"unknown, legacy only", std::nullopt, true, false, "1111", ""},
      {"unknown, config.yaml only", std::nullopt, false, true, "2222", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    TempDir dir;
    if (c.legacy_file) dir.write("flink-conf.yaml", "rest.port: 1111\n");
    if (c.standard_file) dir.write("config.yaml", "rest:\n  port: 2222\n");
    ConfigSource source;
    const auto config = load_conf_dir(dir.path(), c.version, &source);
    EXPECT_EQ(config.get("rest.port"), c.port);
    if (c.warning.empty()) {
      EXPECT_TRUE(source.warnings.empty()) << source.warnings.front();
    } else {
      ASSERT_EQ(source.warnings.size(), 1u);
      EXPECT_EQ(source.warnings.front().rfind(c.warning, 0), 0u) << source.warnings.front();
    }
    if (c.port) {
      EXPECT_EQ(config.origin("rest.port"), source.file->string());
    }
  }
}

TEST(ConfigFiles, FlinkVersionFromTheDistJar) {
  TempDir home;
  EXPECT_EQ(flink_version_in(home / "lib"), std::nullopt);  // no lib/: unknown
  home.write("lib/flink-dist-2.3.0.jar", "");
  home.write("lib/flink-table-api-java-uber-2.3.0.jar", "");
  auto found = flink_version_in(home / "lib");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->major, 2);
  EXPECT_EQ(found->text, "2.3.0");
  TempDir old;
  old.write("lib/flink-dist_2.12-1.14.6.jar", "");
  ASSERT_TRUE(flink_version_in(old / "lib"));
  EXPECT_EQ(flink_version_in(old / "lib")->major, 1);
  // the binary's installation first, else the one the conf directory belongs to
  home.write("bin/flink", "");
  old.write("conf/config.yaml", "");
  EXPECT_EQ(installation_version(home / "bin" / "flink", old / "conf")->text, "2.3.0");
  EXPECT_EQ(installation_version(old / "nowhere" / "flink", old / "conf")->text, "1.14.6");
}

TEST(ConfigFiles, MalformedConfigYamlNamesTheFile) {
  TempDir broken;
  broken.write("config.yaml", "a: 1\nb: 2\n  c: 3\n");
  const CliError error = error_of([&] { load_conf_dir(broken.path(), std::nullopt); });
  EXPECT_EQ(error.error_class(), ErrorClass::config);
  EXPECT_NE(std::string(error.what()).find((broken / "config.yaml").string() + " at line 3"),
            std::string::npos)
      << error.what();
}

// Issue 13, defect 7: a directory that cannot be looked into gave a raw filesystem_error
// ("filesystem error: ...", exit 5). A symlink loop fails the same way for root, who is not
// stopped by permissions.
TEST(ConfigFiles, UnreadableConfDirectoryIsAConfigErrorInOurWords) {
  TempDir dir;
  fs::create_symlink(dir / "loop", dir / "loop");
  const CliError error = error_of([&] { load_conf_dir(dir / "loop", std::nullopt); });
  EXPECT_EQ(error.error_class(), ErrorClass::config);
  EXPECT_EQ(std::string(error.what()).rfind("Cannot read the configuration directory " + (dir / "loop").string(), 0), 0u)
      << error.what();
  EXPECT_EQ(std::string(error.what()).find("filesystem error"), std::string::npos) << error.what();
}

TEST(ConfigFiles, ConfDirFromEnvironmentOrNextToTheBinary) {
  TempDir home;
  home.write("bin/flink", "#!/bin/sh\n");
  fs::create_directories(home / "conf");
  fs::create_directories(home / "links");
  fs::create_symlink(home / "bin" / "flink", home / "links" / "flink");
  const fs::path canonical_conf = fs::canonical(home.path()) / "conf";

  auto env_with = [](std::optional<std::string> conf_dir) -> GetEnv {
    return [conf_dir](const std::string& name) -> std::optional<std::string> {
      return name == "FLINK_CONF_DIR" ? conf_dir : std::nullopt;
    };
  };
  TempDir etc;
  EXPECT_EQ(find_conf_dir(env_with(etc.path().string()), home / "bin" / "flink"), etc.path());
  // a FLINK_CONF_DIR that is not there, or not a directory, is a configuration error naming it
  for (const std::string& bad : {(etc / "missing").string(), home.write("file", "").string()}) {
    const CliError error = error_of([&] { find_conf_dir(env_with(bad), home / "bin" / "flink"); });
    EXPECT_EQ(error.error_class(), ErrorClass::config);
    EXPECT_EQ(std::string(error.what()).rfind("The configuration directory '" + bad + "' (FLINK_CONF_DIR) ", 0), 0u)
        << error.what();
  }
  EXPECT_EQ(find_conf_dir(env_with(std::nullopt), home / "bin" / "flink"), canonical_conf);
  EXPECT_EQ(find_conf_dir(env_with(""), home / "bin" / "flink"), canonical_conf);  // empty = unset
  // bin/flink found through a symlink still reads the distribution's conf, as bin/flink does
  EXPECT_EQ(find_conf_dir(env_with(std::nullopt), home / "links" / "flink"), canonical_conf);
}

TEST(ConfigFiles, ClientReadsConfFromFlinkConfDirOrBesideTheBinary) {
  // end to end through run_cli: FLINK_CONF_DIR wins over <exe dir>/../conf
  TempDir home;
  home.write("bin/flink", "");
  home.write("conf/config.yaml", "rest:\n  address: from-exe-dir\n  port: 1111\n");
  TempDir elsewhere;
  elsewhere.write("config.yaml", "rest.address: from-env\nrest.port: 2222\n");

  struct Recorder {
    std::optional<RestSettings> settings;
  } recorder;
  ApiFactory factory = [&recorder](const RestSettings& settings, Clock&) -> std::unique_ptr<JobManagerApi> {
    recorder.settings = settings;
    throw CliError(ErrorClass::unreachable, "recorded");
  };
  SystemClock clock;
  CapturingConsole console;
  FakeInterrupt interrupt;
  Runtime runtime{console, clock, interrupt, {}, factory};
  Environment& env = runtime.environment;
  env.executable = home / "bin" / "flink";
  env.getenv = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  run_cli({"list"}, runtime);
  ASSERT_TRUE(recorder.settings);
  EXPECT_EQ(recorder.settings->endpoint.host_port(), "from-exe-dir:1111");
  // no conf directory beside the binary: the defaults, not an error
  env.executable = elsewhere / "bin" / "flink";
  run_cli({"list"}, runtime);
  EXPECT_EQ(recorder.settings->endpoint.host_port(), "localhost:8081");
  env.executable = home / "bin" / "flink";

  env.getenv = [&](const std::string& name) -> std::optional<std::string> {
    if (name == "FLINK_CONF_DIR") return elsewhere.path().string();
    return std::nullopt;
  };
  run_cli({"list"}, runtime);
  EXPECT_EQ(recorder.settings->endpoint.host_port(), "from-env:2222");
  // -m beats the file, -D beats the file
  run_cli({"list", "-m", "cli-host:3333"}, runtime);
  EXPECT_EQ(recorder.settings->endpoint.host_port(), "cli-host:3333");
  run_cli({"list", "-D", "rest.port=4444"}, runtime);
  EXPECT_EQ(recorder.settings->endpoint.host_port(), "from-env:4444");
}

TEST(Configuration, DynamicPropertiesOverride) {
  Configuration config = parse_standard_yaml("rest:\n  port: 8081\nclient.timeout: 60 s\n", "c");
  apply_dynamic_properties(config, {"rest.port=9999", "client.timeout=5 s", "a.flag",
                                    "with.equals=x=y", "empty.value="});
  EXPECT_EQ(config.get("rest.port"), "9999");
  EXPECT_EQ(config.client_timeout(), milliseconds(5000));
  EXPECT_EQ(config.get("a.flag"), "true");
  EXPECT_EQ(config.get("with.equals"), "x=y");
  EXPECT_EQ(config.get("empty.value"), "");
  const CliError error = error_of([&] { apply_dynamic_properties(config, {"=value"}); });
  EXPECT_EQ(error.error_class(), ErrorClass::usage);
  EXPECT_STREQ(error.what(), "Invalid dynamic property '=value': expected -D key=value");
}

TEST(Configuration, JobManagerAddress) {
  struct Case {
    std::string address;
    std::string url;
  };
  const Case cases[] = {
      {"localhost:8081", "http://localhost:8081"},
      {"127.0.0.1:1234", "http://127.0.0.1:1234"},
      {"jm.example.com:80", "http://jm.example.com:80"},
      {"http://jm:8081", "http://jm:8081"},
      {"https://jm:8443", "https://jm:8443"},
      {"https://jm:8443/some/path", "https://jm:8443/some/path"},
      {"https://jm:8443/some/path/", "https://jm:8443/some/path"},
      {"http://jm:8081/", "http://jm:8081"},
      {"[::1]:8081", "http://[::1]:8081"},
      {"http://[::1]:8081/p", "http://[::1]:8081/p"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.address);
    Configuration config;
    apply_jobmanager_address(config, c.address);
    EXPECT_EQ(rest_endpoint(config).url(), c.url);
  }
  Configuration tls;
  apply_jobmanager_address(tls, "https://jm:8443/flink");
  EXPECT_EQ(tls.get("security.ssl.rest.enabled"), "true");
  EXPECT_EQ(tls.get("rest.path"), "/flink");
  EXPECT_EQ(tls.get("rest.address"), "jm");
  EXPECT_EQ(tls.get("rest.port"), "8443");

  // -m replaces what the file says
  Configuration from_file = parse_standard_yaml("rest:\n  address: file-host\n  port: 1\n", "c");
  apply_jobmanager_address(from_file, "cli-host:2");
  EXPECT_EQ(rest_endpoint(from_file).host_port(), "cli-host:2");

  for (const char* bad : {"localhost", "localhost:", "localhost:abc", "localhost:0", "localhost:70000",
                          ":8081", "ftp://jm:21", "http://jm", "jm:80x", "::1", "::1:8081",
                          " host:8081", "host :8081", "ho st:8081", "\thost:8081", "h/x:8081",
                          "[::1:8081", "a]:8081", "fe80::1:8081"}) {
    SCOPED_TRACE(bad);
    Configuration config;
    const CliError error = error_of([&] { apply_jobmanager_address(config, bad); });
    EXPECT_EQ(error.error_class(), ErrorClass::usage);
    EXPECT_NE(std::string(error.what()).find(std::string("'") + bad + "'"), std::string::npos)
        << error.what();
  }
}

TEST(Configuration, CredentialsInJobManagerAddressAreRefusedWithoutEchoingThem) {
  for (const char* address : {"https://admin:s3cret@jm:8443", "admin:s3cret@jm:8081"}) {
    SCOPED_TRACE(address);
    Configuration config;
    const CliError error = error_of([&] { apply_jobmanager_address(config, address); });
    EXPECT_EQ(error.error_class(), ErrorClass::usage);
    EXPECT_EQ(std::string(error.what()).find("s3cret"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("FLINK_REST_CLIENT_HEADERS"), std::string::npos);
    EXPECT_FALSE(config.get(keys::rest_address));
  }
}

TEST(Configuration, RestEndpointFromKeys) {
  struct Case {
    Values values;
    std::string url;
  };
  const Case cases[] = {
      {{}, "http://localhost:8081"},
      {{{"rest.address", "jm"}}, "http://jm:8081"},
      {{{"jobmanager.rpc.address", "rpc"}}, "http://rpc:8081"},
      {{{"jobmanager.rpc.address", "rpc"}, {"rest.address", "rest"}}, "http://rest:8081"},
      {{{"rest.port", "9000"}}, "http://localhost:9000"},
      {{{"rest.path", "flink/"}}, "http://localhost:8081/flink"},
      {{{"security.ssl.rest.enabled", "TRUE"}}, "https://localhost:8081"},
      {{{"security.ssl.rest.enabled", "false"}}, "http://localhost:8081"},
      {{{"rest.address", "[::1]"}}, "http://[::1]:8081"},
  };
  for (const auto& c : cases) {
    Configuration config;
    for (const auto& [key, value] : c.values) config.set(key, value);
    EXPECT_EQ(rest_endpoint(config).url(), c.url);
  }
  for (const char* bad : {"0", "65536", "80a", "", "-1"}) {
    SCOPED_TRACE(bad);
    Configuration config;
    config.set("rest.port", bad);
    const CliError error = error_of([&] { rest_endpoint(config); });
    EXPECT_EQ(error.error_class(), ErrorClass::config);
    EXPECT_EQ(std::string(error.what()),
              std::string("Invalid value '") + bad + "' for rest.port: expected a port from 1 to 65535");
  }
}

TEST(Configuration, FlinkDurations) {
  struct Case {
    std::string text;
    std::optional<milliseconds> expected;
  };
  using std::chrono::hours;
  using std::chrono::minutes;
  using std::chrono::seconds;
  const Case cases[] = {
      {"60 s", seconds(60)},      {"1 min", minutes(1)},       {"500ms", milliseconds(500)},
      {"2 h", hours(2)},          {"100", milliseconds(100)},  {"1min", minutes(1)},
      {"10 S", seconds(10)},      {"  5 s  ", seconds(5)},     {"3 seconds", seconds(3)},
      {"1 d", hours(24)},         {"2 m", minutes(2)},         {"7 MIN", minutes(7)},
      {"250 milliseconds", milliseconds(250)},                 {"1000000 ns", milliseconds(1)},
      {"0", milliseconds(0)},
      {"", std::nullopt},         {"s", std::nullopt},         {"abc", std::nullopt},
      {"5 fortnights", std::nullopt}, {"-5 s", std::nullopt},  {"1.5 s", std::nullopt},
      {"5 s s", std::nullopt},    {"99999999999999999999", std::nullopt},
      {"999999999999999 d", std::nullopt},  // does not fit in 64-bit milliseconds
  };
  for (const auto& c : cases) {
    SCOPED_TRACE("'" + c.text + "'");
    EXPECT_EQ(parse_flink_duration(c.text), c.expected);
  }
  EXPECT_EQ(format_duration(milliseconds(60000)), "60 s");
  EXPECT_EQ(format_duration(milliseconds(1500)), "1500 ms");
}

// Rounding and the 10-year limit: nothing overflows a deadline, and a value too large says so.
TEST(Configuration, FlinkDurationsAreRoundedAndBounded) {
  struct Case {
    std::string text;
    std::optional<milliseconds> value;
    bool too_large;
  };
  using std::chrono::hours;
  const Case cases[] = {
      {"1 ns", milliseconds(1), false},
      {"999999 ns", milliseconds(1), false},
      {"1 us", milliseconds(1), false},
      {"1500 us", milliseconds(1), false},
      {"0 ns", milliseconds(0), false},
      {"3650 d", hours(24 * 3650), false},
      {"315360000000", milliseconds(315360000000), false},  // 10 years in ms
      {"3651 d", std::nullopt, true},
      {"315360000001", std::nullopt, true},
      {"200000 d", std::nullopt, true},
      {"999999999999999", std::nullopt, true},  // -D client.timeout=999999999999999
      {"9223372036854775807 ms", std::nullopt, true},
      {"9223372036854775808 ns", std::nullopt, true},
      {"99999999999999999999999999999999 s", std::nullopt, true},
      {"000000000000000000000000000001 s", milliseconds(1000), false},
      {"99999999999999999999 fortnights", std::nullopt, false},  // malformed first
      {"", std::nullopt, false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE("'" + c.text + "'");
    const DurationReading reading = read_flink_duration(c.text);
    EXPECT_EQ(reading.value, c.value);
    EXPECT_EQ(reading.too_large, c.too_large);
  }
}

TEST(Configuration, ClientTimeoutAboveTenYearsIsRefusedAsSuch) {
  Configuration config;
  config.set("client.timeout", "999999999999999");
  const CliError error = error_of([&] { config.client_timeout(); });
  EXPECT_EQ(error.error_class(), ErrorClass::config);
  EXPECT_EQ(std::string(error.what()),
            "Invalid value '999999999999999' for client.timeout: at most 10 years (3650 d)");
  config.set("client.timeout", "1 ns");
  EXPECT_EQ(config.client_timeout(), milliseconds(1));
}

TEST(Configuration, ClientTimeout) {
  Configuration config;
  EXPECT_EQ(config.client_timeout(), milliseconds(60000));
  config.set("client.timeout", "1s");
  EXPECT_EQ(config.client_timeout(), milliseconds(1000));
  for (const char* bad : {"soon", "0", "0 s", ""}) {
    SCOPED_TRACE(bad);
    config.set("client.timeout", bad);
    const CliError error = error_of([&] { config.client_timeout(); });
    EXPECT_EQ(error.error_class(), ErrorClass::config);
    EXPECT_EQ(std::string(error.what()).rfind(std::string("Invalid value '") + bad + "' for client.timeout", 0), 0u)
        << error.what();
  }
}

TEST(Configuration, DefaultSavepointDirectoryKeys) {
  struct Case {
    Values values;
    std::optional<std::string> expected;
    std::string source;  // the start of where it came from
  };
  const Case cases[] = {
      {{}, std::nullopt, "no client-side default"},
      {{{"execution.checkpointing.savepoint-dir", "file:///new"}}, "file:///new", "execution.checkpointing.savepoint-dir"},
      {{{"state.savepoints.dir", "file:///legacy"}}, "file:///legacy", "state.savepoints.dir"},
      {{{"state.savepoints.dir", "file:///legacy"}, {"execution.checkpointing.savepoint-dir", "file:///new"}},
       "file:///new", "execution.checkpointing.savepoint-dir"},
      // an empty value (-D key=) asks for the JobManager's default: the legacy key is ignored too
      {{{"execution.checkpointing.savepoint-dir", ""}, {"state.savepoints.dir", "file:///legacy"}},
       std::nullopt, "execution.checkpointing.savepoint-dir (from -D) is empty"},
      {{{"execution.checkpointing.savepoint-dir", ""}}, std::nullopt, "execution.checkpointing.savepoint-dir"},
      {{{"execution.checkpointing.savepoint-dir", "/abs/dir"}}, "/abs/dir", "execution"},
      {{{"execution.checkpointing.savepoint-dir", "hdfs://nn:8020/sp"}}, "hdfs://nn:8020/sp", "execution"},
      {{{"execution.checkpointing.savepoint-dir", "s3://bucket/sp"}}, "s3://bucket/sp", "execution"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.source);
    Configuration config;
    for (const auto& [key, value] : c.values) config.set(key, value, origins::dynamic_property);
    const SavepointDirectory dir = config.default_savepoint_dir();
    EXPECT_EQ(dir.path, c.expected);
    EXPECT_EQ(dir.source.rfind(c.source, 0), 0u) << dir.source;
  }
}

// Issue 13, defect 12: the JobManager resolves a relative directory against its own cwd.
TEST(Configuration, RelativeConfiguredSavepointDirectoryIsRefused) {
  for (const char* relative : {"savepoints", "./sp", "file:savepoints", "FILE:sp", "../x"}) {
    SCOPED_TRACE(relative);
    Configuration config;
    config.set("state.savepoints.dir", relative, "/etc/flink/config.yaml");
    const CliError error = error_of([&] { config.default_savepoint_dir(); });
    EXPECT_EQ(error.error_class(), ErrorClass::config);
    EXPECT_NE(std::string(error.what()).find("state.savepoints.dir (from /etc/flink/config.yaml) is relative"),
              std::string::npos)
        << error.what();
  }
}

TEST(Configuration, AbsoluteConfiguredSavepointDirectoriesAreKept) {
  for (const char* absolute : {"/sp", "file:/sp", "file:///sp", "file://localhost/sp", "s3://bucket/sp", "hdfs://nn/sp"}) {
    SCOPED_TRACE(absolute);
    Configuration config;
    config.set("state.savepoints.dir", absolute, "/etc/flink/config.yaml");
    EXPECT_EQ(config.default_savepoint_dir().path, std::optional<std::string>(absolute));
  }
}

TEST(Configuration, Booleans) {
  Configuration config;
  EXPECT_FALSE(config.get_bool("x", false));
  EXPECT_TRUE(config.get_bool("x", true));
  config.set("x", "True");
  EXPECT_TRUE(config.get_bool("x", false));
  config.set("x", "FALSE");
  EXPECT_FALSE(config.get_bool("x", true));
  config.set("x", "yes");
  EXPECT_EQ(error_of([&] { config.get_bool("x", false); }).error_class(), ErrorClass::config);
}

}  // namespace
}  // namespace flinkcli::testing
