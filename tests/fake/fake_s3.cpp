#include "fake/fake_s3.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <regex>
#include <stdexcept>

namespace flinkcli::testing {

namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::string xml(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out += c;
    }
  }
  return out;
}

constexpr const char* k_modified_iso = "2024-05-06T07:08:09.000Z";
constexpr const char* k_modified_http = "Mon, 06 May 2024 07:08:09 GMT";

}  // namespace

std::string md5_base64(const std::string& body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(body.data(), body.size(), digest, &length, EVP_md5(), nullptr);
  std::string out(4 * ((length + 2) / 3), '\0');
  EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), digest, static_cast<int>(length));
  return out;
}


std::string FakeS3Request::header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (lower(key) == lower(name)) return value;
  }
  return "";
}

bool FakeS3Request::has_header(const std::string& name) const {
  return std::any_of(headers.begin(), headers.end(), [&](const auto& h) { return lower(h.first) == lower(name); });
}

std::string FakeS3Request::param(const std::string& name) const {
  const auto found = params.find(name);
  return found == params.end() ? "" : found->second;
}

FakeS3Reply s3_error_reply(int status, const std::string& code, const std::string& message) {
  FakeS3Reply reply;
  reply.status = status;
  reply.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" + xml(message) +
               "</Message><RequestId>FAKE0REQUEST0ID</RequestId></Error>";
  reply.headers.emplace_back("x-amz-request-id", "FAKE0REQUEST0ID");
  return reply;
}

std::string s3_url_encode(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

FakeS3::FakeS3() {
  // Route handlers, not a pre-routing one: only they see the request body. HEAD is served by
  // the GET route.
  const auto handle = [this](const httplib::Request& req, httplib::Response& res) {
    FakeS3Request request;
    request.method = req.method;
    request.target = req.target;
    request.path = req.path;
    for (const auto& [name, value] : req.params) request.params.emplace(name, value);
    for (const auto& [name, value] : req.headers) {
      // The HTTP library's own additions on this side are not what the client sent.
      if (name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" || name == "LOCAL_PORT") continue;
      request.headers.emplace_back(name, value);
    }
    request.body = req.body;
    int index;
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      index = static_cast<int>(m_requests.size());
      m_requests.push_back(request);
    }
    std::optional<FakeS3Reply> reply;
    if (intercept) reply = intercept(request, index);
    if (!reply) reply = serve(request);
    res.status = reply->status;
    if (reply->status >= 300) {
      // The HTTP library would apply a Range to an error document too; S3 never does. The
      // request is the server's own, non-const object.
      const_cast<httplib::Request&>(req).ranges.clear();
    }
    for (const auto& [name, value] : reply->headers) {
      if (lower(name) != "content-length") res.set_header(name, value);
    }
    const auto claimed = std::find_if(reply->headers.begin(), reply->headers.end(),
                                      [](const auto& h) { return lower(h.first) == "content-length"; });
    if (reply->status == 200 && req.method == "GET" && !req.ranges.empty()) res.status = 206;  // the library slices the body
    if (claimed != reply->headers.end() && req.method == "HEAD" && claimed->second != "0") {
      // A HEAD answer of any size: the length is announced, nothing is sent.
      res.set_content_provider(std::stoull(claimed->second), "application/octet-stream",
                               [](std::size_t, std::size_t, httplib::DataSink&) { return false; });
    } else if (!reply->body.empty() || req.method != "HEAD") {
      res.set_content(reply->body, reply->content_type);
    }
  };
  m_server.Get(".*", handle);
  m_server.Post(".*", handle);
  m_server.Put(".*", handle);
  m_server.Delete(".*", handle);
  m_port = m_server.bind_to_any_port("127.0.0.1");
  if (m_port <= 0) throw std::runtime_error("FakeS3: cannot listen on 127.0.0.1");
  m_thread = std::thread([this] { m_server.listen_after_bind(); });
  while (!m_server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

FakeS3::~FakeS3() {
  m_server.stop();
  if (m_thread.joinable()) m_thread.join();
}

void FakeS3::make_bucket(const std::string& bucket) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_buckets[bucket];
}

void FakeS3::put(const std::string& bucket, const std::string& key, const std::string& bytes) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_buckets[bucket][key] = Object{bytes, std::nullopt};
}

void FakeS3::put_huge(const std::string& bucket, const std::string& key, std::uint64_t size) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_buckets[bucket][key] = Object{"", size};
}

bool FakeS3::has(const std::string& bucket, const std::string& key) const {
  std::lock_guard<std::mutex> lock(m_mutex);
  const auto found = m_buckets.find(bucket);
  return found != m_buckets.end() && found->second.count(key) > 0;
}

std::size_t FakeS3::object_count(const std::string& bucket) const {
  std::lock_guard<std::mutex> lock(m_mutex);
  const auto found = m_buckets.find(bucket);
  return found == m_buckets.end() ? 0 : found->second.size();
}

std::vector<FakeS3Request> FakeS3::requests() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_requests;
}

int FakeS3::count(const std::string& method, const std::string& operation) const {
  int n = 0;
  for (const FakeS3Request& request : requests()) {
    if (request.method != method) continue;
    const bool is_list = request.params.count("list-type") > 0;
    const bool is_delete = request.params.count("delete") > 0;
    if (operation.empty() || (operation == "list" && is_list) || (operation == "delete" && is_delete) ||
        (operation == "object" && !is_list && !is_delete)) {
      ++n;
    }
  }
  return n;
}

FakeS3Reply FakeS3::serve(const FakeS3Request& request) {
  // Path style: /bucket[/key]
  const std::string path = request.path.substr(request.path.empty() ? 0 : 1);
  const auto slash = path.find('/');
  const std::string bucket = path.substr(0, slash);
  const std::string key = slash == std::string::npos ? "" : path.substr(slash + 1);
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_buckets.count(bucket) == 0) {
      if (request.method == "HEAD") return FakeS3Reply{404, "", {}, ""};
      return s3_error_reply(404, "NoSuchBucket", "The specified bucket does not exist");
    }
  }
  if (key.empty() && request.method == "GET" && request.param("list-type") == "2") return list(bucket, request);
  if (key.empty() && request.method == "POST" && request.params.count("delete")) return remove(bucket, request);
  if (key.empty()) return s3_error_reply(400, "InvalidRequest", "not supported by the fake");
  Object object;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    const auto& objects = m_buckets[bucket];
    const auto found = objects.find(key);
    if (found == objects.end()) {
      if (request.method == "HEAD") return FakeS3Reply{404, "", {{"x-amz-request-id", "FAKE"}}, ""};
      return s3_error_reply(404, "NoSuchKey", "The specified key does not exist.");
    }
    object = found->second;
  }
  const std::uint64_t size = object.claimed_size.value_or(object.bytes.size());
  FakeS3Reply reply;
  reply.content_type = "application/octet-stream";
  reply.headers = {{"ETag", "\"0123456789abcdef0123456789abcdef\""},
                   {"Last-Modified", k_modified_http},
                   {"x-amz-request-id", "FAKE0REQUEST0ID"}};
  if (request.method == "HEAD") {
    reply.headers.emplace_back("Content-Length", std::to_string(size));
    return reply;
  }
  if (request.method != "GET") return s3_error_reply(405, "MethodNotAllowed");
  if (object.claimed_size) return s3_error_reply(500, "InternalError", "the test never downloads a huge object");
  // A Range is applied by the HTTP library (206 and the part asked for).
  reply.body = object.bytes;
  return reply;
}

FakeS3Reply FakeS3::list(const std::string& bucket, const FakeS3Request& request) {
  const std::string prefix = request.param("prefix");
  const std::string delimiter = request.param("delimiter");
  const std::string token = request.param("continuation-token");
  const bool url = request.param("encoding-type") == "url";
  const auto encode = [&](const std::string& text) { return xml(url ? s3_url_encode(text) : text); };
  // Keys and common prefixes in one sorted sequence, as S3 pages them.
  std::vector<std::pair<std::string, const Object*>> entries;
  std::lock_guard<std::mutex> lock(m_mutex);
  std::set<std::string> prefixes;
  for (const auto& [key, object] : m_buckets[bucket]) {
    if (key.compare(0, prefix.size(), prefix) != 0) continue;
    if (!delimiter.empty()) {
      const auto at = key.find(delimiter, prefix.size());
      if (at != std::string::npos) {
        const std::string common = key.substr(0, at + delimiter.size());
        if (prefixes.insert(common).second) entries.emplace_back(common, nullptr);
        continue;
      }
    }
    entries.emplace_back(key, &object);
  }
  std::string body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                     "<Name>" + bucket + "</Name><Prefix>" + encode(prefix) + "</Prefix>";
  std::size_t shown = 0;
  std::string last;
  bool truncated = false;
  std::string items;
  for (const auto& [name, object] : entries) {
    if (!token.empty() && name <= token) continue;
    if (shown == page_size) {
      truncated = true;
      break;
    }
    ++shown;
    last = name;
    if (object) {
      items += "<Contents><Key>" + encode(name) + "</Key><LastModified>" + k_modified_iso + "</LastModified><ETag>&quot;x&quot;</ETag><Size>" +
               std::to_string(object->claimed_size.value_or(object->bytes.size())) + "</Size><StorageClass>STANDARD</StorageClass></Contents>";
    } else {
      items += "<CommonPrefixes><Prefix>" + encode(name) + "</Prefix></CommonPrefixes>";
    }
  }
  body += "<KeyCount>" + std::to_string(shown) + "</KeyCount><MaxKeys>" + std::to_string(page_size) + "</MaxKeys>";
  if (!delimiter.empty()) body += "<Delimiter>" + encode(delimiter) + "</Delimiter>";
  if (url) body += "<EncodingType>url</EncodingType>";
  body += std::string("<IsTruncated>") + (truncated ? "true" : "false") + "</IsTruncated>";
  if (!token.empty()) body += "<ContinuationToken>" + xml(token) + "</ContinuationToken>";
  // The token is the last name shown, as an opaque text with XML-special characters in it.
  if (truncated) body += "<NextContinuationToken>" + xml(last) + "</NextContinuationToken>";
  body += items + "</ListBucketResult>";
  return FakeS3Reply{200, body, {{"x-amz-request-id", "FAKE0REQUEST0ID"}}, "application/xml"};
}

FakeS3Reply FakeS3::remove(const std::string& bucket, const FakeS3Request& request) {
  if (request.header("Content-MD5") != md5_base64(request.body)) {
    return s3_error_reply(400, "InvalidDigest", "The Content-MD5 you specified did not match what we received.");
  }
  static const std::regex key_pattern("<Key>([^<]*)</Key>");
  std::string errors;
  std::size_t keys = 0;
  for (auto it = std::sregex_iterator(request.body.begin(), request.body.end(), key_pattern); it != std::sregex_iterator(); ++it) {
    ++keys;
    std::string key = (*it)[1].str();
    // The few entities our client writes.
    for (const auto& [entity, character] : std::vector<std::pair<std::string, std::string>>{
             {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&#10;", "\n"}, {"&#13;", "\r"}, {"&amp;", "&"}}) {
      for (std::size_t at; (at = key.find(entity)) != std::string::npos;) key.replace(at, entity.size(), character);
    }
    if (undeletable.count(key)) {
      errors += "<Error><Key>" + xml(key) + "</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error>";
      continue;
    }
    std::lock_guard<std::mutex> lock(m_mutex);
    m_buckets[bucket].erase(key);
  }
  if (keys > 1000) return s3_error_reply(400, "MalformedXML", "more than 1000 keys");
  return FakeS3Reply{200, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DeleteResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">" +
                              errors + "</DeleteResult>",
                     {{"x-amz-request-id", "FAKE0REQUEST0ID"}}, "application/xml"};
}

}  // namespace flinkcli::testing
