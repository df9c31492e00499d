#pragma once
// The inventory of snapshots under one or more roots, as Flink lays them out
// (`<root>/savepoint-<job6>-<id>/`, `<root>/<jobId>/chk-<n>/`, any directory holding a
// `_metadata`): one listing pass per root, one `_metadata` read per snapshot (in parallel, bounded),
// each snapshot classified (complete, incomplete, no metadata, unreadable). Shared by `snapshots`
// and the actions built on it; pure functions over a SnapshotStore, so tests run them on fakes.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flinkcli/core/error.hpp"
#include "flinkcli/metadata/savepoint_metadata.hpp"
#include "flinkcli/storage/location.hpp"
#include "flinkcli/storage/snapshot_store.hpp"

namespace flinkcli {

enum class SnapshotKind { savepoint, checkpoint };
enum class SnapshotStatus { complete, incomplete, no_metadata, unreadable };

std::string_view kind_name(SnapshotKind kind);      // "savepoint", "checkpoint"
std::string_view status_name(SnapshotStatus status);  // "complete", "incomplete", "no_metadata", "unreadable"

using WallTime = std::chrono::system_clock::time_point;

struct SnapshotRecord {
  Location location;  // the snapshot's directory
  std::string root;   // the root it was found under, as given
  SnapshotKind kind = SnapshotKind::savepoint;
  std::optional<std::string> job_id;  // a checkpoint's: its directory's parent
  std::string job_prefix;             // the first 6 hex digits of the job id ("" if unknown)
  bool job_ambiguous = false;         // a savepoint's prefix matches several job ids seen
  std::optional<std::int64_t> directory_number;  // chk-<n>
  SnapshotStatus status = SnapshotStatus::no_metadata;
  // From `_metadata`, when it was read:
  std::optional<std::int64_t> checkpoint_id;
  std::optional<int> metadata_version;
  std::optional<std::string> format;         // "CANONICAL" / "NATIVE"
  std::optional<std::string> snapshot_type;  // "savepoint" / "checkpoint"
  std::optional<std::string> fingerprint;    // application_fingerprint()
  std::vector<std::string> operator_ids;     // sorted; kept only when asked (prune needs them)
  std::optional<WallTime> metadata_time;     // the `_metadata` object's modification time
  std::optional<WallTime> newest_time;       // of the newest object under the directory
  std::uint64_t size = 0;                    // of every object under the directory
  std::uint64_t objects = 0;
  std::optional<std::uint64_t> referenced_files;  // state files `_metadata` names (inline ones aside)
  std::optional<std::uint64_t> missing_files;     // of those, not in the store
  std::uint64_t elsewhere_files = 0;              // in another store, not looked for
  std::vector<Location> missing_sample;           // the first few missing ones
  std::string problem;                            // unreadable: why; incomplete: what is missing
  std::optional<ErrorClass> problem_class;        // unreadable: the error's class
  // With InventoryOptions::keep_contents (prune needs them):
  std::optional<Location> metadata_file;
  std::vector<Location> contents;     // every object listed under the directory, `_metadata` included
  std::vector<Location> directories;  // the directory's own and its subdirectories (local) or markers (S3, key with '/')
  std::vector<Location> referenced;   // every state file `_metadata` names in this store

  // The time the snapshot is sorted by: `_metadata`'s, else the newest object's.
  std::optional<WallTime> time() const { return metadata_time ? metadata_time : newest_time; }
  bool restorable() const { return status == SnapshotStatus::complete; }
};

struct InventoryOptions {
  std::optional<std::string> job_id;  // only this job's snapshots (savepoints: by prefix)
  std::size_t parallel_reads = 8;
  bool keep_operator_ids = false;
  bool keep_contents = false;  // contents, directories, referenced
  // Called from the calling thread as the work goes on: ("listing", objects so far) and
  // ("reading", snapshots read so far of the total).
  std::function<void(std::string_view phase, std::uint64_t done, std::uint64_t total)> progress;
};

struct Inventory {
  std::vector<SnapshotRecord> snapshots;  // sorted by time (oldest first), then checkpoint id, path
  std::vector<std::string> roots;         // as given
  std::uint64_t objects_listed = 0;
};

// Lists every root once and classifies what it finds. A root that does not exist, or is a file
// other than a `_metadata`, is a not_found CliError; a snapshot whose `_metadata` cannot be read
// or parsed is an `unreadable` record (the listing goes on); a store that refuses the listing or
// times out is an error.
Inventory take_inventory(SnapshotStore& store, const std::vector<Location>& roots, const InventoryOptions& options);

// The job as tables show it: a checkpoint's job id, a savepoint's "0dc38d..." (its name holds no
// more), "-" when unknown.
std::string job_label(const SnapshotRecord& record);

// Sorts by time (oldest first), then checkpoint id, then path.
void sort_snapshots(std::vector<SnapshotRecord>& snapshots);

// Whether two locations name the same object or directory (s3://, s3a:// and s3p:// alike), and
// the one string that compares so.
bool same_location(const Location& a, const Location& b);
std::string location_identity(const Location& location);

// A short hash of the sorted operator ids (12 hex digits): snapshots of one application share it
// across redeploys, which change the job id but keep the operators.
std::string application_fingerprint(const metadata::SavepointMetadata& metadata);

// The newest restorable snapshot: when every candidate is a checkpoint in one job's checkpoint
// directory, the highest checkpoint id; otherwise the newest `_metadata` time, ties by checkpoint
// id. None when no snapshot is restorable.
std::optional<std::size_t> select_latest(const std::vector<SnapshotRecord>& snapshots);

// Whether `name` is a savepoint directory Flink names ("savepoint-<6 hex>-<id>"), a retained
// checkpoint ("chk-<n>": n) or a job id (32 hex digits).
bool is_savepoint_directory_name(std::string_view name);
std::optional<std::int64_t> checkpoint_directory_number(std::string_view name);
bool is_job_id_name(std::string_view name);

}  // namespace flinkcli
