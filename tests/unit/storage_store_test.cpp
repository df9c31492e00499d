// The two snapshot stores behind one interface: the local file system, and S3 through the fake
// bucket (tests/fake/fake_s3.hpp), counting the requests each call costs. Then `flink inspect`
// of the same savepoint on S3 and on disk, through the built binary.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "fake/fake_s3.hpp"
#include "fake/sample_savepoint.hpp"
#include "fake/test_support.hpp"
#include "flinkcli/storage/snapshot_store.hpp"

namespace flinkcli::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

constexpr const char* k_bucket = "flink-state";

Location local(const fs::path& path) { return parse_location(path.string(), "/"); }
Location s3(const std::string& key) { return parse_location(std::string("s3://") + k_bucket + "/" + key, "/"); }

ErrorClass error_class_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const CliError& error) {
    return error.error_class();
  }
  ADD_FAILURE() << "no error";
  return ErrorClass::usage;
}

// --- local ---------------------------------------------------------------------------------------

class LocalStoreTest : public ::testing::Test {
 protected:
  LocalStoreTest() : store(make_snapshot_store(LocationKind::local, context())) {}
  StoreContext context() { return StoreContext{config, [](const std::string&) { return std::nullopt; }, clock, clock.now() + milliseconds(5000), milliseconds(2000)}; }

  TempDir scratch;
  Configuration config;
  SystemClock clock;
  std::unique_ptr<SnapshotStore> store;
};

// Two listings, and a listing and a stat, give a file the same time: snapshots sort by it, and a
// time that moves by a few nanoseconds per call reorders ties.
TEST_F(LocalStoreTest, TimesAreTheSameEveryCall) {
  for (int i = 0; i < 20; ++i) scratch.write("sp/f" + std::to_string(i), "x");
  std::map<std::string, std::chrono::system_clock::time_point> first;
  store->list(local(scratch / "sp"), [&](const StoredObject& object) {
    first[object.location.local_path.string()] = *object.modified;
    return true;
  });
  for (int round = 0; round < 5; ++round) {
    store->list(local(scratch / "sp"), [&](const StoredObject& object) {
      EXPECT_EQ(first.at(object.location.local_path.string()), *object.modified);
      return true;
    });
  }
  for (const auto& [path, time] : first) EXPECT_EQ(store->stat(local(path))->modified, time);
}

TEST_F(LocalStoreTest, Stat) {
  scratch.write("sp/_metadata", std::string(42, 'm'));
  scratch.write("sp/empty", "");
  const auto file = store->stat(local(scratch / "sp/_metadata"));
  ASSERT_TRUE(file);
  EXPECT_EQ(file->size, 42u);
  EXPECT_TRUE(file->modified);
  EXPECT_EQ(store->stat(local(scratch / "sp/empty"))->size, 0u);
  EXPECT_FALSE(store->stat(local(scratch / "sp")));  // a directory is no object
  EXPECT_FALSE(store->stat(local(scratch / "sp/missing")));
  EXPECT_FALSE(store->stat(local(scratch / "sp/_metadata/below")));  // not a directory
  EXPECT_TRUE(store->is_directory(local(scratch / "sp")));
  EXPECT_FALSE(store->is_directory(local(scratch / "sp/_metadata")));
  EXPECT_FALSE(store->is_directory(local(scratch / "missing")));
}

TEST_F(LocalStoreTest, ReadChecksTheSizeFirst) {
  const auto path = scratch.write("sp/_metadata", "0123456789");
  EXPECT_EQ(store->read(local(path), 10, ErrorClass::bad_savepoint), "0123456789");
  EXPECT_EQ(error_class_of([&] { store->read(local(path), 9, ErrorClass::bad_savepoint); }), ErrorClass::bad_savepoint);
  EXPECT_EQ(error_class_of([&] { store->read(local(scratch / "sp/missing"), 9, ErrorClass::bad_savepoint); }),
            ErrorClass::not_found);
  EXPECT_EQ(error_class_of([&] { store->read(local(scratch / "sp"), 9, ErrorClass::bad_savepoint); }), ErrorClass::not_found);
  if (::geteuid() != 0) {
    // Unreadable and too large: the size decides before any read is tried.
    ::chmod(path.c_str(), 0);
    EXPECT_EQ(error_class_of([&] { store->read(local(path), 9, ErrorClass::bad_savepoint); }), ErrorClass::bad_savepoint);
    ::chmod(path.c_str(), 0644);
  }
}

TEST_F(LocalStoreTest, ReadRange) {
  const auto path = scratch.write("f", "0123456789");
  const struct {
    std::uint64_t offset, length;
    std::string bytes;
  } cases[] = {{0, 10, "0123456789"}, {3, 4, "3456"}, {8, 10, "89"}, {10, 5, ""}, {20, 5, ""}, {0, 0, ""}};
  for (const auto& c : cases) EXPECT_EQ(store->read_range(local(path), c.offset, c.length), c.bytes) << c.offset << "+" << c.length;
  // A length from a damaged reference: what is there, without making room for all of it first.
  EXPECT_EQ(store->read_range(local(path), 3, std::uint64_t{1} << 40), "3456789");
  EXPECT_EQ(store->read_range(local(path), 0, UINT64_MAX), "0123456789");
  EXPECT_EQ(store->read_range(local(path), UINT64_MAX, 2), "");
  EXPECT_EQ(error_class_of([&] { store->read_range(local(scratch / "missing"), 0, 1); }), ErrorClass::not_found);
}

TEST_F(LocalStoreTest, ListIsRecursiveAndSkipsDirectories) {
  scratch.write("chk-1/_metadata", "m");
  scratch.write("chk-1/a", "aa");
  scratch.write("chk-1/deep/er/b", "bbb");
  fs::create_directories(scratch / "chk-1/empty-dir");
  std::map<std::string, std::uint64_t> seen;
  store->list(local(scratch / "chk-1"), [&](const StoredObject& object) {
    seen[fs::relative(object.location.local_path, scratch / "chk-1").string()] = object.size;
    EXPECT_EQ(object.location.kind, LocationKind::local);
    return true;
  });
  EXPECT_EQ(seen, (std::map<std::string, std::uint64_t>{{"_metadata", 1}, {"a", 2}, {"deep/er/b", 3}}));
  int visited = 0;
  store->list(local(scratch / "chk-1"), [&](const StoredObject&) { return ++visited < 2; });
  EXPECT_EQ(visited, 2);
  store->list(local(scratch / "missing"), [&](const StoredObject&) {
    ADD_FAILURE() << "nothing to list";
    return true;
  });
}

TEST_F(LocalStoreTest, RemoveCountsMissingAsDeleted) {
  const auto a = scratch.write("sp/a", "a");
  const auto b = scratch.write("sp/b", "b");
  const auto failures = store->remove({local(a), local(b), local(scratch / "sp/never-there")});
  EXPECT_TRUE(failures.empty());
  EXPECT_FALSE(fs::exists(a));
  EXPECT_FALSE(fs::exists(b));
}

TEST_F(LocalStoreTest, PermissionDeniedIsStorageAccess) {
  if (::geteuid() == 0) GTEST_SKIP() << "running as root: permissions do not stop root, so nothing is denied";
  const auto file = scratch.write("locked/sp/_metadata", "m");
  const auto unreadable = scratch.write("open/_metadata", "m");
  ::chmod(unreadable.c_str(), 0);
  EXPECT_EQ(error_class_of([&] { store->read(local(unreadable), 100, ErrorClass::bad_savepoint); }), ErrorClass::storage_access);
  EXPECT_EQ(error_class_of([&] { store->read_range(local(unreadable), 0, 1); }), ErrorClass::storage_access);
  ::chmod((scratch / "locked").c_str(), 0);  // nothing below can be looked up
  EXPECT_EQ(error_class_of([&] { store->stat(local(file)); }), ErrorClass::storage_access);
  EXPECT_EQ(error_class_of([&] { store->read(local(file), 100, ErrorClass::bad_savepoint); }), ErrorClass::storage_access);
  const auto failures = store->remove({local(file)});
  EXPECT_EQ(failures.size(), 1u);
  ::chmod((scratch / "locked").c_str(), 0755);
  ::chmod(unreadable.c_str(), 0644);
}

// --- S3 ------------------------------------------------------------------------------------------

class S3StoreTest : public ::testing::Test {
 protected:
  S3StoreTest() {
    config.set("s3.endpoint", fake.endpoint(), "test");
    config.set("s3.access-key", "AKIDEXAMPLE", "test");
    config.set("s3.secret-key", "secret", "test");
    store = make_snapshot_store(LocationKind::s3,
                                StoreContext{config, [](const std::string&) { return std::nullopt; }, clock,
                                             clock.now() + milliseconds(10000), milliseconds(3000)});
    fake.make_bucket(k_bucket);
  }

  FakeS3 fake;
  Configuration config;
  SystemClock clock;
  std::unique_ptr<SnapshotStore> store;
};

TEST_F(S3StoreTest, StatAndDirectories) {
  fake.put(k_bucket, "sp/_metadata", std::string(42, 'm'));
  fake.put(k_bucket, "marked/", "");  // a directory marker, nothing else
  fake.put(k_bucket, "deep/a/b/c", "x");
  const auto object = store->stat(s3("sp/_metadata"));
  ASSERT_TRUE(object);
  EXPECT_EQ(object->size, 42u);
  EXPECT_EQ(object->location.display(), "s3://flink-state/sp/_metadata");
  EXPECT_FALSE(store->stat(s3("sp/missing")));
  EXPECT_FALSE(store->stat(s3("sp")));
  EXPECT_FALSE(store->stat(parse_location("s3://flink-state", "/")));
  EXPECT_TRUE(store->is_directory(s3("sp")));
  EXPECT_TRUE(store->is_directory(s3("marked")));
  EXPECT_TRUE(store->is_directory(s3("deep")));
  EXPECT_FALSE(store->is_directory(s3("sp/_metadata")));
  EXPECT_FALSE(store->is_directory(s3("nothing")));
  EXPECT_FALSE(store->is_directory(s3("s")));  // a prefix of a name is no directory
  EXPECT_TRUE(store->is_directory(parse_location("s3://flink-state", "/")));
}

TEST_F(S3StoreTest, ReadIsHeadThenGetAndNeverDownloadsWhatIsTooLarge) {
  fake.put(k_bucket, "sp/_metadata", "0123456789");
  fake.put_huge(k_bucket, "huge/_metadata", std::uint64_t{5} << 30);
  EXPECT_EQ(store->read(s3("sp/_metadata"), 100, ErrorClass::bad_savepoint), "0123456789");
  EXPECT_EQ(fake.count("HEAD"), 1);
  EXPECT_EQ(fake.count("GET"), 1);
  try {
    store->read(s3("huge/_metadata"), 1 << 20, ErrorClass::bad_savepoint);
    ADD_FAILURE() << "read";
  } catch (const CliError& error) {
    EXPECT_EQ(error.error_class(), ErrorClass::bad_savepoint);
    EXPECT_NE(std::string(error.what()).find("5368709120 bytes"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("s3://flink-state/huge/_metadata"), std::string::npos) << error.what();
  }
  EXPECT_EQ(fake.count("GET"), 1);  // the huge object was never asked for
  EXPECT_EQ(error_class_of([&] { store->read(s3("sp/missing"), 100, ErrorClass::bad_savepoint); }), ErrorClass::not_found);
  EXPECT_EQ(store->read_range(s3("sp/_metadata"), 2, 3), "234");
  EXPECT_EQ(store->read_range(s3("sp/_metadata"), 8, 5), "89");
}

TEST_F(S3StoreTest, ObjectThatShrankBetweenHeadAndGet) {
  fake.put(k_bucket, "sp/_metadata", "0123456789");
  fake.intercept = [&](const FakeS3Request& request, int) -> std::optional<FakeS3Reply> {
    if (request.method != "GET") return std::nullopt;
    return FakeS3Reply{200, "01234", {{"ETag", "\"e\""}}, "application/octet-stream"};
  };
  EXPECT_EQ(error_class_of([&] { store->read(s3("sp/_metadata"), 100, ErrorClass::bad_savepoint); }), ErrorClass::operation_failed);
}

TEST_F(S3StoreTest, ListSkipsMarkersAndPages) {
  fake.page_size = 3;
  for (const std::string key : {"chk-1/", "chk-1/_metadata", "chk-1/a", "chk-1/shared/", "chk-1/shared/b", "chk-1/x y+z",
                                "chk-10/not-mine", "chk-2/other"}) {
    fake.put(k_bucket, key, key);
  }
  std::set<std::string> seen;
  store->list(s3("chk-1"), [&](const StoredObject& object) {
    seen.insert(object.location.key);
    EXPECT_EQ(object.size, object.location.key.size());
    EXPECT_TRUE(object.modified);
    return true;
  });
  EXPECT_EQ(seen, (std::set<std::string>{"chk-1/_metadata", "chk-1/a", "chk-1/shared/b", "chk-1/x y+z"}));
  EXPECT_EQ(fake.count("GET", "list"), 2);
  // Stopping ends the listing: no further page is asked for.
  int visited = 0;
  store->list(s3("chk-1"), [&](const StoredObject&) { return ++visited < 1; });
  EXPECT_EQ(visited, 1);
  EXPECT_EQ(fake.count("GET", "list"), 3);
}

TEST_F(S3StoreTest, ListWithDirectoriesShowsMarkersWithoutTheirSlash) {
  for (const std::string key : {"sp/", "sp/savepoint-032957-345581eb9057/", "sp/savepoint-0dc38d-a02a65f50dd2/_metadata"}) {
    fake.put(k_bucket, key, "");
  }
  std::set<std::pair<std::string, bool>> seen;
  store->list(s3("sp"), [&](const StoredObject& object) {
    seen.insert({object.location.key, object.directory});
    return true;
  }, true);
  // The root's own marker is not below it.
  EXPECT_EQ(seen, (std::set<std::pair<std::string, bool>>{{"sp/savepoint-032957-345581eb9057", true},
                                                          {"sp/savepoint-0dc38d-a02a65f50dd2/_metadata", false}}));
}

TEST_F(S3StoreTest, ReadListedIsOneGetWithoutHead) {
  fake.put(k_bucket, "sp/_metadata", "0123456789");
  std::optional<StoredObject> listed;
  store->list(s3("sp"), [&](const StoredObject& object) {
    listed = object;
    return true;
  });
  ASSERT_TRUE(listed);
  EXPECT_EQ(store->read_listed(*listed, 100, ErrorClass::bad_savepoint), "0123456789");
  EXPECT_EQ(fake.count("HEAD"), 0);
  EXPECT_EQ(fake.count("GET", "object"), 1);
  // Its listed size is checked before anything is downloaded.
  EXPECT_EQ(error_class_of([&] { store->read_listed(*listed, 5, ErrorClass::bad_savepoint); }), ErrorClass::bad_savepoint);
  EXPECT_EQ(fake.count("GET", "object"), 1);
}

TEST_F(S3StoreTest, StatAllListsSharedDirectoriesAndHeadsSingletons) {
  // Several state files in the savepoint's directory: one listing, no HEADs.
  std::vector<Location> wanted;
  for (int i = 0; i < 20; ++i) {
    const std::string key = "sp/file-" + std::to_string(100 + i);
    if (i % 5 != 4) fake.put(k_bucket, key, std::string(static_cast<std::size_t>(i), 'x'));  // every fifth is missing
    wanted.push_back(s3(key));
  }
  for (int i = 0; i < 30; ++i) fake.put(k_bucket, "sp/zz-unrelated-" + std::to_string(i), "x");
  auto found = store->stat_all(wanted);
  ASSERT_EQ(found.size(), wanted.size());
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(found[i].has_value(), i % 5 != 4);
    if (found[i]) {
      EXPECT_EQ(found[i]->size, i);
      EXPECT_EQ(found[i]->location.key, wanted[i].key);
    }
  }
  EXPECT_EQ(fake.count("GET", "list"), 1);
  EXPECT_EQ(fake.count("HEAD"), 0);
  const auto list_request = fake.requests().back();
  EXPECT_EQ(list_request.param("prefix"), "sp/");

  // Entropy injection: each file under a random prefix of its own: HEADs only.
  std::vector<Location> entropic;
  for (int i = 0; i < 12; ++i) {
    const std::string key = "a" + std::to_string(7919 * i % 1000) + "b/chk-1/file-" + std::to_string(i);
    if (i != 5) fake.put(k_bucket, key, "xy");
    entropic.push_back(s3(key));
  }
  found = store->stat_all(entropic);
  for (std::size_t i = 0; i < entropic.size(); ++i) EXPECT_EQ(found[i].has_value(), i != 5) << i;
  EXPECT_EQ(fake.count("GET", "list"), 1);
  EXPECT_EQ(fake.count("HEAD"), 12);
  EXPECT_TRUE(store->stat_all({}).empty());
}

TEST_F(S3StoreTest, StatAllStopsListingPastTheLastWantedKey) {
  fake.page_size = 2;
  for (int i = 0; i < 40; ++i) fake.put(k_bucket, "sp/k" + std::to_string(10 + i), "x");
  const auto found = store->stat_all({s3("sp/k10"), s3("sp/k13"), s3("sp/k12a")});
  EXPECT_TRUE(found[0]);
  EXPECT_TRUE(found[1]);
  EXPECT_FALSE(found[2]);
  EXPECT_EQ(fake.count("GET", "list"), 2);  // 4 keys cover k13; not the 20 pages of the directory
}

TEST_F(S3StoreTest, StatAllFailureIsThrown) {
  fake.intercept = [](const FakeS3Request&, int) -> std::optional<FakeS3Reply> { return FakeS3Reply{403, "", {}, ""}; };
  EXPECT_EQ(error_class_of([&] { store->stat_all({s3("a/1"), s3("b/2"), s3("c/3")}); }), ErrorClass::storage_access);
}

TEST_F(S3StoreTest, RemoveInBatches) {
  std::vector<Location> locations;
  for (int i = 0; i < 1500; ++i) {
    locations.push_back(s3("chk-1/f" + std::to_string(i)));
    fake.put(k_bucket, locations.back().key, "x");
  }
  locations.push_back(s3("chk-1/never-there"));
  fake.undeletable = {"chk-1/f7"};
  const auto failures = store->remove(locations);
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].location.display(), "s3://flink-state/chk-1/f7");
  EXPECT_EQ(failures[0].reason, "AccessDenied: Access Denied");
  EXPECT_EQ(fake.count("POST", "delete"), 2);
  EXPECT_EQ(fake.object_count(k_bucket), 1u);
}

// --- inspect through the built binary ------------------------------------------------------------

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size()) text.replace(at, from.size(), to);
  return text;
}

TEST(InspectS3, SameAsTheSameFilesOnDisk) {
  TempDir scratch;
  TempDir conf;
  FakeS3 fake;
  const std::string dir = "savepoints/savepoint-a48f8e-f8b2e237b6f8";
  const std::string metadata = sample_savepoint(6).bytes;
  scratch.write(dir + "/_metadata", metadata);
  scratch.write(dir + "/" + k_source_file, std::string(k_source_file_size, 's'));
  scratch.write(dir + "/" + k_mapper_file, std::string(k_mapper_file_size, 'm'));
  fake.put(k_bucket, dir + "/_metadata", metadata);
  fake.put(k_bucket, dir + "/", "");
  fake.put(k_bucket, dir + "/" + k_source_file, std::string(k_source_file_size, 's'));
  fake.put(k_bucket, dir + "/" + k_mapper_file, std::string(k_mapper_file_size, 'm'));
  const std::string env = "env -i FLINK_CONF_DIR='" + conf.path().string() + "' AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=secret "
                          "AWS_ENDPOINT_URL_S3=" + fake.endpoint() + " AWS_REGION=us-east-1 ";
  const std::string binary = FLINK_BINARY;
  for (const std::string format : {"", "-o json "}) {
    SCOPED_TRACE(format);
    const std::string on_disk = run_command(env + binary + " inspect " + format + "'" + (scratch / dir).string() + "' 2>&1; echo exit=$?");
    const std::string on_s3 = run_command(env + binary + " inspect " + format + "s3://" + k_bucket + "/" + dir + " 2>&1; echo exit=$?");
    EXPECT_NE(on_disk.find("exit=0"), std::string::npos) << on_disk;
    const std::string renamed = replace_all(on_s3, std::string("s3://") + k_bucket + "/", scratch.path().string() + "/");
    if (format.empty()) {
      EXPECT_EQ(renamed, on_disk);
    } else {
      // Timing differs, and an object has no local path.
      const auto comparable = [](const std::string& text) {
        auto document = nlohmann::json::parse(text.substr(0, text.find('\n')));
        document.erase("started_at");
        document.erase("duration_ms");
        for (auto& op : document["operators"]) {
          for (auto& file : op["files"]) file.erase("local_path");
        }
        return document;
      };
      EXPECT_EQ(comparable(renamed), comparable(on_disk));
      EXPECT_EQ(renamed.substr(renamed.find('\n')), on_disk.substr(on_disk.find('\n')));
    }
  }
  // Per run: one HEAD of _metadata (found, and its size checked: no second HEAD before the GET),
  // one GET, and the state files found with one listing of the savepoint's directory, not one
  // request each.
  EXPECT_EQ(fake.count("GET", "list"), 2);
  EXPECT_EQ(fake.count("GET", "object"), 2);
  EXPECT_EQ(fake.count("HEAD"), 2);
  // A missing one is reported as missing, as on disk.
  const std::string missing = run_command(env + binary + " inspect s3://" + k_bucket + "/savepoints/nope 2>&1; echo exit=$?");
  EXPECT_NE(missing.find("exit=4"), std::string::npos) << missing;
}

TEST(SnapshotsS3, OneListingAndOneGetPerSnapshotSameAsOnDisk) {
  TempDir scratch;
  TempDir conf;
  FakeS3 fake;
  fake.page_size = 7;  // several pages
  const std::string metadata = sample_savepoint(6).bytes;
  const auto both = [&](const std::string& key, const std::string& bytes) {
    scratch.write("root/" + key, bytes);
    fake.put(k_bucket, "root/" + key, bytes);
  };
  const int snapshots = 12;
  for (int i = 0; i < snapshots; ++i) {
    const std::string dir = "savepoint-a48f8e-0000000000" + std::to_string(10 + i);
    both(dir + "/_metadata", metadata);
    both(dir + "/" + k_source_file, std::string(k_source_file_size, 's'));
    if (i != 3) both(dir + "/" + k_mapper_file, std::string(k_mapper_file_size, 'm'));  // one incomplete
  }
  fake.put(k_bucket, "root/savepoint-032957-345581eb9057/", "");  // a bare marker: no metadata
  std::filesystem::create_directories(scratch / "root/savepoint-032957-345581eb9057");
  const std::string env = "env -i FLINK_CONF_DIR='" + conf.path().string() + "' AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=secret "
                          "AWS_ENDPOINT_URL_S3=" + fake.endpoint() + " AWS_REGION=us-east-1 ";
  const std::string binary = FLINK_BINARY;
  const std::string on_s3 = run_command(env + binary + " snapshots -o json s3://" + k_bucket + "/root 2>&1; echo exit=$?");
  EXPECT_EQ(fake.count("HEAD"), 1);  // is the root an object? (no)
  EXPECT_EQ(fake.count("GET", "object"), snapshots);
  EXPECT_EQ(fake.count("GET", "list"), static_cast<int>((snapshots * 3 - 1 + 1 + 6) / 7));
  const std::string on_disk = run_command(env + binary + " snapshots -o json '" + (scratch / "root").string() + "' 2>&1; echo exit=$?");
  ASSERT_NE(on_s3.find("exit=0"), std::string::npos) << on_s3;
  ASSERT_NE(on_disk.find("exit=0"), std::string::npos) << on_disk;
  const auto statuses = [](const std::string& text) {
    std::map<std::string, std::string> by_name;
    const auto document = nlohmann::json::parse(text.substr(0, text.find('\n')));
    for (const auto& entry : document["snapshots"]) {
      const std::string path = entry["path"];
      by_name[path.substr(path.rfind('/') + 1)] = entry["status"].get<std::string>() + " " + entry["referenced_files"].dump() +
                                                  " " + entry["missing_files"].dump() + " " + entry["fingerprint"].dump();
    }
    return by_name;
  };
  const auto s3_rows = statuses(on_s3);
  EXPECT_EQ(s3_rows, statuses(on_disk));
  EXPECT_EQ(s3_rows.size(), static_cast<std::size_t>(snapshots + 1));
  EXPECT_EQ(s3_rows.at("savepoint-a48f8e-000000000013").rfind("incomplete 2 1", 0), 0u);
  EXPECT_EQ(s3_rows.at("savepoint-032957-345581eb9057"), "no_metadata null null null");
}

TEST(PruneS3, MetadataBatchFirstThenTheRestNothingLeft) {
  TempDir conf;
  FakeS3 fake;
  fake.make_bucket(k_bucket);
  const std::string metadata = sample_savepoint(6).bytes;
  const int snapshots = 12;
  for (int i = 0; i < snapshots; ++i) {
    const std::string dir = "root/savepoint-a48f8e-0000000000" + std::to_string(10 + i);
    fake.put(k_bucket, dir + "/_metadata", metadata);
    fake.put(k_bucket, dir + "/" + k_source_file, std::string(k_source_file_size, 's'));
    fake.put(k_bucket, dir + "/" + k_mapper_file, std::string(k_mapper_file_size, 'm'));
  }
  fake.put(k_bucket, "root/savepoint-a48f8e-000000000010/", "");  // a marker goes too
  const std::string env = "env -i FLINK_CONF_DIR='" + conf.path().string() + "' AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=secret "
                          "AWS_ENDPOINT_URL_S3=" + fake.endpoint() + " AWS_REGION=us-east-1 ";
  const std::string out = run_command(env + FLINK_BINARY + " prune --offline --keep-last 2 -q s3://" + k_bucket +
                                      "/root 2>/dev/null; echo exit=$?");
  EXPECT_NE(out.find("exit=0"), std::string::npos) << out;
  std::vector<std::string> deletes;
  for (const auto& request : fake.requests()) {
    if (request.method == "POST" && request.params.count("delete")) deletes.push_back(request.body);
  }
  ASSERT_GE(deletes.size(), 2u);
  // The first batch: the ten _metadata keys alone.
  std::size_t metadata_keys = 0;
  for (std::size_t at = 0; (at = deletes[0].find("/_metadata</Key>", at)) != std::string::npos; ++at) ++metadata_keys;
  EXPECT_EQ(metadata_keys, 10u) << deletes[0];
  EXPECT_EQ(deletes[0].find(k_source_file), std::string::npos);
  for (std::size_t i = 1; i < deletes.size(); ++i) EXPECT_EQ(deletes[i].find("_metadata"), std::string::npos) << deletes[i];
  // Kept: the two newest (by time, then checkpoint id, then path): 3 objects each.
  EXPECT_EQ(fake.object_count(k_bucket), 6u);
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 10 + 1);  // ten deleted paths, then exit=0
}

}  // namespace
}  // namespace flinkcli::testing
