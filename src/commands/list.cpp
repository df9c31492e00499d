// flink list [-r] [-s] [-a]: Flink's sections and "dd.MM.yyyy HH:mm:ss : <id> : <name> (STATE)".
#include <algorithm>
#include <ctime>

#include "actions.hpp"
#include "savepoint_operations.hpp"

namespace flinkcli {

namespace {

const char* const k_rule = "--------------------------------------------------------------";

struct ListOptions {
  bool running = false;    // -r
  bool scheduled = false;  // -s
  bool terminated = false;
};

ListOptions parse(const ParsedArgs& args) {
  const bool all = args.has("a");
  ListOptions options{args.has("r") || all, args.has("s") || all, all};
  if (!options.running && !options.scheduled) options.running = options.scheduled = true;
  return options;
}

std::string format_start_time(std::int64_t epoch_ms) {
  const std::time_t seconds = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm local{};
  localtime_r(&seconds, &local);
  char text[32];
  std::strftime(text, sizeof(text), "%d.%m.%Y %H:%M:%S", &local);
  return text;
}

// One section: Flink's lines, and each job in the JSON document and quiet mode's job ids.
void print_section(Report& report, JsonDocument& listed, const char* section, const char* header,
                   std::vector<JobOverview> jobs) {
  // Flink groups by state name, then orders by start time (a stable sort keeps the grouping).
  std::stable_sort(jobs.begin(), jobs.end(),
                   [](const JobOverview& a, const JobOverview& b) { return a.state < b.state; });
  std::stable_sort(jobs.begin(), jobs.end(), [](const JobOverview& a, const JobOverview& b) {
    return a.start_time_ms < b.start_time_ms;
  });
  report.line(header);
  for (const auto& job : jobs) {
    report.line(format_start_time(job.start_time_ms) + " : " + job.id + " : " + job.name + " (" +
                job.state + ")");
    JsonDocument entry = {{"job_id", job.id}, {"name", job.name}, {"state", job.state}, {"section", section}};
    entry["start_time"] = job.start_time_ms >= 0
                              ? JsonDocument(format_utc_timestamp(std::chrono::system_clock::time_point(
                                    std::chrono::milliseconds(job.start_time_ms))))
                              : JsonDocument();
    entry["start_time_ms"] = job.start_time_ms;
    listed.push_back(std::move(entry));
    report.add_value(job.id);
  }
  report.line(k_rule);
}

int run_list(CommandContext& context, const ListOptions& options) {
  Report& report = context.report();
  JsonDocument sections = JsonDocument::array();
  if (options.running) sections.push_back("running");
  if (options.scheduled) sections.push_back("scheduled");
  if (options.terminated) sections.push_back("terminated");
  report.set("sections", sections);
  JobManagerApi& api = context.api();
  report.line("Waiting for response...");
  const auto jobs = with_error_context("Failed to retrieve job list", [&] { return api.list_jobs(); });

  std::vector<JobOverview> running_jobs;
  std::vector<JobOverview> scheduled_jobs;
  std::vector<JobOverview> terminated_jobs;
  for (const auto& job : jobs) {
    if (job.state == "CREATED" || job.state == "INITIALIZING") {
      scheduled_jobs.push_back(job);
    } else if (!is_globally_terminal(job.state)) {
      running_jobs.push_back(job);
    } else {
      terminated_jobs.push_back(job);
    }
  }
  JsonDocument listed = JsonDocument::array();
  if (options.running) {
    if (running_jobs.empty()) {
      report.line("No running jobs.");
    } else {
      print_section(report, listed, "running", "------------------ Running/Restarting Jobs -------------------",
                    running_jobs);
    }
  }
  if (options.scheduled) {
    if (scheduled_jobs.empty()) {
      report.line("No scheduled jobs.");
    } else {
      print_section(report, listed, "scheduled", "----------------------- Scheduled Jobs -----------------------",
                    scheduled_jobs);
    }
  }
  if (options.terminated && !terminated_jobs.empty()) {
    print_section(report, listed, "terminated", "---------------------- Terminated Jobs -----------------------",
                  terminated_jobs);
  }
  report.set("jobs", std::move(listed));
  return 0;
}

}  // namespace

const CommandSpec& list_command() {
  static const CommandSpec spec{
      "list",
      "lists running and scheduled programs.",
      "list [OPTIONS]",
      {
          {"a", "all", Arity::none, "", "Show all programs and their JobIDs"},
          {"r", "running", Arity::none, "", "Show only running programs and their JobIDs"},
          {"s", "scheduled", Arity::none, "", "Show only scheduled programs and their JobIDs"},
      },
      false,
      [](CommandContext& context, const ParsedArgs& args) { return run_list(context, parse(args)); },
  };
  return spec;
}

}  // namespace flinkcli
