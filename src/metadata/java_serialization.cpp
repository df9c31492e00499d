// The Java Object Serialization Stream grammar (Java SE specification, chapter 6), walked with
// bounds checks: every count is checked against the bytes left and nesting is bounded. Of the
// handle table only the class descriptors are kept (a few bytes each, in order of their handle
// numbers); a string or an object is just a number, so memory stays a fraction of the input.
#include "java_serialization.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "flinkcli/core/byte_reader.hpp"
#include "flinkcli/metadata/savepoint_metadata.hpp"

namespace flinkcli::metadata {

namespace {

enum : std::uint8_t {
  TC_NULL = 0x70,
  TC_REFERENCE = 0x71,
  TC_CLASSDESC = 0x72,
  TC_OBJECT = 0x73,
  TC_STRING = 0x74,
  TC_ARRAY = 0x75,
  TC_CLASS = 0x76,
  TC_BLOCKDATA = 0x77,
  TC_ENDBLOCKDATA = 0x78,
  TC_RESET = 0x79,
  TC_BLOCKDATALONG = 0x7A,
  TC_LONGSTRING = 0x7C,
  TC_PROXYCLASSDESC = 0x7D,
  TC_ENUM = 0x7E,
};
constexpr std::uint8_t SC_WRITE_METHOD = 0x01;
constexpr std::uint8_t SC_SERIALIZABLE = 0x02;
constexpr std::uint8_t SC_EXTERNALIZABLE = 0x04;
constexpr std::uint8_t SC_BLOCK_DATA = 0x08;
constexpr std::uint32_t k_base_handle = 0x7E0000;
constexpr int k_max_depth = 64;

// A class descriptor: its flags, fields and superclass. Read once its descriptor is complete.
struct ClassDesc {
  bool complete = false;       // until then a reference to it is a reference to a non-class
  std::uint8_t flags = 0;
  char element = 'L';          // arrays: the element type, the name's second character ("[B")
  std::uint32_t fields_at = 0;      // its type codes in m_field_types, one per field, in order
  std::uint32_t field_count = 0;
  std::int64_t super = -1;     // index into m_classes, -1 for none
};

class Walker {
 public:
  Walker(std::string_view bytes, std::size_t base) : m_in(bytes), m_base(base) {}

  std::size_t walk() {
    if (u16("the Java stream magic") != 0xACED) fail("not a Java serialization stream", 0);
    if (u16("the Java stream version") != 5) fail("unknown Java serialization version", 2);
    // A reset (ObjectOutputStream.reset()) may come between objects only, never inside one.
    while (m_in.peek() == TC_RESET) {
      (void)m_in.u8();
      m_handle_count = 0;
      m_class_handles.clear();
      m_classes.clear();
      m_field_types.clear();
    }
    content(0);
    return m_in.position();
  }

 private:
  [[noreturn]] void fail(const std::string& problem, std::size_t at) const {
    throw MetadataError("checkpoint properties: " + problem, m_base + at);
  }
  void need(std::size_t count, const char* what) const {
    if (count > m_in.remaining()) {
      fail(std::string("file ends inside ") + what, m_in.position());
    }
  }
  std::uint8_t u8(const char* what) {
    need(1, what);
    return *m_in.u8();
  }
  std::uint32_t u16(const char* what) {
    const std::uint32_t high = u8(what);
    return (high << 8) | u8(what);
  }
  std::uint32_t u32(const char* what) {
    need(4, what);
    return *m_in.u32();
  }
  void skip(std::uint64_t count, const char* what) {
    need(count, what);
    (void)m_in.bytes(static_cast<std::size_t>(count));
  }
  std::string_view utf(const char* what) {
    const std::uint32_t length = u16(what);
    need(length, what);
    return *m_in.bytes(length);
  }
  void depth_check(int depth) const {
    if (depth > k_max_depth) fail("objects nested too deeply", m_in.position());
  }
  // A handle for anything but a class descriptor: only counted.
  void new_handle() { ++m_handle_count; }
  // A handle for a class descriptor, incomplete until its index in m_classes is filled in.
  std::size_t new_class_handle() {
    m_class_handles.push_back(m_handle_count++);
    m_classes.emplace_back();
    return m_classes.size() - 1;
  }
  // The handle a back reference names (0-based), checked against the handles so far.
  std::uint64_t reference(const char* what) {
    const std::size_t at = m_in.position();
    const std::uint32_t handle = u32(what);
    if (handle < k_base_handle || handle - k_base_handle >= m_handle_count) {
      fail("bad back reference", at);
    }
    return handle - k_base_handle;
  }
  // The class descriptor (index into m_classes) of a handle, -1 when it is something else.
  std::int64_t class_of(std::uint64_t handle) const {
    const auto found = std::lower_bound(m_class_handles.begin(), m_class_handles.end(), handle);
    if (found == m_class_handles.end() || *found != handle) return -1;
    const auto index = found - m_class_handles.begin();
    return m_classes[static_cast<std::size_t>(index)].complete ? index : -1;
  }

  // classDesc: a new descriptor, null, or a reference to one. Returns its handle index or -1.
  std::int64_t class_desc(int depth) {
    depth_check(depth);
    const std::size_t at = m_in.position();
    const std::uint8_t tag = u8("a class descriptor");
    switch (tag) {
      case TC_NULL:
        return -1;
      case TC_REFERENCE: {
        const std::int64_t index = class_of(reference("a class reference"));
        if (index < 0) fail("reference to a non-class", at);
        return index;
      }
      case TC_CLASSDESC: {
        ClassDesc desc;
        const std::string_view name = utf("a class name");
        if (name.size() >= 2) desc.element = name[1];
        skip(8, "a serialVersionUID");
        const std::size_t index = new_class_handle();
        desc.flags = u8("class flags");
        const std::uint32_t fields = u16("a field count");
        if (fields > (m_in.remaining()) / 3) fail("field count exceeds the bytes left", m_in.position() - 2);
        // Nested descriptors (in the fields' class names) append their own type codes: this
        // one's are collected first and appended after.
        std::string types;
        for (std::uint32_t i = 0; i < fields; ++i) {
          const std::size_t type_at = m_in.position();
          const char type = static_cast<char>(u8("a field type"));
          (void)utf("a field name");
          if (type == '[' || type == 'L') {
            content(depth + 1);  // the field's class name: a string or a reference
          } else if (std::string_view("BCDFIJSZ").find(type) == std::string_view::npos) {
            fail("unknown field type code", type_at);
          }
          types += type;
        }
        annotation(depth + 1);
        desc.super = class_desc(depth + 1);
        desc.fields_at = static_cast<std::uint32_t>(m_field_types.size());
        desc.field_count = fields;
        m_field_types += types;
        desc.complete = true;
        m_classes[index] = desc;
        return static_cast<std::int64_t>(index);
      }
      case TC_PROXYCLASSDESC: {
        const std::size_t index = new_class_handle();
        const std::uint32_t interfaces = u32("an interface count");
        if (interfaces > (m_in.remaining()) / 2) fail("interface count exceeds the bytes left", m_in.position() - 4);
        for (std::uint32_t i = 0; i < interfaces; ++i) (void)utf("an interface name");
        annotation(depth + 1);
        ClassDesc desc;
        desc.flags = SC_SERIALIZABLE;
        desc.super = class_desc(depth + 1);
        desc.fields_at = static_cast<std::uint32_t>(m_field_types.size());
        desc.complete = true;
        m_classes[index] = desc;
        return static_cast<std::int64_t>(index);
      }
      default:
        fail("unexpected type code " + std::to_string(tag) + " for a class descriptor", at);
    }
  }

  // Contents up to and including TC_ENDBLOCKDATA.
  void annotation(int depth) {
    depth_check(depth);
    while (true) {
      need(1, "an annotation");
      if (m_in.peek() == TC_ENDBLOCKDATA) {
        (void)m_in.u8();
        return;
      }
      content(depth + 1);
    }
  }

  void value(char type, int depth) {
    switch (type) {
      case 'B': case 'Z': skip(1, "a field value"); return;
      case 'C': case 'S': skip(2, "a field value"); return;
      case 'I': case 'F': skip(4, "a field value"); return;
      case 'J': case 'D': skip(8, "a field value"); return;
      default: content(depth + 1); return;  // an object field
    }
  }

  void class_data(std::int64_t index, int depth) {
    // Superclasses first: collect the chain (bounded by the handle table).
    std::vector<std::size_t> chain;
    for (std::int64_t at = index; at >= 0; at = m_classes[static_cast<std::size_t>(at)].super) {
      if (chain.size() > m_classes.size()) fail("cyclic class hierarchy", m_in.position());
      chain.push_back(static_cast<std::size_t>(at));
    }
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      const ClassDesc desc = m_classes[*it];  // a copy: nested objects may add descriptors
      if (desc.flags & SC_EXTERNALIZABLE) {
        if (!(desc.flags & SC_BLOCK_DATA)) fail("externalizable data without block mode", m_in.position());
        annotation(depth + 1);
        continue;
      }
      if (desc.flags & SC_SERIALIZABLE) {
        // By position: nested descriptors may grow m_field_types while the values are read.
        for (std::uint32_t i = 0; i < desc.field_count; ++i) value(m_field_types[desc.fields_at + i], depth);
      }
      if (desc.flags & SC_WRITE_METHOD) annotation(depth + 1);
    }
  }

  void content(int depth) {
    depth_check(depth);
    const std::size_t at = m_in.position();
    const std::uint8_t tag = u8("an object");
    switch (tag) {
      case TC_NULL:
        return;
      case TC_REFERENCE:
        (void)reference("an object reference");
        return;
      case TC_STRING:
        new_handle();
        skip(u16("a string"), "a string");
        return;
      case TC_LONGSTRING: {
        new_handle();
        need(8, "a long string");
        const std::uint64_t length = *m_in.u64();
        skip(length, "a long string");
        return;
      }
      case TC_CLASSDESC:
      case TC_PROXYCLASSDESC:
        m_in.rewind_to(at);  // the descriptor reads its own tag
        (void)class_desc(depth + 1);
        return;
      case TC_CLASS:
        (void)class_desc(depth + 1);
        new_handle();
        return;
      case TC_ENUM: {
        if (class_desc(depth + 1) < 0) fail("enum without a class", at);
        new_handle();
        const std::size_t name_at = m_in.position();
        const std::uint8_t name_tag = u8("an enum constant");
        if (name_tag == TC_STRING) {
          new_handle();
          skip(u16("an enum constant"), "an enum constant");
        } else if (name_tag == TC_REFERENCE) {
          (void)reference("an enum constant");
        } else {
          fail("enum constant is not a string", name_at);
        }
        return;
      }
      case TC_OBJECT: {
        const std::int64_t desc = class_desc(depth + 1);
        if (desc < 0) fail("object without a class", at);
        new_handle();
        class_data(desc, depth + 1);
        return;
      }
      case TC_ARRAY: {
        const std::int64_t desc = class_desc(depth + 1);
        if (desc < 0) fail("array without a class", at);
        const char element = m_classes[static_cast<std::size_t>(desc)].element;
        new_handle();
        const std::size_t size_at = m_in.position();
        const std::uint32_t size = u32("an array size");
        if (size > m_in.remaining()) fail("array size exceeds the bytes left", size_at);
        for (std::uint32_t i = 0; i < size; ++i) value(element, depth);
        return;
      }
      case TC_BLOCKDATA:
        skip(u8("block data"), "block data");
        return;
      case TC_BLOCKDATALONG:
        skip(u32("block data"), "block data");
        return;
      case TC_RESET:
        fail("a reset inside an object", at);
      default:
        fail("unknown type code " + std::to_string(tag), at);
    }
  }

  ByteReader m_in;
  std::size_t m_base;
  std::uint64_t m_handle_count = 0;          // handles assigned so far (all kinds)
  std::vector<std::uint64_t> m_class_handles;  // the class descriptors' handles, ascending
  std::vector<ClassDesc> m_classes;            // the descriptors, in the same order
  std::string m_field_types;                   // every descriptor's field type codes
};

}  // namespace

std::size_t walk_java_object(std::string_view bytes, std::size_t base) { return Walker(bytes, base).walk(); }

}  // namespace flinkcli::metadata
