// The `_metadata` reader on files real Flink clusters wrote (tests/fixtures/real-metadata/, made
// by tests/fixtures/make_real_metadata.sh; how, and from which job, is in each README.md there).
// The other metadata tests parse bytes our own test writer produced, so a misreading shared by
// writer and reader would pass them; these bytes come from Flink 1.20.5 (metadata version 4) and
// 2.3.0 (version 6). The expected operator ids are the vertex ids the JobManager reported, and
// the expected state files are the names and sizes found in the savepoint directories, both
// recorded by the script without this reader.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "flinkcli/metadata/savepoint_metadata.hpp"

namespace flinkcli::testing {
namespace {

using metadata::MetadataError;
using metadata::OperatorState;
using metadata::parse_metadata;
using metadata::SavepointMetadata;

// The sample job's operators (tests/flink-job), by uid: the operator id each uid hashes to (as
// the JobManager reported the vertex ids of source-id and mapper-id, the heads of the job's two
// chains, and as the 2.3.0 files store next to the uids) and the name 2.3.0 stores.
struct ExpectedOperator {
  const char* uid;
  const char* operator_id;
  const char* name_v6;
};
constexpr ExpectedOperator k_operators[] = {
    {"source-id", "bd9c186e89cc37a76d776844dfa8ccba", "Source: source"},
    {"throttle-id", "701f0af75af41f50ad1116e4cee19eea", "throttle"},
    {"mapper-id", "c9cecfed5cae9d489451c50e442666e3", "mapper"},
    {"sink-id", "b2bc5a6680a755404d35a7edb8fc77f4", "sink: Writer"},
};

struct StateFileOnDisk {
  const char* name;  // relative to the savepoint directory
  std::int64_t size;
};

struct Fixture {
  const char* flink_version;
  const char* kind;  // directory name: canonical or native
  int metadata_version;
  std::int64_t checkpoint_id;
  const char* format;
  StateFileOnDisk mapper_file;  // the mapper's keyed state
  StateFileOnDisk source_file;  // the source's operator state (split assignment)
};

// Checkpoint ids and the files beside _metadata: README.md of each version. Of the two files
// of each savepoint, the 265-byte one is the source's split state (the same size in all four).
const Fixture k_fixtures[] = {
    {"1.20.5", "canonical", 4, 1, "CANONICAL",
     {"86a31628-c87b-46d7-a641-f672c3acec9b", 603}, {"eff551c5-cc87-4b6b-9347-faaefc136d06", 265}},
    {"1.20.5", "native", 4, 2, "NATIVE",
     {"549b3504-b475-4b28-967b-77038dc64fe3", 1783}, {"cbc9fc55-d92c-4d1c-a2ec-db96c0cbed15", 265}},
    {"2.3.0", "canonical", 6, 1, "CANONICAL",
     {"dbdc7779-07ca-47b6-bdb5-02c0d2a555fa", 603}, {"e5b1a232-d47d-419b-a5d4-79019a2c67e5", 265}},
    {"2.3.0", "native", 6, 2, "NATIVE",
     {"55d2d808-d14a-4230-948f-a0bb63bb480d", 1783}, {"34f741e1-4d4e-4da4-b78d-7d755ac77b13", 265}},
};

std::string fixture_path(const Fixture& f) {
  return std::string(FLINKCLI_REAL_METADATA_DIR) + "/" + f.flink_version + "/" + f.kind + "/_metadata";
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string fixture_name(const ::testing::TestParamInfo<Fixture>& info) {
  std::string name = std::string("flink_") + info.param.flink_version + "_" + info.param.kind;
  std::replace(name.begin(), name.end(), '.', '_');
  return name;
}

class RealMetadata : public ::testing::TestWithParam<Fixture> {
 protected:
  void SetUp() override {
    bytes = read_file(fixture_path(GetParam()));
    // A few KB, as recorded; a fixture replaced by something else fails here.
    ASSERT_GT(bytes.size(), 1000u);
    ASSERT_LT(bytes.size(), 10000u);
  }

  const OperatorState* by_id(const SavepointMetadata& m, const std::string& id) {
    for (const auto& op : m.operators) {
      if (op.operator_id == id) return &op;
    }
    return nullptr;
  }

  std::string bytes;
};

TEST_P(RealMetadata, HeaderVersionIdAndProperties) {
  const Fixture& f = GetParam();
  const SavepointMetadata m = parse_metadata(bytes);
  EXPECT_EQ(m.version, f.metadata_version);
  EXPECT_EQ(m.checkpoint_id, f.checkpoint_id);
  EXPECT_EQ(m.master_states, 0);
  ASSERT_TRUE(m.snapshot_type.has_value());
  EXPECT_EQ(*m.snapshot_type, "savepoint");
  ASSERT_TRUE(m.format.has_value());
  EXPECT_EQ(*m.format, f.format);
}

TEST_P(RealMetadata, TheFourOperatorsOfTheSampleJob) {
  const Fixture& f = GetParam();
  const SavepointMetadata m = parse_metadata(bytes);
  std::set<std::string> ids;
  for (const auto& op : m.operators) ids.insert(op.operator_id);
  std::set<std::string> expected;
  for (const auto& e : k_operators) expected.insert(e.operator_id);
  EXPECT_EQ(m.operators.size(), 4u);
  EXPECT_EQ(ids, expected);

  for (const auto& e : k_operators) {
    SCOPED_TRACE(e.uid);
    // The hash agrees with the ids Flink assigned.
    EXPECT_EQ(metadata::operator_id_for_uid(e.uid), e.operator_id);
    const OperatorState* op = by_id(m, e.operator_id);
    ASSERT_NE(op, nullptr);
    EXPECT_EQ(op->parallelism, 1);
    EXPECT_EQ(op->max_parallelism, 128);
    EXPECT_EQ(op->subtask_states, 1);
    EXPECT_EQ(op->finished_subtasks, 0);
    EXPECT_FALSE(op->fully_finished);
    if (f.metadata_version >= 5) {
      ASSERT_TRUE(op->uid.has_value());
      EXPECT_EQ(*op->uid, e.uid);
      ASSERT_TRUE(op->name.has_value());
      EXPECT_EQ(*op->name, e.name_v6);
    } else {
      EXPECT_FALSE(op->uid.has_value());
      EXPECT_FALSE(op->name.has_value());
    }
  }
}

TEST_P(RealMetadata, StateKindsFilesAndSizes) {
  const Fixture& f = GetParam();
  const SavepointMetadata m = parse_metadata(bytes);

  const OperatorState* mapper = by_id(m, k_operators[2].operator_id);
  ASSERT_NE(mapper, nullptr);
  EXPECT_TRUE(mapper->kinds.managed_keyed);
  EXPECT_FALSE(mapper->kinds.managed_operator);
  EXPECT_FALSE(mapper->kinds.coordinator);
  EXPECT_TRUE(mapper->has_state);
  ASSERT_EQ(mapper->files.size(), 1u);
  EXPECT_TRUE(mapper->files[0].relative);
  EXPECT_EQ(mapper->path_of(mapper->files[0]), f.mapper_file.name);
  EXPECT_EQ(mapper->files[0].size, f.mapper_file.size);
  EXPECT_EQ(mapper->inline_size, 0);
  EXPECT_EQ(mapper->state_size, f.mapper_file.size);

  // The FLIP-27 source: its reader's split state in a file, its enumerator's state inline.
  const OperatorState* source = by_id(m, k_operators[0].operator_id);
  ASSERT_NE(source, nullptr);
  EXPECT_TRUE(source->kinds.managed_operator);
  EXPECT_TRUE(source->kinds.coordinator);
  EXPECT_FALSE(source->kinds.managed_keyed);
  EXPECT_TRUE(source->has_state);
  ASSERT_EQ(source->files.size(), 1u);
  EXPECT_TRUE(source->files[0].relative);
  EXPECT_EQ(source->path_of(source->files[0]), f.source_file.name);
  EXPECT_EQ(source->files[0].size, f.source_file.size);
  EXPECT_GT(source->inline_size, 0);
  EXPECT_EQ(source->state_size, source->inline_size + f.source_file.size);

  // throttle and sink hold nothing.
  for (const auto* stateless : {by_id(m, k_operators[1].operator_id), by_id(m, k_operators[3].operator_id)}) {
    ASSERT_NE(stateless, nullptr);
    EXPECT_FALSE(stateless->has_state);
    EXPECT_TRUE(stateless->files.empty());
    EXPECT_EQ(stateless->state_size, 0);
  }
}

// The reader needs every byte: each proper prefix (the Java-serialized CheckpointProperties
// trailer included, which runs to the end of the file) is refused with a MetadataError whose
// offset lies within that prefix, and none is read beyond it. The prefixes are separate
// allocations of exactly their size, so a read past the end is one a sanitizer build reports.
TEST_P(RealMetadata, EveryTruncationIsRefusedWithinTheBytesGiven) {
  ASSERT_NO_THROW((void)parse_metadata(bytes));
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    const std::vector<char> prefix(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(size));
    try {
      (void)parse_metadata(std::string_view(prefix.data(), prefix.size()));
      ADD_FAILURE() << "a prefix of " << size << " of " << bytes.size() << " bytes parsed";
    } catch (const MetadataError& error) {
      EXPECT_LE(error.offset(), size) << error.what();
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, RealMetadata, ::testing::ValuesIn(k_fixtures), fixture_name);

}  // namespace
}  // namespace flinkcli::testing
