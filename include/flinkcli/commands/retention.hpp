#pragma once
// Which snapshots `prune` keeps and which it deletes: a pure function of the inventory, the
// retention rules, what a JobManager says is in use, and the time. Every decision carries its
// reasons, so the plan can be printed before anything is deleted.
//
// Safety, in this order: snapshots not selected (--job-id), unreadable ones, and those a cluster
// uses are kept; directories without `_metadata` go only with --incomplete and when older than
// the keep-within window (at least an hour: a savepoint in progress looks the same); of the
// others, every group's newest complete snapshot and what a rule keeps are kept; finally a
// snapshot holding any file a kept snapshot's `_metadata` names is kept too (repeated until
// nothing changes), so nothing a kept snapshot needs is ever deleted.
#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "flinkcli/commands/snapshot_inventory.hpp"

namespace flinkcli {

enum class GroupBy { app, job, root };

struct RetentionRules {
  std::optional<std::size_t> keep_last;                // --keep-last N, per group
  std::optional<std::chrono::milliseconds> keep_within;  // --keep-within D
  GroupBy group_by = GroupBy::app;
  std::optional<std::string> job_id;  // --job-id: only this job's snapshots may go
  bool incomplete = false;            // --incomplete: directories without _metadata may go
};

// What the JobManager says is in use; `checked` false with --offline.
struct SnapshotsInUse {
  bool checked = false;
  std::vector<std::pair<std::string, Location>> restored_from;  // (job id, latest.restored path) of jobs not terminal
  std::set<std::string> running_jobs;  // not globally terminal: their checkpoint directories are in use
  std::set<std::string> busy_jobs;     // a checkpoint or savepoint in progress: none of theirs is touched
  std::set<std::string> known_jobs;    // every job the JobManager lists
};

enum class Verdict { keep, remove };

struct PlannedSnapshot {
  std::size_t index = 0;  // into the inventory's snapshots
  bool selected = true;   // false: another job's (--job-id), never deleted, not shown
  Verdict verdict = Verdict::keep;
  std::vector<std::string> reasons;
  // Verdict::remove: `_metadata` first, then the rest, then the directories (deepest first).
  std::vector<Location> delete_first;
  std::vector<Location> delete_then;
  std::vector<Location> directories;
  std::uint64_t bytes = 0;  // of what is deleted
};

struct RetentionPlan {
  std::vector<PlannedSnapshot> entries;  // one per snapshot, in the inventory's order
  std::optional<WallTime> cutoff;        // now - keep_within
  std::vector<std::string> notes;        // said with the plan (unknown jobs, unchecked use)
  // Nothing may be deleted: what some snapshot references is unknown (its `_metadata` could not
  // be read for a reason other than being corrupt).
  std::optional<std::string> blocked;
};

// The minimum age of a directory without `_metadata` before --incomplete deletes it.
inline constexpr std::chrono::hours k_min_incomplete_age{1};

RetentionPlan plan_retention(const std::vector<SnapshotRecord>& snapshots, const RetentionRules& rules,
                             const SnapshotsInUse& in_use, WallTime now);

}  // namespace flinkcli
