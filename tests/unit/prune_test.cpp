// flink prune on an in-memory store and the in-memory JobManager: arguments, the JobManager's
// answer about what is in use, the plan, and the deletion (its order, what it reports).
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>

#include <nlohmann/json.hpp>

#include "fake/fake_jobmanager_api.hpp"
#include "fake/memory_store.hpp"
#include "fake/sample_savepoint.hpp"
#include "fake/test_support.hpp"

namespace flinkcli::testing {
namespace {

using nlohmann::json;
using std::chrono::hours;

constexpr const char* k_job = "0dc38d7fe0a14fd4a2b4c1a2b3c4d5e6";
constexpr const char* k_other_job = "c0ffee00000000000000000000000000";


class PruneTest : public ::testing::Test {
 protected:
  PruneTest() { env.store_factory = store.factory(); }

  // A complete snapshot `age` old: `_metadata` and the two state files it names.
  std::string snapshot(const std::string& dir, hours age) {
    const auto time = std::chrono::system_clock::now() - age;
    store.put(dir + "/" + k_source_file, std::string(k_source_file_size, 's'), time);
    store.put(dir + "/" + k_mapper_file, std::string(k_mapper_file_size, 'm'), time);
    store.put(dir + "/_metadata", sample_savepoint(6).bytes, time);
    return "s3://b/" + dir;
  }
  bool exists(const std::string& dir) const {
    const auto found = store.objects.lower_bound(dir + "/");
    return found != store.objects.end() && found->first.rfind(dir + "/", 0) == 0;
  }

  CliRun prune(std::vector<std::string> args) {
    args.insert(args.begin(), "prune");
    return run_flink(args, env, cluster.factory(), clock);
  }
  json prune_json(std::vector<std::string> args, int expected_exit = 0) {
    args.insert(args.begin(), {"-o", "json"});
    const auto result = prune(args);
    EXPECT_EQ(result.exit_code, expected_exit) << joined(result.out) << joined(result.err);
    EXPECT_EQ(result.out.size(), 1u) << joined(result.out);
    last_err = result.err;
    return result.out.empty() ? json() : json::parse(result.out[0]);
  }

  MemoryStore store;
  TestEnvironment env;
  FakeCluster cluster;
  FakeClock clock;
  std::vector<std::string> last_err;
};

TEST_F(PruneTest, ArgumentsAreCheckedBeforeAnythingIsListed) {
  snapshot("sp/savepoint-0dc38d-000000000001", hours(1));
  const struct {
    std::vector<std::string> args;
    const char* message_part;
  } cases[] = {
      {{"s3://b/sp"}, "prune needs a keep rule"},
      {{"--keep-within", "30m", "s3://b/sp"}, "is ambiguous: Flink reads m as minutes"},
      {{"--keep-within", "7", "s3://b/sp"}, "needs a unit"},
      {{"--keep-within", "0d", "s3://b/sp"}, "positive duration"},
      {{"--keep-within", "soon", "s3://b/sp"}, "positive duration"},
      {{"--keep-last", "0", "s3://b/sp"}, "1 or more"},
      {{"--keep-last", "-3", "s3://b/sp"}, "1 or more"},
      {{"--keep-last", "2", "--group-by", "team", "s3://b/sp"}, "app, job or root"},
      {{"--keep-last", "2", "--job-id", "nope", "s3://b/sp"}, "Cannot parse JobID"},
  };
  for (const auto& c : cases) {
    const json doc = prune_json(c.args, 1);
    EXPECT_NE(doc["error"]["message"].get<std::string>().find(c.message_part), std::string::npos) << doc.dump();
  }
  EXPECT_EQ(store.listings, 0);
  EXPECT_TRUE(store.removals.empty());
}

TEST_F(PruneTest, WithoutAJobManagerItRefusesAndNamesOffline) {
  snapshot("sp/savepoint-0dc38d-000000000001", hours(100));
  snapshot("sp/savepoint-0dc38d-000000000002", hours(1));
  json doc = prune_json({"--keep-last", "1", "s3://b/sp"}, 3);
  EXPECT_NE(doc["error"]["message"].get<std::string>().find("--offline"), std::string::npos) << doc.dump();
  cluster.fail("list_jobs", ErrorClass::unreachable, "Could not connect to the JobManager at 127.0.0.1:8081");
  doc = prune_json({"-m", "127.0.0.1:8081", "--keep-last", "1", "s3://b/sp"}, 3);
  EXPECT_NE(doc["error"]["message"].get<std::string>().find("Could not connect"), std::string::npos) << doc.dump();
  EXPECT_NE(doc["error"]["message"].get<std::string>().find("--offline"), std::string::npos) << doc.dump();
  EXPECT_TRUE(store.removals.empty());
  EXPECT_TRUE(exists("sp/savepoint-0dc38d-000000000001"));
}

TEST_F(PruneTest, OfflineDeletesMetadataFirstThenTheRest) {
  snapshot("sp/savepoint-0dc38d-000000000001", hours(300));
  snapshot("sp/savepoint-0dc38d-000000000002", hours(200));
  store.marker("sp/savepoint-0dc38d-000000000002");
  snapshot("sp/savepoint-0dc38d-000000000003", hours(1));
  const json doc = prune_json({"--offline", "--keep-last", "1", "s3://b/sp"});
  EXPECT_EQ(doc["deleted"], json::array({"s3://b/sp/savepoint-0dc38d-000000000001", "s3://b/sp/savepoint-0dc38d-000000000002"}));
  EXPECT_EQ(doc["kept"], json::array({"s3://b/sp/savepoint-0dc38d-000000000003"}));
  EXPECT_EQ(doc["in_use_checked"], false);
  EXPECT_NE(joined(last_err).find("--offline: which snapshots a cluster uses was not checked"), std::string::npos);
  ASSERT_GE(store.removals.size(), 2u);
  EXPECT_EQ(store.removals[0], (std::vector<std::string>{"sp/savepoint-0dc38d-000000000001/_metadata",
                                                          "sp/savepoint-0dc38d-000000000002/_metadata"}));
  for (std::size_t i = 1; i < store.removals.size(); ++i) {
    for (const auto& key : store.removals[i]) EXPECT_EQ(key.find("_metadata"), std::string::npos) << key;
  }
  EXPECT_FALSE(exists("sp/savepoint-0dc38d-000000000001"));
  EXPECT_FALSE(exists("sp/savepoint-0dc38d-000000000002"));  // its marker too
  EXPECT_TRUE(exists("sp/savepoint-0dc38d-000000000003"));
  EXPECT_EQ(cluster.factory_calls, 0);
}

TEST_F(PruneTest, DryRunDeletesNothingAndQuietPrintsWhatWouldGo) {
  snapshot("sp/savepoint-0dc38d-000000000001", hours(300));
  snapshot("sp/savepoint-0dc38d-000000000002", hours(1));
  const auto result = prune({"-q", "--offline", "--dry-run", "--keep-within", "7d", "s3://b/sp"});
  EXPECT_EQ(result.exit_code, 0) << joined(result.err);
  EXPECT_EQ(result.out, std::vector<std::string>{"s3://b/sp/savepoint-0dc38d-000000000001"});
  EXPECT_TRUE(store.removals.empty());
  const auto text = prune({"--offline", "--dry-run", "--keep-within", "7d", "s3://b/sp"});
  const std::string out = joined(text.out);
  EXPECT_NE(out.find("Keeping those within 7d (since "), std::string::npos) << out;
  EXPECT_NE(out.find("DELETE  "), std::string::npos) << out;
  EXPECT_NE(out.find("Dry run: 1 snapshot(s)"), std::string::npos) << out;
}

TEST_F(PruneTest, WhatTheJobManagersJobsUseIsKept) {
  const std::string restored = snapshot("sp/savepoint-0dc38d-000000000001", hours(300));
  snapshot("sp/savepoint-0dc38d-000000000002", hours(200));
  snapshot("sp/savepoint-0dc38d-000000000003", hours(1));
  snapshot("ck/" + std::string(k_job) + "/chk-1", hours(250));
  snapshot("ck/" + std::string(k_other_job) + "/chk-1", hours(250));
  cluster.jobs = {{k_job, "orders", "RUNNING", 0}, {k_other_job, "old", "FINISHED", 0}};
  cluster.overviews[k_job] = CheckpointsOverview{{{"restored", 1, true, restored}}, 0};
  const json doc = prune_json({"-m", "127.0.0.1:8081", "--keep-last", "1", "--group-by", "root", "s3://b/sp", "s3://b/ck"});
  std::map<std::string, std::string> actions;
  for (const auto& entry : doc["plan"]) actions[entry["path"]] = entry["action"].get<std::string>() + ": " + entry["reasons"].dump();
  EXPECT_EQ(actions.at(restored).rfind("keep", 0), 0u) << actions.at(restored);
  EXPECT_NE(actions.at(restored).find("restored from it"), std::string::npos);
  EXPECT_EQ(actions.at("s3://b/sp/savepoint-0dc38d-000000000002").rfind("delete", 0), 0u);
  EXPECT_NE(actions.at("s3://b/ck/" + std::string(k_job) + "/chk-1").find("which is not finished"), std::string::npos);
  // The finished job's only checkpoint is its root group's newest: kept by the rule, not by use.
  EXPECT_EQ(doc["in_use_checked"], true);
}

TEST_F(PruneTest, AJobWithASnapshotInProgressIsNotTouched) {
  snapshot("sp/savepoint-0dc38d-000000000001", hours(300));
  snapshot("sp/savepoint-0dc38d-000000000002", hours(1));
  cluster.jobs = {{k_job, "orders", "RUNNING", 0}};
  cluster.overviews[k_job] = CheckpointsOverview{{}, 1};
  const json doc = prune_json({"-m", "127.0.0.1:8081", "--keep-last", "1", "s3://b/sp"});
  EXPECT_EQ(doc["deleted"], json::array());
  EXPECT_NE(doc["plan"][0]["reasons"].dump().find("in progress"), std::string::npos) << doc.dump();
  EXPECT_TRUE(store.removals.empty());
}

TEST_F(PruneTest, WhatCouldNotBeDeletedIsExit5AndListed) {
  snapshot("sp/savepoint-0dc38d-000000000001", hours(300));
  snapshot("sp/savepoint-0dc38d-000000000002", hours(299));
  snapshot("sp/savepoint-0dc38d-000000000003", hours(1));
  store.refuse_delete["sp/savepoint-0dc38d-000000000001/_metadata"] = "AccessDenied: Access Denied";
  store.refuse_delete["sp/savepoint-0dc38d-000000000002/" + std::string(k_mapper_file)] = "AccessDenied: Access Denied";
  const json doc = prune_json({"--offline", "--keep-last", "1", "s3://b/sp"}, 5);
  ASSERT_EQ(doc["not_deleted"].size(), 2u) << doc.dump();
  EXPECT_EQ(doc["not_deleted"][0]["path"], "s3://b/sp/savepoint-0dc38d-000000000001");
  EXPECT_NE(doc["not_deleted"][0]["reason"].get<std::string>().find("AccessDenied"), std::string::npos);
  EXPECT_EQ(doc["not_deleted"][1]["path"], "s3://b/sp/savepoint-0dc38d-000000000002");
  EXPECT_EQ(doc["error"]["class"], "operation_failed");
  // The first kept its _metadata and so everything else; the second lost its _metadata first.
  EXPECT_TRUE(store.objects.count("sp/savepoint-0dc38d-000000000001/" + std::string(k_mapper_file)));
  EXPECT_FALSE(store.objects.count("sp/savepoint-0dc38d-000000000002/_metadata"));
  EXPECT_NE(joined(last_err).find("Not deleted: s3://b/sp/savepoint-0dc38d-000000000002"), std::string::npos);
}

TEST_F(PruneTest, AnUnreadableMetadataBlocksEveryDeletion) {
  snapshot("sp/savepoint-0dc38d-000000000001", hours(300));
  snapshot("sp/savepoint-0dc38d-000000000002", hours(200));
  snapshot("sp/savepoint-0dc38d-000000000003", hours(1));
  store.fail("sp/savepoint-0dc38d-000000000002/_metadata", ErrorClass::storage_access, "AccessDenied reading it");
  const json doc = prune_json({"--offline", "--keep-last", "1", "s3://b/sp"}, 17);
  EXPECT_NE(doc["error"]["message"].get<std::string>().find("Nothing deleted"), std::string::npos) << doc.dump();
  EXPECT_TRUE(store.removals.empty());
}

// A local root on the real file system: three savepoints of k_job (oldest first, 300, 200 and 1
// hours old by their files' times) under <dir>/<sp>, the oldest restored by a running job, whose
// JobManager names it by `restored_path(oldest directory)`.
class LocalPruneTest : public PruneTest {
 protected:
  LocalPruneTest() { env.store_factory = {}; }  // the real local store

  std::string local_snapshot(const std::string& sp, const std::string& name, hours age) {
    const auto time = std::filesystem::file_time_type::clock::now() - age;
    const std::pair<std::string, std::string> files[] = {
        {k_source_file, std::string(k_source_file_size, 's')},
        {k_mapper_file, std::string(k_mapper_file_size, 'm')},
        {"_metadata", sample_savepoint(6).bytes}};
    for (const auto& [file, bytes] : files) std::filesystem::last_write_time(dir.write(sp + "/" + name + "/" + file, bytes), time);
    return (dir / sp / name).string();
  }
  std::string three_savepoints_one_in_use(const std::string& sp, const std::function<std::string(const std::string&)>& restored_path) {
    const std::string oldest = local_snapshot(sp, "savepoint-0dc38d-000000000001", hours(300));
    local_snapshot(sp, "savepoint-0dc38d-000000000002", hours(200));
    local_snapshot(sp, "savepoint-0dc38d-000000000003", hours(1));
    cluster.jobs = {{k_job, "orders", "RUNNING", 0}};
    cluster.overviews[k_job] = CheckpointsOverview{{{"restored", 1, true, restored_path(oldest)}}, 0};
    return oldest;
  }
  // The plan row of the savepoint named `name`: "keep: [reasons]" or "delete: [reasons]".
  static std::string verdict(const json& doc, const std::string& name) {
    for (const auto& entry : doc["plan"]) {
      const std::string path = entry["path"];
      if (path.size() >= name.size() && path.compare(path.size() - name.size(), name.size(), name) == 0) {
        return entry["action"].get<std::string>() + ": " + entry["reasons"].dump();
      }
    }
    return "not in the plan: " + doc.dump();
  }

  TempDir dir;
};

// Defect: a local root given relatively (`cd /data/flink && flink prune -m jm:8081 --keep-last 1
// savepoints`) is compared as given with the absolute file: path the JobManager reports as
// latest.restored, so the savepoint a running job restored from is planned for deletion. Found
// by the end-to-end run on Flink 2.3.0 (the same savepoints, root given absolutely: kept).
TEST_F(LocalPruneTest, ARelativeRootKeepsWhatARunningJobRestoredFrom) {
  three_savepoints_one_in_use("sp", [](const std::string& oldest) { return "file:" + oldest; });
  const json absolute = prune_json({"-m", "127.0.0.1:8081", "--keep-last", "1", "--dry-run", (dir / "sp").string()});
  EXPECT_EQ(verdict(absolute, "savepoint-0dc38d-000000000001").rfind("keep", 0), 0u) << verdict(absolute, "savepoint-0dc38d-000000000001");
  const auto previous = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  const json relative = prune_json({"-m", "127.0.0.1:8081", "--keep-last", "1", "--dry-run", "sp"});
  const json dotted = prune_json({"-m", "127.0.0.1:8081", "--keep-last", "1", "--dry-run", "./sp/"});
  std::filesystem::current_path(previous);
  for (const json* doc : {&relative, &dotted}) {
    const std::string row = verdict(*doc, "savepoint-0dc38d-000000000001");
    EXPECT_EQ(row.rfind("keep", 0), 0u) << row;
    EXPECT_NE(row.find("restored from it"), std::string::npos) << row;
  }
}

// Defect (lower stakes): the job restored through a symbolic link to the savepoint directory
// (`run -s file:/data/sp/...` where /data -> /mnt/disk1), the root given by its real path: the two
// names of one directory are compared as strings, and the savepoint in use is planned for deletion.
TEST_F(LocalPruneTest, ARootReachedThroughASymlinkKeepsWhatARunningJobRestoredFrom) {
  std::filesystem::create_directory_symlink(dir / "real", dir / "link");
  three_savepoints_one_in_use("real/sp", [this](const std::string& oldest) {
    return "file:" + (dir / "link" / "sp" / std::filesystem::path(oldest).filename()).string();
  });
  for (const std::string& root : {(dir / "real" / "sp").string(), (dir / "link" / "sp").string()}) {
    const json doc = prune_json({"-m", "127.0.0.1:8081", "--keep-last", "1", "--dry-run", root});
    const std::string row = verdict(doc, "savepoint-0dc38d-000000000001");
    EXPECT_EQ(row.rfind("keep", 0), 0u) << root << ": " << row;
  }
}

}  // namespace
}  // namespace flinkcli::testing
