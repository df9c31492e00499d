// The table of actions and the context they run in.
#include <spdlog/spdlog.h>

#include "core/logging.hpp"
#include "flinkcli/command.hpp"
#include "flinkcli/error.hpp"

namespace flinkcli {

const std::vector<CommandSpec>& command_table() {
  static const std::vector<CommandSpec> table = {
      {"run", "compiles and runs a program.", "run [OPTIONS] <jar-file> <arguments>",
       run_options(), true, &run_run},
      {"list", "lists running and scheduled programs.", "list [OPTIONS]", list_options(), false,
       &run_list},
      {"savepoint", "triggers savepoints for a running job or disposes existing ones.",
       "savepoint [OPTIONS] <Job ID> [<target directory>]", savepoint_options(), false,
       &run_savepoint},
      {"stop", "stops a running program with a savepoint (streaming jobs only).",
       "stop [OPTIONS] <Job ID>", stop_options(), false, &run_stop},
      {"cancel", "cancels a running program.", "cancel [OPTIONS] <Job ID>", cancel_options(), false,
       &run_cancel},
  };
  return table;
}

const CommandSpec* find_command(const std::string& name) {
  for (const auto& spec : command_table()) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

const std::vector<OptionSpec>& general_options() {
  static const std::vector<OptionSpec> options = {
      {"h", "help", Arity::none, "", "Show the help message for the CLI Frontend or the action."},
      {"v", "verbose", Arity::none, "",
       "Print diagnostics to stderr: the configuration read, each REST call, and the full cause "
       "chain of an error."},
      {"m", "jobmanager", Arity::required, "arg",
       "Address of the JobManager to which to connect: host:port, or http(s)://host:port[/path]. "
       "Overrides rest.address and rest.port from the configuration."},
      {"D", "", Arity::required, "property=value",
       "Allows specifying multiple generic configuration options, e.g. -D client.timeout=30s."},
      {"t", "target", Arity::required, "arg",
       "The deployment target. Only \"remote\" (a running session cluster) is supported."},
      {"e", "executor", Arity::required, "arg", "DEPRECATED: Please use the -t option instead."},
      {"z", "zookeeperNamespace", Arity::required, "arg",
       "Accepted for compatibility; this client connects through the REST endpoint only."},
      {"yid", "yarnapplicationId", Arity::required, "arg", "Not supported by this client."},
  };
  return options;
}

CommandContext::CommandContext(ParsedArgs args, Console& console, Environment env,
                               ApiFactory api_factory, Clock& clock)
    : m_args(std::move(args)),
      m_console(console),
      m_env(std::move(env)),
      m_api_factory(std::move(api_factory)),
      m_clock(clock) {}

bool CommandContext::verbose() const { return m_args.has("v"); }

const Configuration& CommandContext::config() {
  if (m_config) return *m_config;
  const auto conf_dir = find_conf_dir(m_env.getenv, m_env.executable);
  if (auto explicit_dir = m_env.getenv("FLINK_CONF_DIR");
      explicit_dir && !explicit_dir->empty() && !std::filesystem::is_directory(conf_dir)) {
    throw CliError(ErrorClass::config, "The configuration directory '" + conf_dir.string() +
                                           "' (FLINK_CONF_DIR) does not exist.");
  }
  ConfigSource source;
  Configuration config = load_conf_dir(conf_dir, &source);
  for (const auto& warning : source.warnings) spdlog::warn("{}", warning);
  for (const auto& note : source.notes) spdlog::info("{}", note);
  spdlog::debug("configuration directory: {}, file: {}", conf_dir.string(),
                source.file ? source.file->string() : "none");
  apply_dynamic_properties(config, m_args.values("D"));
  if (auto address = m_args.value("m")) apply_jobmanager_address(config, *address);
  for (const char* target_option : {"t", "e"}) {
    if (auto target = m_args.value(target_option); target && *target != "remote") {
      throw CliError(ErrorClass::unsupported,
                     "Deployment target '" + *target +
                         "' is not supported by this client; only \"remote\" (a running session "
                         "cluster reached through its REST endpoint) is.");
    }
  }
  if (m_args.has("yid")) {
    throw CliError(ErrorClass::unsupported,
                   "YARN sessions (-yid) are not supported by this client; use -m with the "
                   "session's REST address.");
  }
  m_config = std::move(config);
  return *m_config;
}

JobManagerApi& CommandContext::api() {
  if (m_api) return *m_api;
  const Configuration& conf = config();
  RestSettings settings;
  settings.endpoint = rest_endpoint(conf);
  settings.request_timeout = conf.client_timeout();
  settings.connect_retry = std::min(settings.request_timeout, settings.connect_retry);
  if (auto headers = m_env.getenv("FLINK_REST_CLIENT_HEADERS")) {
    settings.headers = parse_rest_headers(*headers);
  }
  spdlog::debug("JobManager REST endpoint: {}", settings.endpoint.url());
  m_api = m_api_factory(settings);
  // client.timeout bounds the whole action, as in the Java client, not each call alone.
  m_api->set_deadline(std::chrono::steady_clock::now() + settings.request_timeout);
  return *m_api;
}

WaitPolicy CommandContext::wait_policy() {
  WaitPolicy policy;
  policy.timeout = config().client_timeout();
  return policy;
}

}  // namespace flinkcli
