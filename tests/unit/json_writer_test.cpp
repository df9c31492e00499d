// The streamed JSON document (JsonWriter, Report::set_streamed) against nlohmann's dump of the
// same document held whole: byte for byte, control characters and invalid UTF-8 included.
#include <gtest/gtest.h>

#include <stdexcept>

#include "fake/test_support.hpp"
#include "flinkcli/output/json_writer.hpp"
#include "flinkcli/output/report.hpp"

namespace flinkcli::testing {
namespace {

using std::chrono::milliseconds;

// What Report wrote before streaming: the whole document, one dump.
std::string dumped(const JsonDocument& document) {
  return document.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// `value` taken apart as far as it goes: objects and arrays begun and ended, members keyed,
// leaves written whole (strings through string()).
void stream(JsonWriter& out, const JsonDocument& value) {
  if (value.is_object()) {
    out.begin_object();
    for (const auto& [key, member] : value.items()) {
      out.key(key);
      stream(out, member);
    }
    out.end_object();
  } else if (value.is_array()) {
    out.begin_array();
    for (const auto& element : value) stream(out, element);
    out.end_array();
  } else if (value.is_string()) {
    out.string(value.get_ref<const std::string&>());
  } else {
    out.value(value);
  }
}

struct DocumentCase {
  const char* name;
  JsonDocument document;
};

std::vector<DocumentCase> document_cases() {
  return {
      {"empty object", JsonDocument::object()},
      {"empty array", JsonDocument::array()},
      {"scalars", {{"n", nullptr}, {"t", true}, {"f", false}, {"i", -42}, {"u", 18446744073709551615ULL},
                   {"d", 0.1}, {"s", "text"}}},
      {"nested", {{"a", JsonDocument::array()}, {"o", JsonDocument::object()},
                  {"list", {1, {{"x", {2, 3}}}, JsonDocument::array(), "y"}}}},
      {"control characters", {{"path", std::string("a\x01\x1f\x7f\"\\/\b\f\n\r\t\x1B[31m", 17)},
                              {std::string("key\n\x02", 5), std::string("\0nul", 4)}}},
      {"UTF-8 kept", {{"name", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"}}},
      {"invalid UTF-8 replaced", {{"bad", "caf\xe9"}, {"cut", "\xe2\x82"}, {"surrogate", "\xed\xa0\x80"},
                                  {std::string("key\xff"), {"\xc0\x80", "ok"}}}},
      {"order kept, not sorted", {{"z", 1}, {"a", 2}, {"m", {{"y", 1}, {"b", 2}}}}},
  };
}

TEST(JsonWriter, StreamedIsTheDumpOfTheWholeDocument) {
  for (const auto& row : document_cases()) {
    SCOPED_TRACE(row.name);
    JsonWriter whole;
    whole.value(row.document);
    EXPECT_EQ(whole.take_rest(), dumped(row.document));

    JsonWriter pieces;
    stream(pieces, row.document);
    EXPECT_EQ(pieces.take_rest(), dumped(row.document));

    // Flushed in chunks of a few bytes: the chunks and the rest are the same text.
    std::string flushed;
    int chunks = 0;
    JsonWriter chunked(
        [&](std::string_view chunk) {
          flushed += chunk;
          ++chunks;
        },
        5);
    stream(chunked, row.document);
    flushed += chunked.take_rest();
    EXPECT_EQ(flushed, dumped(row.document));
    if (dumped(row.document).size() > 10) {
      EXPECT_GT(chunks, 1);
    }
  }
}

TEST(JsonWriter, JsonStringIsDumpsString) {
  for (const std::string& text : {std::string(""), std::string("plain"), std::string("\x1B]0;t\x07"),
                                 std::string("caf\xe9"), std::string("a\0b", 3), std::string("\xf0\x9f\x98")}) {
    EXPECT_EQ(json_string(text), dumped(JsonDocument(text))) << text;
  }
}

TEST(JsonWriter, MisuseIsALogicError) {
  {
    JsonWriter out;
    out.begin_object();
    EXPECT_THROW(out.value(1), std::logic_error);  // a member needs its key
  }
  {
    JsonWriter out;
    out.begin_array();
    EXPECT_THROW(out.key("k"), std::logic_error);
    EXPECT_THROW(out.end_object(), std::logic_error);
    EXPECT_THROW(out.take_rest(), std::logic_error);  // unclosed
  }
  {
    JsonWriter out;
    out.begin_object();
    out.key("k");
    EXPECT_THROW(out.key("l"), std::logic_error);
    EXPECT_THROW(out.end_object(), std::logic_error);
  }
  {
    JsonWriter out;
    out.value(1);
    EXPECT_THROW(out.value(2), std::logic_error);  // one document
  }
}

// --- Report: a streamed field is the document a set() of the same value makes ------------------

struct ReportPair {
  CapturingConsole streamed_console;
  CapturingConsole whole_console;
  FakeClock clock;
  std::chrono::system_clock::time_point started{milliseconds(1764085371123)};
  Report streamed{streamed_console, clock, started, OutputMode::json};
  Report whole{whole_console, clock, started, OutputMode::json};
};

TEST(ReportStreamed, SameDocumentAsTheWholeValue) {
  for (const auto& row : document_cases()) {
    SCOPED_TRACE(row.name);
    for (const bool failed : {false, true}) {
      ReportPair p;
      for (Report* report : {&p.streamed, &p.whole}) {
        report->set_document("inspect");
        report->set("before", "b\x01");
      }
      const JsonDocument big = JsonDocument::array({row.document, row.document});
      p.streamed.set_streamed("list", [big](JsonWriter& out) { stream(out, big); });
      p.whole.set("list", big);
      for (Report* report : {&p.streamed, &p.whole}) {
        report->set("after", 7);
        report->notice("a notice");
        if (failed) {
          report->fail(CliError(ErrorClass::restore_mismatch, "would drop state"));
        } else {
          report->succeed();
        }
      }
      EXPECT_EQ(p.streamed_console.stdout_lines, p.whole_console.stdout_lines);
      ASSERT_EQ(p.streamed_console.stdout_lines.size(), 1u);  // one line, however written
      EXPECT_TRUE(p.streamed_console.stdout_partial.empty());
      const JsonDocument document = JsonDocument::parse(p.streamed_console.stdout_lines[0]);
      EXPECT_EQ(document["list"], JsonDocument::parse(dumped(big)));
      EXPECT_EQ(document["status"], failed ? "failed" : "completed");
    }
  }
}

TEST(ReportStreamed, KeepsItsPlaceAndCanBeReplacedOrErased) {
  ReportPair p;
  p.streamed.set_document("inspect");
  p.streamed.set("a", 1);
  p.streamed.set_streamed("b", [](JsonWriter& out) { out.value(2); });
  p.streamed.set("c", 3);
  const std::string first = dumped(p.streamed.document_json("completed", nullptr));
  EXPECT_NE(first.find(R"("status":"completed","a":1,"b":2,"c":3,"started_at")"), std::string::npos) << first;
  p.streamed.set("b", "plain");  // set() replaces the stream in place
  p.streamed.set_streamed("c", [](JsonWriter& out) { out.string("streamed"); });
  p.streamed.set_streamed("d", [](JsonWriter& out) { out.value(nullptr); });
  p.streamed.erase("d");
  const std::string text = dumped(p.streamed.document_json("completed", nullptr));
  EXPECT_NE(text.find(R"("a":1,"b":"plain","c":"streamed","started_at")"), std::string::npos) << text;
}

TEST(ReportStreamed, WrittenInChunksAsOneLine) {
  ReportPair p;
  p.streamed.set_document("inspect");
  p.streamed.set_streamed("files", [](JsonWriter& out) {
    out.begin_array();
    for (int i = 0; i < 100000; ++i) out.string("/savepoint/shared/" + std::to_string(i));
    out.end_array();
  });
  p.streamed.succeed();
  EXPECT_GT(p.streamed_console.stdout_partial_writes, 10);  // never held whole
  ASSERT_EQ(p.streamed_console.stdout_lines.size(), 1u);
  const JsonDocument document = JsonDocument::parse(p.streamed_console.stdout_lines[0]);
  ASSERT_EQ(document["files"].size(), 100000u);
  EXPECT_EQ(document["files"][99999], "/savepoint/shared/99999");
}

TEST(ReportStreamed, OnlyJsonModeRunsTheCallback) {
  for (const OutputMode mode : {OutputMode::text, OutputMode::quiet}) {
    CapturingConsole console;
    FakeClock clock;
    Report report(console, clock, std::chrono::system_clock::time_point(), mode);
    int runs = 0;
    report.set_streamed("files", [&](JsonWriter& out) {
      ++runs;
      out.value(nullptr);
    });
    report.succeed();
    EXPECT_EQ(runs, 0);
  }
}

}  // namespace
}  // namespace flinkcli::testing
