#pragma once
// The output layer every action writes through. An action describes its result: Flink's text
// lines, Flink's notices, the fields of its JSON document and the essential value quiet mode
// prints; the Report renders that in the mode the command line chose (-o text|json, -q):
//
//   text   Flink's lines on stdout as they happen (byte for byte what the Java client prints);
//   json   nothing until the end, then exactly one JSON document on stdout (docs/json-output.md,
//          schemas in docs/schemas/); notices go to stderr;
//   quiet  only the essential value(s) on stdout (a savepoint path, a trigger id, job ids);
//          notices go to stderr.
//
// Failures are rendered here too (run_cli hands every CliError to fail()): one line on stderr
// (usage errors in text mode: Flink's lines on stdout), or, in JSON mode, the document with its
// "error" object. The exit code is always the error class's.
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "flinkcli/core/clock.hpp"
#include "flinkcli/core/console.hpp"
#include "flinkcli/core/error.hpp"
#include "flinkcli/core/interrupt.hpp"
#include "flinkcli/core/option_parser.hpp"
#include "flinkcli/output/json_writer.hpp"

namespace flinkcli {

enum class OutputMode { text, json, quiet };

// "text" or "json", case-insensitive; none for anything else.
std::optional<OutputMode> parse_output_format(std::string_view text);

// The output mode an action's arguments ask for, found by a plain scan without the action's
// option table: -o/--output (and unique prefixes of --output, "=value" and attached forms) and
// -q/--quiet, up to a "--". Used to render errors found before or by the full parse, so once
// `-o json` is on the command line, argument errors are JSON too. json wins over quiet.
// `options` is the action's table when it has run's -a/--arguments (every following token until
// one of Flink's options): -a's values are skipped, as Java hands `-o json` there to the program.
OutputMode scan_output_mode(const std::vector<std::string>& args,
                            const std::vector<OptionSpec>& options = {});

// Version of every document's schema ("flinkcli.<action>/<version>"). Raised only for changes
// that break readers (a field removed or its meaning changed); new optional fields keep it.
inline constexpr int k_json_schema_version = 1;

// The lines printed for an error (k_max_error_line bytes at most, one line whatever the server
// sent).
inline constexpr std::size_t k_max_error_line = 2000;

class Report {
 public:
  Report(Console& console, Clock& clock, std::chrono::system_clock::time_point started_at,
         OutputMode mode = OutputMode::text);

  OutputMode mode() const { return m_mode; }
  void set_mode(OutputMode mode) { m_mode = mode; }
  void set_verbose(bool verbose) { m_verbose = verbose; }

  // What the document describes: "savepoint", "dispose", "stop", ... Its schema is
  // "flinkcli.<document>/1". Unset: "flinkcli.error/1" (no action could be determined).
  void set_document(const std::string& name);
  const std::string& document() const { return m_document; }

  // Flink's progress and result lines: stdout in text mode, nowhere else.
  void line(std::string_view text);
  // Flink's notices that are not the result ("DEPRECATION WARNING: ...", "Provided more
  // arguments than required..."): stdout in text mode, as Flink prints them; stderr in the
  // other modes (and in the JSON document's "notices").
  void notice(std::string_view text);
  // A field of the JSON document; setting it again replaces the value in place.
  void set(const std::string& key, JsonDocument value);
  // A field whose value `write` writes straight into the document as it goes out (exactly one
  // value), for lists too long to hold as one JsonDocument (inspect's state files). It runs only
  // in JSON mode, when the document is written: after the action has returned, failures
  // included, so it must own or share what it reads; it may run more than once.
  using JsonStream = std::function<void(JsonWriter&)>;
  void set_streamed(const std::string& key, JsonStream write);
  void erase(const std::string& key);
  // The document's "status" on success ("completed", "triggered", ...).
  void set_status(std::string status) { m_status = std::move(status); }
  // The essential value quiet mode prints, one line each, in order.
  void add_value(std::string value) { m_values.push_back(std::move(value)); }

  // Ends a successful action: the JSON document, or the quiet values (text has been printed
  // already). Returns 0. Nothing happens once the report is finished.
  int succeed();
  // Ends with a failure: renders `error` in the current mode and returns its exit code. The
  // document's status becomes "timed_out" for timeouts, else "failed".
  int fail(const CliError& error);
  // Ends a wait cut short by a signal (SIGINT by default), which the caller has told on stderr
  // as `message` (JSON: status "interrupted", error class "interrupted", that message). Returns
  // 128 + the signal.
  int interrupted(const std::string& message, int signal_number = 2);
  // What the process prints if a second signal ends it at once (the line; in JSON mode, the
  // document interrupted() would write then).
  LastWords last_words(const std::string& message, int signal_number) const;
  bool finished() const { return m_finished; }

  // The document as it would be written now with `status` and `error`, streamed fields
  // included (for tests).
  JsonDocument document_json(const std::string& status, const JsonDocument& error) const;

 private:
  // The document's members in order, a streamed field's value null (its callback writes it).
  JsonDocument document_head(const std::string& status, const JsonDocument& error) const;
  void write_json(JsonWriter& writer, const std::string& status, const JsonDocument& error) const;
  // To stdout, one line, in chunks.
  void write_document(const std::string& status, const JsonDocument& error);
  std::string document_text(const std::string& status, const JsonDocument& error) const;
  JsonDocument interrupted_error(const std::string& message, int signal_number) const;

  Console& m_console;
  Clock& m_clock;
  std::chrono::system_clock::time_point m_started_at;
  std::chrono::steady_clock::time_point m_started;
  OutputMode m_mode;
  bool m_verbose = false;
  bool m_finished = false;
  std::string m_document;
  std::string m_status = "completed";
  JsonDocument m_fields = JsonDocument::object();
  std::map<std::string, JsonStream> m_streams;  // the streamed fields (null in m_fields)
  std::vector<std::string> m_notices;
  std::vector<std::string> m_values;
};

// An error outside JSON mode: one line on stderr (with `verbose`, the cause chain after it); a
// usage error in text mode is Flink's three lines on stdout (message, empty line, help hint).
// Returns the error's exit code. Report::fail uses it; so may code that has no Report.
int print_error(Console& console, const CliError& error, OutputMode mode, bool verbose);

// "2026-03-01T12:34:56.789Z": UTC, milliseconds.
std::string format_utc_timestamp(std::chrono::system_clock::time_point time);
// "2026-03-01 12:34:56": UTC, seconds, for table cells; "-" for none.
std::string format_utc_cell(const std::optional<std::chrono::system_clock::time_point>& time);

// The tables actions print: left-aligned columns two spaces apart, no trailing spaces.
std::vector<std::string> format_table(const std::vector<std::vector<std::string>>& rows);

}  // namespace flinkcli
