#include "s3_store.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <mutex>

#include "flinkcli/core/parallel.hpp"

namespace flinkcli {

namespace {

Location s3_location(const Location& like, const std::string& bucket, const std::string& key) {
  Location location;
  location.kind = LocationKind::s3;
  location.scheme = like.scheme.empty() ? "s3" : like.scheme;
  location.bucket = bucket;
  location.key = key;
  location.text = location.display();
  return location;
}

StoredObject stored(const Location& location, std::uint64_t size,
                    std::optional<std::chrono::system_clock::time_point> modified) {
  return StoredObject{location, size, modified};
}

class S3Store final : public SnapshotStore {
 public:
  explicit S3Store(std::unique_ptr<S3Client> client) : m_client(std::move(client)) {}

  std::optional<StoredObject> stat(const Location& location) override {
    auto object = head_object(location);
    std::lock_guard<std::mutex> lock(m_last_stat_mutex);
    m_last_stat = object;
    return object;
  }

  bool is_directory(const Location& location) override {
    bool found = false;
    const std::string prefix = location.key.empty() ? "" : location.key + "/";
    m_client->list(location.bucket, prefix, "/", [&](const S3ListPage& page) {
      found = !page.objects.empty() || !page.common_prefixes.empty();
      return !found;
    });
    return found;
  }

  std::string read(const Location& location, std::uint64_t limit, ErrorClass too_large) override {
    // The object just looked up (inspect finds `_metadata`, then reads it) needs no second HEAD.
    std::optional<StoredObject> object;
    {
      std::lock_guard<std::mutex> lock(m_last_stat_mutex);
      if (m_last_stat && m_last_stat->location.bucket == location.bucket && m_last_stat->location.key == location.key) {
        object = m_last_stat;
      }
    }
    if (!object) object = head_object(location);
    if (!object) {
      throw CliError(ErrorClass::not_found, location.display() + " does not exist");
    }
    if (object->size > limit) {
      throw CliError(too_large, "Cannot read " + location.display() + ": " + std::to_string(object->size) +
                                    " bytes, more than the " + std::to_string(limit) + " this client reads");
    }
    return get_whole(location, object->size);
  }

  std::string read_range(const Location& location, std::uint64_t offset, std::uint64_t length) override {
    return m_client->get(location.bucket, location.key, std::make_pair(offset, length), static_cast<std::size_t>(length));
  }

  void list(const Location& directory, const std::function<bool(const StoredObject&)>& visit,
            bool with_directories) override {
    const std::string prefix = directory.key.empty() ? "" : directory.key + "/";
    m_client->list(directory.bucket, prefix, "", [&](const S3ListPage& page) {
      for (const S3ListedObject& object : page.objects) {
        if (!object.key.empty() && object.key.back() == '/') {  // a directory marker
          if (!with_directories || object.key == prefix) continue;
          StoredObject marker = stored(s3_location(directory, directory.bucket, object.key.substr(0, object.key.size() - 1)),
                                       0, object.modified);
          marker.directory = true;
          if (!visit(marker)) return false;
          continue;
        }
        if (!visit(stored(s3_location(directory, directory.bucket, object.key), object.size, object.modified))) return false;
      }
      return true;
    });
  }

  std::string read_listed(const StoredObject& object, std::uint64_t limit, ErrorClass too_large) override {
    if (object.size > limit) {
      throw CliError(too_large, "Cannot read " + object.location.display() + ": " + std::to_string(object.size) +
                                    " bytes, more than the " + std::to_string(limit) + " this client reads");
    }
    return get_whole(object.location, object.size);
  }

  // One listing per directory that holds several of the objects (stopping once past the last
  // wanted key, as listings are in key order); HEADs in parallel for the rest (entropy injection
  // gives every file a directory of its own).
  std::vector<std::optional<StoredObject>> stat_all(const std::vector<Location>& locations) override {
    std::vector<std::optional<StoredObject>> results(locations.size());
    std::map<std::pair<std::string, std::string>, std::vector<std::size_t>> by_directory;
    for (std::size_t i = 0; i < locations.size(); ++i) {
      if (locations[i].key.empty()) continue;
      by_directory[{locations[i].bucket, parent_prefix(locations[i].key)}].push_back(i);
    }
    std::vector<std::size_t> singles;
    for (const auto& [directory, indexes] : by_directory) {
      if (indexes.size() < 2) {
        singles.insert(singles.end(), indexes.begin(), indexes.end());
        continue;
      }
      std::map<std::string, std::vector<std::size_t>> wanted;
      for (std::size_t index : indexes) wanted[locations[index].key].push_back(index);
      const std::string last = wanted.rbegin()->first;
      std::size_t remaining = wanted.size();
      m_client->list(directory.first, directory.second, "/", [&](const S3ListPage& page) {
        for (const S3ListedObject& object : page.objects) {
          if (auto found = wanted.find(object.key); found != wanted.end()) {
            for (std::size_t index : found->second) results[index] = stored(locations[index], object.size, object.modified);
            --remaining;
          }
          if (object.key >= last) return false;
        }
        return remaining > 0;
      });
    }
    head_in_parallel(locations, singles, results);
    return results;
  }

  std::vector<DeleteFailure> remove(const std::vector<Location>& locations) override {
    std::map<std::string, std::vector<const Location*>> by_bucket;
    for (const Location& location : locations) by_bucket[location.bucket].push_back(&location);
    std::vector<DeleteFailure> failures;
    for (const auto& [bucket, members] : by_bucket) {
      std::vector<std::string> keys;
      std::map<std::string, const Location*> by_key;
      for (const Location* location : members) {
        keys.push_back(location->key);
        by_key[location->key] = location;
      }
      for (const S3DeleteError& error : m_client->delete_objects(bucket, keys)) {
        const auto found = by_key.find(error.key);
        const Location location = found != by_key.end() ? *found->second : s3_location(*members.front(), bucket, error.key);
        failures.push_back({location, error.code + (error.message.empty() ? "" : ": " + error.message)});
      }
    }
    return failures;
  }

 private:
  // The whole object, which a HEAD or a listing said is `size` bytes long.
  std::string get_whole(const Location& location, std::uint64_t size) {
    std::string bytes = m_client->get(location.bucket, location.key, std::nullopt, static_cast<std::size_t>(size));
    if (bytes.size() != size) {
      throw CliError(ErrorClass::operation_failed, "Reading " + location.display() + " gave " + std::to_string(bytes.size()) +
                                                       " bytes of " + std::to_string(size) +
                                                       "; it changed while being read, try again");
    }
    return bytes;
  }

  std::optional<StoredObject> head_object(const Location& location) {
    if (location.key.empty()) return std::nullopt;  // the bucket itself is no object
    const auto info = m_client->head(location.bucket, location.key);
    if (!info) return std::nullopt;
    return stored(location, info->size, info->modified);
  }

  void head_in_parallel(const std::vector<Location>& locations, const std::vector<std::size_t>& indexes,
                        std::vector<std::optional<StoredObject>>& results) {
    run_in_parallel(indexes.size(), m_client->limits().parallel_requests,
                    [&](std::size_t at) { results[indexes[at]] = head_object(locations[indexes[at]]); });
  }

  std::unique_ptr<S3Client> m_client;
  std::mutex m_last_stat_mutex;
  std::optional<StoredObject> m_last_stat;
};

}  // namespace

std::unique_ptr<SnapshotStore> make_s3_store(std::unique_ptr<S3Client> client) {
  return std::make_unique<S3Store>(std::move(client));
}

}  // namespace flinkcli
