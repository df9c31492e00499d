// The options every action takes and the context an action runs in.
#include <spdlog/spdlog.h>

#include "flinkcli/commands/command.hpp"
#include "flinkcli/config/rest_settings.hpp"
#include "flinkcli/core/error.hpp"

namespace flinkcli {

const std::vector<OptionSpec>& general_option_specs() {
  static const std::vector<OptionSpec> options = {
      {"h", "help", Arity::none, "", "Show the help message for the CLI Frontend or the action."},
      {"v", "verbose", Arity::none, "",
       "Print diagnostics to stderr: the configuration read, each REST call, and the full cause "
       "chain of an error."},
      {"m", "jobmanager", Arity::required, "arg",
       "Address of the JobManager to which to connect: host:port, or http(s)://host:port[/path]. "
       "Overrides rest.address and rest.port from the configuration; its scheme decides REST TLS."},
      {"D", "", Arity::required, "property=value",
       "Allows specifying multiple generic configuration options, e.g. -D client.timeout=30s."},
      {"t", "target", Arity::required, "arg",
       "The deployment target. Only \"remote\" (a running session cluster) is supported."},
      {"e", "executor", Arity::required, "arg", "DEPRECATED: Please use the -t option instead."},
      {"z", "zookeeperNamespace", Arity::required, "arg",
       "Accepted for compatibility; this client connects through the REST endpoint only."},
      {"yid", "yarnapplicationId", Arity::required, "arg", "Not supported by this client."},
      // This client's (Flink has no -o, -q, or long option starting with o or q, so neither
      // they nor a prefix of --output/--quiet means anything to Flink's parser).
      {"o", "output", Arity::required, "format",
       "Output format: text (default, Flink's lines) or json (one JSON document on stdout, see "
       "docs/json-output.md). This client's extension.",
       false, true},
      {"q", "quiet", Arity::none, "",
       "Print only the essential value: the savepoint path, the trigger id (-detached), the job "
       "id (run -d), job ids (list). Errors stay on stderr. This client's extension.",
       false, true},
  };
  return options;
}

GeneralOptions parse_general_options(const ParsedArgs& args) {
  GeneralOptions options;
  options.help = args.has("h");
  options.verbose = args.has("v");
  options.jobmanager = args.value("m");
  options.dynamic_properties = args.values("D");
  options.target = args.value("t") ? args.value("t") : args.value("e");
  options.yarn_application = args.has("yid");
  if (const auto format = args.value("o")) {
    const auto mode = parse_output_format(*format);
    if (!mode) throw CliError::usage("Invalid output format '" + *format + "'. Supported: text, json.");
    options.output = *mode;
  }
  if (args.has("q")) {
    if (options.output == OutputMode::json) {
      throw CliError::usage("-q/--quiet cannot be used with -o json: choose one output.");
    }
    options.output = OutputMode::quiet;
  }
  return options;
}

CommandContext::CommandContext(GeneralOptions options, Runtime& runtime, Report& report)
    : m_options(std::move(options)), m_runtime(runtime), m_report(report), m_started(runtime.clock.now()) {}

const Configuration& CommandContext::config() {
  if (m_config) return *m_config;
  if (m_options.target && *m_options.target != "remote") {
    throw CliError(ErrorClass::unsupported,
                   "Deployment target '" + *m_options.target +
                       "' is not supported by this client; only \"remote\" (a running session "
                       "cluster reached through its REST endpoint) is.");
  }
  if (m_options.yarn_application) {
    throw CliError(ErrorClass::unsupported,
                   "YARN sessions (-yid) are not supported by this client; use -m with the "
                   "session's REST address.");
  }
  const Environment& env = m_runtime.environment;
  const auto conf_dir = find_conf_dir(env.getenv, env.executable);
  ConfigSource source;
  const auto version = installation_version(env.executable, conf_dir);
  if (version) m_flink_major = version->major;
  Configuration config = load_conf_dir(conf_dir, version, &source);
  for (const auto& warning : source.warnings) spdlog::warn("{}", warning);
  spdlog::debug("configuration directory: {}", conf_dir.string());
  for (const auto& note : source.notes) spdlog::debug("{}", note);
  // As Flink's command line: -m first, then -D on top.
  if (m_options.jobmanager) apply_jobmanager_address(config, *m_options.jobmanager);
  apply_dynamic_properties(config, m_options.dynamic_properties);
  m_config = std::move(config);
  return *m_config;
}

std::chrono::steady_clock::time_point CommandContext::deadline() {
  return m_started + (m_wait_timeout ? *m_wait_timeout : config().client_timeout());
}

JobManagerApi& CommandContext::api() {
  if (m_api) return *m_api;
  const Configuration& conf = config();
  const RestSettings settings = make_rest_settings(conf, m_runtime.environment.getenv, m_flink_major);
  if (auto mode = conf.high_availability(); mode && !m_options.jobmanager) {
    const std::string origin = conf.origin(keys::rest_address);
    spdlog::warn("high availability ({}) is configured, but this client does not look up the "
                 "leading JobManager yet: using {} from rest.address{}. Pass -m with the "
                 "leader's address to choose another.",
                 mode->substr(0, 100), settings.endpoint.host_port(),
                 origin.empty() ? " (default)" : " in " + origin);
  }
  spdlog::debug("JobManager REST endpoint: {}", settings.endpoint.url());
  for (const auto& note : settings.tls.notes) spdlog::debug("TLS: {}", note);
  m_api = m_runtime.api_factory(settings, m_runtime.clock);
  // client.timeout bounds the whole action, as in the Java client, not each call alone.
  m_api->set_deadline(deadline());
  return *m_api;
}

WaitPolicy CommandContext::wait_policy() {
  WaitPolicy policy;
  policy.deadline = deadline();
  policy.budget = m_wait_timeout ? format_duration(*m_wait_timeout) + " (--wait-timeout)"
                                 : format_duration(config().client_timeout()) + " (client.timeout)";
  return policy;
}

}  // namespace flinkcli
