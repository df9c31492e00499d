// The one reading of `file:` URIs (core/file_uri.hpp), shared by snapshot locations, inspect's
// local path and the savepoint a restore reports.
#include <gtest/gtest.h>

#include "flinkcli/core/file_uri.hpp"

namespace flinkcli::testing {
namespace {

TEST(FileUri, SplitsHostAndPath) {
  const struct {
    std::string text;
    std::string host;
    std::string path;
    bool local;
  } cases[] = {
      {"file:/data/sp", "", "/data/sp", true},
      {"file:///data/sp", "", "/data/sp", true},
      {"file://localhost/data/sp", "localhost", "/data/sp", true},
      {"FILE://LocalHost/data/sp", "localhost", "/data/sp", true},
      {"File:/data/sp", "", "/data/sp", true},
      {"file://nn:8020/data/sp", "nn:8020", "/data/sp", false},
      {"file://localhost", "localhost", "/", true},
      {"file://", "", "/", true},
      {"file:", "", "", true},
      {"file:sp/x", "", "sp/x", true},              // relative: the caller decides
      {"file:/data//sp/../x/", "", "/data//sp/../x/", true},  // the path unchanged
  };
  for (const auto& c : cases) {
    const auto uri = parse_file_uri(c.text);
    ASSERT_TRUE(uri) << c.text;
    EXPECT_EQ(uri->host, c.host) << c.text;
    EXPECT_EQ(uri->path, c.path) << c.text;
    EXPECT_EQ(uri->is_local(), c.local) << c.text;
  }
}

TEST(FileUri, OtherSchemesAndPlainPathsAreNotFileUris) {
  for (const std::string text : {"/data/sp", "data/sp", "s3://bucket/file:/x", "hdfs://nn/x", "fil:/x", "files:/x", ""}) {
    EXPECT_FALSE(parse_file_uri(text)) << text;
  }
}

}  // namespace
}  // namespace flinkcli::testing
