#include "flinkcli/output/json_writer.hpp"

#include <stdexcept>
#include <utility>

namespace flinkcli {

namespace {

// The one serializer setting of every document: one line, invalid UTF-8 replaced rather than an
// exception that would lose the document.
std::string dump(const JsonDocument& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string json_string(std::string_view text) { return dump(JsonDocument(std::string(text))); }

JsonWriter::JsonWriter(Flush flush, std::size_t chunk_bytes) : m_flush(std::move(flush)), m_chunk_bytes(chunk_bytes) {}

void JsonWriter::append(std::string_view text) {
  m_buffer.append(text);
  if (m_flush && m_buffer.size() >= m_chunk_bytes) {
    m_flush(m_buffer);
    m_buffer.clear();
  }
}

void JsonWriter::before_value() {
  if (m_levels.empty()) {
    if (m_document_written) throw std::logic_error("JsonWriter: a second document");
    m_document_written = true;
    return;
  }
  Level& level = m_levels.back();
  if (level.object) {
    if (!level.after_key) throw std::logic_error("JsonWriter: an object member without its key");
    level.after_key = false;
    return;
  }
  if (!level.first) append(",");
  level.first = false;
}

void JsonWriter::begin_object() {
  before_value();
  append("{");
  m_levels.push_back({true, true, false});
}

void JsonWriter::begin_array() {
  before_value();
  append("[");
  m_levels.push_back({false, true, false});
}

void JsonWriter::end_object() {
  if (m_levels.empty() || !m_levels.back().object || m_levels.back().after_key) {
    throw std::logic_error("JsonWriter: end_object outside an object or after a key");
  }
  m_levels.pop_back();
  append("}");
}

void JsonWriter::end_array() {
  if (m_levels.empty() || m_levels.back().object) throw std::logic_error("JsonWriter: end_array outside an array");
  m_levels.pop_back();
  append("]");
}

void JsonWriter::key(std::string_view name) {
  if (m_levels.empty() || !m_levels.back().object || m_levels.back().after_key) {
    throw std::logic_error("JsonWriter: a key outside an object or after a key");
  }
  Level& level = m_levels.back();
  if (!level.first) append(",");
  level.first = false;
  level.after_key = true;
  append(json_string(name));
  append(":");
}

void JsonWriter::value(const JsonDocument& value) {
  before_value();
  append(dump(value));
}

void JsonWriter::string(std::string_view text) {
  before_value();
  append(json_string(text));
}

std::string JsonWriter::take_rest() {
  if (!m_levels.empty()) throw std::logic_error("JsonWriter: the document ends inside an object or array");
  return std::exchange(m_buffer, std::string());
}

}  // namespace flinkcli
