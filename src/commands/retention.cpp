#include "flinkcli/commands/retention.hpp"

#include <algorithm>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "flinkcli/config/configuration.hpp"

namespace flinkcli {

namespace {

// Whether the snapshot belongs to `job` (a savepoint by its name's 6 digits).
bool belongs_to(const SnapshotRecord& record, const std::string& job) {
  if (record.job_id) return *record.job_id == job;
  return !record.job_prefix.empty() && job.compare(0, record.job_prefix.size(), record.job_prefix) == 0;
}

std::string group_of(const SnapshotRecord& record, GroupBy group_by) {
  switch (group_by) {
    case GroupBy::app: return record.fingerprint ? "app " + *record.fingerprint : "app ?";
    case GroupBy::job: return "job " + job_label(record);
    case GroupBy::root: return "root " + record.root;
  }
  return "";
}

std::string last_segment(const Location& location) {
  if (location.is_s3()) {
    const auto slash = location.key.rfind('/');
    return slash == std::string::npos ? location.key : location.key.substr(slash + 1);
  }
  return location.local_path.filename().string();
}

std::string parent_name(const Location& location) { return last_segment(parent_location(location)); }

bool under(const Location& location, const Location& directory) {
  if (location.kind != directory.kind) return false;
  const std::string inside = location_identity(location);
  const std::string base = location_identity(directory);
  return inside.size() > base.size() && inside.compare(0, base.size(), base) == 0 && inside[base.size()] == '/';
}

// Newest first: by time, then checkpoint id (the inventory's order, reversed).
bool newer(const SnapshotRecord& a, const SnapshotRecord& b) {
  const auto ta = a.time().value_or(WallTime{});
  const auto tb = b.time().value_or(WallTime{});
  if (ta != tb) return ta > tb;
  if (a.checkpoint_id != b.checkpoint_id) return a.checkpoint_id.value_or(-1) > b.checkpoint_id.value_or(-1);
  return a.location.display() > b.location.display();  // a total order: the same plan every run
}

// What deleting the snapshot removes: `_metadata`, the rest of its directory, and its own files
// that entropy injection put elsewhere (a directory of the same name under another prefix).
// Incremental RocksDB's shared/ and taskowned/ are never among them.
void deletion_of(const SnapshotRecord& record, PlannedSnapshot& entry) {
  const std::string name = last_segment(record.location);
  std::unordered_set<std::string> listed;
  for (const Location& object : record.contents) {
    listed.insert(location_identity(object));
    if (record.metadata_file && same_location(object, *record.metadata_file)) {
      entry.delete_first.push_back(object);
    } else {
      entry.delete_then.push_back(object);
    }
  }
  for (const Location& file : record.referenced) {
    if (under(file, record.location) || listed.count(location_identity(file))) continue;
    if (parent_name(file) == name) entry.delete_then.push_back(file);
  }
  entry.directories = record.directories;
  std::sort(entry.directories.begin(), entry.directories.end(), [](const Location& a, const Location& b) {
    return location_identity(a).size() > location_identity(b).size();  // deepest first
  });
}

}  // namespace

RetentionPlan plan_retention(const std::vector<SnapshotRecord>& snapshots, const RetentionRules& rules,
                             const SnapshotsInUse& in_use, WallTime now) {
  RetentionPlan plan;
  if (rules.keep_within) plan.cutoff = now - std::chrono::duration_cast<WallTime::duration>(*rules.keep_within);
  plan.entries.resize(snapshots.size());

  // Groups: the complete snapshots of each, newest first.
  std::map<std::string, std::vector<std::size_t>> groups;
  std::size_t unknown_jobs = 0;
  for (std::size_t i = 0; i < snapshots.size(); ++i) {
    const SnapshotRecord& record = snapshots[i];
    PlannedSnapshot& entry = plan.entries[i];
    entry.index = i;
    entry.selected = !rules.job_id || belongs_to(record, *rules.job_id);
    if (entry.selected && record.restorable()) groups[group_of(record, rules.group_by)].push_back(i);
    if (entry.selected && in_use.checked) {
      const bool known = std::any_of(in_use.known_jobs.begin(), in_use.known_jobs.end(),
                                     [&](const std::string& job) { return belongs_to(record, job); });
      if (!known) ++unknown_jobs;
    }
  }
  std::unordered_map<std::size_t, std::vector<std::string>> kept_by_rule;
  for (auto& [group, members] : groups) {
    std::sort(members.begin(), members.end(), [&](std::size_t a, std::size_t b) { return newer(snapshots[a], snapshots[b]); });
    for (std::size_t rank = 0; rank < members.size(); ++rank) {
      auto& reasons = kept_by_rule[members[rank]];
      if (rank == 0) reasons.push_back("newest complete of its group (" + group + ")");
      if (rules.keep_last && rank < *rules.keep_last) reasons.push_back("keep-last " + std::to_string(*rules.keep_last));
    }
  }

  for (std::size_t i = 0; i < snapshots.size(); ++i) {
    const SnapshotRecord& record = snapshots[i];
    PlannedSnapshot& entry = plan.entries[i];
    auto& reasons = entry.reasons;
    if (!entry.selected) {
      reasons.push_back("another job's");
      continue;
    }
    if (record.status == SnapshotStatus::unreadable) {
      reasons.push_back("unreadable, not deleted: " + record.problem);
      if (record.problem_class != ErrorClass::bad_savepoint && !plan.blocked) {
        plan.blocked = "the _metadata of " + record.location.display() + " cannot be read (" + record.problem +
                       "), so what it references is unknown";
      }
      continue;
    }
    if (in_use.checked) {
      for (const auto& [job, location] : in_use.restored_from) {
        if (same_location(location, record.location)) reasons.push_back("in use: job " + job + " restored from it");
      }
      if (record.kind == SnapshotKind::checkpoint && record.job_id && in_use.running_jobs.count(*record.job_id)) {
        reasons.push_back("in use: a checkpoint of job " + *record.job_id + ", which is not finished");
      }
      for (const auto& job : in_use.busy_jobs) {
        if (belongs_to(record, job)) reasons.push_back("job " + job + " has a checkpoint or savepoint in progress");
      }
      if (!reasons.empty()) continue;
    }
    if (record.status == SnapshotStatus::no_metadata) {
      if (!rules.incomplete) {
        reasons.push_back("no _metadata (deleted only with --incomplete)");
        continue;
      }
      const auto min_age = std::max<std::chrono::milliseconds>(rules.keep_within.value_or(std::chrono::milliseconds(0)),
                                                               k_min_incomplete_age);
      const auto age = now - record.newest_time.value_or(now);
      if (age < min_age) {
        reasons.push_back("no _metadata, too young (may be in progress): its newest object is " +
                          format_duration_short(std::chrono::duration_cast<std::chrono::milliseconds>(age)) + " old, under " +
                          format_duration_short(min_age));
        continue;
      }
      entry.verdict = Verdict::remove;
      reasons.push_back("no _metadata, newest object " + format_duration_short(std::chrono::duration_cast<std::chrono::milliseconds>(age)) +
                        " old");
      continue;
    }
    if (const auto found = kept_by_rule.find(i); found != kept_by_rule.end()) reasons = found->second;
    if (plan.cutoff && record.time() && *record.time() >= *plan.cutoff) {
      reasons.push_back("keep-within " + format_duration_short(*rules.keep_within));
    }
    if (!reasons.empty()) continue;
    entry.verdict = Verdict::remove;
    reasons.push_back(record.status == SnapshotStatus::incomplete
                          ? "incomplete (" + std::to_string(record.missing_files.value_or(0)) + " files missing), kept by no rule"
                          : "kept by no rule");
  }

  // Files a kept snapshot names are never deleted: a snapshot holding one is kept, which protects
  // what it names in turn.
  for (std::size_t i = 0; i < snapshots.size(); ++i) {
    if (plan.entries[i].verdict == Verdict::remove) deletion_of(snapshots[i], plan.entries[i]);
  }
  std::unordered_map<std::string, std::size_t> referenced_by;  // a kept snapshot's file -> that snapshot
  std::vector<std::size_t> newly_kept;
  for (std::size_t i = 0; i < snapshots.size(); ++i) {
    if (plan.entries[i].verdict == Verdict::keep) newly_kept.push_back(i);
  }
  while (!newly_kept.empty()) {
    for (std::size_t i : newly_kept) {
      for (const Location& file : snapshots[i].referenced) referenced_by.emplace(location_identity(file), i);
    }
    newly_kept.clear();
    for (std::size_t i = 0; i < snapshots.size(); ++i) {
      PlannedSnapshot& entry = plan.entries[i];
      if (entry.verdict != Verdict::remove) continue;
      std::optional<std::size_t> user;
      std::size_t count = 0;
      for (const auto* list : {&entry.delete_first, &entry.delete_then}) {
        for (const Location& object : *list) {
          if (const auto found = referenced_by.find(location_identity(object)); found != referenced_by.end()) {
            user = found->second;
            ++count;
          }
        }
      }
      if (!user) continue;
      entry.verdict = Verdict::keep;
      entry.reasons = {"referenced: " + std::to_string(count) + " of its files are named by kept " +
                       snapshots[*user].location.display()};
      entry.delete_first.clear();
      entry.delete_then.clear();
      entry.directories.clear();
      newly_kept.push_back(i);
    }
  }
  for (std::size_t i = 0; i < snapshots.size(); ++i) {
    PlannedSnapshot& entry = plan.entries[i];
    if (entry.verdict == Verdict::remove) entry.bytes = snapshots[i].size;
  }

  if (!in_use.checked) {
    plan.notes.push_back("--offline: which snapshots a cluster uses was not checked");
  } else if (unknown_jobs > 0) {
    plan.notes.push_back(std::to_string(unknown_jobs) +
                         " snapshot(s) belong to jobs the JobManager does not know (another cluster, or jobs it no longer "
                         "lists): not protected by it");
  }
  return plan;
}

}  // namespace flinkcli
