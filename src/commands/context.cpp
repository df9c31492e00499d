// The options every action takes and the context an action runs in.
#include <spdlog/spdlog.h>

#include "flinkcli/commands/command.hpp"
#include "flinkcli/config/rest_settings.hpp"
#include "flinkcli/core/error.hpp"
#include "flinkcli/core/text.hpp"

namespace flinkcli {

namespace {
constexpr const char* k_cluster_id = "high-availability.cluster-id";
}  // namespace

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
       "Namespace to create the Zookeeper sub-paths for high availability mode: overrides "
       "high-availability.cluster-id, which names the znode the leader's address is read from."},
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
  options.zookeeper_namespace = args.value("z");
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
  // As Flink's AbstractCustomCommandLine: -z sets the cluster id, after -m and before -D.
  if (m_options.zookeeper_namespace) config.set(k_cluster_id, *m_options.zookeeper_namespace, "-z");
  apply_dynamic_properties(config, m_options.dynamic_properties);
  m_config = std::move(config);
  return *m_config;
}

SnapshotStore& CommandContext::store(LocationKind kind) {
  auto& store = m_stores[kind];
  if (!store) {
    const StoreContext context{config(), m_runtime.environment.getenv, m_runtime.clock, deadline(),
                               config().client_timeout()};
    store = m_runtime.store_factory(kind, context);
  }
  return *store;
}

std::chrono::steady_clock::time_point CommandContext::deadline() {
  return m_started + (m_wait_timeout ? *m_wait_timeout : config().client_timeout());
}

void CommandContext::check_settings() {
  const Configuration& conf = config();
  if (!m_settings) {
    m_settings = make_rest_settings(conf, m_runtime.environment.getenv, m_flink_major);
    m_ha = read_ha_settings(conf);
  }
  // Without ZooKeeper, making the client sends nothing (the host is resolved at the first call)
  // but loads the TLS stores, as Java's RestClusterClient constructor does.
  if (m_ha->mode != HaSettings::Mode::zookeeper) api();
}

JobManagerApi& CommandContext::api() {
  if (m_api) return *m_api;
  const Configuration& conf = config();
  if (!m_settings) {
    m_settings = make_rest_settings(conf, m_runtime.environment.getenv, m_flink_major);
    m_ha = read_ha_settings(conf);
  }
  RestSettings settings = *m_settings;
  const HaSettings& ha = *m_ha;
  if (ha.mode == HaSettings::Mode::zookeeper) {
    follow_zookeeper_leader(ha.zookeeper, settings);
  } else if (ha.mode != HaSettings::Mode::none) {
    // The Java client asks Kubernetes (or the factory class) and ignores -m; we cannot, so the
    // address given is used, and said.
    const std::string origin = conf.origin(keys::rest_address);
    const std::string from = m_options.jobmanager ? std::string("-m")
                                                  : "rest.address" + (origin.empty() ? std::string(" (default)") : " in " + origin);
    spdlog::warn("{}: using {} from {}.",
                 ha.mode == HaSettings::Mode::kubernetes
                     ? std::string("leader discovery through Kubernetes (high availability 'kubernetes') is not supported yet")
                     : "high availability through '" + one_line(ha.name, 100) + "' is not supported by this client",
                 settings.endpoint.host_port(), from);
  }
  spdlog::debug("JobManager REST endpoint: {}{}", settings.endpoint.url(),
                settings.endpoint_origin.empty() ? "" : " (" + settings.endpoint_origin + ")");
  for (const auto& note : settings.tls.notes) spdlog::debug("TLS: {}", note);
  m_api = m_runtime.api_factory(settings, m_runtime.clock);
  // client.timeout bounds the whole action, as in the Java client, not each call alone.
  m_api->set_deadline(deadline());
  return *m_api;
}

void CommandContext::follow_zookeeper_leader(const ZooKeeperSettings& zookeeper, RestSettings& settings) {
  for (const auto& warning : zookeeper.warnings) spdlog::warn("{}", warning);
  if (m_options.jobmanager) {
    spdlog::debug("-m {} is ignored for the JobManager's address: with ZooKeeper high availability the "
                  "leader's comes from ZooKeeper, as in the Java client",
                  one_line(*m_options.jobmanager, 200));
  }
  Clock& clock = m_runtime.clock;
  m_leader_source = std::make_unique<LeaderSource>(zookeeper, m_runtime.znode_reader_factory(zookeeper, clock), clock);
  const RestEndpoint configured = settings.endpoint;  // scheme (TLS) and path stay the configuration's
  auto to_endpoint = [configured](const LeaderInfo& leader) {
    RestEndpoint endpoint = configured;
    endpoint.host = leader.host;
    endpoint.port = leader.port;
    return endpoint;
  };
  const LeaderInfo leader = m_leader_source->leader(deadline());
  settings.endpoint = to_endpoint(leader);
  if (leader.scheme != configured.scheme) {  // as Java: the configuration decides TLS
    spdlog::warn("the leader publishes {}, but REST TLS is {} in the configuration "
                 "(security.ssl.rest.enabled): using {}",
                 leader.url, configured.scheme == "https" ? "on" : "off", settings.endpoint.url());
  }
  settings.endpoint_origin = "the leader published in " + m_leader_source->description();
  // A crashed leader's znode stays for the session timeout: refused connections are retried (the
  // leader read again each time) that much longer.
  settings.connect_retry += zookeeper.session_timeout;
  settings.rediscover = [source = m_leader_source.get(), to_endpoint](std::chrono::steady_clock::time_point until) {
    return to_endpoint(source->leader(until));
  };
}

WaitPolicy CommandContext::wait_policy() {
  WaitPolicy policy;
  policy.deadline = deadline();
  policy.budget = m_wait_timeout ? format_duration(*m_wait_timeout) + " (--wait-timeout)"
                                 : format_duration(config().client_timeout()) + " (client.timeout)";
  return policy;
}

}  // namespace flinkcli
