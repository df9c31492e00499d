#include "flinkcli/output/report.hpp"

#include <algorithm>
#include <ctime>
#include <sstream>

#include "flinkcli/core/text.hpp"

namespace flinkcli {

namespace {

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// "--out" or "-outp": a prefix of "--output" (commons-cli takes unique prefixes of long options,
// and no other option of this client or Flink starts with 'o' or 'q').
bool is_long_prefix(std::string_view name, std::string_view long_name) {
  return !name.empty() && long_name.substr(0, name.size()) == name;
}

std::string_view option_name(std::string_view token) {
  const auto equals = token.find('=');
  return equals == std::string_view::npos ? token : token.substr(0, equals);
}

}  // namespace

std::optional<OutputMode> parse_output_format(std::string_view text) {
  const std::string lower = to_lower(text);
  if (lower == "text") return OutputMode::text;
  if (lower == "json") return OutputMode::json;
  return std::nullopt;
}

namespace {

// -a, --arguments, a prefix of it ("--ar"), -arguments, or -a with its first value attached
// ("-ax"): run's program arguments.
bool starts_program_arguments(std::string_view token) {
  if (token.size() < 2 || token[0] != '-') return false;
  const std::string_view body = token.substr(starts_with(token, "--") ? 2 : 1);
  const std::string_view name = option_name(body);
  if (!starts_with(token, "--") && body[0] == 'a') return true;
  return name.size() > 1 && is_long_prefix(name, "arguments");
}

}  // namespace

OutputMode scan_output_mode(const std::vector<std::string>& args, const std::vector<OptionSpec>& options) {
  const bool program_arguments =
      std::any_of(options.begin(), options.end(), [](const OptionSpec& option) {
        return option.short_name == "a" && option.arity == Arity::many;
      });
  bool json = false;
  bool quiet = false;
  bool in_program_arguments = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view token = args[i];
    if (token == "--") break;
    if (in_program_arguments) {
      if (!ends_unlimited_values(options, args[i])) continue;
      in_program_arguments = false;
    }
    if (program_arguments && starts_program_arguments(token)) {
      in_program_arguments = true;
      continue;
    }
    if (token.size() < 2 || token[0] != '-') continue;
    const std::string_view body = token.substr(starts_with(token, "--") ? 2 : 1);
    const std::string_view name = option_name(body);
    std::optional<std::string_view> value;
    if (name == "o" || (name.size() > 1 && is_long_prefix(name, "output"))) {
      if (name.size() < body.size()) {
        value = body.substr(name.size() + 1);  // -o=json, --output=json
      } else if (i + 1 < args.size()) {
        value = args[i + 1];
      }
    } else if (body.size() > 1 && body[0] == 'o' && !starts_with(token, "--") &&
               body.find('=') == std::string_view::npos) {
      value = body.substr(1);  // -ojson
    } else if (name == body && (name == "q" || (name.size() > 1 && is_long_prefix(name, "quiet")))) {
      quiet = true;
    }
    if (value && parse_output_format(*value) == OutputMode::json) json = true;
  }
  if (json) return OutputMode::json;
  return quiet ? OutputMode::quiet : OutputMode::text;
}

std::string format_utc_timestamp(std::chrono::system_clock::time_point time) {
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &utc);
  char fraction[8];
  std::snprintf(fraction, sizeof(fraction), ".%03dZ", static_cast<int>(millis % 1000));
  return std::string(text) + fraction;
}

Report::Report(Console& console, Clock& clock, std::chrono::system_clock::time_point started_at,
               OutputMode mode)
    : m_console(console), m_clock(clock), m_started_at(started_at), m_started(clock.now()), m_mode(mode) {}

void Report::set_document(const std::string& name) { m_document = name; }

void Report::line(std::string_view text) {
  if (m_mode == OutputMode::text) m_console.out(text);
}

void Report::notice(std::string_view text) {
  if (m_mode == OutputMode::text) {
    m_console.out(text);
    return;
  }
  m_console.err(text);
  m_notices.emplace_back(text);
}

void Report::set(const std::string& key, JsonDocument value) {
  m_fields[key] = std::move(value);
  m_streams.erase(key);
}

void Report::set_streamed(const std::string& key, JsonStream write) {
  m_fields[key] = nullptr;  // its place in the document
  m_streams[key] = std::move(write);
}

void Report::erase(const std::string& key) {
  m_fields.erase(key);
  m_streams.erase(key);
}

JsonDocument Report::document_head(const std::string& status, const JsonDocument& error) const {
  JsonDocument document = JsonDocument::object();
  document["schema"] = "flinkcli." + (m_document.empty() ? std::string("error") : m_document) + "/" +
                       std::to_string(k_json_schema_version);
  document["action"] = m_document.empty() ? JsonDocument(nullptr) : JsonDocument(m_document);
  document["status"] = status;
  for (const auto& [key, value] : m_fields.items()) document[key] = value;
  document["started_at"] = format_utc_timestamp(m_started_at);
  document["duration_ms"] =
      std::chrono::duration_cast<std::chrono::milliseconds>(m_clock.now() - m_started).count();
  if (!m_notices.empty()) document["notices"] = m_notices;
  if (!error.is_null()) document["error"] = error;
  return document;
}

void Report::write_json(JsonWriter& writer, const std::string& status, const JsonDocument& error) const {
  const JsonDocument head = document_head(status, error);
  writer.begin_object();
  for (const auto& [key, value] : head.items()) {
    const auto stream = m_streams.find(key);
    if (stream == m_streams.end()) {
      writer.member(key, value);
    } else {
      writer.key(key);
      stream->second(writer);
    }
  }
  writer.end_object();
}

void Report::write_document(const std::string& status, const JsonDocument& error) {
  // One line: a pipe reader (jq, a log shipper) gets one record per run. Invalid UTF-8 from the
  // server becomes U+FFFD (JsonWriter) rather than an exception that would lose the document.
  JsonWriter writer([this](std::string_view chunk) { m_console.out_partial(chunk); });
  write_json(writer, status, error);
  m_console.out(writer.take_rest());
}

std::string Report::document_text(const std::string& status, const JsonDocument& error) const {
  JsonWriter writer;
  write_json(writer, status, error);
  return writer.take_rest();
}

JsonDocument Report::document_json(const std::string& status, const JsonDocument& error) const {
  return JsonDocument::parse(document_text(status, error));
}

int Report::succeed() {
  if (m_finished) return 0;
  m_finished = true;
  if (m_mode == OutputMode::json) {
    write_document(m_status, nullptr);
  } else if (m_mode == OutputMode::quiet) {
    for (const auto& value : m_values) m_console.out(value);
  }
  return 0;
}

int Report::fail(const CliError& error) {
  const int exit_code = error.exit_code();
  if (m_finished) return exit_code;
  m_finished = true;
  if (m_mode == OutputMode::json) {
    const std::string message = one_line(error.what(), k_max_error_line);
    JsonDocument details = JsonDocument::object();
    details["class"] = error_class_name(error.error_class());
    details["exit_code"] = exit_code;
    details["message"] = message;
    if (m_verbose && !error.detail().empty()) details["detail"] = error.detail();
    write_document(error.error_class() == ErrorClass::timeout ? "timed_out" : "failed", details);
    return exit_code;
  }
  return print_error(m_console, error, m_mode, m_verbose);
}

int print_error(Console& console, const CliError& error, OutputMode mode, bool verbose) {
  const std::string message = one_line(error.what(), k_max_error_line);
  if (mode == OutputMode::text && error.error_class() == ErrorClass::usage) {
    // Flink's handleArgException: message, empty line, hint, all on stdout.
    console.out(message);
    console.out("");
    console.out("Use the help option (-h or --help) to get help on the command.");
    return error.exit_code();
  }
  console.err(message);
  if (verbose && !error.detail().empty()) {
    std::istringstream lines(error.detail());
    std::string line;
    while (std::getline(lines, line)) console.err(one_line(line, k_max_error_line));
  }
  return error.exit_code();
}

JsonDocument Report::interrupted_error(const std::string& message, int signal_number) const {
  JsonDocument details = JsonDocument::object();
  details["class"] = "interrupted";
  details["exit_code"] = interrupted_exit_code(signal_number);
  details["message"] = one_line(message, k_max_error_line);
  return details;
}

LastWords Report::last_words(const std::string& message, int signal_number) const {
  LastWords words{one_line(message, k_max_error_line), ""};
  if (m_mode == OutputMode::json) {
    words.stdout_text = document_text("interrupted", interrupted_error(message, signal_number));
  }
  return words;
}

int Report::interrupted(const std::string& message, int signal_number) {
  const int exit_code = interrupted_exit_code(signal_number);
  if (m_finished) return exit_code;
  m_finished = true;
  if (m_mode == OutputMode::json) write_document("interrupted", interrupted_error(message, signal_number));
  return exit_code;
}

std::string format_utc_cell(const std::optional<std::chrono::system_clock::time_point>& time) {
  if (!time) return "-";
  const std::string text = format_utc_timestamp(*time);
  return text.substr(0, 10) + " " + text.substr(11, 8);
}

std::vector<std::string> format_table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()), 0);
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::vector<std::string> lines;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

}  // namespace flinkcli
