// flink snapshots [<root>...] [--job-id <jobId>] [--latest]
// This client's own action: the savepoints and retained checkpoints under one or more roots
// (local directories, s3://), each with its status, without a JVM or a cluster
// (docs/actions/snapshots.md). --latest picks the newest restorable one; with --job-id and a
// JobManager configured, the JobManager's own latest snapshot first, checked in storage.
#include <algorithm>
#include <cstdio>
#include <map>

#include "actions.hpp"
#include "flinkcli/core/job_id.hpp"
#include "flinkcli/core/nullable.hpp"
#include "flinkcli/core/text.hpp"
#include "flinkcli/output/progress.hpp"
#include "snapshot_files.hpp"
#include "snapshot_roots.hpp"
#include "flinkcli/commands/snapshot_inventory.hpp"

#include <spdlog/spdlog.h>

namespace flinkcli {

namespace {

// What the REST API reports for a checkpoint that was not written to a file system.
constexpr const char* k_not_addressable = "<checkpoint-not-externally-addressable>";

struct SnapshotsOptions {
  std::vector<std::string> roots;  // as given; empty: the configured directories
  std::optional<JobId> job;
  bool latest = false;
};

SnapshotsOptions parse(const ParsedArgs& args) {
  SnapshotsOptions options;
  options.roots = args.positionals();
  for (const auto& root : options.roots) {
    if (trim(root).empty()) throw CliError::usage("A root must not be empty: give a directory of savepoints or checkpoints.");
  }
  if (const auto job = args.value("job-id")) options.job = JobId::parse(*job);
  options.latest = args.has("latest");
  return options;
}

// "12.3 KiB"
std::string human_size(std::uint64_t bytes) {
  static const char* const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(units)) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  if (unit == 0) {
    std::snprintf(text, sizeof text, "%llu B", static_cast<unsigned long long>(bytes));
  } else {
    std::snprintf(text, sizeof text, "%.1f %s", value, units[unit]);
  }
  return text;
}

std::optional<std::chrono::milliseconds> age_of(const SnapshotRecord& record, WallTime now) {
  if (record.status != SnapshotStatus::no_metadata || !record.newest_time) return std::nullopt;
  return std::chrono::duration_cast<std::chrono::milliseconds>(now - *record.newest_time);
}

std::string status_text(const SnapshotRecord& record, WallTime now) {
  switch (record.status) {
    case SnapshotStatus::complete: return "complete";
    case SnapshotStatus::incomplete: return "incomplete (" + std::to_string(record.missing_files.value_or(0)) + " missing)";
    case SnapshotStatus::no_metadata: {
      const auto age = age_of(record, now);
      return age ? "no metadata (age " + format_duration_short(*age) + ")" : "no metadata";
    }
    case SnapshotStatus::unreadable: return "unreadable";
  }
  return "";
}

std::string job_text(const SnapshotRecord& record) { return job_label(record) + (record.job_ambiguous ? " (ambiguous)" : ""); }

JsonDocument time_json(const std::optional<WallTime>& time) {
  return time ? JsonDocument(format_utc_timestamp(*time)) : JsonDocument();
}

JsonDocument snapshot_json(const SnapshotRecord& record, WallTime now) {
  const auto age = age_of(record, now);
  JsonDocument missing = JsonDocument::array();
  for (const auto& location : record.missing_sample) missing.push_back(location.display());
  return {{"path", record.location.display()},
          {"kind", std::string(kind_name(record.kind))},
          {"root", record.root},
          {"job_id", nullable<JsonDocument>(record.job_id)},
          {"job_prefix", record.job_prefix.empty() ? JsonDocument() : JsonDocument(record.job_prefix)},
          {"job_ambiguous", record.job_ambiguous},
          {"status", std::string(status_name(record.status))},
          {"checkpoint_id", nullable<JsonDocument>(record.checkpoint_id)},
          {"metadata_version", nullable<JsonDocument>(record.metadata_version)},
          {"format", nullable<JsonDocument>(record.format)},
          {"snapshot_type", nullable<JsonDocument>(record.snapshot_type)},
          {"fingerprint", nullable<JsonDocument>(record.fingerprint)},
          {"time", time_json(record.metadata_time)},
          {"newest_object_time", time_json(record.newest_time)},
          {"age_seconds", age ? JsonDocument(std::chrono::duration_cast<std::chrono::seconds>(*age).count()) : JsonDocument()},
          {"size", record.size},
          {"objects", record.objects},
          {"referenced_files", nullable<JsonDocument>(record.referenced_files)},
          {"missing_files", nullable<JsonDocument>(record.missing_files)},
          {"missing_sample", missing},
          {"problem", record.problem.empty() ? JsonDocument() : JsonDocument(record.problem)}};
}

// One row per snapshot, under a header.
void print_table(Report& report, const std::vector<const SnapshotRecord*>& records, WallTime now) {
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"TIME (UTC)", "KIND", "JOB", "CHECKPOINT", "FORMAT", "APP", "SIZE", "STATUS", "PATH"});
  for (const SnapshotRecord* record : records) {
    rows.push_back({format_utc_cell(record->time()), std::string(kind_name(record->kind)), job_text(*record),
                    record->checkpoint_id ? std::to_string(*record->checkpoint_id) : "-", record->format.value_or("-"),
                    record->fingerprint.value_or("-"), human_size(record->size), status_text(*record, now),
                    printable_path(record->location.display())});
  }
  for (const auto& line : format_table(rows)) report.line(line);
}

std::string summary_line(const std::vector<SnapshotRecord>& snapshots, const std::vector<std::string>& roots) {
  std::map<SnapshotStatus, std::size_t> counts;
  for (const auto& record : snapshots) ++counts[record.status];
  return std::to_string(snapshots.size()) + " snapshot(s) under " + roots_text(roots) + ": " +
         std::to_string(counts[SnapshotStatus::complete]) + " complete, " +
         std::to_string(counts[SnapshotStatus::incomplete]) + " incomplete, " +
         std::to_string(counts[SnapshotStatus::no_metadata]) + " without metadata, " +
         std::to_string(counts[SnapshotStatus::unreadable]) + " unreadable";
}

struct LatestChoice {
  SnapshotRecord record;
  std::string source;  // "jobmanager" or "storage"
};

// The JobManager's latest externally addressable snapshot of the job, when it is complete in
// storage. What it reports is said on stderr, and why it is not taken when it is not.
std::optional<SnapshotRecord> jobmanager_latest(CommandContext& context, const JobId& job, const Inventory& inventory) {
  std::vector<LatestSnapshot> reported;
  try {
    reported = context.api().checkpoints_overview(job).latest;
  } catch (const CliError& error) {
    if (error.error_class() != ErrorClass::not_found) throw;
    context.console().err("The JobManager does not know job " + job.str() + ": the latest snapshot comes from storage.");
    return std::nullopt;
  }
  const LatestSnapshot* best = nullptr;
  for (const auto& snapshot : reported) {
    if (snapshot.external_path.empty() || snapshot.external_path == k_not_addressable) continue;
    if (!best || snapshot.id > best->id) best = &snapshot;
  }
  if (!best) {
    context.console().err("The JobManager reports no snapshot of job " + job.str() +
                          " with a path: the latest snapshot comes from storage.");
    return std::nullopt;
  }
  const std::string path = printable_path(best->external_path);
  Location location;
  try {
    location = snapshot_location(best->external_path, "check");
  } catch (const CliError& error) {
    context.console().err("The JobManager's latest snapshot of job " + job.str() + " (" + best->which + ", " + path +
                          ") cannot be checked here (" + one_line(error.what(), 300) +
                          "): the latest snapshot comes from storage.");
    return std::nullopt;
  }
  std::optional<SnapshotRecord> found;
  for (const auto& record : inventory.snapshots) {
    if (same_location(record.location, location)) found = record;
  }
  std::string why = "is not found in storage";
  if (!found) {  // outside the roots listed: look at that directory alone
    try {
      Inventory alone = take_inventory(context.store(location.kind), {location}, InventoryOptions{});
      for (auto& record : alone.snapshots) {
        if (same_location(record.location, location)) found = std::move(record);
      }
    } catch (const CliError& error) {
      if (error.error_class() != ErrorClass::not_found && error.error_class() != ErrorClass::storage_access) throw;
      why = "cannot be checked in storage (" + one_line(error.what(), 300) + ")";
    }
  }
  if (found && !found->restorable()) {
    why = "is " + std::string(status_name(found->status)) + " in storage" + (found->problem.empty() ? "" : " (" + found->problem + ")");
  }
  if (!found || !found->restorable()) {
    context.console().err("The JobManager's latest snapshot of job " + job.str() + " (" + best->which + " " +
                          std::to_string(best->id) + ", " + path + ") " + why +
                          ": the latest snapshot comes from storage.");
    return std::nullopt;
  }
  context.console().err("Latest snapshot of job " + job.str() + " from the JobManager (" + best->which + " " +
                        std::to_string(best->id) + "), complete in storage: " + path);
  return found;
}

LatestChoice choose_latest(CommandContext& context, const SnapshotsOptions& options, const Inventory& inventory) {
  if (options.job && jobmanager_configured(context)) {
    if (auto record = jobmanager_latest(context, *options.job, inventory)) return {std::move(*record), "jobmanager"};
  }
  const auto index = select_latest(inventory.snapshots);
  if (!index) {
    throw CliError(ErrorClass::not_found,
                   "No complete snapshot" + (options.job ? " of job " + options.job->str() : std::string()) + " under " +
                       roots_text(inventory.roots) + " (" + std::to_string(inventory.snapshots.size()) +
                       " found, none complete).");
  }
  if (options.job && jobmanager_configured(context)) {
    context.console().err("Latest snapshot of job " + options.job->str() + " from storage: " +
                          printable_path(inventory.snapshots[*index].location.display()));
  }
  return {inventory.snapshots[*index], "storage"};
}

int run_snapshots(CommandContext& context, const SnapshotsOptions& options) {
  Report& report = context.report();
  report.set("roots", JsonDocument::array());
  report.set("job_id", options.job ? JsonDocument(options.job->str()) : JsonDocument());
  report.set("snapshots", JsonDocument::array());
  InventoryOptions inventory_options;
  if (options.job) inventory_options.job_id = options.job->str();
  const Inventory inventory =
      inventory_of_roots(context, resolve_snapshot_roots(context, options.roots, "list snapshots in"), inventory_options);
  const WallTime now = context.now();
  report.set("roots", inventory.roots);
  JsonDocument listed = JsonDocument::array();
  for (const auto& record : inventory.snapshots) listed.push_back(snapshot_json(record, now));
  report.set("snapshots", std::move(listed));
  // The JobManager's latest snapshot of the job may lie outside the roots: it is asked all the same.
  const bool ask_jobmanager = options.latest && options.job && jobmanager_configured(context);
  if (inventory.snapshots.empty() && !ask_jobmanager) {
    throw CliError(ErrorClass::not_found, "No savepoints or checkpoints" +
                                              (options.job ? " of job " + options.job->str() : std::string()) +
                                              " under " + roots_text(inventory.roots) + ".");
  }
  if (options.latest) {
    const LatestChoice latest = choose_latest(context, options, inventory);
    report.set("latest", snapshot_json(latest.record, now));
    report.set("latest_source", latest.source);
    print_table(report, {&latest.record}, now);
    report.add_value(latest.record.location.display());
    return 0;
  }
  std::vector<const SnapshotRecord*> records;
  for (const auto& record : inventory.snapshots) {
    records.push_back(&record);
    report.add_value(record.location.display());
  }
  print_table(report, records, now);
  report.line(summary_line(inventory.snapshots, inventory.roots));
  return 0;
}

}  // namespace

const CommandSpec& snapshots_command() {
  static const CommandSpec spec{
      "snapshots",
      "lists the savepoints and retained checkpoints under directories (local or s3://), each with its status "
      "(no cluster needed).",
      "snapshots [OPTIONS] [<root>...]",
      {
          extension_option({"", "job-id", Arity::required, "jobId",
                            "Only this job's snapshots (savepoints: by the job id's first 6 digits in their name)."}),
          extension_option({"", "latest", Arity::none, "",
                            "Print only the newest complete snapshot (with --job-id and a JobManager configured: "
                            "the JobManager's latest, checked in storage). Exit 4 when there is none."}),
      },
      false,
      [](CommandContext& context, const ParsedArgs& args) { return run_snapshots(context, parse(args)); },
      true,
  };
  return spec;
}

}  // namespace flinkcli
