#pragma once
// A JSON document written piece by piece, byte for byte as nlohmann's dump() (no indent,
// invalid UTF-8 replaced by U+FFFD) of the same document would write it: a list of millions of
// entries (inspect's state files) is never held as one JsonDocument. Text goes to `flush` in
// chunks of about `chunk_bytes`; what is left at the end is take_rest()'s.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace flinkcli {

using JsonDocument = nlohmann::ordered_json;

class JsonWriter {
 public:
  using Flush = std::function<void(std::string_view chunk)>;

  // Without `flush`, the whole document is take_rest()'s.
  explicit JsonWriter(Flush flush = nullptr, std::size_t chunk_bytes = 64 * 1024);

  void begin_object();
  void end_object();
  void begin_array();
  void end_array();
  // In an object: the next member's name; its value follows (value(), begin_object(), ...).
  void key(std::string_view name);
  // A whole value: an array element, a member's value after key(), or the document itself.
  void value(const JsonDocument& value);
  // A string value (a path from `_metadata`), without making a JsonDocument of it.
  void string(std::string_view text);
  void member(std::string_view name, const JsonDocument& member_value) {
    key(name);
    value(member_value);
  }

  // The text not flushed yet; every object and array must be closed. Throws std::logic_error
  // otherwise (as for a value in an object without its key: a bug of the caller).
  std::string take_rest();

 private:
  struct Level {
    bool object = false;
    bool first = true;
    bool after_key = false;  // object: a key was written, its value is next
  };

  void before_value();
  void append(std::string_view text);

  Flush m_flush;
  std::size_t m_chunk_bytes;
  std::string m_buffer;
  std::vector<Level> m_levels;
  bool m_document_written = false;
};

// `text` as a JSON string, exactly as dump() writes it (invalid UTF-8 as U+FFFD).
std::string json_string(std::string_view text);

}  // namespace flinkcli
