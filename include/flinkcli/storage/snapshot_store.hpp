#pragma once
// A snapshot store: where savepoints and checkpoints live (a local file system, S3). Actions read,
// list and delete through this interface only and never learn which store they talk to; `cli`
// wires the factory in (Runtime::store_factory).
//
// Failures are CliErrors: not_found (exit 4) for a missing bucket or object that was asked for,
// storage_access (17) for refused credentials or permissions, unreachable (3), protocol (9) for
// an endpoint that is not the store, tls (10), operation_failed (5) when retries ran out, timeout
// (6) at the action's deadline. Each names the location.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "flinkcli/config/conf_files.hpp"
#include "flinkcli/config/configuration.hpp"
#include "flinkcli/core/clock.hpp"
#include "flinkcli/core/error.hpp"
#include "flinkcli/storage/location.hpp"

namespace flinkcli {

struct StoredObject {
  Location location;
  std::uint64_t size = 0;
  std::optional<std::chrono::system_clock::time_point> modified;
  // Listings with directories only: a local directory or an S3 directory marker (a 0-byte key
  // ending in '/', named here without it). `readable` is false for a local directory this
  // process may not list (its contents are not visited).
  bool directory = false;
  bool readable = true;
};

struct DeleteFailure {
  Location location;
  std::string reason;  // S3's code and message, or the file system's
};

class SnapshotStore {
 public:
  virtual ~SnapshotStore() = default;

  // The object (file) at `location`; none when there is none. A directory, or a prefix with
  // objects under it, is not an object.
  virtual std::optional<StoredObject> stat(const Location& location) = 0;

  // Whether anything lies under `location` taken as a directory (a local directory, or a prefix
  // with at least one object or marker under it).
  virtual bool is_directory(const Location& location) = 0;

  // The whole object, after checking that its size is at most `limit`: a larger one is a
  // CliError of class `too_large` naming both sizes, and is never downloaded. A missing object is
  // not_found.
  virtual std::string read(const Location& location, std::uint64_t limit, ErrorClass too_large) = 0;

  // `length` bytes from `offset` (fewer at the end of the object).
  virtual std::string read_range(const Location& location, std::uint64_t offset, std::uint64_t length) = 0;

  // Every object under the directory (prefix) `location`, recursively, page by page: `visit` sees
  // each one once, in no guaranteed order, and stops the listing by returning false. Directory
  // markers (S3 keys ending in '/') and local directories are not objects: they are visited
  // (as `directory`) only with `with_directories` (a savepoint left behind may be a bare marker).
  virtual void list(const Location& directory, const std::function<bool(const StoredObject&)>& visit,
                    bool with_directories = false) = 0;

  // As read(), for an object a listing has just returned: its listed size is checked against
  // `limit`, so the store need not look it up again (S3: one GET, no HEAD).
  virtual std::string read_listed(const StoredObject& object, std::uint64_t limit, ErrorClass too_large);

  // Many objects at once, in the order given (none: missing). The store picks the cheapest way:
  // one listing per directory that holds several of them, single lookups in parallel otherwise.
  virtual std::vector<std::optional<StoredObject>> stat_all(const std::vector<Location>& locations);

  // Deletes the objects (in batches where the store has them); a missing object counts as
  // deleted. Returns those that could not be deleted, each with its reason.
  virtual std::vector<DeleteFailure> remove(const std::vector<Location>& locations) = 0;
};

// What a store needs from the action: the configuration (S3 keys), the environment (AWS_*), the
// clock and the action's deadline (retries and timeouts), whether -v is on.
struct StoreContext {
  const Configuration& config;
  GetEnv getenv;
  Clock& clock;
  std::chrono::steady_clock::time_point deadline;
  std::chrono::milliseconds request_timeout;  // client.timeout: bounds each request
};

// The store that serves locations of `kind`.
using StoreFactory = std::function<std::unique_ptr<SnapshotStore>(LocationKind kind, const StoreContext& context)>;

// The real stores: the local file system, S3 (credentials and endpoint from read_s3_settings,
// each with its origin logged at debug level).
std::unique_ptr<SnapshotStore> make_snapshot_store(LocationKind kind, const StoreContext& context);

}  // namespace flinkcli
