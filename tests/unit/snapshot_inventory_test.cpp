// The snapshot inventory as pure functions over an in-memory store: finding savepoints and
// retained checkpoints as Flink lays them out, classifying them, what it costs in requests, and
// picking the latest.
#include <gtest/gtest.h>

#include "fake/memory_store.hpp"
#include "fake/sample_savepoint.hpp"
#include "flinkcli/commands/snapshot_inventory.hpp"

namespace flinkcli::testing {
namespace {

using std::chrono::seconds;

constexpr const char* k_job_a = "0dc38d7fe0a14fd4a2b4c1a2b3c4d5e6";
constexpr const char* k_job_b = "0dc38d11111111111111111111111111";  // same 6-digit prefix as A
constexpr const char* k_job_c = "c0ffee00000000000000000000000000";

WallTime at(int second) { return WallTime(seconds(1'700'000'000 + second)); }

// The sample savepoint's `_metadata` with another checkpoint id (bytes 8..15, big-endian).
std::string metadata_bytes(std::int64_t checkpoint_id, int version = 6) {
  std::string bytes = sample_savepoint(version).bytes;
  for (int i = 0; i < 8; ++i) bytes[8 + i] = static_cast<char>((static_cast<std::uint64_t>(checkpoint_id) >> (56 - 8 * i)) & 0xFF);
  return bytes;
}

// A snapshot directory with `_metadata` and both of its state files (unless `missing`).
void snapshot(MemoryStore& store, const std::string& dir, std::int64_t checkpoint_id, WallTime time,
              bool missing_mapper_file = false) {
  store.put(dir + "/" + k_source_file, std::string(k_source_file_size, 's'), time - seconds(1));
  if (!missing_mapper_file) store.put(dir + "/" + k_mapper_file, std::string(k_mapper_file_size, 'm'), time - seconds(1));
  store.put(dir + "/_metadata", metadata_bytes(checkpoint_id), time);
}

Inventory inventory(MemoryStore& store, const std::vector<std::string>& roots, InventoryOptions options = {}) {
  std::vector<Location> locations;
  for (const auto& root : roots) locations.push_back(MemoryStore::at(root));
  return take_inventory(store, locations, options);
}

const SnapshotRecord& find(const Inventory& found, const std::string& key) {
  for (const auto& record : found.snapshots) {
    if (record.location.key == key) return record;
  }
  ADD_FAILURE() << "no snapshot " << key;
  static const SnapshotRecord none;
  return none;
}

TEST(SnapshotInventory, FindsSavepointsAndCheckpointsAsFlinkLaysThemOut) {
  MemoryStore store;
  snapshot(store, "sp/savepoint-0dc38d-a02a65f50dd2", 5, at(10));
  snapshot(store, std::string("ck/") + k_job_a + "/chk-7", 7, at(20));
  snapshot(store, std::string("ck/") + k_job_c + "/chk-3", 3, at(5));
  store.marker(std::string("ck/") + k_job_a + "/shared", at(1));
  store.marker(std::string("ck/") + k_job_a + "/taskowned", at(1));
  store.put("ck/unrelated/readme.txt", "not a snapshot", at(30));

  const Inventory found = inventory(store, {"sp", "ck"});
  ASSERT_EQ(found.snapshots.size(), 3u);
  // Oldest first.
  EXPECT_EQ(found.snapshots[0].location.key, std::string("ck/") + k_job_c + "/chk-3");
  EXPECT_EQ(found.snapshots[1].location.key, "sp/savepoint-0dc38d-a02a65f50dd2");
  EXPECT_EQ(found.snapshots[2].location.key, std::string("ck/") + k_job_a + "/chk-7");

  const SnapshotRecord& savepoint = found.snapshots[1];
  EXPECT_EQ(savepoint.kind, SnapshotKind::savepoint);
  EXPECT_EQ(savepoint.status, SnapshotStatus::complete);
  EXPECT_FALSE(savepoint.job_id);
  EXPECT_EQ(savepoint.job_prefix, "0dc38d");
  EXPECT_EQ(savepoint.checkpoint_id, 5);
  EXPECT_EQ(savepoint.metadata_version, 6);
  EXPECT_EQ(savepoint.format, "CANONICAL");
  EXPECT_EQ(savepoint.root, "s3://b/sp");
  EXPECT_EQ(savepoint.metadata_time, at(10));
  EXPECT_EQ(savepoint.objects, 3u);
  EXPECT_EQ(savepoint.referenced_files, 2u);
  EXPECT_EQ(savepoint.missing_files, 0u);

  const SnapshotRecord& checkpoint = found.snapshots[2];
  EXPECT_EQ(checkpoint.kind, SnapshotKind::checkpoint);
  EXPECT_EQ(checkpoint.job_id, k_job_a);
  EXPECT_EQ(checkpoint.directory_number, 7);
  EXPECT_EQ(checkpoint.checkpoint_id, 7);
  // One application: the same operators, the same fingerprint.
  EXPECT_EQ(checkpoint.fingerprint, savepoint.fingerprint);
  EXPECT_EQ(checkpoint.fingerprint->size(), 12u);
}

TEST(SnapshotInventory, OneListingPerRootAndOneReadPerSnapshot) {
  MemoryStore store;
  for (int i = 0; i < 40; ++i) snapshot(store, "sp/savepoint-0dc38d-" + std::to_string(100000000000 + i), i, at(i));
  for (int i = 0; i < 200; ++i) store.put("sp/other/" + std::to_string(i), "x", at(i));
  const Inventory found = inventory(store, {"sp"});
  EXPECT_EQ(found.snapshots.size(), 40u);
  EXPECT_EQ(store.listings, 1);
  EXPECT_EQ(store.reads, 40);
  EXPECT_EQ(store.stat_all_calls, 0);  // every referenced file was in the listing
  EXPECT_EQ(found.objects_listed, 40u * 3 + 200);
}

struct StatusCase {
  const char* name;
  std::function<void(MemoryStore&)> make;
  SnapshotStatus status;
  const char* problem_part;
};

void PrintTo(const StatusCase& c, std::ostream* os) { *os << c.name; }

class StatusTest : public ::testing::TestWithParam<StatusCase> {};

TEST_P(StatusTest, Classifies) {
  MemoryStore store;
  GetParam().make(store);
  const Inventory found = inventory(store, {"sp"});
  ASSERT_EQ(found.snapshots.size(), 1u);
  const SnapshotRecord& record = found.snapshots.front();
  EXPECT_EQ(status_name(record.status), status_name(GetParam().status));
  EXPECT_NE(record.problem.find(GetParam().problem_part), std::string::npos) << record.problem;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, StatusTest,
    ::testing::Values(
        StatusCase{"complete", [](MemoryStore& s) { snapshot(s, "sp/savepoint-0dc38d-a02a65f50dd2", 1, at(1)); },
                   SnapshotStatus::complete, ""},
        StatusCase{"missing_file",
                   [](MemoryStore& s) { snapshot(s, "sp/savepoint-0dc38d-a02a65f50dd2", 1, at(1), true); },
                   SnapshotStatus::incomplete, "1 of 2 state files missing"},
        StatusCase{"bare_marker", [](MemoryStore& s) { s.marker("sp/savepoint-032957-345581eb9057", at(1)); },
                   SnapshotStatus::no_metadata, ""},
        StatusCase{"orphan_files",
                   [](MemoryStore& s) { s.put("sp/savepoint-3cd343-94f50c64d7d0/cbe89f80", "state", at(1)); },
                   SnapshotStatus::no_metadata, ""},
        StatusCase{"corrupt", [](MemoryStore& s) { s.put("sp/savepoint-0dc38d-a02a65f50dd2/_metadata", "garbage", at(1)); },
                   SnapshotStatus::unreadable, "Cannot read savepoint metadata"},
        StatusCase{"truncated",
                   [](MemoryStore& s) {
                     s.put("sp/savepoint-0dc38d-a02a65f50dd2/_metadata", metadata_bytes(1).substr(0, 40), at(1));
                   },
                   SnapshotStatus::unreadable, "at byte"},
        StatusCase{"access_denied",
                   [](MemoryStore& s) {
                     snapshot(s, "sp/savepoint-0dc38d-a02a65f50dd2", 1, at(1));
                     s.fail("sp/savepoint-0dc38d-a02a65f50dd2/_metadata", ErrorClass::storage_access, "AccessDenied");
                   },
                   SnapshotStatus::unreadable, "AccessDenied"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(SnapshotInventory, NoMetadataKeepsTheNewestObjectTime) {
  MemoryStore store;
  store.put("sp/savepoint-3cd343-94f50c64d7d0/a", "state", at(5));
  store.put("sp/savepoint-3cd343-94f50c64d7d0/b", "state", at(9));
  const Inventory found = inventory(store, {"sp"});
  ASSERT_EQ(found.snapshots.size(), 1u);
  EXPECT_EQ(found.snapshots[0].newest_time, at(9));
  EXPECT_FALSE(found.snapshots[0].metadata_time);
  EXPECT_EQ(found.snapshots[0].size, 10u);
}

TEST(SnapshotInventory, AmbiguousSavepointPrefixes) {
  MemoryStore store;
  snapshot(store, std::string("ck/") + k_job_a + "/chk-1", 1, at(1));
  snapshot(store, std::string("ck/") + k_job_b + "/chk-1", 1, at(2));
  snapshot(store, "sp/savepoint-0dc38d-a02a65f50dd2", 3, at(3));
  snapshot(store, "sp/savepoint-c0ffee-a02a65f50dd2", 4, at(4));
  const Inventory found = inventory(store, {"sp", "ck"});
  EXPECT_TRUE(find(found, "sp/savepoint-0dc38d-a02a65f50dd2").job_ambiguous);
  EXPECT_FALSE(find(found, "sp/savepoint-c0ffee-a02a65f50dd2").job_ambiguous);
}

TEST(SnapshotInventory, JobFilterTakesCheckpointsByIdAndSavepointsByPrefix) {
  MemoryStore store;
  snapshot(store, std::string("ck/") + k_job_a + "/chk-1", 1, at(1));
  snapshot(store, std::string("ck/") + k_job_b + "/chk-2", 2, at(2));
  snapshot(store, "sp/savepoint-0dc38d-a02a65f50dd2", 3, at(3));
  snapshot(store, "sp/savepoint-c0ffee-a02a65f50dd2", 4, at(4));
  InventoryOptions options;
  options.job_id = k_job_a;
  const Inventory found = inventory(store, {"sp", "ck"}, options);
  ASSERT_EQ(found.snapshots.size(), 2u);
  EXPECT_EQ(found.snapshots[0].location.key, std::string("ck/") + k_job_a + "/chk-1");
  EXPECT_EQ(found.snapshots[1].location.key, "sp/savepoint-0dc38d-a02a65f50dd2");
  EXPECT_TRUE(found.snapshots[1].job_ambiguous);  // job B shares the prefix
  EXPECT_EQ(store.reads, 2);                       // the others are not read
}

TEST(SnapshotInventory, RootsOfEveryShape) {
  MemoryStore store;
  snapshot(store, std::string("ck/") + k_job_a + "/chk-4", 4, at(4));
  snapshot(store, std::string("ck/") + k_job_a + "/chk-5", 5, at(5));
  snapshot(store, "renamed/my-savepoint", 9, at(9));
  // A job's checkpoint directory.
  EXPECT_EQ(inventory(store, {std::string("ck/") + k_job_a}).snapshots.size(), 2u);
  // A snapshot directory, and its _metadata.
  const Inventory one = inventory(store, {std::string("ck/") + k_job_a + "/chk-4"});
  ASSERT_EQ(one.snapshots.size(), 1u);
  EXPECT_EQ(one.snapshots[0].job_id, k_job_a);
  EXPECT_EQ(inventory(store, {std::string("ck/") + k_job_a + "/chk-5/_metadata"}).snapshots.at(0).checkpoint_id, 5);
  // A directory with _metadata but no name Flink gives: a snapshot all the same, its kind from
  // the metadata, with the objects beside _metadata.
  const Inventory renamed = inventory(store, {"renamed"});
  ASSERT_EQ(renamed.snapshots.size(), 1u);
  EXPECT_EQ(renamed.snapshots[0].kind, SnapshotKind::savepoint);
  EXPECT_EQ(renamed.snapshots[0].status, SnapshotStatus::complete);
  EXPECT_EQ(renamed.snapshots[0].objects, 3u);
}

TEST(SnapshotInventory, BadRootsAreErrors) {
  MemoryStore store;
  store.put("sp/notes.txt", "x");
  const auto error_of = [&](const std::string& root) {
    try {
      inventory(store, {root});
    } catch (const CliError& error) {
      return std::make_pair(error.error_class(), std::string(error.what()));
    }
    return std::make_pair(ErrorClass::usage, std::string("no error"));
  };
  const auto file = error_of("sp/notes.txt");
  EXPECT_EQ(file.first, ErrorClass::not_found);
  EXPECT_NE(file.second.find("is a file, not a directory"), std::string::npos) << file.second;
  const auto missing = error_of("nothing-here");
  EXPECT_EQ(missing.first, ErrorClass::not_found);
  EXPECT_NE(missing.second.find("No such directory: s3://b/nothing-here"), std::string::npos) << missing.second;
  // A refused listing stops the inventory: it is no snapshot's problem.
  store.fail("sp/", ErrorClass::storage_access, "Access denied listing s3://b/sp");
  EXPECT_EQ(error_of("sp").first, ErrorClass::storage_access);
}

TEST(SnapshotInventory, FilesOutsideTheRootsAreLookedUp) {
  MemoryStore store;
  // Incremental RocksDB: shared/ files by absolute path, under the job's directory.
  MetadataWriter w = sample_savepoint(6);
  std::string bytes = w.bytes;
  // Point the mapper's relative file at an absolute path outside the listed root instead.
  const std::string relative = std::string("\x06\x00\x24", 3) + k_mapper_file;
  const auto at_mapper = bytes.find(relative);
  ASSERT_NE(at_mapper, std::string::npos);
  MetadataWriter absolute;
  absolute.file_stream("s3://b/elsewhere/" + std::string(k_mapper_file), k_mapper_file_size);
  bytes.replace(at_mapper, relative.size() + 8, absolute.bytes);
  store.put("sp/savepoint-0dc38d-a02a65f50dd2/_metadata", bytes, at(1));
  store.put(std::string("sp/savepoint-0dc38d-a02a65f50dd2/") + k_source_file, "s", at(1));
  store.put("elsewhere/" + std::string(k_mapper_file), "m", at(1));
  Inventory found = inventory(store, {"sp"});
  ASSERT_EQ(found.snapshots.size(), 1u);
  EXPECT_EQ(found.snapshots[0].status, SnapshotStatus::complete);
  EXPECT_EQ(store.stat_all_calls, 1);
  store.objects.erase("elsewhere/" + std::string(k_mapper_file));
  found = inventory(store, {"sp"});
  EXPECT_EQ(found.snapshots[0].status, SnapshotStatus::incomplete);
  EXPECT_EQ(found.snapshots[0].missing_sample.at(0).display(), "s3://b/elsewhere/" + std::string(k_mapper_file));
}

// --- latest ----------------------------------------------------------------------------------------

SnapshotRecord record(const std::string& key, SnapshotKind kind, std::int64_t id, WallTime time,
                      SnapshotStatus status = SnapshotStatus::complete) {
  SnapshotRecord r;
  r.location = MemoryStore::at(key);
  r.kind = kind;
  r.checkpoint_id = id;
  r.metadata_time = time;
  r.status = status;
  if (kind == SnapshotKind::checkpoint) r.job_id = key.substr(key.find('/') + 1, 32);
  return r;
}

struct LatestCase {
  const char* name;
  std::vector<SnapshotRecord> snapshots;
  std::optional<std::size_t> expected;
};

void PrintTo(const LatestCase& c, std::ostream* os) { *os << c.name; }

class LatestTest : public ::testing::TestWithParam<LatestCase> {};

TEST_P(LatestTest, Selects) { EXPECT_EQ(select_latest(GetParam().snapshots), GetParam().expected); }

const std::string k_a_dir = std::string("ck/") + k_job_a;
const std::string k_c_dir = std::string("ck/") + k_job_c;

INSTANTIATE_TEST_SUITE_P(
    Cases, LatestTest,
    ::testing::Values(
        LatestCase{"none", {}, std::nullopt},
        LatestCase{"none_complete",
                   {record("sp/savepoint-0dc38d-1", SnapshotKind::savepoint, 1, at(1), SnapshotStatus::incomplete),
                    record("sp/savepoint-0dc38d-2", SnapshotKind::savepoint, 2, at(2), SnapshotStatus::unreadable)},
                   std::nullopt},
        LatestCase{"newest_time",
                   {record("sp/savepoint-0dc38d-1", SnapshotKind::savepoint, 9, at(5)),
                    record("sp/savepoint-0dc38d-2", SnapshotKind::savepoint, 2, at(8))},
                   1},
        LatestCase{"skips_incomplete",
                   {record("sp/savepoint-0dc38d-1", SnapshotKind::savepoint, 1, at(5)),
                    record("sp/savepoint-0dc38d-2", SnapshotKind::savepoint, 2, at(8), SnapshotStatus::incomplete)},
                   0},
        LatestCase{"tie_by_checkpoint_id",
                   {record("sp/savepoint-0dc38d-1", SnapshotKind::savepoint, 4, at(5)),
                    record("sp/savepoint-0dc38d-2", SnapshotKind::savepoint, 3, at(5))},
                   0},
        // One job's checkpoint directory: the checkpoint id decides, not a skewed clock.
        LatestCase{"one_job_by_id",
                   {record(k_a_dir + "/chk-12", SnapshotKind::checkpoint, 12, at(9)),
                    record(k_a_dir + "/chk-13", SnapshotKind::checkpoint, 13, at(3))},
                   1},
        LatestCase{"two_jobs_by_time",
                   {record(k_a_dir + "/chk-12", SnapshotKind::checkpoint, 12, at(9)),
                    record(k_c_dir + "/chk-13", SnapshotKind::checkpoint, 13, at(3))},
                   0},
        LatestCase{"checkpoints_and_savepoints_by_time",
                   {record(k_a_dir + "/chk-12", SnapshotKind::checkpoint, 12, at(3)),
                    record("sp/savepoint-0dc38d-2", SnapshotKind::savepoint, 11, at(4))},
                   1}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(SnapshotNames, AsFlinkWritesThem) {
  EXPECT_TRUE(is_savepoint_directory_name("savepoint-0dc38d-a02a65f50dd2"));
  EXPECT_FALSE(is_savepoint_directory_name("savepoint-0dc38d"));
  EXPECT_FALSE(is_savepoint_directory_name("savepoint-XYZ38d-a02a65f50dd2"));
  EXPECT_FALSE(is_savepoint_directory_name("savepoints"));
  EXPECT_EQ(checkpoint_directory_number("chk-42"), 42);
  EXPECT_FALSE(checkpoint_directory_number("chk-"));
  EXPECT_FALSE(checkpoint_directory_number("chk-4x"));
  EXPECT_FALSE(checkpoint_directory_number("chk-9999999999999999999"));  // beyond a long
  EXPECT_TRUE(is_job_id_name(k_job_a));
  EXPECT_FALSE(is_job_id_name("shared"));
}

}  // namespace
}  // namespace flinkcli::testing
