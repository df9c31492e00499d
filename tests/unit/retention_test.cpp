// The retention planner of `prune` as a pure function: keep rules x grouping x in use x in
// progress x directories without _metadata x files named by kept snapshots x ties.
#include <gtest/gtest.h>

#include <map>

#include "fake/memory_store.hpp"
#include "flinkcli/commands/retention.hpp"

namespace flinkcli::testing {
namespace {

using std::chrono::hours;

constexpr const char* k_job_a = "aaaaaa00000000000000000000000001";
constexpr const char* k_job_b = "bbbbbb00000000000000000000000002";
const WallTime k_now = WallTime(std::chrono::seconds(1'800'000'000));

WallTime ago(hours h) { return k_now - h; }

Location at(const std::string& key) { return MemoryStore::at(key); }
Location marker(const std::string& key) {  // as the inventory keeps an S3 directory marker
  Location location = at(key);
  location.key += "/";
  return location;
}

// A snapshot record as the inventory makes it with keep_contents: `_metadata` plus one state file
// of its own, which its `_metadata` names.
SnapshotRecord snap(const std::string& key, WallTime time, const std::string& app = "app1",
                    SnapshotStatus status = SnapshotStatus::complete, std::int64_t id = 1) {
  SnapshotRecord r;
  r.location = at(key);
  r.root = "s3://b/" + key.substr(0, key.find('/'));
  const std::string name = key.substr(key.rfind('/') + 1);
  if (name.rfind("chk-", 0) == 0) {
    r.kind = SnapshotKind::checkpoint;
    const std::string parent = key.substr(0, key.rfind('/'));
    r.job_id = parent.substr(parent.rfind('/') + 1);
    r.job_prefix = r.job_id->substr(0, 6);
  } else {
    r.job_prefix = name.substr(10, 6);
  }
  r.status = status;
  r.checkpoint_id = id;
  r.newest_time = time;
  if (status == SnapshotStatus::no_metadata) return r;
  r.metadata_time = time;
  r.fingerprint = app;
  r.metadata_file = at(key + "/_metadata");
  r.contents = {at(key + "/_metadata"), at(key + "/state")};
  r.referenced = {at(key + "/state")};
  r.directories = {marker(key)};
  r.size = 100;
  return r;
}

std::string sp(const std::string& job6, int n) { return "sp/savepoint-" + job6 + "-00000000000" + std::to_string(n); }
std::string chk(const std::string& job, int n) { return "ck/" + job + "/chk-" + std::to_string(n); }

// "keep"/"delete" per path key.
std::map<std::string, std::string> verdicts(const std::vector<SnapshotRecord>& snapshots, const RetentionPlan& plan) {
  std::map<std::string, std::string> out;
  for (const auto& entry : plan.entries) {
    out[snapshots[entry.index].location.key] = entry.verdict == Verdict::remove ? "delete" : "keep";
  }
  return out;
}

std::string reasons_of(const std::vector<SnapshotRecord>& snapshots, const RetentionPlan& plan, const std::string& key) {
  for (const auto& entry : plan.entries) {
    if (snapshots[entry.index].location.key != key) continue;
    std::string text;
    for (const auto& reason : entry.reasons) text += reason + "; ";
    return text;
  }
  return "no such snapshot";
}

RetentionRules last(std::size_t n) {
  RetentionRules rules;
  rules.keep_last = n;
  return rules;
}
RetentionRules within(hours h) {
  RetentionRules rules;
  rules.keep_within = std::chrono::duration_cast<std::chrono::milliseconds>(h);
  return rules;
}

struct PlanCase {
  const char* name;
  std::vector<SnapshotRecord> snapshots;
  RetentionRules rules;
  SnapshotsInUse in_use;
  std::map<std::string, std::string> expected;  // key -> keep/delete
};

void PrintTo(const PlanCase& c, std::ostream* os) { *os << c.name; }

class RetentionTest : public ::testing::TestWithParam<PlanCase> {};

TEST_P(RetentionTest, Plans) {
  const auto& c = GetParam();
  const RetentionPlan plan = plan_retention(c.snapshots, c.rules, c.in_use, k_now);
  EXPECT_EQ(verdicts(c.snapshots, plan), c.expected);
}

SnapshotsInUse offline() { return {}; }
SnapshotsInUse cluster(std::set<std::string> running, std::set<std::string> busy = {},
                       std::vector<std::pair<std::string, Location>> restored = {}) {
  SnapshotsInUse in_use;
  in_use.checked = true;
  in_use.running_jobs = running;
  in_use.known_jobs = running;
  in_use.busy_jobs = busy;
  in_use.restored_from = restored;
  return in_use;
}

RetentionRules incomplete(RetentionRules rules) {
  rules.incomplete = true;
  return rules;
}
RetentionRules grouped(RetentionRules rules, GroupBy by) {
  rules.group_by = by;
  return rules;
}
RetentionRules of_job(RetentionRules rules, const std::string& job) {
  rules.job_id = job;
  return rules;
}

// B's `_metadata` names A's state file (a job restored from A in CLAIM mode).
std::vector<SnapshotRecord> cross_reference() {
  auto a = snap(sp("aaaaaa", 1), ago(hours(100)), "app1");
  auto b = snap(chk(k_job_b, 5), ago(hours(1)), "app2");
  b.referenced.push_back(at(sp("aaaaaa", 1) + "/state"));
  auto newer_a = snap(sp("aaaaaa", 2), ago(hours(2)), "app1");
  return {a, newer_a, b};
}

// C names B's file, B names A's: keeping C keeps B keeps A.
std::vector<SnapshotRecord> chain() {
  auto a = snap(sp("aaaaaa", 1), ago(hours(300)), "app1");
  auto b = snap(sp("aaaaaa", 2), ago(hours(200)), "app1");
  b.referenced.push_back(at(sp("aaaaaa", 1) + "/state"));
  auto c = snap(sp("aaaaaa", 3), ago(hours(100)), "app1");
  c.referenced.push_back(at(sp("aaaaaa", 2) + "/state"));
  return {a, b, c};
}

INSTANTIATE_TEST_SUITE_P(
    Cases, RetentionTest,
    ::testing::Values(
        PlanCase{"keep_last_2",
                 {snap(sp("aaaaaa", 1), ago(hours(40))), snap(sp("aaaaaa", 2), ago(hours(30))),
                  snap(sp("aaaaaa", 3), ago(hours(20))), snap(sp("aaaaaa", 4), ago(hours(10)))},
                 last(2), offline(),
                 {{sp("aaaaaa", 1), "delete"}, {sp("aaaaaa", 2), "delete"}, {sp("aaaaaa", 3), "keep"}, {sp("aaaaaa", 4), "keep"}}},
        PlanCase{"keep_within_7d",
                 {snap(sp("aaaaaa", 1), ago(hours(240))), snap(sp("aaaaaa", 2), ago(hours(192))),
                  snap(sp("aaaaaa", 3), ago(hours(24)))},
                 within(hours(168)), offline(),
                 {{sp("aaaaaa", 1), "delete"}, {sp("aaaaaa", 2), "delete"}, {sp("aaaaaa", 3), "keep"}}},
        PlanCase{"union_of_rules",
                 {snap(sp("aaaaaa", 1), ago(hours(120))), snap(sp("aaaaaa", 2), ago(hours(48))),
                  snap(sp("aaaaaa", 3), ago(hours(24)))},
                 [] { auto r = last(1); r.keep_within = std::chrono::hours(72); return r; }(), offline(),
                 {{sp("aaaaaa", 1), "delete"}, {sp("aaaaaa", 2), "keep"}, {sp("aaaaaa", 3), "keep"}}},
        // Every application keeps its newest complete snapshot, however old.
        PlanCase{"newest_of_every_app",
                 {snap(sp("aaaaaa", 1), ago(hours(900)), "app1"), snap(sp("aaaaaa", 2), ago(hours(800)), "app2"),
                  snap(sp("aaaaaa", 3), ago(hours(700)), "app2")},
                 within(hours(1)), offline(),
                 {{sp("aaaaaa", 1), "keep"}, {sp("aaaaaa", 2), "delete"}, {sp("aaaaaa", 3), "keep"}}},
        PlanCase{"group_by_job",
                 {snap(chk(k_job_a, 1), ago(hours(30))), snap(chk(k_job_a, 2), ago(hours(20))),
                  snap(chk(k_job_b, 1), ago(hours(10)))},
                 grouped(last(1), GroupBy::job), offline(),
                 {{chk(k_job_a, 1), "delete"}, {chk(k_job_a, 2), "keep"}, {chk(k_job_b, 1), "keep"}}},
        PlanCase{"group_by_app_spans_jobs",
                 {snap(chk(k_job_a, 1), ago(hours(30))), snap(chk(k_job_a, 2), ago(hours(20))),
                  snap(chk(k_job_b, 1), ago(hours(10)))},
                 last(1), offline(),
                 {{chk(k_job_a, 1), "delete"}, {chk(k_job_a, 2), "delete"}, {chk(k_job_b, 1), "keep"}}},
        PlanCase{"group_by_root",
                 {snap(sp("aaaaaa", 1), ago(hours(30))), snap(chk(k_job_a, 2), ago(hours(20))),
                  snap(chk(k_job_a, 3), ago(hours(10)))},
                 grouped(last(1), GroupBy::root), offline(),
                 {{sp("aaaaaa", 1), "keep"}, {chk(k_job_a, 2), "delete"}, {chk(k_job_a, 3), "keep"}}},
        // An incomplete snapshot is never its group's newest: the complete one before it is.
        PlanCase{"incomplete_is_not_the_newest",
                 {snap(sp("aaaaaa", 1), ago(hours(30))), snap(sp("aaaaaa", 2), ago(hours(20)), "app1", SnapshotStatus::incomplete)},
                 last(1), offline(), {{sp("aaaaaa", 1), "keep"}, {sp("aaaaaa", 2), "delete"}}},
        PlanCase{"ties_by_checkpoint_id",
                 {snap(chk(k_job_a, 7), ago(hours(5)), "app1", SnapshotStatus::complete, 7),
                  snap(chk(k_job_a, 8), ago(hours(5)), "app1", SnapshotStatus::complete, 8)},
                 last(1), offline(), {{chk(k_job_a, 7), "delete"}, {chk(k_job_a, 8), "keep"}}},
        PlanCase{"unreadable_is_kept",
                 {snap(sp("aaaaaa", 1), ago(hours(30)), "app1", SnapshotStatus::unreadable), snap(sp("aaaaaa", 2), ago(hours(1)))},
                 last(1), offline(), {{sp("aaaaaa", 1), "keep"}, {sp("aaaaaa", 2), "keep"}}},
        PlanCase{"no_metadata_without_flag",
                 {snap(sp("aaaaaa", 1), ago(hours(300)), "", SnapshotStatus::no_metadata), snap(sp("aaaaaa", 2), ago(hours(1)))},
                 last(1), offline(), {{sp("aaaaaa", 1), "keep"}, {sp("aaaaaa", 2), "keep"}}},
        PlanCase{"no_metadata_old_and_young",
                 {snap(sp("aaaaaa", 1), ago(hours(300)), "", SnapshotStatus::no_metadata),
                  snap(sp("bbbbbb", 2), k_now - std::chrono::minutes(30), "", SnapshotStatus::no_metadata),
                  snap(sp("aaaaaa", 3), ago(hours(1)))},
                 incomplete(last(1)), offline(),
                 {{sp("aaaaaa", 1), "delete"}, {sp("bbbbbb", 2), "keep"}, {sp("aaaaaa", 3), "keep"}}},
        // --keep-within longer than an hour: a directory without _metadata waits that long.
        PlanCase{"no_metadata_within_the_window",
                 {snap(sp("aaaaaa", 1), ago(hours(30)), "", SnapshotStatus::no_metadata), snap(sp("aaaaaa", 2), ago(hours(1)))},
                 incomplete(within(hours(48))), offline(), {{sp("aaaaaa", 1), "keep"}, {sp("aaaaaa", 2), "keep"}}},
        PlanCase{"restored_from_is_in_use",
                 {snap(sp("aaaaaa", 1), ago(hours(300))), snap(sp("aaaaaa", 2), ago(hours(200))), snap(sp("aaaaaa", 3), ago(hours(1)))},
                 last(1), cluster({k_job_b}, {}, {{k_job_b, at(sp("aaaaaa", 1))}}),
                 {{sp("aaaaaa", 1), "keep"}, {sp("aaaaaa", 2), "delete"}, {sp("aaaaaa", 3), "keep"}}},
        PlanCase{"running_jobs_checkpoints_are_in_use",
                 {snap(chk(k_job_a, 1), ago(hours(300))), snap(chk(k_job_a, 2), ago(hours(200))), snap(sp("bbbbbb", 3), ago(hours(1)))},
                 last(1), cluster({k_job_a}),
                 {{chk(k_job_a, 1), "keep"}, {chk(k_job_a, 2), "keep"}, {sp("bbbbbb", 3), "keep"}}},
        PlanCase{"busy_jobs_are_skipped",
                 {snap(sp("aaaaaa", 1), ago(hours(300))), snap(sp("aaaaaa", 2), ago(hours(200))), snap(sp("bbbbbb", 3), ago(hours(1)))},
                 last(1), cluster({k_job_a}, {k_job_a}),
                 {{sp("aaaaaa", 1), "keep"}, {sp("aaaaaa", 2), "keep"}, {sp("bbbbbb", 3), "keep"}}},
        PlanCase{"offline_protects_nothing_in_use",
                 {snap(chk(k_job_a, 1), ago(hours(300))), snap(chk(k_job_a, 2), ago(hours(200)))},
                 last(1), offline(), {{chk(k_job_a, 1), "delete"}, {chk(k_job_a, 2), "keep"}}},
        PlanCase{"job_filter", {snap(chk(k_job_a, 1), ago(hours(300))), snap(chk(k_job_b, 2), ago(hours(200))),
                                snap(chk(k_job_a, 3), ago(hours(1))), snap(chk(k_job_b, 4), ago(hours(2)))},
                 of_job(last(1), k_job_a), offline(),
                 {{chk(k_job_a, 1), "delete"}, {chk(k_job_b, 2), "keep"}, {chk(k_job_a, 3), "keep"}, {chk(k_job_b, 4), "keep"}}},
        PlanCase{"files_a_kept_snapshot_names", cross_reference(), last(1), offline(),
                 {{sp("aaaaaa", 1), "keep"}, {sp("aaaaaa", 2), "keep"}, {chk(k_job_b, 5), "keep"}}},
        PlanCase{"chains_of_references", chain(), last(1), offline(),
                 {{sp("aaaaaa", 1), "keep"}, {sp("aaaaaa", 2), "keep"}, {sp("aaaaaa", 3), "keep"}}}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(Retention, ReasonsAndNotes) {
  const std::vector<SnapshotRecord> snapshots = {snap(sp("aaaaaa", 1), ago(hours(300))), snap(sp("aaaaaa", 2), ago(hours(1))),
                                                 snap(sp("cccccc", 3), ago(hours(400)), "app9")};
  auto in_use = cluster({k_job_a});
  const RetentionPlan plan = plan_retention(snapshots, last(1), in_use, k_now);
  EXPECT_EQ(reasons_of(snapshots, plan, sp("aaaaaa", 1)), "kept by no rule; ");
  EXPECT_EQ(reasons_of(snapshots, plan, sp("aaaaaa", 2)), "newest complete of its group (app app1); keep-last 1; ");
  ASSERT_EQ(plan.notes.size(), 1u);
  EXPECT_NE(plan.notes[0].find("1 snapshot(s) belong to jobs the JobManager does not know"), std::string::npos) << plan.notes[0];
  EXPECT_FALSE(plan.blocked);
  EXPECT_NE(plan_retention(snapshots, last(1), offline(), k_now).notes.at(0).find("--offline"), std::string::npos);
}

TEST(Retention, ACorruptSnapshotIsKeptAnUnreadableOneBlocksEverything) {
  auto corrupt = snap(sp("aaaaaa", 1), ago(hours(30)), "app1", SnapshotStatus::unreadable);
  corrupt.problem_class = ErrorClass::bad_savepoint;
  auto denied = corrupt;
  denied.problem_class = ErrorClass::storage_access;
  const std::vector<SnapshotRecord> others = {snap(sp("aaaaaa", 2), ago(hours(20))), snap(sp("aaaaaa", 3), ago(hours(1)))};
  auto with = [&](const SnapshotRecord& odd) {
    auto all = others;
    all.push_back(odd);
    return plan_retention(all, last(1), offline(), k_now);
  };
  EXPECT_FALSE(with(corrupt).blocked);
  ASSERT_TRUE(with(denied).blocked);
  EXPECT_NE(with(denied).blocked->find("what it references is unknown"), std::string::npos);
}

TEST(Retention, WhatADeletionRemovesAndInWhichOrder) {
  auto record = snap(chk(k_job_a, 4), ago(hours(300)));
  record.directories = {marker(chk(k_job_a, 4)), marker(chk(k_job_a, 4) + "/sub")};
  // Entropy injection: its own file under another prefix, in a directory of the same name. The
  // job's shared/ file is never deleted with it.
  record.referenced.push_back(at("Xy9Q/ck/" + std::string(k_job_a) + "/chk-4/own"));
  record.referenced.push_back(at("ck/" + std::string(k_job_a) + "/shared/sst"));
  const std::vector<SnapshotRecord> snapshots = {record, snap(chk(k_job_a, 5), ago(hours(1)))};
  const RetentionPlan plan = plan_retention(snapshots, last(1), offline(), k_now);
  const PlannedSnapshot& entry = plan.entries[0];
  ASSERT_EQ(entry.verdict, Verdict::remove);
  ASSERT_EQ(entry.delete_first.size(), 1u);
  EXPECT_EQ(entry.delete_first[0].key, chk(k_job_a, 4) + "/_metadata");
  std::vector<std::string> then;
  for (const auto& location : entry.delete_then) then.push_back(location.key);
  EXPECT_EQ(then, (std::vector<std::string>{chk(k_job_a, 4) + "/state", "Xy9Q/ck/" + std::string(k_job_a) + "/chk-4/own"}));
  ASSERT_EQ(entry.directories.size(), 2u);
  EXPECT_EQ(entry.directories[0].key, chk(k_job_a, 4) + "/sub/");  // deepest first
  EXPECT_EQ(plan.cutoff, std::nullopt);
  EXPECT_EQ(plan_retention(snapshots, within(hours(24)), offline(), k_now).cutoff, ago(hours(24)));
}

}  // namespace
}  // namespace flinkcli::testing
