#include "offline_dispose.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <unordered_set>

#include "flinkcli/commands/snapshot_inventory.hpp"
#include "flinkcli/core/interrupt.hpp"
#include "flinkcli/core/text.hpp"
#include "savepoint_operations.hpp"
#include "snapshot_files.hpp"

namespace flinkcli {

namespace {

// What is left is listed up to this many entries: a `_metadata` given in a crowded directory
// (`/tmp/_metadata`) must not list the whole of it.
constexpr std::size_t k_max_left = 1000;
constexpr std::size_t k_named_in_message = 5;

std::string last_segment(const Location& location) {
  if (location.is_s3()) {
    const auto slash = location.key.rfind('/');
    return slash == std::string::npos ? location.key : location.key.substr(slash + 1);
  }
  return location.local_path.filename().string();
}

bool inside(const Location& file, const Location& directory) {
  if (file.kind != directory.kind) return false;
  std::string base = location_identity(directory);
  if (base.empty() || base.back() != '/') base += '/';
  const std::string path = location_identity(file);
  return path.size() > base.size() && path.compare(0, base.size(), base) == 0;
}

// "a, b, c and 4 more": the first few of `paths`, for one line.
std::string some_of(const std::vector<std::string>& paths, std::size_t total) {
  std::string text;
  for (std::size_t i = 0; i < paths.size() && i < k_named_in_message; ++i) {
    text += (i == 0 ? "" : ", ") + printable_path(paths[i]);
  }
  if (total > k_named_in_message) text += " and " + std::to_string(total - k_named_in_message) + " more";
  return text;
}

JsonDocument json_list(const std::vector<std::string>& paths) {
  JsonDocument list = JsonDocument::array();
  for (const auto& path : paths) list.push_back(path);
  return list;
}

// Flink's FileNotFoundException texts (AbstractFsCheckpointStorageAccess.resolveCheckpointPointer),
// as the JobManager's disposal reports them.
[[noreturn]] void throw_missing(const MetadataLookup& lookup, const Location& location, const std::string& path) {
  if (lookup.directory) {
    throw CliError(ErrorClass::not_found, "Cannot find meta data file '_metadata' in directory '" + path +
                                              "'. Please try to load the checkpoint/savepoint directly from the "
                                              "metadata file instead of the directory.");
  }
  throw CliError(ErrorClass::not_found, "Cannot find checkpoint or savepoint file/directory '" + path +
                                            "' on file system '" + (location.is_s3() ? location.scheme : "file") + "'.");
}

struct Disposal {
  std::vector<std::string> deleted;  // in the order deleted
  std::vector<std::string> missing;  // named by `_metadata`, already gone
  std::vector<std::string> left;     // still in the directory afterwards (at most k_max_left)
  bool more_left = false;
  std::string failure;  // the first deletion that failed, and why
};

void report_disposal(Report& report, const Disposal& disposal) {
  report.set("deleted", json_list(disposal.deleted));
  report.set("missing", json_list(disposal.missing));
  report.set("left", json_list(disposal.left));
}

void dispose(CommandContext& context, const std::string& path, Location location) {
  Report& report = context.report();
  SnapshotStore& store = context.store(location.kind);
  const MetadataLookup lookup = find_metadata_file(store, location);
  if (!lookup.file) throw_missing(lookup, location, path);
  const Location metadata_file = *lookup.file;
  const Location directory = parent_location(metadata_file);
  report.set("metadata_path", metadata_file.display());

  // A retained checkpoint shares files with the job's other checkpoints (incremental RocksDB),
  // which the JobManager's disposal deletes anyway; prune knows which ones are still needed.
  if (checkpoint_directory_number(last_segment(directory))) {
    throw CliError(ErrorClass::unsupported,
                   directory.display() + " is a retained checkpoint (" + last_segment(directory) +
                       "), not a savepoint: its files may be shared with the job's other checkpoints. Nothing was "
                       "deleted; use flink prune to delete checkpoints (it keeps what the others need).");
  }
  const metadata::SavepointMetadata savepoint = read_metadata(store, metadata_file);

  // Every file `_metadata` names must lie in the directory: files elsewhere (incremental RocksDB's
  // shared/, entropy-injected paths, another file system) may belong to other snapshots too.
  std::vector<Location> files;
  std::vector<std::string> outside;
  std::unordered_set<std::string> seen{location_identity(metadata_file)};
  for (const auto& op : savepoint.operators) {
    for (const auto& file : op.files) {
      const auto stored = state_file_location(op, file, directory);
      if (!stored || !inside(*stored, directory)) {
        outside.push_back(stored ? stored->display() : std::string(op.path_of(file)));
        continue;
      }
      if (seen.insert(location_identity(*stored)).second) files.push_back(*stored);
    }
  }
  if (!outside.empty()) {
    report.set("outside", json_list(outside));
    throw CliError(ErrorClass::unsupported,
                   "its _metadata names " + std::to_string(outside.size()) + " file(s) outside " + directory.display() +
                       " (incremental RocksDB shared/ files, entropy-injected paths or another file system, which "
                       "other snapshots may need): " + some_of(outside, outside.size()) +
                       ". Nothing was deleted; without --offline the JobManager disposes of it, those files included.");
  }

  Disposal disposal;
  std::vector<Location> present;
  const auto found = store.stat_all(files);
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (found[i]) {
      present.push_back(files[i]);
    } else {
      disposal.missing.push_back(files[i].display());
    }
  }
  report_disposal(report, disposal);
  if (context.interrupt().requested()) {
    throw_interrupted(context, [](int signal_number) {
      return "Interrupted by " + signal_name(signal_number) + " before anything was deleted: the savepoint is intact.";
    });
  }
  // From here on the savepoint goes: a signal is acted on once the directory is done.
  arm_last_words(context, [directory](int signal_number) {
    return "Interrupted by " + signal_name(signal_number) + " while disposing of the savepoint offline: its _metadata "
           "may be deleted already, so " + directory.display() + " may no longer be a savepoint; delete what is left "
           "of it by hand.";
  });

  // 1. `_metadata` first, as Flink does: from then on nothing can restore from a half-deleted
  // savepoint.
  for (const DeleteFailure& failure : store.remove({metadata_file})) {
    throw CliError(ErrorClass::operation_failed, "Cannot delete " + failure.location.display() + ": " +
                                                     one_line(failure.reason, 300) + ". Nothing was deleted.");
  }
  disposal.deleted.push_back(metadata_file.display());
  spdlog::debug("deleted {}; deleting {} state file(s)", metadata_file.display(), present.size());

  // 2. The state files it names.
  std::unordered_set<std::string> failed;
  for (const DeleteFailure& failure : store.remove(present)) {
    failed.insert(location_identity(failure.location));
    if (disposal.failure.empty()) {
      disposal.failure = "cannot delete " + failure.location.display() + ": " + one_line(failure.reason, 300);
    }
  }
  for (const Location& file : present) {
    if (!failed.count(location_identity(file))) disposal.deleted.push_back(file.display());
  }

  // 3. The directory, if nothing else is in it: a local directory, or S3's marker key "<dir>/".
  store.list(
      directory,
      [&](const StoredObject& object) {
        if (disposal.left.size() == k_max_left) {
          disposal.more_left = true;
          return false;
        }
        disposal.left.push_back(object.location.display() + (object.directory ? "/" : ""));
        return true;
      },
      true);
  if (disposal.left.empty()) {
    std::optional<Location> entry = directory;
    if (directory.is_s3()) {
      Location marker = directory;
      marker.key += "/";
      marker.text = marker.display();
      entry = directory.key.empty() || !store.stat(marker) ? std::nullopt : std::optional<Location>(marker);
    }
    if (entry) {
      const auto failures = store.remove({*entry});
      if (failures.empty()) {
        disposal.deleted.push_back(entry->display());
      } else {
        disposal.left.push_back(entry->display());
        disposal.failure = "cannot delete " + entry->display() + ": " + one_line(failures.front().reason, 300);
      }
    }
  }
  report_disposal(report, disposal);
  if (!disposal.missing.empty()) {
    context.console().err("Note: " + std::to_string(disposal.missing.size()) +
                          " state file(s) its _metadata names were missing already: " +
                          some_of(disposal.missing, disposal.missing.size()) + ".");
  }
  if (!disposal.left.empty()) {
    const std::string count = disposal.more_left ? "more than " + std::to_string(k_max_left)
                                                 : std::to_string(disposal.left.size());
    throw CliError(ErrorClass::operation_failed,
                   "deleted its _metadata and " + std::to_string(disposal.deleted.size() - 1) + " state file(s), but " +
                       directory.display() + " still holds " + count + " object(s)" +
                       (disposal.failure.empty() ? " its _metadata does not name, left as they are: "
                                                 : " (" + disposal.failure + "): ") +
                       some_of(disposal.left, disposal.more_left ? disposal.left.size() + 1 : disposal.left.size()));
  }
}

}  // namespace

int dispose_offline(CommandContext& context, const std::string& path) {
  Report& report = context.report();
  report.set("savepoint_path", path);
  report.set("offline", true);
  Location location = snapshot_location(path, "dispose of");  // a bad path or scheme before any line
  // Local paths absolute, so that files named by absolute paths compare with the directory.
  if (!location.is_s3()) location = parse_location(path, std::filesystem::current_path());
  (void)context.config();  // as the JobManager's path: a bad configuration before any line
  report.line("Disposing savepoint '" + path + "'.");
  // Java's second line, though nothing is waited for: stdout stays the same as Java's.
  report.line("Waiting for response...");
  with_error_context("Failed to dispose the savepoint '" + path + "'", [&] { dispose(context, path, location); });
  report.line("Savepoint '" + path + "' disposed.");
  return 0;
}

}  // namespace flinkcli
