// Savepoint paths as the JobManager reports them against what the client sent: the identity that
// --verify-restore compares and the "under the directory sent" check of a completed result.
#include <gtest/gtest.h>

#include "flinkcli/commands/savepoint_paths.hpp"

namespace flinkcli::testing {
namespace {

TEST(SavepointPaths, IdentityIgnoresSchemeSpellingsSlashesAndTheMetadataFile) {
  const struct {
    std::string path;
    std::string identity;
  } cases[] = {
      {"file:/data/sp/savepoint-a-b", "/data/sp/savepoint-a-b"},
      {"file:///data/sp/savepoint-a-b/", "/data/sp/savepoint-a-b"},
      {"file://localhost/data/sp/savepoint-a-b", "/data/sp/savepoint-a-b"},
      {"FILE://LocalHost/data/sp/savepoint-a-b", "/data/sp/savepoint-a-b"},
      {"file://nn/data/sp/savepoint-a-b", "file://nn/data/sp/savepoint-a-b"},  // another machine's file
      {"file:sp/savepoint-a-b", "sp/savepoint-a-b"},
      {"/data/sp/savepoint-a-b/_metadata", "/data/sp/savepoint-a-b"},
      {"/data//sp/./x/../savepoint-a-b", "/data/sp/savepoint-a-b"},
      {"s3a://bucket/sp/savepoint-a-b", "s3://bucket/sp/savepoint-a-b"},
      {"s3p://bucket//sp/savepoint-a-b/_metadata", "s3://bucket/sp/savepoint-a-b"},
      {"s3://bucket/sp/savepoint-a-b", "s3://bucket/sp/savepoint-a-b"},
      {"hdfs://nn:8020/sp/savepoint-a-b/", "hdfs://nn:8020/sp/savepoint-a-b"},
  };
  for (const auto& c : cases) EXPECT_EQ(savepoint_identity(c.path), c.identity) << c.path;
}

TEST(SavepointPaths, LiesUnderTheDirectorySent) {
  const struct {
    std::string location;
    std::string directory;
    std::string entropy_key;
    bool under;
  } cases[] = {
      {"file:/data/sp/savepoint-a-b", "file:///data/sp", "", true},
      {"file:/data/sp/savepoint-a-b", "/data/sp/", "", true},
      {"file:/data/sp/savepoint-a-b", "file:///data/other", "", false},
      {"file:/data/sp-old/savepoint-a-b", "file:///data/sp", "", false},  // a prefix is not a parent
      {"file:/data/sp/nested/savepoint-a-b", "/data/sp", "", true},
      {"s3://bucket/sp/savepoint-a-b", "s3a://bucket/sp", "", true},
      {"s3://bucket/sp/savepoint-a-b", "s3://other/sp", "", false},
      // relative: the JobManager resolved it against its working directory
      {"file:/opt/flink/sp/savepoint-a-b", "sp", "", true},
      {"file:/opt/flink/other/savepoint-a-b", "sp", "", false},
      // entropy injection: the key's segment is removed from reported savepoint paths
      {"s3://flink-state/savepoints/savepoint-a-b", "s3://flink-state/_entropy_/savepoints", "_entropy_", true},
      {"s3://flink-state/savepoints/savepoint-a-b", "s3://flink-state/_entropy_/savepoints", "", false},
      {"s3://flink-state/x_entropy_/savepoints/savepoint-a-b", "s3://flink-state/x_entropy_/savepoints", "_entropy_", true},
      {"file:/savepoint-a-b", "/", "", true},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(lies_under(c.location, c.directory, c.entropy_key), c.under) << c.location << " under " << c.directory;
  }
}

}  // namespace
}  // namespace flinkcli::testing
