// flink inspect [--uid <uid>]... [--expect-uids a,b,c | --expect-uids-file F] [-n]
//               [--jar <jarFile> [-c <class>] [-p <n>]] <savepointPath> [-- <program arguments>...]
// This client's own action: what a savepoint or checkpoint holds, read from its `_metadata` file
// without a JVM or a cluster (docs/actions/inspect.md). Optionally: the operator id Flink derives
// from a uid, and whether restoring into a job with the given uids would drop state (exit 7 unless
// -n). The decisions are the metadata layer's (metadata/restore_check.hpp); this file finds the
// files, checks the state files on disk and renders the result. With --jar, the new job's plan
// from the JobManager is compared too (plan_check.hpp).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <system_error>

#include "actions.hpp"
#include "flinkcli/core/file_uri.hpp"
#include "flinkcli/core/nullable.hpp"
#include "flinkcli/core/text.hpp"
#include "flinkcli/storage/location.hpp"
#include "flinkcli/storage/snapshot_store.hpp"
#include "flinkcli/metadata/restore_check.hpp"
#include "flinkcli/metadata/savepoint_metadata.hpp"
#include "jar_upload.hpp"
#include "plan_check.hpp"
#include "snapshot_files.hpp"

namespace flinkcli {

namespace {

namespace fs = std::filesystem;

constexpr std::uintmax_t k_max_uid_file_bytes = 4u << 20;

struct InspectOptions {
  std::string savepoint_path;
  std::vector<std::string> uids;  // --uid, in order
  std::optional<std::vector<std::string>> expected_uids;  // --expect-uids / --expect-uids-file
  bool allow_non_restored_state = false;  // -n
  std::optional<PlanOptions> plan;        // --jar, -c, -p, the program arguments, -D
};

// --jar: the plan request, as `run` would send it. The program arguments are the positionals
// after the savepoint path (after "--" when they start with '-').
std::optional<PlanOptions> parse_plan_options(const ParsedArgs& args) {
  const auto& positionals = args.positionals();
  const auto jar = args.value("jar");
  if (!jar) {
    if (args.has("c") || args.has("p")) throw CliError::usage("-c and -p only mean something with --jar <jarFile>.");
    if (positionals.size() > 1) {
      throw CliError::usage("Too many arguments: " + one_line(positionals[1], 200) +
                            ". Program arguments (after --) need --jar <jarFile>.");
    }
    return std::nullopt;
  }
  PlanOptions plan;
  plan.jar = *jar;
  plan.request.entry_class = args.value("c");
  plan.request.parallelism = parallelism(args);
  plan.request.program_args.assign(positionals.begin() + 1, positionals.end());
  Configuration job_configuration;  // the -D entries alone, as run sends them
  apply_dynamic_properties(job_configuration, args.values("D"));
  plan.request.flink_configuration = job_configuration.values();
  return plan;
}

std::vector<std::string> split_uids(const std::string& text) {
  std::vector<std::string> uids;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    const std::string uid = trim(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (!uid.empty()) uids.push_back(uid);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return uids;
}

std::string read_bounded(const fs::path& path, std::uintmax_t limit, ErrorClass too_large, const std::string& what) {
  std::error_code error;
  const auto size = fs::file_size(path, error);
  if (error) throw CliError(ErrorClass::bad_savepoint, "Cannot read " + what + " " + path.string() + ": " + error.message());
  if (size > limit) {
    throw CliError(too_large, "Cannot read " + what + " " + path.string() + ": " + std::to_string(size) +
                                  " bytes, more than the " + std::to_string(limit) + " this client reads");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CliError(ErrorClass::bad_savepoint, "Cannot read " + what + " " + path.string());
  std::string content(static_cast<std::size_t>(size), '\0');
  in.read(content.data(), static_cast<std::streamsize>(size));
  content.resize(static_cast<std::size_t>(in.gcount()));
  return content;
}

std::vector<std::string> read_uid_file(const std::string& file) {
  std::error_code error;
  if (!fs::is_regular_file(file, error)) throw CliError(ErrorClass::not_found, "uid file not found: " + file);
  const std::string content = read_bounded(file, k_max_uid_file_bytes, ErrorClass::usage, "the uid file");
  std::vector<std::string> uids;
  std::size_t start = 0;
  while (start < content.size()) {
    const auto end = content.find('\n', start);
    const std::string uid = trim(content.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (!uid.empty()) uids.push_back(uid);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return uids;
}

InspectOptions parse(const ParsedArgs& args) {
  InspectOptions options;
  const auto& positionals = args.positionals();
  if (positionals.empty()) {
    throw CliError::usage("Missing savepoint path. Specify it: inspect <savepointPath>.");
  }
  options.plan = parse_plan_options(args);
  options.savepoint_path = positionals.front();
  options.uids = args.values("uid");
  for (const auto& uid : options.uids) {
    if (uid.empty()) throw CliError::usage("--uid needs a non-empty uid.");
  }
  if (args.has("expect-uids") || args.has("expect-uids-file")) {
    std::vector<std::string> expected;
    for (const auto& list : args.values("expect-uids")) {
      for (auto& uid : split_uids(list)) expected.push_back(std::move(uid));
    }
    for (const auto& file : args.values("expect-uids-file")) {
      for (auto& uid : read_uid_file(file)) expected.push_back(std::move(uid));
    }
    options.expected_uids = std::move(expected);
  }
  options.allow_non_restored_state = args.has("n");
  if (options.allow_non_restored_state && !options.expected_uids && !options.plan) {
    throw CliError::usage("-n (--allowNonRestoredState) only means something with --expect-uids, --expect-uids-file "
                          "or --jar.");
  }
  return options;
}

// A state file as found in the store, one byte (a savepoint may name millions of files). Its
// location is not kept either: state_file_location() gives it again where it is printed.
enum class FileState : std::uint8_t {
  elsewhere,  // in another store, not looked up
  present,
  missing,
};

// Every state file the savepoint names, looked up in the store.
struct StateFileCheck {
  std::vector<std::vector<FileState>> by_operator;  // [i][j]: operators[i].files[j]
  std::vector<std::uintmax_t> present_sizes;  // the present files' sizes on disk, in [i][j] order
  std::size_t total = 0;
  std::size_t present = 0;
  std::size_t missing = 0;
  std::size_t unknown = 0;  // in another store
};

// The local store stats file by file, so its lookups go in batches and only a batch's locations
// are held at once; S3 lists each directory once per call, so it is asked for all in one.
constexpr std::size_t k_local_lookup_batch = 4096;

// Relative state files are resolved against `base`, the directory of `_metadata`.
StateFileCheck check_state_files(SnapshotStore& store, const metadata::SavepointMetadata& savepoint, const Location& base) {
  StateFileCheck check;
  const std::size_t batch = base.kind == LocationKind::local ? k_local_lookup_batch : SIZE_MAX;
  std::vector<Location> wanted;
  std::vector<std::pair<std::size_t, std::size_t>> wanted_at;
  const auto look_up = [&] {
    const auto found = store.stat_all(wanted);
    for (std::size_t k = 0; k < wanted.size(); ++k) {
      const auto [i, j] = wanted_at[k];
      if (found[k]) {
        check.by_operator[i][j] = FileState::present;
        check.present_sizes.push_back(found[k]->size);
        ++check.present;
      } else {
        check.by_operator[i][j] = FileState::missing;
        ++check.missing;
      }
    }
    wanted.clear();
    wanted_at.clear();
  };
  check.by_operator.resize(savepoint.operators.size());
  for (std::size_t i = 0; i < savepoint.operators.size(); ++i) {
    const auto& op = savepoint.operators[i];
    check.by_operator[i].resize(op.files.size(), FileState::elsewhere);
    check.total += op.files.size();
    for (std::size_t j = 0; j < op.files.size(); ++j) {
      auto location = state_file_location(op, op.files[j], base);
      if (!location) {
        ++check.unknown;
        continue;
      }
      wanted.push_back(std::move(*location));
      wanted_at.emplace_back(i, j);
      if (wanted.size() >= batch) look_up();
    }
  }
  if (!wanted.empty()) look_up();
  return check;
}

// --- Rendering: Flink-style lines and the JSON document ---

std::vector<std::string> kind_names(const metadata::StateKinds& kinds) {
  std::vector<std::string> names;
  if (kinds.managed_keyed) names.push_back("managed_keyed");
  if (kinds.raw_keyed) names.push_back("raw_keyed");
  if (kinds.managed_operator) names.push_back("managed_operator");
  if (kinds.raw_operator) names.push_back("raw_operator");
  if (kinds.coordinator) names.push_back("coordinator");
  if (kinds.channel) names.push_back("channel");
  return names;
}

std::string short_kinds(const metadata::StateKinds& kinds) {
  std::string text;
  auto add = [&](bool on, const char* name) {
    if (on) text += (text.empty() ? "" : ",") + std::string(name);
  };
  add(kinds.managed_keyed, "keyed");
  add(kinds.raw_keyed, "raw-keyed");
  add(kinds.managed_operator, "operator");
  add(kinds.raw_operator, "raw-operator");
  add(kinds.coordinator, "coordinator");
  add(kinds.channel, "channel");
  return text.empty() ? "-" : text;
}

// Every uid given (--uid and --expect-uids), each once, by the operator id it hashes to: the
// table shows them for operators whose metadata stores no uid (version < 5) or another one.
using UidsByOperatorId = std::map<std::string, std::vector<std::string>>;

UidsByOperatorId given_uids_by_operator_id(const InspectOptions& options) {
  std::vector<std::string> all_given = options.uids;
  if (options.expected_uids) {
    all_given.insert(all_given.end(), options.expected_uids->begin(), options.expected_uids->end());
  }
  UidsByOperatorId given_uids;
  for (const auto& uid : all_given) {
    auto& names = given_uids[metadata::operator_id_for_uid(uid)];
    if (std::find(names.begin(), names.end(), uid) == names.end()) names.push_back(uid);
  }
  return given_uids;
}

// One state file; `size_on_disk` when it is present.
JsonDocument file_json(const metadata::OperatorState& op, const metadata::StateFile& file, FileState state,
                       std::uintmax_t size_on_disk, const Location& directory) {
  JsonDocument entry = {{"path", op.path_of(file)}, {"relative", file.relative}, {"stored_size", file.size}};
  const auto location = state == FileState::elsewhere ? std::nullopt : state_file_location(op, file, directory);
  const bool local = location && location->kind == LocationKind::local;
  entry["location"] = location ? JsonDocument(location->display()) : JsonDocument();
  entry["local_path"] = local ? JsonDocument(location->display()) : JsonDocument();
  if (!location) {
    entry["exists"] = nullptr;
    entry["size_on_disk"] = nullptr;
  } else {
    const bool present = state == FileState::present;
    entry["exists"] = present;
    entry["size_on_disk"] = present ? JsonDocument(size_on_disk) : JsonDocument();
  }
  return entry;
}

// An operator without its files.
JsonDocument operator_json(const metadata::OperatorState& op, const std::vector<std::string>& matched_uids) {
  return {{"operator_id", op.operator_id},
          {"uid", nullable<JsonDocument>(op.uid)},
          {"name", nullable<JsonDocument>(op.name)},
          {"parallelism", op.parallelism},
          {"max_parallelism", op.max_parallelism},
          {"subtask_states", op.subtask_states},
          {"finished_subtasks", op.finished_subtasks},
          {"fully_finished", op.fully_finished},
          {"has_state", op.has_state},
          {"state_size", op.state_size},
          {"inline_size", op.inline_size},
          {"state_kinds", kind_names(op.kinds)},
          {"matched_uids", matched_uids}};
}

const std::vector<std::string>& matched_uids(const UidsByOperatorId& given_uids, const std::string& operator_id) {
  static const std::vector<std::string> k_none;
  const auto given = given_uids.find(operator_id);
  return given == given_uids.end() ? k_none : given->second;
}

// The document's "operators", each with its "files", written straight out: one entry per state
// file would be most of the memory held as a JsonDocument.
void write_operators(JsonWriter& out, const metadata::SavepointMetadata& savepoint, const StateFileCheck& files,
                     const UidsByOperatorId& given_uids, const Location& directory) {
  std::size_t next_present = 0;  // into files.present_sizes
  out.begin_array();
  for (std::size_t i = 0; i < savepoint.operators.size(); ++i) {
    const auto& op = savepoint.operators[i];
    out.begin_object();
    const JsonDocument head = operator_json(op, matched_uids(given_uids, op.operator_id));
    for (const auto& [key, value] : head.items()) {
      out.member(key, value);
    }
    out.key("files");
    out.begin_array();
    for (std::size_t j = 0; j < op.files.size(); ++j) {
      const FileState state = files.by_operator[i][j];
      const std::uintmax_t size = state == FileState::present ? files.present_sizes.at(next_present++) : 0;
      out.value(file_json(op, op.files[j], state, size, directory));
    }
    out.end_array();
    out.end_object();
  }
  out.end_array();
}

// Calls `each` with the location of every missing state file, in order.
template <typename Each>
void for_each_missing(const metadata::SavepointMetadata& savepoint, const StateFileCheck& files,
                      const Location& directory, Each each) {
  for (std::size_t i = 0; i < savepoint.operators.size(); ++i) {
    const auto& op = savepoint.operators[i];
    for (std::size_t j = 0; j < op.files.size(); ++j) {
      if (files.by_operator[i][j] == FileState::missing) each(state_file_location(op, op.files[j], directory)->display());
    }
  }
}

std::vector<std::string> operator_row(const metadata::OperatorState& op, const std::vector<FileState>& checked,
                                      const std::vector<std::string>& matched_uids) {
  std::string given_text;
  for (const auto& uid : matched_uids) given_text += (given_text.empty() ? "" : ",") + uid;
  // UID: the stored one (version 5+), else a given uid that hashes to this id, marked "*".
  std::string uid_cell = op.uid ? one_line(*op.uid, 60) : "-";
  if (!given_text.empty() && (!op.uid || given_text != *op.uid)) {
    uid_cell = (op.uid ? uid_cell + " " : std::string()) + "*" + one_line(given_text, 60);
  }
  const auto present = std::count(checked.begin(), checked.end(), FileState::present);
  return {op.operator_id, uid_cell, op.name ? one_line(*op.name, 40) : "-",
          std::to_string(op.parallelism), std::to_string(op.max_parallelism),
          std::to_string(op.subtask_states), std::to_string(op.state_size), short_kinds(op.kinds),
          op.files.empty() ? "-" : std::to_string(present) + "/" + std::to_string(op.files.size())};
}

// "4 operators, state 884 bytes (16 inline in _metadata), 2 state files: 2 present"
std::string summary_line(std::size_t operators, std::int64_t total_size, std::int64_t inline_size,
                         const StateFileCheck& files) {
  std::string summary = std::to_string(operators) + " operators, state " + std::to_string(total_size) +
                        " bytes (" + std::to_string(inline_size) + " inline in _metadata), " +
                        std::to_string(files.total) + " state files";
  if (files.total > 0) {
    summary += ": " + std::to_string(files.present) + " present";
    if (files.missing > 0) summary += ", " + std::to_string(files.missing) + " MISSING";
    if (files.unknown > 0) summary += ", " + std::to_string(files.unknown) + " not on a local file system";
  }
  return summary;
}

// What the savepoint holds: its header, one table row (one JSON object) per operator, the
// missing state files. The JSON lists are written when the document is (after this action has
// returned, on failures too), so they share the savepoint and the check.
void report_savepoint(Report& report, const std::shared_ptr<const metadata::SavepointMetadata>& shared_savepoint,
                      const Location& directory, const std::shared_ptr<const StateFileCheck>& shared_files,
                      const UidsByOperatorId& given_uids) {
  const metadata::SavepointMetadata& savepoint = *shared_savepoint;
  const StateFileCheck& files = *shared_files;
  report.set("metadata_version", savepoint.version);
  report.set("checkpoint_id", savepoint.checkpoint_id);
  report.set("snapshot_type", nullable<JsonDocument>(savepoint.snapshot_type));
  report.set("format", nullable<JsonDocument>(savepoint.format));
  report.set("master_states", savepoint.master_states);

  std::int64_t total_size = 0;
  std::int64_t inline_size = 0;
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"OPERATOR ID", "UID", "NAME", "PARALLELISM", "MAX", "SUBTASKS", "STATE BYTES", "STATE", "FILES"});
  for (std::size_t i = 0; i < savepoint.operators.size(); ++i) {
    const auto& op = savepoint.operators[i];
    total_size += op.state_size;
    inline_size += op.inline_size;
    rows.push_back(operator_row(op, files.by_operator[i], matched_uids(given_uids, op.operator_id)));
    report.add_value(op.operator_id);
  }
  report.set("state_size", total_size);
  report.set("inline_size", inline_size);
  report.set_streamed("operators", [shared_savepoint, shared_files, given_uids, directory](JsonWriter& out) {
    write_operators(out, *shared_savepoint, *shared_files, given_uids, directory);
  });
  report.set_streamed("missing_files", [shared_savepoint, shared_files, directory](JsonWriter& out) {
    out.begin_array();
    for_each_missing(*shared_savepoint, *shared_files, directory, [&](const std::string& location) { out.string(location); });
    out.end_array();
  });

  std::string kind = savepoint.snapshot_type.value_or("snapshot");
  if (savepoint.format) kind += " (" + *savepoint.format + ")";
  report.line("Savepoint " + directory.display() + ": " + kind + ", checkpoint " +
              std::to_string(savepoint.checkpoint_id) + ", metadata version " + std::to_string(savepoint.version));
  report.line(summary_line(savepoint.operators.size(), total_size, inline_size, files));
  if (savepoint.version < 5) {
    report.line("(metadata version " + std::to_string(savepoint.version) +
                " stores no uids: give them with --uid or --expect-uids to match them by their hash)");
  }
  report.line("");
  for (const auto& line : format_table(rows)) report.line(line);
  if (report.mode() == OutputMode::text) {
    for_each_missing(savepoint, files, directory, [&](const std::string& location) {
      report.line("Missing state file: " + printable_path(location));
    });
  }
}

// --uid: the id each uid hashes to, and whether the savepoint holds state for it.
void report_uids(Report& report, const metadata::SavepointMetadata& savepoint, const std::vector<std::string>& uids) {
  report.line("");
  JsonDocument json = JsonDocument::array();
  std::set<std::string> seen;
  for (const auto& uid : uids) {
    if (!seen.insert(uid).second) continue;
    const auto match = metadata::match_uid(savepoint, uid);
    json.push_back({{"uid", uid},
                    {"operator_id", match.operator_id},
                    {"in_savepoint", match.in_savepoint},
                    {"has_state", match.has_state}});
    report.line("uid " + one_line(uid, 200) + " -> operator id " + match.operator_id + ": " +
                (!match.in_savepoint ? "not in this savepoint"
                 : match.has_state   ? "state in this savepoint (" + std::to_string(match.state_size) + " bytes)"
                                     : "in this savepoint, without state"));
  }
  report.set("uids", json);
}

// --expect-uids: what Flink's restore check (Checkpoints.loadAndValidateCheckpoint) would do with
// a job whose operators carry exactly these uids. Throws (exit 7) when state would be dropped
// and -n does not allow it, unless --jar: then the plan check, which knows more, decides.
void report_restore_check(Report& report, const InspectOptions& options, const metadata::RestoreCheck& check) {
  const auto& expected = *options.expected_uids;
  report.line("");
  report.line("Restore check against " + std::to_string(expected.size()) + " expected uid(s):");
  JsonDocument dropped = JsonDocument::array();
  std::vector<std::string> dropped_text;
  for (const auto& state : check.dropped) {
    dropped.push_back({{"operator_id", state.operator_id},
                       {"uid", nullable<JsonDocument>(state.uid)},
                       {"name", nullable<JsonDocument>(state.name)},
                       {"state_size", state.state_size},
                       {"state_kinds", kind_names(state.kinds)},
                       {"certain", state.certain},
                       {"note", state.note}});
    const std::string label = state.operator_id + (state.uid ? " (uid " + one_line(*state.uid, 60) + ")" : "");
    dropped_text.push_back(label);
    report.line("  state that would be dropped (needs -n): operator " + label + ", " +
                std::to_string(state.state_size) + " bytes" + (state.certain ? "" : "; uncertain: " + state.note));
  }
  JsonDocument start_empty = JsonDocument::array();
  for (const auto& match : check.start_empty) {
    start_empty.push_back({{"uid", match.uid}, {"operator_id", match.operator_id}, {"in_savepoint", match.in_savepoint}});
    report.line("  uid that would start without state: " + one_line(match.uid, 200) + " (operator id " +
                match.operator_id + ")");
  }
  JsonDocument notes = JsonDocument::array();
  if (check.unmatched_without_state > 0) {
    const std::string note = std::to_string(check.unmatched_without_state) +
                             " operator(s) without state match no expected uid: Flink skips them "
                             "(stateless operators, and chained operators without state, need no uid)";
    notes.push_back(note);
    report.line("  note: " + note);
  }
  if (check.version_note) notes.push_back(*check.version_note);
  report.set("restore_check", {{"expected_uids", expected},
                               {"allow_non_restored_state", options.allow_non_restored_state},
                               {"would_drop_state", check.would_drop_state()},
                               {"dropped", dropped},
                               {"start_empty", start_empty},
                               {"notes", notes}});
  if (!check.would_drop_state()) {
    report.line("  every operator with state maps to an expected uid: the restore needs no -n");
  } else if (options.allow_non_restored_state) {
    report.line("  state of " + std::to_string(dropped_text.size()) + " operator(s) would be dropped, as -n allows");
  } else if (options.plan) {
    report.line("  by the expected uids alone, state of " + std::to_string(dropped_text.size()) +
                " operator(s) would be dropped; the check against the plan decides");
  } else {
    std::string ids;
    for (const auto& text : dropped_text) ids += (ids.empty() ? "" : ", ") + text;
    throw CliError(ErrorClass::restore_mismatch,
                   "Restoring " + options.savepoint_path + " into a job with the expected uids would drop the state of " +
                       std::to_string(dropped_text.size()) + " operator(s): " + ids +
                       ". If that is intended, pass -n (--allowNonRestoredState), here and to run.");
  }
}

int run_inspect(CommandContext& context, const InspectOptions& options) {
  Report& report = context.report();
  report.set("savepoint_path", options.savepoint_path);
  const Location given = snapshot_location(options.savepoint_path, "inspect");
  SnapshotStore& store = context.store(given.kind);
  const Location metadata_file = locate_metadata_file(store, given);
  report.set("metadata_file", metadata_file.display());
  const auto shared_savepoint = std::make_shared<const metadata::SavepointMetadata>(read_metadata(store, metadata_file));
  const metadata::SavepointMetadata& savepoint = *shared_savepoint;
  const Location directory = parent_location(metadata_file);
  const auto files = std::make_shared<const StateFileCheck>(check_state_files(store, savepoint, directory));

  report_savepoint(report, shared_savepoint, directory, files, given_uids_by_operator_id(options));
  if (!options.uids.empty()) report_uids(report, savepoint, options.uids);
  if (options.expected_uids) {
    report_restore_check(report, options, metadata::check_restore(savepoint, *options.expected_uids));
  }
  if (options.plan) {
    report_plan_check(context, *options.plan, options.savepoint_path, savepoint, options.expected_uids,
                      options.allow_non_restored_state);
  }
  report.set_status("completed");
  return 0;
}

}  // namespace

const CommandSpec& inspect_command() {
  static const CommandSpec spec{
      "inspect",
      "shows what a savepoint or checkpoint holds, read from its _metadata file (no cluster needed).",
      "inspect [OPTIONS] <savepointPath> [-- <program arguments>]",
      {
          extension_option({"", "uid", Arity::required, "uid",
                            "Print the operator id Flink derives from this uid and whether the savepoint holds "
                            "state for it (repeatable)."}),
          extension_option({"", "expect-uids", Arity::required, "uid,uid,...",
                            "The uids of the job to restore: report the state that job would drop (exit 7 "
                            "unless -n) and the uids that would start without state."}),
          extension_option({"", "expect-uids-file", Arity::required, "file",
                            "As --expect-uids, one uid per line."}),
          extension_option({"n", "allowNonRestoredState", Arity::none, "",
                            "With --expect-uids or --jar: state that would be dropped is intended (exit 0)."}),
          extension_option({"", "jar", Arity::required, "jarFile",
                            "Also compare with the plan the JobManager builds from this jar (uploaded unless "
                            "there, deleted after): exit 7 when state would or may be dropped, unless -n. "
                            "Program arguments follow a --."}),
          extension_option({"c", "class", Arity::required, "classname",
                            "With --jar: the program's entry class, if its manifest names none."}),
          extension_option({"p", "parallelism", Arity::required, "parallelism",
                            "With --jar: the parallelism to plan the job with."}),
      },
      false,
      [](CommandContext& context, const ParsedArgs& args) {
        // In the JSON document of a usage error too, once the command line names the path.
        if (!args.positionals().empty()) context.report().set("savepoint_path", args.positionals().front());
        return run_inspect(context, parse(args));
      },
      true,
  };
  return spec;
}

}  // namespace flinkcli
