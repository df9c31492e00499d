#include "flinkcli/storage/snapshot_store.hpp"

#include <spdlog/spdlog.h>

#include "flinkcli/storage/s3_settings.hpp"
#include "local_store.hpp"
#include "s3_store.hpp"

namespace flinkcli {

std::vector<std::optional<StoredObject>> SnapshotStore::stat_all(const std::vector<Location>& locations) {
  std::vector<std::optional<StoredObject>> results;
  results.reserve(locations.size());
  for (const Location& location : locations) results.push_back(stat(location));
  return results;
}

std::string SnapshotStore::read_listed(const StoredObject& object, std::uint64_t limit, ErrorClass too_large) {
  return read(object.location, limit, too_large);
}

std::unique_ptr<SnapshotStore> make_snapshot_store(LocationKind kind, const StoreContext& context) {
  if (kind == LocationKind::local) return make_local_store();
  S3Settings settings = read_s3_settings(context.config, context.getenv);
  for (const std::string& line : settings.describe()) spdlog::debug("{}", line);
  return make_s3_store(std::make_unique<S3Client>(std::move(settings), context.clock, context.deadline,
                                                  context.request_timeout));
}

}  // namespace flinkcli
