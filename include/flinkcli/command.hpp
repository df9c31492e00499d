#pragma once
// What an action sees: its parsed arguments, the output layer, the effective configuration and
// the JobManager, the last two created only when the action first asks for them, so argument
// errors never touch the network or the conf files.
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "flinkcli/configuration.hpp"
#include "flinkcli/console.hpp"
#include "flinkcli/jobmanager_api.hpp"
#include "flinkcli/operation_waiter.hpp"
#include "flinkcli/option_parser.hpp"

namespace flinkcli {

struct Environment {
  GetEnv getenv;
  std::filesystem::path executable;  // for <dir of binary>/../conf
};

using ApiFactory = std::function<std::unique_ptr<JobManagerApi>(const RestSettings&)>;

class CommandContext {
 public:
  CommandContext(ParsedArgs args, Console& console, Environment env, ApiFactory api_factory,
                 Clock& clock);

  const ParsedArgs& args() const { return m_args; }
  Console& console() { return m_console; }
  Clock& clock() { return m_clock; }
  bool verbose() const;

  const Configuration& config();  // conf file, then -D, then -m
  JobManagerApi& api();
  WaitPolicy wait_policy();       // bounded by client.timeout

 private:
  ParsedArgs m_args;
  Console& m_console;
  Environment m_env;
  ApiFactory m_api_factory;
  Clock& m_clock;
  std::optional<Configuration> m_config;
  std::unique_ptr<JobManagerApi> m_api;
};

struct CommandSpec {
  std::string name;
  std::string summary;  // the sentence after 'Action "name" ' in the help
  std::string syntax;   // e.g. "savepoint [OPTIONS] <Job ID> [<target directory>]"
  std::vector<OptionSpec> options;
  bool stop_at_non_option = false;  // `run`: everything after the jar belongs to the program
  int (*run)(CommandContext&) = nullptr;
};

// The one table of actions: dispatch, help and the unknown-action message all read it.
const std::vector<CommandSpec>& command_table();
const CommandSpec* find_command(const std::string& name);
// Options every action accepts (-h, -v, -m, -D, -t, -e, -z).
const std::vector<OptionSpec>& general_options();

// Each action's entry point (src/commands/<action>.cpp).
int run_savepoint(CommandContext& context);
int run_cancel(CommandContext& context);
int run_stop(CommandContext& context);
int run_list(CommandContext& context);
int run_run(CommandContext& context);
std::vector<OptionSpec> savepoint_options();
std::vector<OptionSpec> cancel_options();
std::vector<OptionSpec> stop_options();
std::vector<OptionSpec> list_options();
std::vector<OptionSpec> run_options();

}  // namespace flinkcli
