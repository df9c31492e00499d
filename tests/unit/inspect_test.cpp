// flink inspect on synthetic savepoints in a scratch directory (no JobManager is ever asked), and
// run -s --verify-restore on the in-memory fake and through the real HTTP client.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fake/fake_jobmanager.hpp"
#include "fake/fake_jobmanager_api.hpp"
#include "fake/sample_savepoint.hpp"
#include "fake/test_support.hpp"

namespace flinkcli::testing {
namespace {

using nlohmann::json;

const std::string k_source = metadata::operator_id_for_uid("source-id");
const std::string k_mapper = metadata::operator_id_for_uid("mapper-id");


class InspectTest : public ::testing::Test {
 protected:
  // A savepoint directory with its _metadata and (unless told otherwise) its two state files.
  std::string savepoint(int version, bool with_files = true) {
    const std::string dir = "savepoint-a48f8e-f8b2e237b6f8-v" + std::to_string(version);
    scratch.write(dir + "/_metadata", sample_savepoint(version).bytes);
    if (with_files) {
      scratch.write(dir + "/" + k_source_file, std::string(k_source_file_size, 's'));
      scratch.write(dir + "/" + k_mapper_file, std::string(k_mapper_file_size, 'm'));
    }
    return (scratch / dir).string();
  }

  CliRun inspect(std::vector<std::string> args) {
    args.insert(args.begin(), "inspect");
    return run_flink(args, env, cluster.factory(), clock);
  }

  json inspect_json(std::vector<std::string> args, int expected_exit = 0) {
    args.insert(args.begin(), {"-o", "json"});
    const auto result = inspect(args);
    EXPECT_EQ(result.exit_code, expected_exit) << joined(result.out) << joined(result.err);
    EXPECT_EQ(result.out.size(), 1u);
    return result.out.empty() ? json() : json::parse(result.out[0]);
  }

  TempDir scratch;
  TestEnvironment env;
  FakeCluster cluster;
  FakeClock clock;
};

TEST_F(InspectTest, TableOfAVersion6Savepoint) {
  const auto result = inspect({savepoint(6)});
  EXPECT_EQ(result.exit_code, 0) << joined(result.err);
  EXPECT_TRUE(result.err.empty());
  const std::string text = joined(result.out);
  EXPECT_NE(text.find("savepoint (CANONICAL), checkpoint 12, metadata version 6"), std::string::npos) << text;
  EXPECT_NE(text.find("4 operators, state 884 bytes (16 inline in _metadata), 2 state files: 2 present"),
            std::string::npos) << text;
  EXPECT_NE(text.find("OPERATOR ID"), std::string::npos);
  // operator id, uid, name, parallelism, max parallelism, subtasks, bytes, kinds, files
  EXPECT_NE(text.find(k_mapper + "  mapper-id    mapper"), std::string::npos) << text;
  EXPECT_NE(text.find("603          keyed"), std::string::npos) << text;
  EXPECT_NE(text.find("281          operator,coordinator  1/1"), std::string::npos) << text;
  EXPECT_EQ(cluster.factory_calls, 0);  // no JobManager, no configuration needed
}

TEST_F(InspectTest, JsonDocument) {
  const json doc = inspect_json({savepoint(6), "--uid", "mapper-id", "--uid", "nobody"});
  EXPECT_EQ(doc["schema"], "flinkcli.inspect/1");
  EXPECT_EQ(doc["status"], "completed");
  EXPECT_EQ(doc["metadata_version"], 6);
  EXPECT_EQ(doc["checkpoint_id"], 12);
  EXPECT_EQ(doc["snapshot_type"], "savepoint");
  EXPECT_EQ(doc["format"], "CANONICAL");
  EXPECT_EQ(doc["state_size"], 884);
  EXPECT_EQ(doc["inline_size"], 16);
  ASSERT_EQ(doc["operators"].size(), 4u);
  const json& source = doc["operators"][0];
  EXPECT_EQ(source["operator_id"], k_source);
  EXPECT_EQ(source["uid"], "source-id");
  EXPECT_EQ(source["name"], "Source: source");
  EXPECT_EQ(source["state_kinds"], json({"managed_operator", "coordinator"}));
  EXPECT_EQ(source["files"][0]["exists"], true);
  EXPECT_EQ(source["files"][0]["size_on_disk"], k_source_file_size);
  EXPECT_EQ(source["files"][0]["stored_size"], k_source_file_size);
  EXPECT_EQ(doc["operators"][2]["matched_uids"], json({"mapper-id"}));
  EXPECT_EQ(doc["uids"], json::parse(R"([{"uid":"mapper-id","operator_id":")" + k_mapper +
                                     R"(","in_savepoint":true,"has_state":true},{"uid":"nobody","operator_id":")" +
                                     metadata::operator_id_for_uid("nobody") +
                                     R"(","in_savepoint":false,"has_state":false}])"));
  EXPECT_FALSE(doc.contains("restore_check"));
}

TEST_F(InspectTest, PathForms) {
  const std::string dir = savepoint(4);
  for (const std::string& path : {dir, dir + "/", dir + "/_metadata", "file:" + dir, "file://" + dir + "/_metadata"}) {
    const auto result = inspect({"-q", path});
    EXPECT_EQ(result.exit_code, 0) << path << joined(result.err);
    EXPECT_EQ(result.out.size(), 4u) << path;  // quiet: the operator ids
    if (!result.out.empty()) {
      EXPECT_EQ(result.out[0], k_source);
    }
  }
}

TEST_F(InspectTest, Version4MatchesUidsByHash) {
  const auto result = inspect({savepoint(4), "--uid", "source-id"});
  EXPECT_EQ(result.exit_code, 0);
  const std::string text = joined(result.out);
  EXPECT_NE(text.find("metadata version 4 stores no uids"), std::string::npos) << text;
  EXPECT_NE(text.find(k_source + "  *source-id"), std::string::npos) << text;
  EXPECT_NE(text.find("uid source-id -> operator id " + k_source + ": state in this savepoint (281 bytes)"),
            std::string::npos) << text;
}

TEST_F(InspectTest, MissingStateFilesAreReported) {
  const std::string dir = savepoint(6, /*with_files=*/false);
  const auto result = inspect({dir});
  EXPECT_EQ(result.exit_code, 0);
  const std::string text = joined(result.out);
  EXPECT_NE(text.find("2 state files: 0 present, 2 MISSING"), std::string::npos) << text;
  EXPECT_NE(text.find("Missing state file: " + dir + "/" + k_mapper_file), std::string::npos) << text;
  const json doc = inspect_json({dir});
  EXPECT_EQ(doc["missing_files"].size(), 2u);
  EXPECT_EQ(doc["operators"][2]["files"][0]["exists"], false);
}

// Each file in the document with its own lookup: present ones with their size on disk, missing
// ones listed in order, one in another store not looked up; across operators.
TEST_F(InspectTest, EveryStateFileInTheDocumentWithItsLookup) {
  MetadataWriter w;
  w.header(6, 1).i32(0).i32(2).operator_head(6, "a", "a", 1, 128).u8(0).i32(1).i32(0).i32(0).i32(0);
  w.u8(11).i64(5).utf("backend").i32(0).i32(128).i64(0).inline_stream("meta", "m");
  w.i32(5);
  w.utf("").relative_stream("p1", 30).utf("").relative_stream("m1", 40).utf("").relative_stream("p2", 50);
  w.utf("").file_stream("hdfs://nn/x", 60).utf("").relative_stream("m2", 70);
  w.i32(0).utf("handle").u8(0).i32(0).i32(0);
  w.operator_head(6, "b", "b", 1, 128).u8(0).i32(1).i32(0).i32(0).i32(0);
  w.u8(3).i32(0).i32(0).relative_stream("p3", 80).u8(0).i32(0).i32(0);
  w.savepoint_properties("CANONICAL");
  scratch.write("mixed/_metadata", w.bytes);
  scratch.write("mixed/p1", "123");
  scratch.write("mixed/p2", "12345");
  scratch.write("mixed/p3", "1234567");
  const std::string dir = (scratch / "mixed").string();

  const json doc = inspect_json({dir});
  const auto file = [](const std::string& path, bool relative, int stored, const json& location, const json& exists,
                       const json& size) {
    return json{{"path", path}, {"relative", relative}, {"stored_size", stored}, {"location", location},
                {"local_path", location}, {"exists", exists}, {"size_on_disk", size}};
  };
  EXPECT_EQ(doc["operators"][0]["files"],
            json::array({file("p1", true, 30, dir + "/p1", true, 3), file("m1", true, 40, dir + "/m1", false, nullptr),
                         file("p2", true, 50, dir + "/p2", true, 5),
                         file("hdfs://nn/x", false, 60, nullptr, nullptr, nullptr),
                         file("m2", true, 70, dir + "/m2", false, nullptr)}));
  EXPECT_EQ(doc["operators"][1]["files"], json::array({file("p3", true, 80, dir + "/p3", true, 7)}));
  EXPECT_EQ(doc["missing_files"], json({dir + "/m1", dir + "/m2"}));

  const auto result = inspect({dir});
  const std::string text = joined(result.out);
  EXPECT_NE(text.find("6 state files: 3 present, 2 MISSING, 1 not on a local file system"), std::string::npos) << text;
  EXPECT_NE(text.find("Missing state file: " + dir + "/m1\nMissing state file: " + dir + "/m2\n"), std::string::npos)
      << text;
}

// A state file's path comes from the file: its escape sequences and line breaks never reach the
// terminal, as for names. (JSON escapes them itself and keeps them.)
TEST_F(InspectTest, PrintedPathsAreSanitised) {
  const std::string evil = "\x1B]0;title\x07\x1B[31mred\nMissing state file: /etc/passwd";
  MetadataWriter w;
  w.header(6, 1).i32(0).i32(1).operator_head(6, "u", "n", 1, 128).u8(0).i32(1).i32(0).i32(0).i32(0);
  w.u8(3).i32(0).i32(0).relative_stream(evil, 5).u8(0).i32(0).i32(0);
  w.savepoint_properties("CANONICAL");
  scratch.write("evil/_metadata", w.bytes);
  const std::string dir = (scratch / "evil").string();
  const auto result = inspect({dir});
  EXPECT_EQ(result.exit_code, 0) << joined(result.err);
  const std::string text = joined(result.out);
  EXPECT_EQ(text.find('\x1B'), std::string::npos) << text;
  EXPECT_EQ(text.find('\x07'), std::string::npos) << text;
  EXPECT_NE(text.find("Missing state file: " + dir + "/ ]0;title  [31mred Missing state file: /etc/passwd\n"),
            std::string::npos) << text;
  EXPECT_EQ(text.find("\nMissing state file: /etc/passwd"), std::string::npos) << text;
  const json doc = inspect_json({dir});
  EXPECT_EQ(doc["missing_files"], json({dir + "/" + evil}));
}

TEST_F(InspectTest, RestoreCheckFlagsDroppedState) {
  const std::string dir = savepoint(6);
  const auto result = inspect({dir, "--expect-uids", "source-id,throttle-id,sink-id,new-op"});
  EXPECT_EQ(result.exit_code, 7);
  ASSERT_EQ(result.err.size(), 1u);
  EXPECT_NE(result.err[0].find("would drop the state of 1 operator(s): " + k_mapper + " (uid mapper-id)"),
            std::string::npos) << result.err[0];
  const std::string text = joined(result.out);
  EXPECT_NE(text.find("state that would be dropped (needs -n): operator " + k_mapper + " (uid mapper-id), 603 bytes"),
            std::string::npos) << text;
  EXPECT_NE(text.find("uid that would start without state: new-op"), std::string::npos) << text;
  EXPECT_NE(text.find("uid that would start without state: throttle-id"), std::string::npos) << text;

  const json doc = inspect_json({dir, "--expect-uids", "source-id,throttle-id,sink-id"}, 7);
  EXPECT_EQ(doc["status"], "failed");
  EXPECT_EQ(doc["error"]["class"], "restore_mismatch");
  EXPECT_EQ(doc["restore_check"]["would_drop_state"], true);
  EXPECT_EQ(doc["restore_check"]["dropped"][0]["operator_id"], k_mapper);
  EXPECT_EQ(doc["restore_check"]["dropped"][0]["certain"], true);

  const auto allowed = inspect({dir, "--expect-uids", "source-id,throttle-id,sink-id", "-n"});
  EXPECT_EQ(allowed.exit_code, 0) << joined(allowed.err);
  EXPECT_NE(joined(allowed.out).find("as -n allows"), std::string::npos);

  const auto all = inspect({dir, "--expect-uids", "source-id,throttle-id,mapper-id,sink-id"});
  EXPECT_EQ(all.exit_code, 0);
  EXPECT_NE(joined(all.out).find("the restore needs no -n"), std::string::npos);
}

TEST_F(InspectTest, RestoreCheckFromAFileAndUncertainWithoutUids) {
  const auto uids = scratch.write("uids.txt", "source-id\n\n  sink-id  \nthrottle-id\n");
  const json doc = inspect_json({savepoint(4), "--expect-uids-file", uids.string()}, 7);
  EXPECT_EQ(doc["restore_check"]["expected_uids"], json({"source-id", "sink-id", "throttle-id"}));
  // Version 4 stores no uids: the mapper's id may have been generated, so this is not certain.
  EXPECT_EQ(doc["restore_check"]["dropped"][0]["certain"], false);
  EXPECT_NE(doc["restore_check"]["dropped"][0]["note"].get<std::string>().find("stores no uids"), std::string::npos);
}

struct BadInput {
  std::string name;
  std::vector<std::string> args;  // "<dir>" is replaced by the scratch directory
  int exit_code;
  std::string message_start;
};

TEST_F(InspectTest, BadInputIsOneLine) {
  scratch.write("truncated/_metadata", sample_savepoint(6).bytes.substr(0, 100));
  scratch.write("version9/_metadata", std::string("\x49\x60\x67\x2D\x00\x00\x00\x09", 8));
  scratch.write("empty-dir/.keep", "");
  const std::string dir = scratch.path().string();
  const std::vector<BadInput> cases = {
      {"missing path", {"<dir>/nope"}, 4, "Savepoint path not found: " + dir + "/nope"},
      {"no _metadata", {"<dir>/empty-dir"}, 4, "No _metadata file in the savepoint directory " + dir + "/empty-dir"},
      {"truncated", {"<dir>/truncated"}, 15,
       "Cannot read savepoint metadata " + dir + "/truncated/_metadata: file ends inside"},
      {"unknown version", {"<dir>/version9"}, 15,
       "Cannot read savepoint metadata " + dir + "/version9/_metadata: unknown metadata version 9 (known: 2 to 7) at byte 4"},
      {"remote", {"hdfs://namenode/savepoints/x"}, 8, "Cannot inspect hdfs://namenode/savepoints/x"},
      {"gcs", {"gs://bucket/savepoints/x"}, 8, "Cannot inspect gs://bucket/savepoints/x"},
      // A malformed S3 location is the command line's fault, not an unsupported store.
      {"s3 without bucket", {"s3:///savepoints/x"}, 1, "Invalid S3 location 's3:///savepoints/x': no bucket"},
      {"s3 with ..", {"s3a://b/savepoints/../x"}, 1, "Invalid S3 location 's3a://b/savepoints/../x'"},
      {"empty path", {""}, 1, "Empty location"},
      {"no path", {}, 1, "Missing savepoint path."},
      {"missing uid file", {"<dir>/truncated", "--expect-uids-file", "<dir>/no-such-file"}, 4, "uid file not found"},
      {"-n alone", {"<dir>/truncated", "-n"}, 1, "-n (--allowNonRestoredState) only means something"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    std::vector<std::string> args;
    for (auto arg : c.args) {
      if (arg.rfind("<dir>", 0) == 0) arg = dir + arg.substr(5);
      args.push_back(arg);
    }
    args.insert(args.begin(), "-q");  // quiet: every failure is one line on stderr
    const auto result = inspect(args);
    EXPECT_EQ(result.exit_code, c.exit_code);
    ASSERT_EQ(result.err.size(), 1u) << joined(result.err);
    EXPECT_EQ(result.err[0].rfind(c.message_start, 0), 0u) << result.err[0];
    EXPECT_TRUE(result.out.empty());
  }
}

// --- run -s --verify-restore -------------------------------------------------------------

const std::string k_savepoint = "file:/data/savepoints/savepoint-a48f8e-f8b2e237b6f8";

class VerifyRestoreTest : public ::testing::Test {
 protected:
  CliRun run(std::vector<std::string> extra) {
    std::vector<std::string> args = {"run", "-d", "-s", k_savepoint, "--verify-restore"};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(jar.string());
    return run_flink(args, env, cluster.factory(), clock);
  }

  static RestoredCheckpoint restored(const std::string& path, bool savepoint = true) { return {42, savepoint, path}; }

  TempDir scratch;
  std::filesystem::path jar = scratch.write("job.jar", fake_jar_bytes("v"));
  TestEnvironment env;
  FakeCluster cluster;
  FakeClock clock;
};

TEST_F(VerifyRestoreTest, PassesWhenTheJobReportsThatSavepoint) {
  cluster.job_states = {"RUNNING"};
  // Statistics not there yet (still initializing), then the restore, written differently.
  cluster.restores = {std::nullopt, std::nullopt, restored("file:///data/savepoints/savepoint-a48f8e-f8b2e237b6f8/")};
  const auto result = run({});
  EXPECT_EQ(result.exit_code, 0) << joined(result.err);
  EXPECT_EQ(result.out.back(), "Job " + cluster.submitted_job + " restored from savepoint "
                                   "file:///data/savepoints/savepoint-a48f8e-f8b2e237b6f8/ (verified).");
  int polls = 0;
  for (const auto& call : cluster.calls) polls += call.rfind("restored_checkpoint", 0) == 0;
  EXPECT_EQ(polls, 3);
}

TEST_F(VerifyRestoreTest, PathFormsAreNormalised) {
  for (const std::string& reported :
       {std::string("file:/data/savepoints/savepoint-a48f8e-f8b2e237b6f8/_metadata"),
        std::string("/data/savepoints/savepoint-a48f8e-f8b2e237b6f8"),
        std::string("file:/data//savepoints/./x/../savepoint-a48f8e-f8b2e237b6f8"),
        // The host part of a local file URI is not a directory (it was once read as /localhost/...).
        std::string("file://localhost/data/savepoints/savepoint-a48f8e-f8b2e237b6f8")}) {
    cluster.restores = {restored(reported)};
    const auto result = run({});
    EXPECT_EQ(result.exit_code, 0) << reported << joined(result.err);
  }
}

TEST_F(VerifyRestoreTest, FailsWhenTheJobRestoredFromElsewhere) {
  cluster.restores = {restored("file:/data/savepoints/savepoint-a48f8e-000000000000")};
  const auto result = run({"-o", "json"});
  EXPECT_EQ(result.exit_code, 14);
  const json doc = json::parse(result.out.at(0));
  EXPECT_EQ(doc["error"]["class"], "restore_not_verified");
  EXPECT_EQ(doc["restore_verified"], false);
  EXPECT_EQ(doc["restored_from"], "file:/data/savepoints/savepoint-a48f8e-000000000000");
  EXPECT_EQ(doc["job_id"], cluster.submitted_job);
  EXPECT_NE(doc["error"]["message"].get<std::string>().find(
                "it restored from file:/data/savepoints/savepoint-a48f8e-000000000000 (savepoint 42)"),
            std::string::npos) << doc["error"]["message"];
}

TEST_F(VerifyRestoreTest, FailsWhenTheJobEndsWithoutARestore) {
  cluster.job_states = {"INITIALIZING", "FAILED"};
  const auto result = run({});
  EXPECT_EQ(result.exit_code, 14);
  ASSERT_EQ(result.err.size(), 1u);
  EXPECT_NE(result.err[0].find("the job is FAILED and reported no restore"), std::string::npos) << result.err[0];
}

TEST_F(VerifyRestoreTest, GivesUpAtTheDeadline) {
  cluster.job_states = {"RUNNING"};
  const auto result = run({"-D", "client.timeout=5 s"});
  EXPECT_EQ(result.exit_code, 14);
  ASSERT_EQ(result.err.size(), 1u);
  EXPECT_NE(result.err[0].find("reported no restore before the deadline"), std::string::npos) << result.err[0];
  // Asked again after 100 ms, backing off to every second, while the next ask fits before the
  // 5 s deadline.
  using std::chrono::milliseconds;
  EXPECT_EQ(clock.sleeps, (std::vector<milliseconds>{milliseconds(100), milliseconds(200), milliseconds(400), milliseconds(800),
                                                     milliseconds(1000), milliseconds(1000), milliseconds(1000)}));
  int polls = 0;
  for (const auto& call : cluster.calls) polls += call.rfind("restored_checkpoint", 0) == 0;
  EXPECT_EQ(polls, 8);
}

TEST_F(VerifyRestoreTest, NeedsASavepoint) {
  const auto result = run_flink({"run", "--verify-restore", jar.string()}, env, cluster.factory(), clock);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.out.at(0), "--verify-restore needs -s <savepointPath>: it checks the restore from that savepoint.");
  EXPECT_EQ(cluster.factory_calls, 0);
}

// Through the real HTTP client: GET /jobs/:id/checkpoints, 404 while the job initializes.
TEST(VerifyRestoreHttp, ReadsLatestRestoredFromTheJobManager) {
  for (const bool same_path : {true, false}) {
    SCOPED_TRACE(same_path ? "same path" : "other path");
    FakeJobManager jm;
    TestEnvironment env;
    TempDir scratch;
    const std::string job = "665dcc48d7ad6d54247d3740084adaa9";
    const std::string jar_id = "0abcd287-dea0-4428-8020-9ade876a5c0a_job.jar";
    jm.on("GET", "/jars", {CannedReply::json(200, {{"address", "x"}, {"files", json::array()}})});
    jm.on("POST", "/jars/upload", {CannedReply::json(200, {{"filename", "/tmp/" + jar_id}, {"status", "success"}})});
    jm.on("POST", "/jars/" + jar_id + "/run", {CannedReply::json(200, {{"jobid", job}})});
    jm.on("DELETE", "/jars/" + jar_id, {CannedReply::json(200, json::object())});
    jm.on("GET", "/jobs/" + job + "/status", {CannedReply::json(200, {{"status", "RUNNING"}})});
    const std::string reported = same_path ? "file:/data/sp/savepoint-665dcc-0123456789ab" : "file:/data/sp/chk-7";
    jm.on("GET", "/jobs/" + job + "/checkpoints",
          {CannedReply::errors(404, {"Checkpointing has not been enabled."}),
           CannedReply::json(200, {{"counts", {{"restored", 0}}}, {"latest", {{"restored", nullptr}}}}),
           CannedReply::json(200, {{"counts", {{"restored", 1}}},
                                   {"latest", {{"restored", {{"id", 7},
                                                             {"restore_timestamp", 1764085371000},
                                                             {"is_savepoint", same_path},
                                                             {"external_path", reported}}}}}})});
    const auto result = run_flink_http({"run", "-m", jm.address(), "-d", "-s", "/data/sp/savepoint-665dcc-0123456789ab/",
                                        "--verify-restore", scratch.write("job.jar", fake_jar_bytes("v")).string()},
                                       env);
    EXPECT_EQ(result.exit_code, same_path ? 0 : 14) << joined(result.err);
    EXPECT_EQ(jm.requests_to("GET", "/jobs/" + job + "/checkpoints").size(), 3u);
    if (!same_path) {
      ASSERT_EQ(result.err.size(), 1u);
      EXPECT_EQ(result.err[0], "Restore of job " + job + " from /data/sp/savepoint-665dcc-0123456789ab/ not verified: it "
                               "restored from file:/data/sp/chk-7 (checkpoint 7)");
    }
  }
}

}  // namespace
}  // namespace flinkcli::testing
