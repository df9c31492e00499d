#include "flinkcli/rest/flink_error_text.hpp"

#include <cctype>
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

// The first line of a trace and every "Caused by:" line: the exception messages, no frames.
std::vector<std::string> exception_lines(const std::string& trace) {
  std::vector<std::string> lines;
  std::istringstream stream(trace);
  std::string line;
  bool first = true;
  while (std::getline(stream, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::string caused_by = "Caused by: ";
    if (line.rfind(caused_by, 0) == 0) {
      lines.push_back(line.substr(caused_by.size()));
    } else if (first && !line.empty()) {
      lines.push_back(line);
    }
    if (!line.empty()) first = false;
  }
  return lines;
}

// "java.util.concurrent.CompletionException: org.x.FooException: text" -> "text"; a
// message-less exception is its simple class name ("java.util.concurrent.TimeoutException" ->
// "TimeoutException"). One pass, no regex: traces can be megabytes long.
std::string strip_class_names(std::string_view text) {
  std::string_view rest = skip_spaces(text);
  std::string_view last_class;
  while (true) {
    const std::size_t length = qualified_class_length(rest);
    if (length == 0) break;
    std::string_view after = rest.substr(length);
    if (!after.empty() && after.front() == ':') {
      last_class = rest.substr(0, length);
      rest = skip_spaces(after.substr(1));
      continue;
    }
    if (last_class.empty() && trim(after).empty()) {
      const std::string_view name = rest.substr(0, length);
      return std::string(name.substr(name.rfind('.') + 1));
    }
    break;
  }
  if (rest.empty() && !last_class.empty()) return std::string(last_class);
  return std::string(rest);
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
  std::string message = strip_class_names(lines.back());
  return one_line(message.empty() ? lines.back() : message, k_max_message);
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
