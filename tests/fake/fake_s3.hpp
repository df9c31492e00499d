#pragma once
// An in-memory S3 bucket on 127.0.0.1 (path-style addressing), enough for the storage layer:
// HeadObject, GetObject (with Range), ListObjectsV2 (prefix, delimiter, continuation tokens,
// encoding-type=url, a page size of our choosing), DeleteObjects (Content-MD5 checked). Every
// request is recorded with its raw target and headers; `intercept` answers any request instead
// of the bucket (faults, throttling).
#include <httplib.h>

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace flinkcli::testing {

struct FakeS3Request {
  std::string method;
  std::string target;  // as sent: path and query, still encoded
  std::string path;    // decoded
  std::multimap<std::string, std::string> params;  // decoded
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  std::string header(const std::string& name) const;  // case-insensitive; "" when absent
  bool has_header(const std::string& name) const;
  std::string param(const std::string& name) const;
};

struct FakeS3Reply {
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string content_type = "application/xml";
};

class FakeS3 {
 public:
  struct Object {
    std::string bytes;
    std::optional<std::uint64_t> claimed_size;  // a "huge" object: HEAD and listings say this, GET fails the test
  };

  FakeS3();
  ~FakeS3();
  FakeS3(const FakeS3&) = delete;
  FakeS3& operator=(const FakeS3&) = delete;

  int port() const { return m_port; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(m_port); }

  void put(const std::string& bucket, const std::string& key, const std::string& bytes);
  void put_huge(const std::string& bucket, const std::string& key, std::uint64_t size);
  void make_bucket(const std::string& bucket);
  bool has(const std::string& bucket, const std::string& key) const;
  std::size_t object_count(const std::string& bucket) const;

  // Keys per ListObjectsV2 page (S3: 1000).
  std::size_t page_size = 1000;
  // Keys DeleteObjects refuses (AccessDenied, per key).
  std::set<std::string> undeletable;
  // Answers a request instead of the bucket when it returns a reply; `index` counts from 0.
  std::function<std::optional<FakeS3Reply>(const FakeS3Request&, int index)> intercept;

  std::vector<FakeS3Request> requests() const;
  int count(const std::string& method, const std::string& operation = "") const;  // operation: "list", "delete", "object"

 private:
  FakeS3Reply serve(const FakeS3Request& request);
  FakeS3Reply list(const std::string& bucket, const FakeS3Request& request);
  FakeS3Reply remove(const std::string& bucket, const FakeS3Request& request);

  httplib::Server m_server;
  int m_port = 0;
  std::thread m_thread;
  mutable std::mutex m_mutex;
  std::map<std::string, std::map<std::string, Object>> m_buckets;
  std::vector<FakeS3Request> m_requests;
};

// S3's XML error document.
FakeS3Reply s3_error_reply(int status, const std::string& code, const std::string& message = "");
// The percent-encoding S3 uses for encoding-type=url (unreserved and '/' kept).
std::string s3_url_encode(const std::string& text);

// base64(MD5(body)): the Content-MD5 S3 requires on DeleteObjects, computed independently of
// the client's own code.
std::string md5_base64(const std::string& body);

}  // namespace flinkcli::testing
