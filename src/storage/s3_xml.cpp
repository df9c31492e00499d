#include "flinkcli/storage/s3_xml.hpp"

#include <array>
#include <charconv>
#include <stdexcept>

namespace flinkcli {

namespace {

// The position just after the start tag `<name>` or `<name attr...>` at or after `from`, and
// where that tag began; npos when none. `<name/>` counts, with an empty body.
struct Tag {
  std::size_t begin = std::string_view::npos;  // '<'
  std::size_t body = std::string_view::npos;   // after '>'
  bool empty = false;                          // <name/>
};

Tag find_start_tag(std::string_view xml, std::string_view name, std::size_t from) {
  while (from < xml.size()) {
    const std::size_t open = xml.find('<', from);
    if (open == std::string_view::npos || open + 1 + name.size() > xml.size()) return {};
    if (xml.compare(open + 1, name.size(), name) == 0) {
      const std::size_t after = open + 1 + name.size();
      if (after < xml.size()) {
        const char next = xml[after];
        if (next == '>' || next == ' ' || next == '\t' || next == '\n' || next == '\r' || next == '/') {
          const std::size_t close = xml.find('>', after);
          if (close == std::string_view::npos) return {};
          return {open, close + 1, xml[close - 1] == '/'};
        }
      }
    }
    from = open + 1;
  }
  return {};
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, std::uint32_t code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

// S3's encoding-type=url: percent-encoding, with '+' for a space.
std::string url_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
               hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::uint64_t parse_size(const std::string& text) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
    throw std::invalid_argument("object size '" + text.substr(0, 40) + "' is not a number");
  }
  return value;
}

std::optional<int> number(std::string_view text, std::size_t at, std::size_t length) {
  if (at + length > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = at; i < at + length; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

std::optional<std::chrono::system_clock::time_point> make_time(int year, int month, int day, int hour, int minute,
                                                               int second) {
  using namespace std::chrono;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  // system_clock counts nanoseconds in 64 bits: only the years 1678 to 2261 fit, and S3 has
  // none outside these.
  if (year < 1900 || year > 2200) return std::nullopt;
  const year_month_day date{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                            std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok()) return std::nullopt;
  return sys_days(date) + hours(hour) + minutes(minute) + seconds(second);
}

}  // namespace

std::vector<std::string_view> xml_elements(std::string_view xml, std::string_view name) {
  std::vector<std::string_view> found;
  const std::string close = "</" + std::string(name) + ">";
  std::size_t from = 0;
  for (;;) {
    const Tag tag = find_start_tag(xml, name, from);
    if (tag.begin == std::string_view::npos) break;
    if (tag.empty) {
      found.emplace_back();
      from = tag.body;
      continue;
    }
    const std::size_t end = xml.find(close, tag.body);
    if (end == std::string_view::npos) break;
    found.push_back(xml.substr(tag.body, end - tag.body));
    from = end + close.size();
  }
  return found;
}

std::vector<std::string> xml_texts(std::string_view xml, std::string_view name) {
  std::vector<std::string> texts;
  for (std::string_view element : xml_elements(xml, name)) texts.push_back(xml_unescape(element));
  return texts;
}

std::optional<std::string> xml_text(std::string_view xml, std::string_view name) {
  const Tag tag = find_start_tag(xml, name, 0);
  if (tag.begin == std::string_view::npos) return std::nullopt;
  if (tag.empty) return std::string();
  const std::string close = "</" + std::string(name) + ">";
  const std::size_t end = xml.find(close, tag.body);
  if (end == std::string_view::npos) return std::nullopt;
  return xml_unescape(xml.substr(tag.body, end - tag.body));
}

std::string xml_unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out += text[i];
      continue;
    }
    const std::size_t semicolon = text.find(';', i);
    if (semicolon == std::string_view::npos || semicolon - i > 12) {
      out += text[i];
      continue;
    }
    const std::string_view entity = text.substr(i + 1, semicolon - i - 1);
    static constexpr std::array<std::pair<std::string_view, char>, 5> named = {
        {{"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}}};
    bool decoded = false;
    for (const auto& [entity_name, character] : named) {
      if (entity == entity_name) {
        out += character;
        decoded = true;
      }
    }
    if (!decoded && entity.size() > 1 && entity[0] == '#') {
      const bool hex = entity[1] == 'x' || entity[1] == 'X';
      std::uint32_t code = 0;
      const std::string_view digits = entity.substr(hex ? 2 : 1);
      const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), code, hex ? 16 : 10);
      if (error == std::errc() && end == digits.data() + digits.size() && !digits.empty() && code <= 0x10FFFF) {
        append_utf8(out, code);
        decoded = true;
      }
    }
    if (!decoded) {
      out += text[i];
      continue;
    }
    i = semicolon;
  }
  return out;
}

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\r': out += "&#13;"; break;
      case '\n': out += "&#10;"; break;
      default: out += c;
    }
  }
  return out;
}

bool xml_has_root(std::string_view body, std::string_view root) {
  std::size_t at = body.find_first_not_of(" \t\r\n");
  if (at == std::string_view::npos) return false;
  if (body.compare(at, 5, "<?xml") == 0) {
    const std::size_t end = body.find("?>", at);
    if (end == std::string_view::npos) return false;
    at = body.find_first_not_of(" \t\r\n", end + 2);
    if (at == std::string_view::npos) return false;
  }
  const Tag tag = find_start_tag(body, root, at);
  return tag.begin == at;
}

S3ListPage parse_list_objects_v2(std::string_view xml, bool url_encoded) {
  if (!xml_has_root(xml, "ListBucketResult")) throw std::invalid_argument("not a ListBucketResult document");
  S3ListPage page;
  const auto decode = [&](std::string text) { return url_encoded ? url_decode(text) : text; };
  for (std::string_view contents : xml_elements(xml, "Contents")) {
    S3ListedObject object;
    const auto key = xml_text(contents, "Key");
    if (!key) throw std::invalid_argument("a listed object has no Key");
    object.key = decode(*key);
    object.size = parse_size(xml_text(contents, "Size").value_or(""));
    if (auto modified = xml_text(contents, "LastModified")) object.modified = parse_iso8601(*modified);
    page.objects.push_back(std::move(object));
  }
  for (std::string_view common : xml_elements(xml, "CommonPrefixes")) {
    if (auto prefix = xml_text(common, "Prefix")) page.common_prefixes.push_back(decode(*prefix));
  }
  // Contents and CommonPrefixes hold no IsTruncated of their own: the first one is the page's.
  page.truncated = xml_text(xml, "IsTruncated").value_or("false") == "true";
  page.next_continuation_token = xml_text(xml, "NextContinuationToken").value_or("");
  return page;
}

S3Error parse_s3_error(std::string_view xml) {
  S3Error error;
  if (!xml_has_root(xml, "Error") && !xml_has_root(xml, "ErrorResponse")) return error;
  error.code = xml_text(xml, "Code").value_or("");
  error.message = xml_text(xml, "Message").value_or("");
  error.region = xml_text(xml, "Region").value_or("");
  return error;
}

std::string delete_objects_body(const std::vector<std::string>& keys) {
  std::string body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Quiet>true</Quiet>";
  for (const std::string& key : keys) body += "<Object><Key>" + xml_escape(key) + "</Key></Object>";
  body += "</Delete>";
  return body;
}

std::vector<S3DeleteError> parse_delete_result(std::string_view xml) {
  if (!xml_has_root(xml, "DeleteResult")) throw std::invalid_argument("not a DeleteResult document");
  std::vector<S3DeleteError> errors;
  for (std::string_view element : xml_elements(xml, "Error")) {
    errors.push_back({xml_text(element, "Key").value_or(""), xml_text(element, "Code").value_or(""),
                      xml_text(element, "Message").value_or("")});
  }
  return errors;
}

std::optional<std::chrono::system_clock::time_point> parse_iso8601(std::string_view text) {
  // 2026-12-07T01:02:03[.000]Z
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':') {
    return std::nullopt;
  }
  const auto year = number(text, 0, 4), month = number(text, 5, 2), day = number(text, 8, 2);
  const auto hour = number(text, 11, 2), minute = number(text, 14, 2), second = number(text, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second || text.back() != 'Z') return std::nullopt;
  return make_time(*year, *month, *day, *hour, *minute, *second);
}

std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text) {
  // Mon, 07 Dec 2026 01:02:03 GMT
  if (text.size() != 29 || text.substr(25) != " GMT") return std::nullopt;
  static constexpr std::array<std::string_view, 12> months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int month = 0;
  for (std::size_t i = 0; i < months.size(); ++i) {
    if (text.substr(8, 3) == months[i]) month = static_cast<int>(i) + 1;
  }
  const auto day = number(text, 5, 2), year = number(text, 12, 4);
  const auto hour = number(text, 17, 2), minute = number(text, 20, 2), second = number(text, 23, 2);
  if (!month || !day || !year || !hour || !minute || !second) return std::nullopt;
  return make_time(*year, month, *day, *hour, *minute, *second);
}

}  // namespace flinkcli
