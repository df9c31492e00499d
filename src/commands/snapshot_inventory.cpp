#include "flinkcli/commands/snapshot_inventory.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "flinkcli/core/error.hpp"
#include "flinkcli/core/parallel.hpp"
#include "flinkcli/core/text.hpp"
#include "snapshot_files.hpp"

namespace flinkcli {

namespace {

constexpr std::size_t k_missing_sample = 5;

// A directory as a deletable entry: an S3 marker's key ends in '/'.
Location directory_entry(const Location& directory) {
  Location entry = directory;
  if (entry.is_s3()) entry.key += "/";
  return entry;
}

bool all_hex(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// The last path segment of a location ("" for a bucket).
std::string last_segment(const Location& location) {
  if (location.is_s3()) {
    const auto slash = location.key.rfind('/');
    return slash == std::string::npos ? location.key : location.key.substr(slash + 1);
  }
  return location.local_path.filename().string();
}


// The path of `object` below `root`, '/'-separated; none when it is the root itself or not below.
std::optional<std::string> relative_to(const Location& root, const Location& object) {
  const std::string base = location_identity(root);
  const std::string full = location_identity(object);
  if (full.size() <= base.size() + 1 || full.compare(0, base.size(), base) != 0) return std::nullopt;
  if (!base.empty() && base.back() != '/' && full[base.size()] != '/') return std::nullopt;
  return full.substr(base.back() == '/' ? base.size() : base.size() + 1);
}

std::vector<std::string_view> split_segments(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const auto end = slash == std::string_view::npos ? path.size() : slash;
    if (end > start) segments.push_back(path.substr(start, end - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return segments;
}

bool is_snapshot_directory_name(std::string_view name) {
  return is_savepoint_directory_name(name) || checkpoint_directory_number(name).has_value();
}

void note_time(std::optional<WallTime>& newest, const std::optional<WallTime>& time) {
  if (time && (!newest || *time > *newest)) newest = time;
}

// A snapshot directory while the listing goes on.
struct Candidate {
  SnapshotRecord record;
  std::optional<StoredObject> metadata;
  bool listable = true;
};

// Objects directly in a directory that is not (yet) known to be a snapshot: a directory turns out
// to be one when it holds `_metadata` (a savepoint directory renamed by hand).
struct DirectoryTotals {
  std::uint64_t size = 0;
  std::uint64_t objects = 0;
  std::optional<WallTime> newest;
  std::vector<Location> contents;  // with keep_contents
};

class InventoryBuilder {
 public:
  InventoryBuilder(SnapshotStore& store, const InventoryOptions& options) : m_store(store), m_options(options) {}

  void add_root(const Location& given) {
    Location root = given;
    if (auto object = m_store.stat(root)) {
      // A `_metadata` object stands for its snapshot; any other object is no directory of them.
      if (last_segment(root) != "_metadata") {
        throw CliError(ErrorClass::not_found, root.display() + " is a file, not a directory of savepoints or checkpoints");
      }
      root = parent_location(root);
    }
    const std::string root_text = given.display();
    m_roots.push_back(root);
    std::uint64_t visited = 0;
    m_store.list(root, [&](const StoredObject& object) {
      ++visited;
      ++m_objects_listed;
      add_object(root, root_text, object);
      if (m_options.progress && m_objects_listed % 1000 == 0) m_options.progress("listing", m_objects_listed, 0);
      return true;
    }, true);
    if (visited == 0 && !m_store.is_directory(root)) {
      throw CliError(ErrorClass::not_found, "No such directory: " + root_text);
    }
    // The root itself may be a snapshot directory: an empty one is a snapshot without metadata.
    if (visited == 0 && is_snapshot_directory_name(last_segment(root))) candidate(root, root_text);
  }

  Inventory finish() {
    adopt_unnamed_directories();
    // Every job id seen (before --job-id selects), for the savepoints' 6-digit prefixes.
    std::map<std::string, std::unordered_set<std::string>> jobs_by_prefix;
    for (const auto& candidate : m_candidates) {
      if (candidate.record.job_id) jobs_by_prefix[candidate.record.job_prefix].insert(*candidate.record.job_id);
    }
    std::vector<Candidate> candidates;
    candidates.reserve(m_candidates.size());
    for (auto& candidate : m_candidates) {
      if (selected(candidate.record)) candidates.push_back(std::move(candidate));
    }
    m_candidates.clear();
    mark_ambiguous_prefixes(candidates, jobs_by_prefix);
    read_all_metadata(candidates);

    Inventory inventory;
    inventory.objects_listed = m_objects_listed;
    for (auto& candidate : candidates) inventory.snapshots.push_back(std::move(candidate.record));
    sort_snapshots(inventory.snapshots);
    return inventory;
  }

 private:
  void add_object(const Location& root, const std::string& root_text, const StoredObject& object) {
    const auto relative = relative_to(root, object.location);
    if (!relative) return;
    const auto segments = split_segments(*relative);
    if (segments.empty()) return;
    if (!object.directory) m_present.insert(location_identity(object.location));

    // The shallowest directory named as Flink names snapshots, the root included.
    const std::size_t directories = object.directory ? segments.size() : segments.size() - 1;
    std::optional<std::size_t> depth;  // 0: the root itself, k: root + segments[0..k-1]
    if (is_snapshot_directory_name(last_segment(root))) {
      depth = 0;
    } else {
      for (std::size_t k = 0; k < directories; ++k) {
        if (is_snapshot_directory_name(segments[k])) {
          depth = k + 1;
          break;
        }
      }
    }
    if (depth) {
      Candidate& owner = candidate(directory_at(root, segments, *depth), root_text);
      if (object.directory) {
        if (segments.size() == *depth) {  // the snapshot directory itself (a marker, a local directory)
          note_time(owner.record.newest_time, object.modified);
          if (!object.readable) owner.listable = false;
        }
        if (m_options.keep_contents) owner.record.directories.push_back(directory_entry(object.location));
        return;
      }
      add_to(owner.record, object);
      if (m_options.keep_contents) owner.record.contents.push_back(object.location);
      if (segments.size() == *depth + 1 && segments.back() == "_metadata") owner.metadata = object;
      return;
    }
    if (object.directory) return;
    // Not under a named snapshot directory: kept per directory, in case it holds `_metadata`.
    const std::string parent(std::string_view(*relative).substr(0, relative->size() - segments.back().size()));
    DirectoryTotals& totals = m_unnamed[{m_roots.size() - 1, parent}];
    totals.size += object.size;
    ++totals.objects;
    if (m_options.keep_contents) totals.contents.push_back(object.location);
    note_time(totals.newest, object.modified);
    if (segments.back() == "_metadata") {
      Candidate& owner = candidate(directory_at(root, segments, segments.size() - 1), root_text);
      owner.metadata = object;
      m_unnamed_owner[{m_roots.size() - 1, parent}] = &owner - m_candidates.data();
    }
  }

  static void add_to(SnapshotRecord& record, const StoredObject& object) {
    record.size += object.size;
    ++record.objects;
    note_time(record.newest_time, object.modified);
  }

  static Location directory_at(const Location& root, const std::vector<std::string_view>& segments, std::size_t depth) {
    Location directory = root;
    for (std::size_t k = 0; k < depth; ++k) directory = child_location(directory, segments[k]);
    return directory;
  }

  Candidate& candidate(const Location& directory, const std::string& root_text) {
    const std::string id = location_identity(directory);
    if (const auto found = m_index.find(id); found != m_index.end()) return m_candidates[found->second];
    Candidate fresh;
    SnapshotRecord& record = fresh.record;
    record.location = directory;
    record.root = root_text;
    const std::string name = last_segment(directory);
    if (const auto number = checkpoint_directory_number(name)) {
      record.kind = SnapshotKind::checkpoint;
      record.directory_number = number;
      const std::string parent = last_segment(parent_location(directory));
      if (is_job_id_name(parent)) {
        record.job_id = parent;
        record.job_prefix = parent.substr(0, 6);
      }
    } else if (is_savepoint_directory_name(name)) {
      record.kind = SnapshotKind::savepoint;
      record.job_prefix = name.substr(10, 6);
    }
    m_index.emplace(id, m_candidates.size());
    m_candidates.push_back(std::move(fresh));
    return m_candidates.back();
  }

  // A directory that holds `_metadata` without a Flink name takes the objects listed beside it.
  void adopt_unnamed_directories() {
    for (const auto& [key, index] : m_unnamed_owner) {
      const DirectoryTotals& totals = m_unnamed[key];
      SnapshotRecord& record = m_candidates[index].record;
      record.size += totals.size;
      record.objects += totals.objects;
      note_time(record.newest_time, totals.newest);
      record.contents.insert(record.contents.end(), totals.contents.begin(), totals.contents.end());
    }
    m_unnamed.clear();
  }

  bool selected(const SnapshotRecord& record) const {
    if (!m_options.job_id) return true;
    if (record.job_id) return *record.job_id == *m_options.job_id;
    return !record.job_prefix.empty() && m_options.job_id->compare(0, 6, record.job_prefix) == 0;
  }

  // A savepoint names only 6 hex digits of its job: ambiguous when several jobs seen share them.
  static void mark_ambiguous_prefixes(std::vector<Candidate>& candidates,
                                      const std::map<std::string, std::unordered_set<std::string>>& jobs_by_prefix) {
    for (auto& candidate : candidates) {
      SnapshotRecord& record = candidate.record;
      if (record.job_id || record.job_prefix.empty()) continue;
      const auto found = jobs_by_prefix.find(record.job_prefix);
      record.job_ambiguous = found != jobs_by_prefix.end() && found->second.size() > 1;
    }
  }

  bool under_a_root(const Location& location) const {
    for (const Location& root : m_roots) {
      if (root.kind == location.kind && relative_to(root, location)) return true;
    }
    return false;
  }

  // Reads and parses one snapshot's `_metadata` and looks for the files it names: in the
  // listing when they lie under a root, else in the store. Problems the snapshot itself has
  // (unreadable, corrupt, refused) make it an `unreadable` record; others are thrown.
  void read_metadata_of(Candidate& candidate) {
    SnapshotRecord& record = candidate.record;
    if (!candidate.listable) {
      record.status = SnapshotStatus::unreadable;
      record.problem = "cannot list " + record.location.display() + ": permission denied";
      record.problem_class = ErrorClass::storage_access;
      return;
    }
    if (!candidate.metadata) {
      record.status = SnapshotStatus::no_metadata;
      return;
    }
    record.metadata_time = candidate.metadata->modified;
    if (m_options.keep_contents) record.metadata_file = candidate.metadata->location;
    try {
      const std::string bytes = m_store.read_listed(*candidate.metadata, k_max_metadata_bytes, ErrorClass::bad_savepoint);
      const metadata::SavepointMetadata metadata = parse_metadata_of(bytes, candidate.metadata->location);
      record.checkpoint_id = metadata.checkpoint_id;
      record.metadata_version = metadata.version;
      record.format = metadata.format;
      record.snapshot_type = metadata.snapshot_type;
      record.fingerprint = application_fingerprint(metadata);
      if (m_options.keep_operator_ids) {
        for (const auto& op : metadata.operators) record.operator_ids.push_back(op.operator_id);
        std::sort(record.operator_ids.begin(), record.operator_ids.end());
      }
      if (!checkpoint_directory_number(last_segment(record.location)) && !is_savepoint_directory_name(last_segment(record.location))) {
        record.kind = metadata.snapshot_type == "checkpoint" ? SnapshotKind::checkpoint : SnapshotKind::savepoint;
      }
      check_files(record, metadata);
    } catch (const CliError& error) {
      switch (error.error_class()) {
        case ErrorClass::bad_savepoint:
        case ErrorClass::storage_access:
        case ErrorClass::not_found:
          record.status = SnapshotStatus::unreadable;
          record.problem = one_line(error.what(), 500);
          record.problem_class = error.error_class();
          return;
        default:
          throw;
      }
    }
  }

  void check_files(SnapshotRecord& record, const metadata::SavepointMetadata& metadata) {
    std::uint64_t referenced = 0;
    std::uint64_t missing = 0;
    std::vector<Location> look_up;
    std::unordered_set<std::string> seen;
    const auto note_missing = [&](const Location& location) {
      ++missing;
      if (record.missing_sample.size() < k_missing_sample) record.missing_sample.push_back(location);
    };
    for (const auto& op : metadata.operators) {
      for (const auto& file : op.files) {
        auto location = state_file_location(op, file, record.location);
        if (!location) {
          ++record.elsewhere_files;
          continue;
        }
        std::string id = location_identity(*location);
        if (!seen.insert(id).second) continue;  // named by several operators (file merging)
        ++referenced;
        if (m_options.keep_contents) record.referenced.push_back(*location);
        if (m_present.count(id)) continue;
        if (under_a_root(*location)) {
          note_missing(*location);
        } else {
          look_up.push_back(std::move(*location));
        }
      }
    }
    if (!look_up.empty()) {
      const auto found = m_store.stat_all(look_up);
      for (std::size_t i = 0; i < look_up.size(); ++i) {
        if (!found[i]) note_missing(look_up[i]);
      }
    }
    record.referenced_files = referenced;
    record.missing_files = missing;
    record.status = missing == 0 ? SnapshotStatus::complete : SnapshotStatus::incomplete;
    if (missing > 0) {
      record.problem = std::to_string(missing) + " of " + std::to_string(referenced) + " state files missing, e.g. " +
                       printable_path(record.missing_sample.front().display());
    }
  }

  // Reads 8 at a time (the store bounds its own connections); progress from the caller's thread.
  void read_all_metadata(std::vector<Candidate>& candidates) {
    const std::size_t total = candidates.size();
    run_in_parallel(total, m_options.parallel_reads, [&](std::size_t at) { read_metadata_of(candidates[at]); },
                    [&](std::size_t finished) {
                      if (m_options.progress) m_options.progress("reading", finished, total);
                    });
    // The last read may have been another thread's: the line ends at the total.
    if (total > 0 && m_options.progress) m_options.progress("reading", total, total);
  }

 private:
  SnapshotStore& m_store;
  const InventoryOptions& m_options;
  std::vector<Location> m_roots;
  std::vector<Candidate> m_candidates;
  std::unordered_map<std::string, std::size_t> m_index;
  std::unordered_set<std::string> m_present;  // every object listed, by location_identity()
  std::map<std::pair<std::size_t, std::string>, DirectoryTotals> m_unnamed;
  std::map<std::pair<std::size_t, std::string>, std::size_t> m_unnamed_owner;
  std::uint64_t m_objects_listed = 0;
};

}  // namespace

std::string_view kind_name(SnapshotKind kind) { return kind == SnapshotKind::savepoint ? "savepoint" : "checkpoint"; }

std::string_view status_name(SnapshotStatus status) {
  switch (status) {
    case SnapshotStatus::complete: return "complete";
    case SnapshotStatus::incomplete: return "incomplete";
    case SnapshotStatus::no_metadata: return "no_metadata";
    case SnapshotStatus::unreadable: return "unreadable";
  }
  return "unreadable";
}

bool is_savepoint_directory_name(std::string_view name) {
  // "savepoint-" + the job id's first 6 hex digits + "-" + a random id (Flink's
  // AbstractFsCheckpointStorageAccess: FileUtils.getRandomFilename, 12 hex digits).
  return name.size() > 17 && name.starts_with("savepoint-") && all_hex(name.substr(10, 6)) && name[16] == '-';
}

std::optional<std::int64_t> checkpoint_directory_number(std::string_view name) {
  if (name.size() < 5 || name.size() > 4 + 18 || !name.starts_with("chk-")) return std::nullopt;  // 18 digits fit
  std::int64_t number = 0;
  for (char c : name.substr(4)) {
    if (c < '0' || c > '9') return std::nullopt;
    number = number * 10 + (c - '0');
  }
  return number;
}

bool is_job_id_name(std::string_view name) { return name.size() == 32 && all_hex(name); }

std::string job_label(const SnapshotRecord& record) {
  if (record.job_id) return *record.job_id;
  return record.job_prefix.empty() ? "-" : record.job_prefix + "...";
}

void sort_snapshots(std::vector<SnapshotRecord>& snapshots) {
  std::sort(snapshots.begin(), snapshots.end(), [](const SnapshotRecord& a, const SnapshotRecord& b) {
    const auto ta = a.time().value_or(WallTime{});
    const auto tb = b.time().value_or(WallTime{});
    if (ta != tb) return ta < tb;
    const auto ia = a.checkpoint_id.value_or(a.directory_number.value_or(-1));
    const auto ib = b.checkpoint_id.value_or(b.directory_number.value_or(-1));
    if (ia != ib) return ia < ib;
    return a.location.display() < b.location.display();
  });
}

// One string per object, the same for s3://, s3a:// and s3p:// (they are one store).
std::string location_identity(const Location& location) {
  return location.is_s3() ? location.bucket + "/" + location.key : location.local_path.lexically_normal().string();
}

bool same_location(const Location& a, const Location& b) { return a.kind == b.kind && location_identity(a) == location_identity(b); }

std::string application_fingerprint(const metadata::SavepointMetadata& metadata) {
  std::vector<std::string_view> ids;
  for (const auto& op : metadata.operators) ids.push_back(op.operator_id);
  std::sort(ids.begin(), ids.end());
  std::string joined;
  for (const auto id : ids) joined.append(id).push_back('\n');
  const auto [h1, h2] = metadata::murmur3_x64_128(joined, 0);
  (void)h2;
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(h1));
  return std::string(text, 12);
}

std::optional<std::size_t> select_latest(const std::vector<SnapshotRecord>& snapshots) {
  std::vector<std::size_t> candidates;
  for (std::size_t i = 0; i < snapshots.size(); ++i) {
    if (snapshots[i].restorable()) candidates.push_back(i);
  }
  if (candidates.empty()) return std::nullopt;
  // One job's checkpoint directory: checkpoint ids order its snapshots, whatever the clocks say.
  const auto parent = [&](std::size_t i) { return location_identity(parent_location(snapshots[i].location)); };
  const bool one_job_directory = std::all_of(candidates.begin(), candidates.end(), [&](std::size_t i) {
    return snapshots[i].kind == SnapshotKind::checkpoint && snapshots[i].job_id && parent(i) == parent(candidates.front());
  });
  const auto id_of = [&](std::size_t i) { return snapshots[i].checkpoint_id.value_or(-1); };
  return *std::max_element(candidates.begin(), candidates.end(), [&](std::size_t a, std::size_t b) {
    if (!one_job_directory) {
      const auto ta = snapshots[a].metadata_time.value_or(WallTime{});
      const auto tb = snapshots[b].metadata_time.value_or(WallTime{});
      if (ta != tb) return ta < tb;
    }
    if (id_of(a) != id_of(b)) return id_of(a) < id_of(b);
    return snapshots[a].directory_number.value_or(-1) < snapshots[b].directory_number.value_or(-1);
  });
}

Inventory take_inventory(SnapshotStore& store, const std::vector<Location>& roots, const InventoryOptions& options) {
  InventoryBuilder builder(store, options);
  for (const Location& root : roots) builder.add_root(root);
  Inventory inventory = builder.finish();
  for (const Location& root : roots) inventory.roots.push_back(root.display());
  return inventory;
}

}  // namespace flinkcli
