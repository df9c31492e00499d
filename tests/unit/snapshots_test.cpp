// flink snapshots on scratch directories: roots given or configured, the table, exit codes, and
// --latest with the JobManager's answer (the in-memory fake) checked against storage.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include <map>

#include "fake/fake_jobmanager_api.hpp"
#include "fake/sample_savepoint.hpp"
#include "fake/test_support.hpp"

namespace flinkcli::testing {
namespace {

using nlohmann::json;

constexpr const char* k_job = "0dc38d7fe0a14fd4a2b4c1a2b3c4d5e6";


class SnapshotsTest : public ::testing::Test {
 protected:
  // A snapshot directory under the scratch directory, with or without the mapper's state file.
  std::string snapshot(const std::string& dir, bool complete = true) {
    scratch.write(dir + "/_metadata", sample_savepoint(6).bytes);
    scratch.write(dir + "/" + k_source_file, std::string(k_source_file_size, 's'));
    if (complete) scratch.write(dir + "/" + k_mapper_file, std::string(k_mapper_file_size, 'm'));
    return (scratch / dir).string();
  }
  std::string checkpoint_dir() const { return (scratch / ("ck/" + std::string(k_job))).string(); }

  CliRun snapshots(std::vector<std::string> args) {
    args.insert(args.begin(), "snapshots");
    return run_flink(args, env, cluster.factory(), clock);
  }
  json snapshots_json(std::vector<std::string> args, int expected_exit = 0) {
    args.insert(args.begin(), {"-o", "json"});
    const auto result = snapshots(args);
    EXPECT_EQ(result.exit_code, expected_exit) << joined(result.out) << joined(result.err);
    EXPECT_EQ(result.out.size(), 1u);
    last_err = result.err;
    return result.out.empty() ? json() : json::parse(result.out[0]);
  }

  TempDir scratch;
  TestEnvironment env;
  FakeCluster cluster;
  FakeClock clock;
  std::vector<std::string> last_err;
};

TEST_F(SnapshotsTest, TableAndSummary) {
  snapshot("sp/savepoint-0dc38d-a02a65f50dd2");
  snapshot("ck/" + std::string(k_job) + "/chk-3", false);
  const auto result = snapshots({(scratch / "sp").string(), (scratch / "ck").string()});
  EXPECT_EQ(result.exit_code, 0) << joined(result.err);
  const std::string text = joined(result.out);
  EXPECT_EQ(result.out.at(0).rfind("TIME (UTC)", 0), 0u) << text;
  EXPECT_NE(text.find("complete"), std::string::npos) << text;
  EXPECT_NE(text.find("incomplete (1 missing)"), std::string::npos) << text;
  EXPECT_NE(text.find(std::string(k_job) + "  12"), std::string::npos) << text;
  EXPECT_NE(text.find("0dc38d..."), std::string::npos) << text;
  EXPECT_NE(result.out.back().find("2 snapshot(s) under " + (scratch / "sp").string() + ", " + (scratch / "ck").string() +
                                   ": 1 complete, 1 incomplete, 0 without metadata, 0 unreadable"),
            std::string::npos)
      << text;
  EXPECT_EQ(cluster.factory_calls, 0);  // no JobManager asked
}

TEST_F(SnapshotsTest, NamesFromStorageCannotReachTheTerminal) {
  snapshot("sp/savepoint-0dc38d-\x1b]0;pwned\x07x");
  const auto result = snapshots({(scratch / "sp").string()});
  for (const auto& line : result.out) EXPECT_EQ(line.find('\x1b'), std::string::npos) << line;
}

TEST_F(SnapshotsTest, ConfiguredRootsWithTheEntropyKeyRemoved) {
  snapshot("sp/savepoint-0dc38d-a02a65f50dd2");
  snapshot("ck/" + std::string(k_job) + "/chk-3");
  const json doc = snapshots_json({"-D", "execution.checkpointing.savepoint-dir=" + (scratch / "_entropy_/sp").string(),
                                   "-D", "state.checkpoints.dir=file://" + (scratch / "ck").string(), "-D",
                                   "s3.entropy.key=_entropy_"});
  EXPECT_EQ(doc["roots"], json::array({(scratch / "sp").string(), (scratch / "ck").string()}));
  EXPECT_EQ(doc["snapshots"].size(), 2u);
}

TEST_F(SnapshotsTest, AConfiguredDirectoryNotThereYetIsANote) {
  snapshot("sp/savepoint-0dc38d-a02a65f50dd2");
  const json doc = snapshots_json({"-D", "execution.checkpointing.savepoint-dir=" + (scratch / "sp").string(), "-D",
                                   "execution.checkpointing.dir=" + (scratch / "no-checkpoints-yet").string()});
  EXPECT_EQ(doc["snapshots"].size(), 1u);
  ASSERT_EQ(last_err.size(), 1u);
  EXPECT_NE(last_err[0].find("execution.checkpointing.dir) does not exist (yet)"), std::string::npos) << last_err[0];
}

TEST_F(SnapshotsTest, ExitCodes) {
  scratch.write("empty/.keep", "");
  scratch.write("file.txt", "x");
  const struct {
    std::vector<std::string> args;
    int exit_code;
    const char* message_part;
  } cases[] = {
      {{}, 1, "No directory given and none configured"},
      {{(scratch / "missing").string()}, 4, "No such directory"},
      {{(scratch / "file.txt").string()}, 4, "is a file, not a directory"},
      {{(scratch / "empty").string()}, 4, "No savepoints or checkpoints under"},
      {{"hdfs://namenode/savepoints"}, 8, "local and s3:// snapshots only"},
      {{"--job-id", "nope", (scratch / "empty").string()}, 1, "Cannot parse JobID"},
      {{""}, 1, "must not be empty"},
  };
  for (const auto& c : cases) {
    const json doc = snapshots_json(c.args, c.exit_code);
    EXPECT_NE(doc["error"]["message"].get<std::string>().find(c.message_part), std::string::npos) << doc.dump();
  }
}

TEST_F(SnapshotsTest, LatestWithoutCompleteSnapshotIsExit4NamingTheRoots) {
  snapshot("sp/savepoint-0dc38d-a02a65f50dd2", false);
  const json doc = snapshots_json({"--latest", (scratch / "sp").string()}, 4);
  EXPECT_NE(doc["error"]["message"].get<std::string>().find("No complete snapshot under " + (scratch / "sp").string() +
                                                             " (1 found, none complete)"),
            std::string::npos)
      << doc.dump();
}

TEST_F(SnapshotsTest, LatestQuietIsOnePath) {
  snapshot("ck/" + std::string(k_job) + "/chk-3");
  const std::string newest = snapshot("ck/" + std::string(k_job) + "/chk-4");
  const auto result = snapshots({"-q", "--latest", checkpoint_dir()});
  EXPECT_EQ(result.exit_code, 0) << joined(result.err);
  EXPECT_EQ(result.out, std::vector<std::string>{newest});
}

TEST_F(SnapshotsTest, ProgressOnATerminalOnlyOnStderr) {
  for (int i = 0; i < 3; ++i) snapshot("sp/savepoint-0dc38d-00000000000" + std::to_string(i));
  const auto result = run_flink({"snapshots", (scratch / "sp").string()}, env, cluster.factory(), clock, nullptr, true);
  EXPECT_EQ(result.exit_code, 0) << joined(result.err);
  std::string drawn;
  for (const auto& text : result.err_partial) drawn += text;
  EXPECT_NE(drawn.find("reading _metadata: 3/3"), std::string::npos) << drawn;
  for (const auto& line : result.out) EXPECT_EQ(line.find("reading"), std::string::npos) << line;
  // Not in JSON mode, even on a terminal.
  const auto json_run = run_flink({"snapshots", "-o", "json", (scratch / "sp").string()}, env, cluster.factory(), clock,
                                  nullptr, true);
  EXPECT_TRUE(json_run.err_partial.empty());
}

TEST_F(SnapshotsTest, PermissionDeniedOnOneSnapshotIsARow) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads every file";
  snapshot("sp/savepoint-0dc38d-a02a65f50dd2");
  const std::string locked = snapshot("sp/savepoint-0dc38d-b02a65f50dd2");
  const std::string closed = snapshot("sp/savepoint-0dc38d-c02a65f50dd2");
  ::chmod((locked + "/_metadata").c_str(), 0);
  ::chmod(closed.c_str(), 0);
  const json doc = snapshots_json({(scratch / "sp").string()});
  ::chmod(closed.c_str(), 0755);
  std::map<std::string, std::string> statuses;
  for (const auto& entry : doc["snapshots"]) statuses[entry["path"]] = entry["status"].get<std::string>() + ": " + entry["problem"].dump();
  EXPECT_EQ(statuses.at(locked).rfind("unreadable", 0), 0u) << statuses.at(locked);
  EXPECT_NE(statuses.at(locked).find("ermission denied"), std::string::npos) << statuses.at(locked);
  EXPECT_EQ(statuses.at(closed).rfind("unreadable", 0), 0u) << statuses.at(closed);
}

// --- --latest with --job-id and a JobManager ---------------------------------------------------

TEST_F(SnapshotsTest, TheJobManagersLatestWinsWhenCompleteInStorage) {
  const std::string chk3 = snapshot("ck/" + std::string(k_job) + "/chk-3");
  snapshot("ck/" + std::string(k_job) + "/chk-4");
  cluster.latest = {{"completed", 3, false, "file:" + chk3}, {"savepoint", 2, true, "file:/elsewhere/sp"}};
  const json doc = snapshots_json({"-m", "127.0.0.1:8081", "--latest", "--job-id", k_job, checkpoint_dir()});
  EXPECT_EQ(doc["latest"]["path"], chk3);
  EXPECT_EQ(doc["latest_source"], "jobmanager");
  EXPECT_NE(joined(last_err).find("from the JobManager (completed 3), complete in storage"), std::string::npos)
      << joined(last_err);
}

TEST_F(SnapshotsTest, TheJobManagersLatestOutsideTheRootsIsCheckedThere) {
  const std::string elsewhere = snapshot("other/savepoint-0dc38d-a02a65f50dd2");
  snapshot("ck/" + std::string(k_job) + "/chk-4");
  cluster.latest = {{"savepoint", 9, true, elsewhere}};
  const json doc = snapshots_json({"-m", "127.0.0.1:8081", "--latest", "--job-id", k_job, checkpoint_dir()});
  EXPECT_EQ(doc["latest"]["path"], elsewhere);
  EXPECT_EQ(doc["latest_source"], "jobmanager");
}

TEST_F(SnapshotsTest, TheJobManagerIsAskedEvenWhenTheRootsHoldNothingOfTheJob) {
  const std::string elsewhere = snapshot("ck/" + std::string(k_job) + "/chk-9");
  snapshot("sp/savepoint-c0ffee-a02a65f50dd2");
  cluster.latest = {{"completed", 9, false, elsewhere}};
  const json doc = snapshots_json({"-m", "127.0.0.1:8081", "--latest", "--job-id", k_job, (scratch / "sp").string()});
  EXPECT_EQ(doc["latest"]["path"], elsewhere);
  EXPECT_EQ(doc["latest_source"], "jobmanager");
  // Without a usable answer it is still exit 4, naming the roots.
  cluster.latest = {};
  snapshots_json({"-m", "127.0.0.1:8081", "--latest", "--job-id", k_job, (scratch / "sp").string()}, 4);
}

TEST_F(SnapshotsTest, StorageWinsWhenTheJobManagersLatestIsNotUsable) {
  const std::string chk3 = snapshot("ck/" + std::string(k_job) + "/chk-3");
  const std::string chk4 = snapshot("ck/" + std::string(k_job) + "/chk-4", false);
  const struct {
    std::vector<LatestSnapshot> latest;
    const char* said;
  } cases[] = {
      {{{"completed", 4, false, chk4}}, "is incomplete in storage"},
      {{{"completed", 5, false, "<checkpoint-not-externally-addressable>"}}, "reports no snapshot of job"},
      {{}, "reports no snapshot of job"},
      {{{"completed", 5, false, (scratch / "gone/chk-5").string()}}, "cannot be checked in storage"},
      {{{"completed", 5, false, "hdfs://namenode/chk-5"}}, "cannot be checked here"},
  };
  for (const auto& c : cases) {
    cluster.latest = c.latest;
    const json doc = snapshots_json({"-m", "127.0.0.1:8081", "--latest", "--job-id", k_job, checkpoint_dir()});
    EXPECT_EQ(doc["latest"]["path"], chk3);
    EXPECT_EQ(doc["latest_source"], "storage");
    EXPECT_NE(joined(last_err).find(c.said), std::string::npos) << joined(last_err);
  }
}

TEST_F(SnapshotsTest, AnUnreachableJobManagerIsExit3) {
  snapshot("ck/" + std::string(k_job) + "/chk-3");
  cluster.fail("checkpoints_overview", ErrorClass::unreachable, "Could not connect to the JobManager");
  snapshots_json({"-m", "127.0.0.1:8081", "--latest", "--job-id", k_job, checkpoint_dir()}, 3);
}

TEST_F(SnapshotsTest, AJobManagerIsNeverAssumed) {
  snapshot("ck/" + std::string(k_job) + "/chk-3");
  const json doc = snapshots_json({"--latest", "--job-id", k_job, checkpoint_dir()});
  EXPECT_EQ(doc["latest_source"], "storage");
  EXPECT_EQ(cluster.factory_calls, 0);
}

}  // namespace
}  // namespace flinkcli::testing
