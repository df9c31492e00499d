#pragma once
// The S3 requests snapshots need, over the http layer, signed with SigV4: HeadObject, GetObject
// (whole or a Range), ListObjectsV2 (paginated, bounded), DeleteObjects (batches of up to 1,000
// with Content-MD5). Every request here is idempotent, so a refused connection, a reset, a 500 or
// 503 and SlowDown are retried with jittered backoff, a bounded number of times and never past
// the action's deadline. S3's XML errors become one-line CliErrors naming bucket, key and code.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "flinkcli/core/clock.hpp"
#include "flinkcli/storage/s3_settings.hpp"
#include "flinkcli/storage/s3_xml.hpp"

namespace flinkcli {

struct S3ObjectInfo {
  std::uint64_t size = 0;
  std::optional<std::chrono::system_clock::time_point> modified;
};

// Where requests for a bucket go, from the settings: the endpoint's scheme, host and port, and
// whether the bucket is in the host name (virtual-hosted) or the path.
struct S3Endpoint {
  std::string scheme = "https";
  std::string host;
  int port = 443;
  std::string host_port() const;  // "host:9000", "[::1]:9000"
  std::string url() const;        // "https://host:443"
};
struct S3Address {
  S3Endpoint endpoint;
  bool path_style = false;
  std::string path_prefix;  // "/bucket" with path style, "" otherwise
};
// Path style when configured, for an endpoint that is an IP address or localhost, or for a
// bucket name that cannot be a host name label; virtual-hosted otherwise (as botocore and S3A).
// An endpoint without a scheme is https (S3A's default). Throws a config CliError for an
// endpoint that cannot be read.
S3Address s3_address(const S3Settings& settings, const std::string& bucket);
// The same in `region` (a bucket that S3 said is in another region than the configured one).
S3Address s3_address(const S3Settings& settings, const std::string& bucket, const std::string& region);

struct S3ClientLimits {
  int max_attempts = 5;             // per request, for retried failures of each kind
  // A listing that does not end is an error: more pages than this (10 million keys), or this many
  // pages in a row without a key, or a page whose keys do not come after the previous page's.
  std::uint64_t max_list_pages = 10000;
  std::uint64_t max_empty_list_pages = 100;
  std::size_t max_list_page_bytes = std::size_t{16} << 20;
  std::size_t parallel_requests = 8;      // HEADs in flight at once (stat of many objects)
  std::chrono::milliseconds connect_retry{3000};
};

class S3Client {
 public:
  S3Client(S3Settings settings, Clock& clock, std::chrono::steady_clock::time_point deadline,
           std::chrono::milliseconds request_timeout, S3ClientLimits limits = {},
           std::function<std::chrono::system_clock::time_point()> wall_clock = std::chrono::system_clock::now);
  ~S3Client();

  // None when the object does not exist (404). Thread-safe.
  std::optional<S3ObjectInfo> head(const std::string& bucket, const std::string& key);
  // The object's bytes; with `range`, `length` bytes from `offset`. At most `max_bytes` are read.
  std::string get(const std::string& bucket, const std::string& key, std::optional<std::pair<std::uint64_t, std::uint64_t>> range,
                  std::size_t max_bytes);
  // Every page of the listing under `prefix` (with `delimiter`: one level), until `visit` returns
  // false or the listing ends.
  void list(const std::string& bucket, const std::string& prefix, const std::string& delimiter,
            const std::function<bool(const S3ListPage&)>& visit);
  // Deletes `keys` in batches of 1,000; the keys S3 could not delete, with S3's code.
  std::vector<S3DeleteError> delete_objects(const std::string& bucket, const std::vector<std::string>& keys);

  const S3ClientLimits& limits() const { return m_limits; }
  const S3Settings& settings() const { return m_settings; }

 private:
  // The requests themselves, over the http layer (which only this source sees).
  struct Impl;
  S3Settings m_settings;
  S3ClientLimits m_limits;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace flinkcli
