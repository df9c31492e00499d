// flink savepoint -d <path> --offline on synthetic savepoints in a scratch directory (no
// JobManager is ever asked), on the fake S3 through the built binary (the order of the deletes),
// and the hint a plain savepoint -d gives when its JobManager cannot be reached.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>

#include "fake/fake_jobmanager_api.hpp"
#include "fake/fake_s3.hpp"
#include "fake/sample_savepoint.hpp"
#include "fake/test_support.hpp"

namespace flinkcli::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* k_dir = "savepoint-a48f8e-f8b2e237b6f8";

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  return text;
}

std::vector<std::string> java_lines(const std::string& path) {
  return {"Disposing savepoint '" + path + "'.", "Waiting for response...", "Savepoint '" + path + "' disposed."};
}

// The sample savepoint with its mapper file named by an absolute path (Flink's FileStateHandle,
// as entropy injection and incremental RocksDB's shared/ files are stored) instead of a relative
// name.
std::string with_absolute_mapper_file(const std::string& path) {
  std::string bytes = sample_savepoint(6).bytes;
  const std::string relative = MetadataWriter().relative_stream(k_mapper_file, k_mapper_file_size).bytes;
  const auto at = bytes.find(relative);
  EXPECT_NE(at, std::string::npos);
  return bytes.replace(at, relative.size(), MetadataWriter().file_stream(path, k_mapper_file_size).bytes);
}

class OfflineDisposeTest : public ::testing::Test {
 protected:
  // A savepoint directory (under `parent`) with its _metadata and both state files.
  fs::path savepoint(const std::string& parent = "savepoints", const std::string& name = k_dir) {
    const std::string dir = parent + "/" + name;
    scratch.write(dir + "/_metadata", sample_savepoint(6).bytes);
    scratch.write(dir + "/" + k_source_file, std::string(k_source_file_size, 's'));
    scratch.write(dir + "/" + k_mapper_file, std::string(k_mapper_file_size, 'm'));
    return scratch / dir;
  }

  CliRun dispose(std::vector<std::string> args) {
    args.insert(args.begin(), "savepoint");
    return run_flink(args, env, cluster.factory(), clock);
  }

  json dispose_json(const std::string& path, int expected_exit) {
    const auto result = dispose({"-o", "json", "-d", path, "--offline"});
    EXPECT_EQ(result.exit_code, expected_exit) << joined(result.out) << joined(result.err);
    EXPECT_EQ(result.out.size(), 1u);
    return result.out.empty() ? json() : json::parse(result.out[0]);
  }

  TempDir scratch;
  TestEnvironment env;
  FakeCluster cluster;
  FakeClock clock;
};

TEST_F(OfflineDisposeTest, DeletesMetadataStateFilesAndDirectoryWithJavasLines) {
  const fs::path dir = savepoint();
  const auto result = dispose({"-d", dir.string(), "--offline"});
  EXPECT_EQ(result.exit_code, 0) << joined(result.err);
  EXPECT_EQ(result.out, java_lines(dir.string()));
  EXPECT_TRUE(result.err.empty()) << joined(result.err);
  EXPECT_FALSE(fs::exists(dir));
  EXPECT_TRUE(fs::is_directory(scratch / "savepoints"));  // the parent stays
  EXPECT_EQ(cluster.factory_calls, 0);
  EXPECT_TRUE(cluster.calls.empty());
}

TEST_F(OfflineDisposeTest, JsonListsWhatWentInOrderMetadataFirst) {
  const fs::path dir = savepoint();
  const json doc = dispose_json(dir.string(), 0);
  EXPECT_EQ(doc["schema"], "flinkcli.dispose/1");
  EXPECT_EQ(doc["status"], "completed");
  EXPECT_EQ(doc["offline"], true);
  EXPECT_EQ(doc["savepoint_path"], dir.string());
  EXPECT_EQ(doc["metadata_path"], (dir / "_metadata").string());
  // _metadata, the state files in the order _metadata names them, then the directory.
  EXPECT_EQ(doc["deleted"], json({(dir / "_metadata").string(), (dir / k_source_file).string(),
                                  (dir / k_mapper_file).string(), dir.string()}));
  EXPECT_EQ(doc["left"], json::array());
  EXPECT_EQ(doc["missing"], json::array());
  EXPECT_FALSE(doc.contains("trigger_id"));
  EXPECT_EQ(cluster.factory_calls, 0);
}

TEST_F(OfflineDisposeTest, QuietPrintsNothing) {
  const fs::path dir = savepoint();
  const auto result = dispose({"-q", "-d", dir.string(), "--offline"});
  EXPECT_EQ(result.exit_code, 0) << joined(result.err);
  EXPECT_TRUE(result.out.empty());
  EXPECT_TRUE(result.err.empty());
  EXPECT_FALSE(fs::exists(dir));
}

TEST_F(OfflineDisposeTest, PathForms) {
  struct Case {
    const char* name;
    std::function<std::string(const fs::path&)> path;
  };
  const std::vector<Case> cases = {
      {"directory", [](const fs::path& dir) { return dir.string(); }},
      {"trailing slash", [](const fs::path& dir) { return dir.string() + "/"; }},
      {"the _metadata file", [](const fs::path& dir) { return (dir / "_metadata").string(); }},
      {"file: URI", [](const fs::path& dir) { return "file:" + dir.string(); }},
      {"file:// URI of _metadata", [](const fs::path& dir) { return "file://" + (dir / "_metadata").string(); }},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const fs::path dir = savepoint(std::string("forms-") + c.name);
    const std::string path = c.path(dir);
    const auto result = dispose({"-d", path, "--offline"});
    EXPECT_EQ(result.exit_code, 0) << joined(result.err);
    EXPECT_EQ(result.out, java_lines(path));
    EXPECT_FALSE(fs::exists(dir));
  }
}

TEST_F(OfflineDisposeTest, RelativePath) {
  const fs::path dir = savepoint();
  const fs::path previous = fs::current_path();
  fs::current_path(scratch.path());
  const auto result = dispose({"-d", std::string("savepoints/") + k_dir, "--offline"});
  fs::current_path(previous);
  EXPECT_EQ(result.exit_code, 0) << joined(result.err);
  EXPECT_FALSE(fs::exists(dir));
}

TEST_F(OfflineDisposeTest, LeavesAndReportsWhatItsMetadataDoesNotName) {
  const fs::path dir = savepoint();
  scratch.write(std::string("savepoints/") + k_dir + "/notes.txt", "mine");
  scratch.write(std::string("savepoints/") + k_dir + "/sub/orphan", "x");
  const auto result = dispose({"-d", dir.string(), "--offline"});
  EXPECT_EQ(result.exit_code, 5);
  const std::vector<std::string> lines = java_lines(dir.string());
  EXPECT_EQ(result.out, std::vector<std::string>(lines.begin(), lines.begin() + 2));
  ASSERT_EQ(result.err.size(), 1u) << joined(result.err);
  const std::string expected = "Failed to dispose the savepoint '" + dir.string() +
                               "': deleted its _metadata and 2 state file(s), but " + dir.string() +
                               " still holds 3 object(s) its _metadata does not name, left as they are: ";
  EXPECT_EQ(result.err[0].rfind(expected, 0), 0u) << result.err[0];
  EXPECT_NE(result.err[0].find((dir / "notes.txt").string()), std::string::npos);
  EXPECT_NE(result.err[0].find((dir / "sub/orphan").string()), std::string::npos);
  EXPECT_FALSE(fs::exists(dir / "_metadata"));
  EXPECT_FALSE(fs::exists(dir / k_source_file));
  EXPECT_FALSE(fs::exists(dir / k_mapper_file));
  EXPECT_TRUE(fs::exists(dir / "notes.txt"));
  EXPECT_TRUE(fs::exists(dir / "sub/orphan"));

  fs::remove_all(dir);
  savepoint();
  scratch.write(std::string("savepoints/") + k_dir + "/notes.txt", "mine");
  const json doc = dispose_json(dir.string(), 5);
  EXPECT_EQ(doc["status"], "failed");
  EXPECT_EQ(doc["error"]["class"], "operation_failed");
  EXPECT_EQ(doc["deleted"].size(), 3u);
  EXPECT_EQ(doc["left"], json({(dir / "notes.txt").string()}));
}

TEST_F(OfflineDisposeTest, RefusesARetainedCheckpoint) {
  const fs::path dir = savepoint(std::string("checkpoints/") + k_job, "chk-7");
  const auto result = dispose({"-d", dir.string(), "--offline"});
  EXPECT_EQ(result.exit_code, 8);
  ASSERT_EQ(result.err.size(), 1u);
  EXPECT_EQ(result.err[0], "Failed to dispose the savepoint '" + dir.string() + "': " + dir.string() +
                               " is a retained checkpoint (chk-7), not a savepoint: its files may be shared with the "
                               "job's other checkpoints. Nothing was deleted; use flink prune to delete checkpoints (it "
                               "keeps what the others need).");
  EXPECT_TRUE(fs::exists(dir / "_metadata"));
  EXPECT_TRUE(fs::exists(dir / k_source_file));
  EXPECT_TRUE(fs::exists(dir / k_mapper_file));
  // Named by its _metadata too.
  EXPECT_EQ(dispose({"-d", (dir / "_metadata").string(), "--offline"}).exit_code, 8);
  EXPECT_TRUE(fs::exists(dir / "_metadata"));
}

TEST_F(OfflineDisposeTest, RefusesFilesOutsideItsDirectoryDeletingNothing) {
  struct Case {
    const char* name;
    std::string named;     // the mapper file as _metadata names it
    std::string reported;  // as the refusal names it
  };
  const fs::path shared = scratch.write(std::string("checkpoints/") + k_job + "/shared/0a1b", "sst");
  const fs::path entropy = scratch.write(std::string("UvQW/savepoints/") + k_dir + "/" + k_mapper_file, "m");
  const std::vector<Case> cases = {
      {"incremental RocksDB shared/", shared.string(), shared.string()},
      {"entropy injection", "file://" + entropy.string(), entropy.string()},
      {"another file system", "hdfs://nn/shared/0a1b", "hdfs://nn/shared/0a1b"},
      {"s3 from a local copy", "s3://flink-state/shared/0a1b", "s3://flink-state/shared/0a1b"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const fs::path dir = savepoint();
    scratch.write(std::string("savepoints/") + k_dir + "/_metadata", with_absolute_mapper_file(c.named));
    const auto result = dispose({"-d", dir.string(), "--offline"});
    EXPECT_EQ(result.exit_code, 8);
    ASSERT_EQ(result.err.size(), 1u);
    EXPECT_EQ(result.err[0], "Failed to dispose the savepoint '" + dir.string() + "': its _metadata names 1 file(s) "
                             "outside " + dir.string() + " (incremental RocksDB shared/ files, entropy-injected paths "
                             "or another file system, which other snapshots may need): " + c.reported +
                             ". Nothing was deleted; without --offline the JobManager disposes of it, those files "
                             "included.");
    EXPECT_TRUE(fs::exists(dir / "_metadata"));
    EXPECT_TRUE(fs::exists(dir / k_source_file));
    EXPECT_TRUE(fs::exists(dir / k_mapper_file));
    EXPECT_TRUE(fs::exists(shared));
    EXPECT_TRUE(fs::exists(entropy));
    const json doc = dispose_json(dir.string(), 8);
    EXPECT_EQ(doc["outside"], json({c.reported}));
    EXPECT_EQ(doc["error"]["class"], "unsupported");
  }
  EXPECT_EQ(cluster.factory_calls, 0);
}

TEST_F(OfflineDisposeTest, AbsolutePathInsideItsDirectoryIsItsOwn) {
  const fs::path dir = savepoint();
  scratch.write(std::string("savepoints/") + k_dir + "/_metadata",
                with_absolute_mapper_file("file://" + (dir / k_mapper_file).string()));
  const auto result = dispose({"-d", dir.string(), "--offline"});
  EXPECT_EQ(result.exit_code, 0) << joined(result.err);
  EXPECT_FALSE(fs::exists(dir));
}

TEST_F(OfflineDisposeTest, MissingMetadataIsFlinksMessage) {
  scratch.write("savepoints/savepoint-dead00-000000000000/orphan", "x");
  const std::string no_metadata = (scratch / "savepoints/savepoint-dead00-000000000000").string();
  const std::string nothing = (scratch / "savepoints/savepoint-000000-000000000000").string();
  struct Case {
    std::string path;
    std::string message;
  };
  const std::vector<Case> cases = {
      {no_metadata, "Cannot find meta data file '_metadata' in directory '" + no_metadata +
                        "'. Please try to load the checkpoint/savepoint directly from the metadata file instead of "
                        "the directory."},
      {nothing, "Cannot find checkpoint or savepoint file/directory '" + nothing + "' on file system 'file'."},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.path);
    const auto result = dispose({"-d", c.path, "--offline"});
    EXPECT_EQ(result.exit_code, 4);
    EXPECT_EQ(result.out, std::vector<std::string>({"Disposing savepoint '" + c.path + "'.", "Waiting for response..."}));
    EXPECT_EQ(result.err, std::vector<std::string>({"Failed to dispose the savepoint '" + c.path + "': " + c.message}));
  }
  EXPECT_TRUE(fs::exists(scratch / "savepoints/savepoint-dead00-000000000000/orphan"));
  EXPECT_EQ(cluster.factory_calls, 0);
}

TEST_F(OfflineDisposeTest, StateFilesAlreadyMissingAreANote) {
  const fs::path dir = savepoint();
  fs::remove(dir / k_mapper_file);
  const auto result = dispose({"-d", dir.string(), "--offline"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, java_lines(dir.string()));
  EXPECT_EQ(result.err, std::vector<std::string>({"Note: 1 state file(s) its _metadata names were missing already: " +
                                                  (dir / k_mapper_file).string() + "."}));
  EXPECT_FALSE(fs::exists(dir));
}

TEST_F(OfflineDisposeTest, CorruptMetadataDeletesNothing) {
  const fs::path dir = savepoint();
  scratch.write(std::string("savepoints/") + k_dir + "/_metadata", sample_savepoint(6).bytes.substr(0, 40));
  const auto result = dispose({"-d", dir.string(), "--offline"});
  EXPECT_EQ(result.exit_code, 15);
  EXPECT_TRUE(fs::exists(dir / "_metadata"));
  EXPECT_TRUE(fs::exists(dir / k_source_file));
}

TEST_F(OfflineDisposeTest, SignalBeforeDeletingLeavesItIntact) {
  const fs::path dir = savepoint();
  FakeInterrupt interrupt;
  interrupt.after = 1;
  const auto result = run_flink({"savepoint", "-d", dir.string(), "--offline"}, env, cluster.factory(), clock, &interrupt);
  EXPECT_EQ(result.exit_code, 130);
  EXPECT_EQ(result.err, std::vector<std::string>({"Interrupted by SIGINT before anything was deleted: the savepoint is intact."}));
  EXPECT_TRUE(fs::exists(dir / "_metadata"));
  EXPECT_FALSE(interrupt.last_words);  // nothing deleted: nothing to say at a second signal

  // A signal once deleting has begun: the disposal finishes (a second one would end the client
  // at once with the line armed before the first deletion).
  FakeInterrupt later;
  const auto finished = run_flink({"savepoint", "-d", dir.string(), "--offline"}, env, cluster.factory(), clock, &later);
  EXPECT_EQ(finished.exit_code, 0);
  EXPECT_FALSE(fs::exists(dir));
  ASSERT_TRUE(later.last_words);
  EXPECT_EQ(later.last_words->stderr_line,
            "Interrupted by SIGINT while disposing of the savepoint offline: its _metadata may be deleted already, so " +
                dir.string() + " may no longer be a savepoint; delete what is left of it by hand.");
}

TEST_F(OfflineDisposeTest, UsageErrors) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"savepoint", "--offline", k_job}, "--offline only means something with -d <savepointPath>: a savepoint is taken by the JobManager."},
      {{"savepoint", "-d", "x", "--offline", "--trigger-id", k_trigger},
       "--trigger-id cannot be used with -d: the JobManager picks a disposal's trigger id."},
      // --output and --offline are both this client's: commons-cli's rule makes the prefix ambiguous.
      {{"savepoint", "--o", "text", "-d", "x"}, "Ambiguous option: '--o'  (could be: 'offline', 'output')"},
      // (The scan for the output mode takes --o json for JSON: the same error, as a JSON document.)
      {{"savepoint", "--o", "json", "-d", "x"}, "Ambiguous option: '--o'  (could be: 'offline', 'output')"},
      {{"savepoint", "-d", "hdfs://nn/sp", "--offline"}, ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(joined(c.args));
    const auto result = run_flink(c.args, env, cluster.factory(), clock);
    if (c.message.empty()) {  // another file system: unsupported, before any line
      EXPECT_EQ(result.exit_code, 8);
      EXPECT_TRUE(result.out.empty());
      continue;
    }
    EXPECT_EQ(result.exit_code, 1);
    ASSERT_FALSE(result.out.empty());
    EXPECT_NE(result.out[0].find(c.message), std::string::npos) << result.out[0];
  }
  EXPECT_EQ(cluster.factory_calls, 0);
  // The unambiguous prefixes still work.
  const fs::path dir = savepoint();
  EXPECT_EQ(run_flink({"savepoint", "--ou", "json", "-d", dir.string(), "--off"}, env, cluster.factory(), clock).exit_code, 0);
  EXPECT_FALSE(fs::exists(dir));
}

// A plain savepoint -d whose JobManager cannot be reached says --offline exists (still exit 3).
TEST(DisposeUnreachable, NamesOffline) {
  TestEnvironment env;
  FakeClock clock;
  const std::string path = "file:///data/savepoints/savepoint-a48f8e-f8b2e237b6f8";
  const auto result = run_flink_http({"savepoint", "-d", path, "-m", "127.0.0.1:1"}, env, clock);
  EXPECT_EQ(result.exit_code, 3);
  ASSERT_EQ(result.err.size(), 1u) << joined(result.err);
  EXPECT_EQ(result.err[0].rfind("Failed to dispose the savepoint '" + path + "': ", 0), 0u) << result.err[0];
  const std::string hint = ". Without a JobManager, --offline disposes of it: flink savepoint -d " + path + " --offline";
  EXPECT_TRUE(result.err[0].ends_with("REST endpoint" + hint)) << result.err[0];  // after the line's own sentence

  FakeCluster cluster;
  cluster.fail("trigger_disposal", ErrorClass::unreachable, "Could not connect to the JobManager at localhost:8081");
  const auto faked = run_flink({"savepoint", "-d", path}, env, cluster.factory(), clock);
  EXPECT_EQ(faked.exit_code, 3);
  EXPECT_EQ(faked.err, std::vector<std::string>({"Failed to dispose the savepoint '" + path +
                                                 "': Could not connect to the JobManager at localhost:8081" + hint}));
  // Other failures keep their line.
  FakeCluster refusing;
  refusing.fail("trigger_disposal", ErrorClass::not_found, "no such savepoint");
  const auto other = run_flink({"savepoint", "-d", path}, env, refusing.factory(), clock);
  EXPECT_EQ(other.exit_code, 4);
  ASSERT_EQ(other.err.size(), 1u);
  EXPECT_EQ(other.err[0].find("--offline"), std::string::npos);
}

// --- through the built binary, on the fake S3 ----------------------------------------------------

constexpr const char* k_bucket = "flink-state";

// The keys of a DeleteObjects request's body, in order.
std::vector<std::string> deleted_keys(const FakeS3Request& request) {
  std::vector<std::string> keys;
  for (std::size_t at = request.body.find("<Key>"); at != std::string::npos; at = request.body.find("<Key>", at + 1)) {
    const auto end = request.body.find("</Key>", at);
    keys.push_back(request.body.substr(at + 5, end - at - 5));
  }
  return keys;
}

class OfflineDisposeS3 : public ::testing::Test {
 protected:
  std::string flink(const std::string& args) {
    const std::string env = "env -i FLINK_CONF_DIR='" + conf.path().string() +
                            "' AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=secret AWS_ENDPOINT_URL_S3=" +
                            fake.endpoint() + " AWS_REGION=us-east-1 ";
    return run_command(env + FLINK_BINARY + " " + args + " 2>&1; echo exit=$?");
  }
  void savepoint(const std::string& dir) {
    fake.put(k_bucket, dir + "/_metadata", sample_savepoint(6).bytes);
    fake.put(k_bucket, dir + "/" + k_source_file, std::string(k_source_file_size, 's'));
    fake.put(k_bucket, dir + "/" + k_mapper_file, std::string(k_mapper_file_size, 'm'));
  }
  std::vector<std::vector<std::string>> delete_batches() const {
    std::vector<std::vector<std::string>> batches;
    for (const auto& request : fake.requests()) {
      if (request.method == "POST" && request.params.count("delete")) batches.push_back(deleted_keys(request));
    }
    return batches;
  }

  TempDir conf;
  FakeS3 fake;
};

TEST_F(OfflineDisposeS3, MetadataFirstThenStateFilesThenTheMarker) {
  const std::string dir = std::string("savepoints/") + k_dir;
  savepoint(dir);
  fake.put(k_bucket, dir + "/", "");  // a marker S3A left
  fake.put(k_bucket, "savepoints/savepoint-a48f8e-000000000000/_metadata", "another");
  const std::string path = std::string("s3://") + k_bucket + "/" + dir;
  const std::string output = flink("savepoint -d " + path + " --offline");
  EXPECT_EQ(output, "Disposing savepoint '" + path + "'.\nWaiting for response...\nSavepoint '" + path +
                        "' disposed.\nexit=0\n");
  EXPECT_EQ(delete_batches(), (std::vector<std::vector<std::string>>{
                                  {dir + "/_metadata"}, {dir + "/" + k_source_file, dir + "/" + k_mapper_file}, {dir + "/"}}));
  EXPECT_EQ(fake.object_count(k_bucket), 1u);  // the other savepoint
}

TEST_F(OfflineDisposeS3, SameAsOnDiskWithoutAMarker) {
  const std::string dir = std::string("sp/") + k_dir;
  savepoint(dir);
  const std::string output = flink("savepoint -o json -d s3a://" + std::string(k_bucket) + "/" + dir + "/_metadata --offline");
  ASSERT_NE(output.find("exit=0"), std::string::npos) << output;
  const json doc = json::parse(output.substr(0, output.find('\n')));
  const std::string base = std::string("s3a://") + k_bucket + "/" + dir;
  EXPECT_EQ(doc["deleted"], json({base + "/_metadata", base + "/" + k_source_file, base + "/" + k_mapper_file}));
  EXPECT_EQ(delete_batches().size(), 2u);  // no marker: none deleted
  EXPECT_EQ(fake.object_count(k_bucket), 0u);
}

TEST_F(OfflineDisposeS3, LeftoversAndRefusals) {
  const std::string dir = std::string("savepoints/") + k_dir;
  savepoint(dir);
  fake.put(k_bucket, dir + "/extra", "x");
  const std::string output = flink("savepoint -d s3://" + std::string(k_bucket) + "/" + dir + " --offline");
  EXPECT_NE(output.find("still holds 1 object(s) its _metadata does not name, left as they are: s3://flink-state/" + dir +
                        "/extra\nexit=5"),
            std::string::npos)
      << output;
  EXPECT_TRUE(fake.has(k_bucket, dir + "/extra"));
  EXPECT_EQ(delete_batches().size(), 2u);  // the marker's not touched while something is left

  const std::string chk = std::string("checkpoints/") + k_job + "/chk-3";
  savepoint(chk);
  EXPECT_NE(flink("savepoint -d s3://" + std::string(k_bucket) + "/" + chk + " --offline").find("use flink prune"),
            std::string::npos);
  const std::string entropy = std::string("savepoints/") + "savepoint-a48f8e-111111111111";
  savepoint(entropy);
  fake.put(k_bucket, entropy + "/_metadata",
           with_absolute_mapper_file(std::string("s3://") + k_bucket + "/UvQW/" + entropy + "/" + k_mapper_file));
  const std::string refused = flink("savepoint -d s3://" + std::string(k_bucket) + "/" + entropy + " --offline");
  EXPECT_NE(refused.find("outside s3://flink-state/" + entropy), std::string::npos) << refused;
  EXPECT_NE(refused.find("exit=8"), std::string::npos) << refused;
  EXPECT_EQ(delete_batches().size(), 2u);  // nothing more deleted
  EXPECT_TRUE(fake.has(k_bucket, chk + "/_metadata"));
  EXPECT_TRUE(fake.has(k_bucket, entropy + "/_metadata"));
}

}  // namespace
}  // namespace flinkcli::testing
