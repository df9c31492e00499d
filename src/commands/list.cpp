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

void print_section(Console& console, const char* header, std::vector<JobOverview> jobs) {
  // Flink groups by state name, then orders by start time (a stable sort keeps the grouping).
  std::stable_sort(jobs.begin(), jobs.end(),
                   [](const JobOverview& a, const JobOverview& b) { return a.state < b.state; });
  std::stable_sort(jobs.begin(), jobs.end(), [](const JobOverview& a, const JobOverview& b) {
    return a.start_time_ms < b.start_time_ms;
  });
  console.out(header);
  for (const auto& job : jobs) {
    console.out(format_start_time(job.start_time_ms) + " : " + job.id + " : " + job.name + " (" +
                job.state + ")");
  }
  console.out(k_rule);
}

int run_list(CommandContext& context, const ListOptions& options) {
  Console& console = context.console();
  JobManagerApi& api = context.api();
  console.out("Waiting for response...");
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
  if (options.running) {
    if (running_jobs.empty()) {
      console.out("No running jobs.");
    } else {
      print_section(console, "------------------ Running/Restarting Jobs -------------------", running_jobs);
    }
  }
  if (options.scheduled) {
    if (scheduled_jobs.empty()) {
      console.out("No scheduled jobs.");
    } else {
      print_section(console, "----------------------- Scheduled Jobs -----------------------", scheduled_jobs);
    }
  }
  if (options.terminated && !terminated_jobs.empty()) {
    print_section(console, "---------------------- Terminated Jobs -----------------------", terminated_jobs);
  }
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
