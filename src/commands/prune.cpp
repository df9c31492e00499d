// flink prune [<root>...] --keep-last N --keep-within <duration> [--group-by app|job|root]
//             [--job-id <jobId>] [--incomplete] [--dry-run] [--offline]
// This client's own action: deletes the savepoints and retained checkpoints the retention rules
// do not keep, never one a cluster uses or one whose files a kept snapshot needs
// (docs/actions/prune.md). The decisions are retention.hpp's; this file asks the JobManager what
// is in use, prints the plan and deletes: every `_metadata` first, so an interrupted prune leaves
// directories without `_metadata`, never a snapshot that looks complete and is not.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <unordered_map>

#include "actions.hpp"
#include "flinkcli/commands/retention.hpp"
#include "flinkcli/core/job_id.hpp"
#include "flinkcli/core/parallel.hpp"
#include "flinkcli/core/text.hpp"
#include "snapshot_files.hpp"
#include "snapshot_roots.hpp"

namespace flinkcli {

namespace {

struct PruneOptions {
  std::vector<std::string> roots;
  RetentionRules rules;
  bool dry_run = false;
  bool offline = false;
};

std::size_t parse_keep_last(const std::string& text) {
  const std::string value = trim(text);
  std::size_t count = 0;
  if (value.empty() || value.size() > 9 || !std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c); }) ||
      (count = std::stoul(value)) == 0) {
    throw CliError::usage("--keep-last needs a number of snapshots, 1 or more: " + one_line(text, 100));
  }
  return count;
}

// Flink's duration syntax, with a unit: a bare number (milliseconds to Flink) and a bare "m"
// (minutes to Flink, months to restic and borg) would keep something else than meant.
std::chrono::milliseconds parse_keep_within(const std::string& text) {
  const std::string value = trim(text);
  std::size_t digits = 0;
  while (digits < value.size() && std::isdigit(static_cast<unsigned char>(value[digits]))) ++digits;
  const std::string unit = to_lower(trim(value.substr(digits)));
  if (digits > 0 && unit.empty()) {
    throw CliError::usage("--keep-within needs a unit: " + one_line(text, 100) + " (e.g. 7d, 12h, 30min).");
  }
  if (unit == "m") {
    throw CliError::usage("--keep-within " + one_line(text, 100) +
                          " is ambiguous: Flink reads m as minutes, other backup tools as months. Write " +
                          value.substr(0, digits) + "min or " + value.substr(0, digits) + "d.");
  }
  const DurationReading reading = read_flink_duration(value);
  if (!reading.value || reading.value->count() <= 0) {
    throw CliError::usage("--keep-within needs a positive duration in Flink's syntax (7d, 12h, 30min), not " +
                          one_line(text, 100) + (reading.too_large ? std::string(" (at most ") + k_max_duration_text + ")" : ""));
  }
  return *reading.value;
}

GroupBy parse_group_by(const std::string& text) {
  const std::string value = to_lower(trim(text));
  if (value == "app") return GroupBy::app;
  if (value == "job") return GroupBy::job;
  if (value == "root") return GroupBy::root;
  throw CliError::usage("--group-by takes app, job or root, not " + one_line(text, 100) + ".");
}

const char* group_by_name(GroupBy group_by) {
  switch (group_by) {
    case GroupBy::app: return "app";
    case GroupBy::job: return "job";
    case GroupBy::root: return "root";
  }
  return "app";
}

PruneOptions parse(const ParsedArgs& args) {
  PruneOptions options;
  options.roots = args.positionals();
  for (const auto& root : options.roots) {
    if (trim(root).empty()) throw CliError::usage("A root must not be empty: give a directory of savepoints or checkpoints.");
  }
  if (const auto text = args.value("keep-last")) options.rules.keep_last = parse_keep_last(*text);
  if (const auto text = args.value("keep-within")) options.rules.keep_within = parse_keep_within(*text);
  if (!options.rules.keep_last && !options.rules.keep_within) {
    throw CliError::usage("prune needs a keep rule: --keep-last N and/or --keep-within <duration> (what either keeps is kept).");
  }
  if (const auto text = args.value("group-by")) options.rules.group_by = parse_group_by(*text);
  if (const auto job = args.value("job-id")) options.rules.job_id = JobId::parse(*job).str();
  options.rules.incomplete = args.has("incomplete");
  options.dry_run = args.has("dry-run");
  options.offline = args.has("offline");
  return options;
}

// What the JobManager's jobs use: every job it lists is known; those not globally terminal keep
// their checkpoint directories and what they restored from; one with a snapshot in progress keeps
// all of its snapshots.
SnapshotsInUse ask_jobmanager(CommandContext& context) {
  const std::string offline_hint = " (--offline prunes without checking which snapshots a cluster uses)";
  if (!jobmanager_configured(context)) {
    throw CliError(ErrorClass::unreachable,
                   "No JobManager configured to tell which snapshots are in use: give -m <host:port> or rest.address" +
                       offline_hint + ".");
  }
  SnapshotsInUse in_use;
  try {
    JobManagerApi& api = context.api();
    for (const JobOverview& job : api.list_jobs()) {
      in_use.known_jobs.insert(job.id);
      if (is_globally_terminal(job.state)) continue;
      in_use.running_jobs.insert(job.id);
      CheckpointsOverview overview;
      try {
        overview = api.checkpoints_overview(JobId::parse(job.id));
      } catch (const CliError& error) {
        if (error.error_class() == ErrorClass::not_found) continue;  // ended since it was listed
        throw;
      }
      if (overview.in_progress > 0) in_use.busy_jobs.insert(job.id);
      for (const LatestSnapshot& latest : overview.latest) {
        if (latest.which != "restored" || latest.external_path.empty()) continue;
        try {
          in_use.restored_from.emplace_back(job.id, snapshot_location(latest.external_path, "check"));
        } catch (const CliError&) {
          // On a file system this client does not read: it cannot be under the roots either.
        }
      }
    }
  } catch (const CliError& error) {
    throw CliError(error.error_class(), std::string(error.what()) + offline_hint);
  }
  in_use.checked = true;
  return in_use;
}

// A local directory has several names (symbolic links, bind mounts seen as links): a job that
// restored from one of them uses the snapshot found under another. Each restored path on a local
// disk is named as the inventory names the same directory, compared with links resolved.
SnapshotsInUse match_local_names(SnapshotsInUse in_use, const Inventory& inventory) {
  namespace fs = std::filesystem;
  const auto real = [](const fs::path& path) {
    std::error_code error;
    const fs::path resolved = fs::weakly_canonical(path, error);
    return error ? path.lexically_normal() : resolved;
  };
  for (auto& [job, location] : in_use.restored_from) {
    if (location.kind != LocationKind::local) continue;
    const fs::path restored = real(location.local_path);
    for (const SnapshotRecord& record : inventory.snapshots) {
      if (record.location.kind == LocationKind::local && real(record.location.local_path) == restored) {
        location = record.location;
        break;
      }
    }
  }
  return in_use;
}

std::string joined_reasons(const std::vector<std::string>& reasons) {
  std::string text;
  for (const auto& reason : reasons) text += (text.empty() ? "" : "; ") + reason;
  return text;
}

void print_plan(Report& report, const Inventory& inventory, const RetentionPlan& plan) {
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"ACTION", "TIME (UTC)", "KIND", "JOB", "APP", "STATUS", "PATH", "REASON"});
  for (const PlannedSnapshot& entry : plan.entries) {
    if (!entry.selected) continue;
    const SnapshotRecord& record = inventory.snapshots[entry.index];
    rows.push_back({entry.verdict == Verdict::remove ? "DELETE" : "KEEP", format_utc_cell(record.time()),
                    std::string(kind_name(record.kind)),
                    job_label(record),
                    record.fingerprint.value_or("-"), std::string(status_name(record.status)),
                    printable_path(record.location.display()), one_line(joined_reasons(entry.reasons), 400)});
  }
  for (const auto& line : format_table(rows)) report.line(line);
  for (const auto& note : plan.notes) report.notice("Note: " + note + ".");
}

JsonDocument plan_json(const Inventory& inventory, const RetentionPlan& plan) {
  JsonDocument entries = JsonDocument::array();
  for (const PlannedSnapshot& entry : plan.entries) {
    if (!entry.selected) continue;
    const SnapshotRecord& record = inventory.snapshots[entry.index];
    entries.push_back({{"path", record.location.display()},
                       {"action", entry.verdict == Verdict::remove ? "delete" : "keep"},
                       {"reasons", entry.reasons},
                       {"status", std::string(status_name(record.status))},
                       {"kind", std::string(kind_name(record.kind))},
                       {"job_id", record.job_id ? JsonDocument(*record.job_id) : JsonDocument()},
                       {"job_prefix", record.job_prefix.empty() ? JsonDocument() : JsonDocument(record.job_prefix)},
                       {"fingerprint", record.fingerprint ? JsonDocument(*record.fingerprint) : JsonDocument()},
                       {"checkpoint_id", record.checkpoint_id ? JsonDocument(*record.checkpoint_id) : JsonDocument()},
                       {"time", record.time() ? JsonDocument(format_utc_timestamp(*record.time())) : JsonDocument()},
                       {"size", record.size},
                       {"objects", record.objects}});
  }
  return entries;
}

constexpr std::size_t k_parallel_listings = 8;

struct NotDeleted {
  std::string path;
  std::string reason;
};

// Deletes what the plan says, store by store: every `_metadata` first, then the rest, then the
// directories; then lists each deleted directory again. Returns what could not be deleted.
std::vector<NotDeleted> delete_planned(CommandContext& context, const Inventory& inventory, RetentionPlan& plan,
                                       std::vector<std::string>& deleted) {
  std::vector<NotDeleted> failed;
  std::map<LocationKind, std::vector<PlannedSnapshot*>> by_kind;
  for (PlannedSnapshot& entry : plan.entries) {
    if (entry.verdict == Verdict::remove) by_kind[inventory.snapshots[entry.index].location.kind].push_back(&entry);
  }
  for (auto& [kind, entries] : by_kind) {
    SnapshotStore& store = context.store(kind);
    std::unordered_map<std::string, PlannedSnapshot*> owner;
    std::vector<Location> batch;
    const auto remove_batch = [&](std::vector<Location>& locations) {
      std::map<PlannedSnapshot*, std::string> problems;
      for (const DeleteFailure& failure : store.remove(locations)) {
        const auto found = owner.find(location_identity(failure.location));
        if (found != owner.end() && !problems.count(found->second)) {
          problems[found->second] = "cannot delete " + failure.location.display() + ": " + failure.reason;
        }
      }
      locations.clear();
      return problems;
    };
    // 1. `_metadata`: from here on, none of these is a snapshot anyone could restore.
    for (PlannedSnapshot* entry : entries) {
      for (const Location& location : entry->delete_first) {
        owner[location_identity(location)] = entry;
        batch.push_back(location);
      }
    }
    std::vector<PlannedSnapshot*> going;
    const auto metadata_problems = remove_batch(batch);
    for (PlannedSnapshot* entry : entries) {
      if (const auto found = metadata_problems.find(entry); found != metadata_problems.end()) {
        failed.push_back({inventory.snapshots[entry->index].location.display(), found->second});
        continue;
      }
      going.push_back(entry);
    }
    // 2. The rest of each, then 3. its directories (a directory still holding something stays).
    for (PlannedSnapshot* entry : going) {
      for (const Location& location : entry->delete_then) {
        owner[location_identity(location)] = entry;
        batch.push_back(location);
      }
    }
    const auto rest_problems = remove_batch(batch);
    for (PlannedSnapshot* entry : going) {
      for (const Location& location : entry->directories) batch.push_back(location);
    }
    if (!batch.empty()) (void)store.remove(batch);
    batch.clear();
    // 4. Listed again, 8 directories at a time: whatever is still there is reported.
    std::vector<std::size_t> left(going.size(), 0);
    std::vector<std::string> first(going.size());
    run_in_parallel(going.size(), k_parallel_listings, [&](std::size_t at) {
      store.list(inventory.snapshots[going[at]->index].location, [&](const StoredObject& object) {
        if (left[at]++ == 0) first[at] = object.location.display();
        return true;
      });
    });
    for (std::size_t at = 0; at < going.size(); ++at) {
      PlannedSnapshot* entry = going[at];
      const SnapshotRecord& record = inventory.snapshots[entry->index];
      if (const auto found = rest_problems.find(entry); found != rest_problems.end()) {
        failed.push_back({record.location.display(), found->second});
      } else if (left[at] > 0) {
        failed.push_back({record.location.display(),
                          std::to_string(left[at]) + " object(s) still there, e.g. " + printable_path(first[at])});
      } else {
        deleted.push_back(record.location.display());
      }
    }
  }
  return failed;
}

int run_prune(CommandContext& context, const PruneOptions& options) {
  Report& report = context.report();
  const RetentionRules& rules = options.rules;
  report.set("rules", {{"keep_last", rules.keep_last ? JsonDocument(*rules.keep_last) : JsonDocument()},
                       {"keep_within_ms", rules.keep_within ? JsonDocument(rules.keep_within->count()) : JsonDocument()},
                       {"group_by", group_by_name(rules.group_by)},
                       {"job_id", rules.job_id ? JsonDocument(*rules.job_id) : JsonDocument()},
                       {"incomplete", rules.incomplete}});
  report.set("dry_run", options.dry_run);
  report.set("offline", options.offline);
  const std::vector<SnapshotRoot> roots = resolve_snapshot_roots(context, options.roots, "prune");
  // Before anything is listed: a JobManager that cannot be asked stops the prune.
  const SnapshotsInUse in_use = options.offline ? SnapshotsInUse{} : ask_jobmanager(context);
  report.set("in_use_checked", in_use.checked);

  InventoryOptions inventory_options;
  inventory_options.keep_contents = true;
  const Inventory inventory = inventory_of_roots(context, roots, inventory_options);
  report.set("roots", inventory.roots);
  const WallTime now = context.now();
  RetentionPlan plan = plan_retention(inventory.snapshots, rules, match_local_names(in_use, inventory), now);
  report.set("cutoff", plan.cutoff ? JsonDocument(format_utc_timestamp(*plan.cutoff)) : JsonDocument());
  report.set("plan", plan_json(inventory, plan));
  report.set("notes", plan.notes);

  std::string rule_text;
  if (rules.keep_last) rule_text += "the last " + std::to_string(*rules.keep_last);
  if (rules.keep_within) {
    rule_text += std::string(rule_text.empty() ? "" : " and ") + "those within " + format_duration_short(*rules.keep_within) +
                 " (since " + format_utc_cell(plan.cutoff) + " UTC)";
  }
  report.line("Keeping " + rule_text + " per " + group_by_name(rules.group_by) + ", and every group's newest complete "
              "snapshot, under " + roots_text(inventory.roots) + ":");
  print_plan(report, inventory, plan);

  std::size_t planned = 0;
  std::uint64_t bytes = 0;
  JsonDocument kept = JsonDocument::array();
  for (const PlannedSnapshot& entry : plan.entries) {
    if (!entry.selected) continue;
    if (entry.verdict == Verdict::remove) {
      ++planned;
      bytes += entry.bytes;
    } else {
      kept.push_back(inventory.snapshots[entry.index].location.display());
    }
  }
  report.set("kept", kept);
  report.set("deleted", JsonDocument::array());
  report.set("not_deleted", JsonDocument::array());
  if (plan.blocked) {
    throw CliError(ErrorClass::storage_access, "Nothing deleted: " + *plan.blocked +
                                                   ". Make it readable (or move it away) and prune again.");
  }
  if (options.dry_run) {
    JsonDocument would = JsonDocument::array();
    for (const PlannedSnapshot& entry : plan.entries) {
      if (entry.verdict != Verdict::remove) continue;
      would.push_back(inventory.snapshots[entry.index].location.display());
      report.add_value(inventory.snapshots[entry.index].location.display());
    }
    report.set("would_delete", would);
    report.line("Dry run: " + std::to_string(planned) + " snapshot(s), " + std::to_string(bytes) + " bytes, would be deleted.");
    return 0;
  }
  if (planned == 0) {
    report.line("Nothing to delete.");
    return 0;
  }
  std::vector<std::string> deleted;
  const std::vector<NotDeleted> failed = delete_planned(context, inventory, plan, deleted);
  for (const auto& path : deleted) report.add_value(path);
  report.set("deleted", deleted);
  JsonDocument not_deleted = JsonDocument::array();
  for (const auto& failure : failed) not_deleted.push_back({{"path", failure.path}, {"reason", failure.reason}});
  report.set("not_deleted", not_deleted);
  report.line("Deleted " + std::to_string(deleted.size()) + " snapshot(s).");
  if (!failed.empty()) {
    for (const auto& failure : failed) {
      context.console().err("Not deleted: " + printable_path(failure.path) + ": " + one_line(failure.reason, 500));
    }
    throw CliError(ErrorClass::operation_failed,
                   std::to_string(failed.size()) + " snapshot(s) could not be deleted completely (listed above): their "
                   "_metadata is gone or going, so they show as 'no metadata'; prune --incomplete removes what is left.");
  }
  return 0;
}

}  // namespace

const CommandSpec& prune_command() {
  static const CommandSpec spec{
      "prune",
      "deletes the savepoints and retained checkpoints retention rules do not keep, never one in use or needed by a "
      "kept one (no JVM needed).",
      "prune [OPTIONS] [<root>...]",
      {
          extension_option({"", "keep-last", Arity::required, "N", "Keep the N newest complete snapshots of each group."}),
          extension_option({"", "keep-within", Arity::required, "duration",
                            "Keep the snapshots newer than this (Flink's syntax: 7d, 12h, 30min)."}),
          extension_option({"", "group-by", Arity::required, "app|job|root",
                            "The series the rules count in: the application (default: the same operator ids), the "
                            "job, or the root."}),
          extension_option({"", "job-id", Arity::required, "jobId", "Prune only this job's snapshots."}),
          extension_option({"", "incomplete", Arity::none, "",
                            "Also delete directories without _metadata older than --keep-within (at least 1 hour)."}),
          extension_option({"", "dry-run", Arity::none, "", "Print the plan; delete nothing."}),
          extension_option({"", "offline", Arity::none, "",
                            "Do not ask a JobManager which snapshots are in use (none configured, or the cluster is "
                            "gone)."}),
      },
      false,
      [](CommandContext& context, const ParsedArgs& args) { return run_prune(context, parse(args)); },
      true,
  };
  return spec;
}

}  // namespace flinkcli
