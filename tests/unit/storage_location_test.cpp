// The one parser of snapshot locations: local paths, file URIs and the three S3 schemes, and the
// key helpers the S3 listing and reading will use.
#include <gtest/gtest.h>

#include "flinkcli/core/error.hpp"
#include "flinkcli/storage/location.hpp"

namespace flinkcli::testing {
namespace {

const std::filesystem::path k_cwd = "/home/user/work";

TEST(StorageLocation, LocalPathsAndFileUris) {
  const struct {
    std::string text;
    std::string path;
  } cases[] = {
      {"/data/sp/savepoint-a-b", "/data/sp/savepoint-a-b"},
      {"/data/sp/savepoint-a-b/", "/data/sp/savepoint-a-b"},
      {"/data//sp/./x/../savepoint-a-b", "/data/sp/savepoint-a-b"},
      {"sp/savepoint-a-b", "/home/user/work/sp/savepoint-a-b"},
      {"./sp", "/home/user/work/sp"},
      {"../other/sp", "/home/user/other/sp"},  // leaving the directory is fine for local paths
      {"..", "/home/user"},
      {"/", "/"},
      {"file:/data/sp", "/data/sp"},
      {"file:///data/sp/", "/data/sp"},
      {"file://localhost/data/sp", "/data/sp"},
      {"FILE://LocalHost/data/sp", "/data/sp"},
      {"file:///", "/"},
      {"file:///a%20b/c d", "/a%20b/c d"},  // no percent-decoding, as Flink's Path
      {"sp/x:y", "/home/user/work/sp/x:y"},  // a colon after a slash is no scheme
  };
  for (const auto& c : cases) {
    const Location location = parse_location(c.text, k_cwd);
    EXPECT_EQ(location.kind, LocationKind::local) << c.text;
    EXPECT_EQ(location.local_path, c.path) << c.text;
    EXPECT_EQ(location.display(), c.path) << c.text;
    EXPECT_EQ(location.text, c.text);
  }
}

TEST(StorageLocation, S3SchemesKeepKeyBytes) {
  const struct {
    std::string text;
    std::string scheme;
    std::string bucket;
    std::string key;
  } cases[] = {
      {"s3://flink-state/savepoints/savepoint-a-b", "s3", "flink-state", "savepoints/savepoint-a-b"},
      {"s3a://flink-state/savepoints/savepoint-a-b/", "s3a", "flink-state", "savepoints/savepoint-a-b"},
      {"s3p://flink-state/savepoints/savepoint-a-b/_metadata", "s3p", "flink-state",
       "savepoints/savepoint-a-b/_metadata"},
      {"S3://flink-state/x", "s3", "flink-state", "x"},
      {"s3://flink-state", "s3", "flink-state", ""},
      {"s3://flink-state/", "s3", "flink-state", ""},
      {"s3://b//a///c//", "s3", "b", "a/c"},  // runs of '/' become one, as Flink's Path
      {"s3://b/with space/a+b/%20/ü", "s3", "b", "with space/a+b/%20/ü"},
      {"s3://b/a/.x/..y/...", "s3", "b", "a/.x/..y/..."},  // only whole '.'/'..' segments are refused
  };
  for (const auto& c : cases) {
    const Location location = parse_location(c.text, k_cwd);
    EXPECT_EQ(location.kind, LocationKind::s3) << c.text;
    EXPECT_TRUE(location.is_s3());
    EXPECT_EQ(location.scheme, c.scheme) << c.text;
    EXPECT_EQ(location.bucket, c.bucket) << c.text;
    EXPECT_EQ(location.key, c.key) << c.text;
    EXPECT_EQ(location.display(), c.scheme + "://" + c.bucket + (c.key.empty() ? "" : "/" + c.key));
  }
}

TEST(StorageLocation, RefusedWithOneUsageLine) {
  const struct {
    std::string text;
    std::string message_part;
  } cases[] = {
      {"", "Empty location"},
      {"s3://", "no bucket"},
      {"s3:///key", "no bucket"},
      {"s3a://", "no bucket"},
      {"s3:/bucket/key", "expected s3://bucket/key"},
      {"s3:bucket", "expected s3://bucket/key"},
      {"hdfs://nn:8020/sp", "hdfs:// is not supported yet: only local paths and s3://"},
      {"gs://bucket/sp", "gs:// is not supported yet: only local paths and s3://"},
      {"oss://bucket/sp", "not supported yet"},
      {"sp:x/y", "sp:// is not supported yet"},
      {"file://otherhost/data", "names a host (otherhost)"},
      {"file:relative/x", "needs an absolute path"},
      {"s3://b/a/../c", "'.' and '..' are not allowed"},
      {"s3://b/./c", "'.' and '..' are not allowed"},
      {"s3://b/a/..", "'.' and '..' are not allowed"},
  };
  for (const auto& c : cases) {
    try {
      parse_location(c.text, k_cwd);
      ADD_FAILURE() << "accepted: " << c.text;
    } catch (const CliError& error) {
      EXPECT_EQ(error.error_class(), ErrorClass::usage) << c.text;
      EXPECT_EQ(error.exit_code(), 1);
      EXPECT_NE(std::string(error.what()).find(c.message_part), std::string::npos) << error.what();
      EXPECT_EQ(std::string(error.what()).find('\n'), std::string::npos) << error.what();
    }
  }
}

TEST(StorageLocation, JoinKey) {
  const struct {
    std::string prefix;
    std::string name;
    std::string joined;
  } cases[] = {
      {"", "_metadata", "_metadata"},
      {"sp/savepoint-a-b", "_metadata", "sp/savepoint-a-b/_metadata"},
      {"sp/savepoint-a-b/", "_metadata", "sp/savepoint-a-b/_metadata"},
      {"sp", "/abs", "sp/abs"},
      {"sp", "a b+c", "sp/a b+c"},
      {"sp/", "", "sp/"},
  };
  for (const auto& c : cases) EXPECT_EQ(join_key(c.prefix, c.name), c.joined) << c.prefix << " + " << c.name;
}

TEST(StorageLocation, ParentPrefix) {
  const struct {
    std::string key;
    std::string parent;
  } cases[] = {
      {"sp/savepoint-a-b/_metadata", "sp/savepoint-a-b/"},
      {"sp/savepoint-a-b/", "sp/"},
      {"sp/savepoint-a-b", "sp/"},
      {"_metadata", ""},
      {"sp/", ""},
      {"", ""},
  };
  for (const auto& c : cases) EXPECT_EQ(parent_prefix(c.key), c.parent) << c.key;
}

}  // namespace
}  // namespace flinkcli::testing
