#pragma once
// An in-memory SnapshotStore for tests of what actions do with stored snapshots: objects and
// directory markers by S3 key (bucket "b"), each with a size and a modification time; failures
// per key; every call counted, so tests see what a listing or a lookup costs.
#include <atomic>
#include <map>
#include <string>

#include "flinkcli/core/error.hpp"
#include "flinkcli/storage/snapshot_store.hpp"

namespace flinkcli::testing {

class MemoryStore final : public SnapshotStore {
 public:
  struct Object {
    std::string bytes;
    std::chrono::system_clock::time_point modified;
    bool marker = false;
  };

  static Location at(const std::string& key) { return parse_location("s3://b/" + key, "/"); }

  void put(const std::string& key, std::string bytes, std::chrono::system_clock::time_point modified = {}) {
    objects[key] = Object{std::move(bytes), modified, false};
  }
  void marker(const std::string& key, std::chrono::system_clock::time_point modified = {}) {
    objects[key + "/"] = Object{"", modified, true};
  }
  // Reading or looking up `key` fails with this error.
  void fail(const std::string& key, ErrorClass error_class, const std::string& message) {
    failures.insert_or_assign(key, CliError(error_class, message));
  }

  std::optional<StoredObject> stat(const Location& location) override {
    ++stats;
    check(location.key);
    const auto found = objects.find(location.key);
    if (found == objects.end() || found->second.marker) return std::nullopt;
    return stored(location.key, found->second);
  }
  bool is_directory(const Location& location) override {
    const std::string prefix = location.key.empty() ? "" : location.key + "/";
    const auto found = objects.lower_bound(prefix);
    return found != objects.end() && found->first.compare(0, prefix.size(), prefix) == 0;
  }
  std::string read(const Location& location, std::uint64_t limit, ErrorClass too_large) override {
    ++reads;
    const auto object = stat(location);
    if (!object) throw CliError(ErrorClass::not_found, location.display() + " does not exist");
    if (object->size > limit) throw CliError(too_large, location.display() + " is too large");
    return objects.at(location.key).bytes;
  }
  std::string read_listed(const StoredObject& object, std::uint64_t limit, ErrorClass too_large) override {
    ++reads;
    check(object.location.key);
    if (object.size > limit) throw CliError(too_large, object.location.display() + " is too large");
    const auto found = objects.find(object.location.key);
    if (found == objects.end()) throw CliError(ErrorClass::not_found, object.location.display() + " does not exist");
    return found->second.bytes;
  }
  std::string read_range(const Location& location, std::uint64_t offset, std::uint64_t length) override {
    return read(location, UINT64_MAX, ErrorClass::bad_savepoint).substr(offset, length);
  }
  void list(const Location& directory, const std::function<bool(const StoredObject&)>& visit, bool with_directories) override {
    ++listings;
    const std::string prefix = directory.key.empty() ? "" : directory.key + "/";
    check(prefix);
    for (auto it = objects.lower_bound(prefix); it != objects.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
      if (it->second.marker) {
        if (!with_directories || it->first == prefix) continue;
        StoredObject object = stored(it->first.substr(0, it->first.size() - 1), it->second);
        object.directory = true;
        if (!visit(object)) return;
        continue;
      }
      if (!visit(stored(it->first, it->second))) return;
    }
  }
  std::vector<std::optional<StoredObject>> stat_all(const std::vector<Location>& locations) override {
    ++stat_all_calls;
    return SnapshotStore::stat_all(locations);
  }
  std::vector<DeleteFailure> remove(const std::vector<Location>& locations) override {
    std::vector<std::string> keys;
    for (const auto& location : locations) keys.push_back(location.key);
    removals.push_back(keys);
    std::vector<DeleteFailure> failed;
    for (const auto& location : locations) {
      if (const auto found = refuse_delete.find(location.key); found != refuse_delete.end()) {
        failed.push_back({location, found->second});
        continue;
      }
      objects.erase(location.key);
      ++removed;
    }
    return failed;
  }

  std::map<std::string, Object> objects;
  std::map<std::string, CliError> failures;
  std::map<std::string, std::string> refuse_delete;  // key -> the reason remove() gives
  // Counted atomically: an inventory reads from several threads.
  std::atomic<int> stats{0};
  std::atomic<int> reads{0};
  std::atomic<int> listings{0};
  std::atomic<int> stat_all_calls{0};
  std::atomic<int> removed{0};
  std::vector<std::vector<std::string>> removals;  // the keys of each remove() call, in order

  // A factory that hands this store to the client for every kind (the store outlives the run).
  StoreFactory factory() {
    return [this](LocationKind, const StoreContext&) -> std::unique_ptr<SnapshotStore> {
      return std::make_unique<Borrowed>(*this);
    };
  }

 private:
  class Borrowed final : public SnapshotStore {
   public:
    explicit Borrowed(MemoryStore& store) : m_store(store) {}
    std::optional<StoredObject> stat(const Location& l) override { return m_store.stat(l); }
    bool is_directory(const Location& l) override { return m_store.is_directory(l); }
    std::string read(const Location& l, std::uint64_t limit, ErrorClass c) override { return m_store.read(l, limit, c); }
    std::string read_listed(const StoredObject& o, std::uint64_t limit, ErrorClass c) override {
      return m_store.read_listed(o, limit, c);
    }
    std::string read_range(const Location& l, std::uint64_t o, std::uint64_t n) override { return m_store.read_range(l, o, n); }
    void list(const Location& d, const std::function<bool(const StoredObject&)>& v, bool dirs) override { m_store.list(d, v, dirs); }
    std::vector<std::optional<StoredObject>> stat_all(const std::vector<Location>& l) override { return m_store.stat_all(l); }
    std::vector<DeleteFailure> remove(const std::vector<Location>& l) override { return m_store.remove(l); }

   private:
    MemoryStore& m_store;
  };

  void check(const std::string& key) const {
    if (const auto found = failures.find(key); found != failures.end()) throw found->second;
  }
  static StoredObject stored(const std::string& key, const Object& object) {
    StoredObject stored_object;
    stored_object.location = at(key);
    stored_object.size = object.bytes.size();
    stored_object.modified = object.modified;
    return stored_object;
  }
};

}  // namespace flinkcli::testing
