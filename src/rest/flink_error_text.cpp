#include "flinkcli/rest/flink_error_text.hpp"

#include <algorithm>
#include <cctype>
#include <utility>
#include <sstream>
#include <string_view>
#include <vector>

#include "flinkcli/core/text.hpp"

namespace flinkcli {

namespace {

constexpr std::size_t k_max_message = 1000;
constexpr std::size_t k_max_chain_line = 2000;

bool is_identifier_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '$';
}
bool is_identifier_part(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
}

// The length of a qualified Java class name at the start of `text` ("a.b.C", "a.B$Inner"): at
// least two identifiers joined by dots; 0 when there is none.
std::size_t qualified_class_length(std::string_view text) {
  std::size_t i = 0;
  int identifiers = 0;
  while (true) {
    if (i >= text.size() || !is_identifier_start(text[i])) return 0;
    while (i < text.size() && is_identifier_part(text[i])) ++i;
    ++identifiers;
    if (i < text.size() && text[i] == '.' && i + 1 < text.size() && is_identifier_start(text[i + 1])) {
      ++i;
      continue;
    }
    return identifiers >= 2 ? i : 0;
  }
}

std::string_view skip_spaces(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  return text;
}

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

// A stack frame, or the start of a suppressed exception's block: "\tat a.B.c(B.java:1)",
// "\t... 42 more", "\tSuppressed: ...". Java indents each; a message's own lines are not.
bool is_frame(std::string_view line) {
  if (line.empty() || (line.front() != '\t' && line.front() != ' ')) return false;
  const std::string_view text = skip_spaces(line);
  return starts_with(text, "at ") || starts_with(text, "... ") || starts_with(text, "Suppressed: ") ||
         starts_with(text, "Caused by: ");
}

// The exception lines of a trace: the first exception and every "Caused by:", each with the
// lines of a multi-line message joined by spaces, no frames. Flink's REST errors wrap a trace in
// "<Exception on server side:" ... "End of exception on server side>": those markers are no
// exception, the line after the first one is.
std::vector<std::string> exception_lines(const std::string& trace) {
  constexpr std::string_view caused_by = "Caused by: ";
  constexpr std::string_view server_side_start = "<Exception on server side:";
  constexpr std::string_view server_side_end = "End of exception on server side>";
  std::vector<std::string> lines;
  std::istringstream stream(trace);
  std::string line;
  bool expecting_exception = true;  // the next non-empty line starts an exception
  bool in_message = false;          // the last exception's message may go on with this line
  while (std::getline(stream, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (is_frame(line)) {
      in_message = false;
      continue;
    }
    std::string_view text = line;
    const bool cause = starts_with(text, caused_by);
    if (cause) text.remove_prefix(caused_by.size());
    const std::string content = trim(text);
    if (content == server_side_start) {
      expecting_exception = true;
      in_message = false;
      continue;
    }
    if (content.empty() || content == server_side_end) continue;
    if (cause || expecting_exception) {
      lines.emplace_back(text);
      expecting_exception = false;
      in_message = true;
    } else if (in_message) {
      lines.back() += ' ';
      lines.back() += content;
    }
  }
  return lines;
}

// An exception line taken apart: "java.util.concurrent.CompletionException: org.x.FooException:
// text" is FooException's "text"; "java.io.EOFException" alone is that class without a message.
// One pass, no regex: traces can be megabytes long.
struct ExceptionText {
  std::string_view class_name;  // qualified; empty when the line names none
  std::string_view message;
};

bool names_exception_class(std::string_view qualified) {
  const std::string_view simple = qualified.substr(qualified.rfind('.') + 1);
  return simple.ends_with("Exception") || simple.ends_with("Error") || simple == "Throwable";
}

ExceptionText parse_exception(std::string_view line) {
  ExceptionText parsed;
  std::string_view rest = skip_spaces(line);
  while (true) {
    const std::size_t length = qualified_class_length(rest);
    if (length == 0) break;
    const std::string_view name = rest.substr(0, length);
    const std::string_view after = rest.substr(length);
    if (!after.empty() && after.front() == ':') {
      parsed.class_name = name;
      rest = skip_spaces(after.substr(1));
      continue;
    }
    // A wrapper's message that is its cause's bare class name ("...CompletionException:
    // java.io.EOFException"); not a message that happens to be one ("ClassNotFoundException:
    // com.example.Missing").
    if (skip_spaces(after).empty() && (parsed.class_name.empty() || names_exception_class(name))) {
      parsed.class_name = name;
      rest = {};
    }
    break;
  }
  while (!rest.empty() && std::isspace(static_cast<unsigned char>(rest.back()))) rest.remove_suffix(1);
  parsed.message = rest;
  return parsed;
}

std::string_view simple_name(std::string_view qualified) { return qualified.substr(qualified.rfind('.') + 1); }

// What a well-known exception without a message means, so that a line never ends in a bare class
// name that says nothing to someone who does not read Java.
std::string_view meaning_of(std::string_view simple) {
  static constexpr std::pair<std::string_view, std::string_view> k_meanings[] = {
      {"EOFException", "the data ended before it was complete"},
      {"TimeoutException", "timed out"},
      {"NullPointerException", "a value that must be set was missing"},
      {"CancellationException", "the operation was cancelled"},
      {"InterruptedException", "the operation was interrupted"},
      {"ClosedChannelException", "the connection or file was closed"},
      {"OutOfMemoryError", "the JobManager ran out of memory"},
      {"StackOverflowError", "the stack overflowed"},
  };
  for (const auto& [name, meaning] : k_meanings) {
    if (name == simple) return meaning;
  }
  return {};
}

// A message that does not say what went wrong without its exception's name: a value rather than a
// sentence ("com.x.Main" of a ClassNotFoundException, a path, a number, a key=value).
bool needs_class_name(std::string_view message) {
  const bool one_word =
      std::none_of(message.begin(), message.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
  const bool value_like = std::any_of(message.begin(), message.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) || std::string_view("./\\$_:=@").find(c) != std::string_view::npos;
  });
  return one_word && value_like;
}

// "NotFoundException" as a whole word, not the end of "ClassNotFoundException".
bool mentions_rest_not_found(std::string_view trace) {
  constexpr std::string_view word = "NotFoundException";
  for (auto at = trace.find(word); at != std::string_view::npos; at = trace.find(word, at + 1)) {
    const bool starts_word = at == 0 || !is_identifier_part(trace[at - 1]);
    const std::size_t end = at + word.size();
    const bool ends_word = end >= trace.size() || !is_identifier_part(trace[end]);
    if (starts_word && ends_word) return true;
  }
  return false;
}

}  // namespace

std::string root_cause_message(const std::string& java_trace) {
  const auto lines = exception_lines(java_trace);
  if (lines.empty()) return "unknown error";
  const ExceptionText root = parse_exception(lines.back());
  const std::string name(simple_name(root.class_name));
  if (root.message.empty()) {
    // A message-less root cause ("java.io.EOFException"): its name, what it means when known,
    // and the nearest enclosing message, which says what was being done.
    std::string what = name.empty() ? one_line(lines.back(), k_max_message) : name;
    const std::string_view meaning = meaning_of(name);
    if (!meaning.empty()) what += ": " + std::string(meaning);
    for (auto outer = lines.rbegin() + 1; outer != lines.rend(); ++outer) {
      const ExceptionText enclosing = parse_exception(*outer);
      if (enclosing.message.empty()) continue;
      const std::size_t room = k_max_message > what.size() + 3 ? k_max_message - what.size() - 3 : 1;
      return one_line(enclosing.message, room) + " (" + what + ")";
    }
    return what;
  }
  // The class name stays where the message alone is ambiguous: one word, or a message too long
  // to show whole (its end, often the explanation, is cut).
  if (!name.empty() && (needs_class_name(root.message) || root.message.size() > k_max_message)) {
    return name + ": " + one_line(root.message, k_max_message - std::min(k_max_message / 2, name.size() + 2));
  }
  return one_line(root.message, k_max_message);
}

std::string cause_chain(const std::string& java_trace) {
  std::string chain;
  for (const auto& line : exception_lines(java_trace)) {
    if (!chain.empty()) chain += "\nCaused by: ";
    chain += one_line(line, k_max_chain_line);
  }
  return chain;
}

ErrorClass classify_java_failure(const std::string& java_trace) {
  if (java_trace.find("Cannot map checkpoint/savepoint state") != std::string::npos) {
    return ErrorClass::restore_mismatch;
  }
  for (const char* marker : {"FlinkJobNotFoundException", "FileNotFoundException",
                             "Job could not be found", "Cannot find checkpoint or savepoint"}) {
    if (java_trace.find(marker) != std::string::npos) return ErrorClass::not_found;
  }
  // Flink's REST NotFoundException (unknown trigger id, unknown jar...), but not a missing class
  // (ClassNotFoundException: a wrong -c is no missing job, savepoint or jar).
  if (mentions_rest_not_found(java_trace)) return ErrorClass::not_found;
  return ErrorClass::operation_failed;
}

CliError java_failure(const std::string& java_trace) {
  return CliError(classify_java_failure(java_trace), root_cause_message(java_trace),
                  cause_chain(java_trace));
}

}  // namespace flinkcli
