// The restore check of `inspect --expect-uids` and the uid lookup of `inspect --uid`
// (include/flinkcli/metadata/restore_check.hpp), on the sample job's savepoint (source-id and
// mapper-id with state, throttle-id and sink-id without) in several metadata versions.
#include <gtest/gtest.h>

#include "fake/sample_savepoint.hpp"
#include "flinkcli/metadata/restore_check.hpp"

namespace flinkcli::testing {
namespace {

using metadata::check_restore;
using metadata::operator_id_for_uid;

const std::string k_source = operator_id_for_uid("source-id");
const std::string k_mapper = operator_id_for_uid("mapper-id");
const std::string k_throttle = operator_id_for_uid("throttle-id");
const std::string k_sink = operator_id_for_uid("sink-id");

metadata::SavepointMetadata sample(int version) { return metadata::parse_metadata(sample_savepoint(version).bytes); }

// The sample savepoint as a version 5+ job writes it when the mapper was given no uid.
metadata::SavepointMetadata sample_with_mapper_without_uid(int version) {
  auto savepoint = sample(version);
  for (auto& op : savepoint.operators) {
    if (op.operator_id == k_mapper) op.uid.reset();
  }
  return savepoint;
}

struct Dropped {
  std::string operator_id;
  bool certain;
};

struct RestoreCase {
  const char* name;
  metadata::SavepointMetadata savepoint;
  std::vector<std::string> expected_uids;
  std::vector<Dropped> dropped;
  std::vector<std::string> start_empty;  // uids
  std::size_t unmatched_without_state;
  bool version_note;
};

std::vector<RestoreCase> restore_cases() {
  return {
      {"V6EveryUidMatched", sample(6), {"source-id", "throttle-id", "mapper-id", "sink-id"},
       {}, {"throttle-id", "sink-id"}, 0, false},
      {"V6MissingUidWithStateIsDroppedCertainly", sample(6), {"source-id", "throttle-id", "sink-id"},
       {{k_mapper, true}}, {"throttle-id", "sink-id"}, 0, false},
      {"V6OperatorWithoutUidIsDroppedUncertainly", sample_with_mapper_without_uid(6),
       {"source-id", "throttle-id", "sink-id"},
       {{k_mapper, false}}, {"throttle-id", "sink-id"}, 0, false},
      {"V4StoresNoUids", sample(4), {"source-id", "throttle-id", "sink-id"},
       {{k_mapper, false}}, {"throttle-id", "sink-id"}, 0, true},
      {"V2StoresNoUids", sample(2), {"mapper-id"},
       {{k_source, false}}, {}, 2, true},
      {"StatelessUnmatchedAreCountedNotDropped", sample(6), {"source-id", "mapper-id"},
       {}, {}, 2, false},
      {"DuplicateExpectedUidsCountOnce", sample(6), {"mapper-id", "new-id", "source-id", "mapper-id", "new-id"},
       {}, {"new-id"}, 2, false},
      {"ExpectedUidNotInSavepointStartsEmpty", sample(7), {"source-id", "mapper-id", "brand-new", "sink-id"},
       {}, {"brand-new", "sink-id"}, 1, false},
      {"NothingExpectedDropsEveryStatefulOperator", sample(6), {},
       {{k_source, true}, {k_mapper, true}}, {}, 2, false},
  };
}

TEST(RestoreCheck, Table) {
  for (const auto& row : restore_cases()) {
    SCOPED_TRACE(row.name);
    const auto check = check_restore(row.savepoint, row.expected_uids);
    ASSERT_EQ(check.dropped.size(), row.dropped.size());
    for (std::size_t i = 0; i < row.dropped.size(); ++i) {
      EXPECT_EQ(check.dropped[i].operator_id, row.dropped[i].operator_id) << i;
      EXPECT_EQ(check.dropped[i].certain, row.dropped[i].certain) << i;
      EXPECT_FALSE(check.dropped[i].note.empty()) << i;
    }
    EXPECT_EQ(check.would_drop_state(), !row.dropped.empty());
    std::vector<std::string> start_empty;
    for (const auto& match : check.start_empty) {
      start_empty.push_back(match.uid);
      EXPECT_EQ(match.operator_id, operator_id_for_uid(match.uid));
      EXPECT_FALSE(match.has_state);
    }
    EXPECT_EQ(start_empty, row.start_empty);
    EXPECT_EQ(check.unmatched_without_state, row.unmatched_without_state);
    EXPECT_EQ(check.version_note.has_value(), row.version_note);
  }
}

// Scripts and the JSON document carry these sentences: they are asserted word for word.
TEST(RestoreCheck, DroppedStateNotes) {
  const std::vector<std::string> without_mapper = {"source-id", "throttle-id", "sink-id"};

  const auto certain = check_restore(sample(6), without_mapper);
  ASSERT_EQ(certain.dropped.size(), 1u);
  const auto& mapper = certain.dropped[0];
  EXPECT_EQ(mapper.uid, "mapper-id");
  EXPECT_EQ(mapper.name, "mapper");
  EXPECT_EQ(mapper.state_size, k_mapper_file_size);
  EXPECT_TRUE(mapper.kinds.managed_keyed);
  EXPECT_EQ(mapper.note, "the old job's uid mapper-id is not among the expected uids");

  const auto without_uid = check_restore(sample_with_mapper_without_uid(6), without_mapper);
  ASSERT_EQ(without_uid.dropped.size(), 1u);
  EXPECT_EQ(without_uid.dropped[0].uid, std::nullopt);
  EXPECT_EQ(without_uid.dropped[0].note,
            "the old job set no uid on this operator: its id was generated from the job's shape, and the new job "
            "keeps it only if that part of the job is unchanged and also has no uid");

  const auto version4 = check_restore(sample(4), without_mapper);
  ASSERT_EQ(version4.dropped.size(), 1u);
  EXPECT_EQ(version4.dropped[0].name, std::nullopt);
  EXPECT_EQ(version4.dropped[0].note,
            "metadata version 4 stores no uids: if this operator had no uid, its id was generated from the job's "
            "shape and the new job may reproduce it");
  EXPECT_EQ(version4.version_note, "this savepoint (metadata version 4) stores no uids: operators are matched by "
                                   "the hash of the expected uids only");
}

TEST(RestoreCheck, StartEmptyTellsWhetherTheOperatorIsInTheSavepoint) {
  const auto check = check_restore(sample(6), {"source-id", "mapper-id", "throttle-id", "new-id"});
  ASSERT_EQ(check.start_empty.size(), 2u);
  EXPECT_EQ(check.start_empty[0].uid, "throttle-id");
  EXPECT_EQ(check.start_empty[0].operator_id, k_throttle);
  EXPECT_TRUE(check.start_empty[0].in_savepoint);
  EXPECT_EQ(check.start_empty[1].uid, "new-id");
  EXPECT_FALSE(check.start_empty[1].in_savepoint);
  EXPECT_EQ(check.unmatched_without_state, 1u);  // sink-id
}

TEST(MatchUid, StateWithoutStateAndAbsent) {
  const auto savepoint = sample(4);  // no uids stored: matched by hash alone
  const auto source = metadata::match_uid(savepoint, "source-id");
  EXPECT_EQ(source.uid, "source-id");
  EXPECT_EQ(source.operator_id, k_source);
  EXPECT_TRUE(source.in_savepoint);
  EXPECT_TRUE(source.has_state);
  EXPECT_EQ(source.state_size, 281);

  const auto sink = metadata::match_uid(savepoint, "sink-id");
  EXPECT_EQ(sink.operator_id, k_sink);
  EXPECT_TRUE(sink.in_savepoint);
  EXPECT_FALSE(sink.has_state);
  EXPECT_EQ(sink.state_size, 0);

  const auto absent = metadata::match_uid(savepoint, "nobody");
  EXPECT_EQ(absent.operator_id, operator_id_for_uid("nobody"));
  EXPECT_FALSE(absent.in_savepoint);
  EXPECT_FALSE(absent.has_state);
}

}  // namespace
}  // namespace flinkcli::testing
