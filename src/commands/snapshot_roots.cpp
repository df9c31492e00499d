#include "snapshot_roots.hpp"

#include <filesystem>
#include <map>

#include "flinkcli/commands/savepoint_paths.hpp"
#include "flinkcli/core/text.hpp"
#include "flinkcli/output/progress.hpp"
#include "snapshot_files.hpp"

namespace flinkcli {

namespace {

constexpr const char* k_checkpoint_dir = "execution.checkpointing.dir";
constexpr const char* k_legacy_checkpoint_dir = "state.checkpoints.dir";
constexpr const char* k_entropy_key = "s3.entropy.key";

}  // namespace

std::vector<SnapshotRoot> resolve_snapshot_roots(CommandContext& context, const std::vector<std::string>& given,
                                                 const std::string& doing) {
  std::vector<SnapshotRoot> roots;
  for (const auto& text : given) roots.push_back({snapshot_location(text, doing), false, ""});
  // Absolute: paths are compared with those a JobManager reports, and printed for run -s, which
  // the JobManager would resolve against its own working directory.
  for (SnapshotRoot& root : roots) {
    if (root.location.kind != LocationKind::local) continue;
    root.location.local_path = std::filesystem::absolute(root.location.local_path).lexically_normal();
    std::string path = root.location.local_path.string();
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    root.location.local_path = path;
    root.location.text = path;
  }
  if (!roots.empty()) return roots;
  const Configuration& config = context.config();
  const std::string entropy_key = config.get(k_entropy_key).value_or("");
  const auto add = [&](const std::optional<std::string>& value, const std::string& key) {
    if (!value || trim(*value).empty()) return;
    roots.push_back({snapshot_location(without_entropy_key(trim(*value), entropy_key), doing), true, key});
  };
  const SavepointDirectory savepoints = config.default_savepoint_dir();
  add(savepoints.path, savepoints.source);
  const auto checkpoints = config.get(k_checkpoint_dir);
  add(checkpoints ? checkpoints : config.get(k_legacy_checkpoint_dir), checkpoints ? k_checkpoint_dir : k_legacy_checkpoint_dir);
  if (roots.empty()) {
    throw CliError::usage("No directory given and none configured: give the directories of savepoints or checkpoints "
                          "(<root>...), or set execution.checkpointing.savepoint-dir and execution.checkpointing.dir.");
  }
  return roots;
}

Inventory inventory_of_roots(CommandContext& context, const std::vector<SnapshotRoot>& roots, InventoryOptions options) {
  ProgressLine progress(context.console(), context.clock(), context.show_progress());
  options.progress = [&](std::string_view phase, std::uint64_t done, std::uint64_t total) {
    progress.show(phase == "listing" ? "listing: " + std::to_string(done) + " objects"
                                     : "reading _metadata: " + std::to_string(done) + "/" + std::to_string(total));
  };
  Inventory merged;
  std::map<LocationKind, std::vector<Location>> by_kind;
  for (const SnapshotRoot& root : roots) {
    if (root.configured) {
      SnapshotStore& store = context.store(root.location.kind);
      if (!store.is_directory(root.location) && !store.stat(root.location)) {
        context.console().err("Note: the configured directory " + printable_path(root.location.display()) + " (" +
                              root.source + ") does not exist (yet).");
        merged.roots.push_back(root.location.display());
        continue;
      }
    }
    by_kind[root.location.kind].push_back(root.location);
  }
  for (const auto& [kind, locations] : by_kind) {
    Inventory part = take_inventory(context.store(kind), locations, options);
    merged.objects_listed += part.objects_listed;
    for (auto& root : part.roots) merged.roots.push_back(std::move(root));
    for (auto& record : part.snapshots) merged.snapshots.push_back(std::move(record));
  }
  sort_snapshots(merged.snapshots);
  return merged;
}

bool jobmanager_configured(CommandContext& context) {
  const Configuration& config = context.config();
  return config.get(keys::rest_address) || config.high_availability() || context.options().zookeeper_namespace;
}

std::string roots_text(const std::vector<std::string>& roots) {
  std::string text;
  for (const auto& root : roots) text += (text.empty() ? "" : ", ") + printable_path(root);
  return text;
}

}  // namespace flinkcli
