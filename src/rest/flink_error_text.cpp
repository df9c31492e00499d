#include "flinkcli/flink_error_text.hpp"

#include <regex>
#include <sstream>

namespace flinkcli {

namespace {

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

// "java.util.concurrent.CompletionException: org.x.FooException: text" -> "text".
std::string strip_class_names(std::string text) {
  static const std::regex class_prefix(R"(^\s*[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)+(\$[\w$]+)?:\s*)");
  std::smatch match;
  std::string last_class;
  while (std::regex_search(text, match, class_prefix)) {
    last_class = match.str(0);
    text = match.suffix();
  }
  if (text.empty() && !last_class.empty()) return last_class;
  // A message-less exception is its class alone: "java.util.concurrent.TimeoutException" ->
  // "TimeoutException". Only then: after "ClassNotFoundException: " the rest is the message.
  static const std::regex bare_class(R"(^\s*([A-Za-z_$][\w$]*\.)+([\w$]+)\s*$)");
  if (last_class.empty() && std::regex_match(text, match, bare_class)) return match.str(2);
  return text;
}

}  // namespace

std::string root_cause_message(const std::string& java_trace) {
  const auto lines = exception_lines(java_trace);
  if (lines.empty()) return "unknown error";
  std::string message = strip_class_names(lines.back());
  return message.empty() ? lines.back() : message;
}

std::string cause_chain(const std::string& java_trace) {
  std::string chain;
  for (const auto& line : exception_lines(java_trace)) {
    if (!chain.empty()) chain += "\nCaused by: ";
    chain += line;
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
  static const std::regex rest_not_found(R"((^|[^\w$])NotFoundException\b)");
  if (std::regex_search(java_trace, rest_not_found)) return ErrorClass::not_found;
  return ErrorClass::operation_failed;
}

}  // namespace flinkcli
