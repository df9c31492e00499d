#!/usr/bin/env bash
# flink-cluster.sh — run a REAL Apache Flink standalone session cluster (no Docker) for the
# integration tests of the native flink CLI. Loopback only (127.0.0.1).
#
# Usage:
#   scripts/flink-cluster.sh up       install (if needed), configure, start, wait until ready,
#                                     build the sample job jar, write <ws>/cluster.env
#   scripts/flink-cluster.sh down     stop the cluster of this workspace (only its own pids)
#   scripts/flink-cluster.sh restart  down, then up
#   scripts/flink-cluster.sh status   print state; exit 0 running+REST healthy, 3 not running,
#                                     1 processes alive but REST not healthy (starting/broken)
#   scripts/flink-cluster.sh env      print <ws>/cluster.env (sourceable `export` lines);
#                                     exit 3 if `up` never wrote it
#   Typical use:  scripts/flink-cluster.sh up && . build/flink/1.20.5/cluster.env
#                 eval "$(scripts/flink-cluster.sh env)"
#
# Environment (all optional):
#   FLINK_VERSION        Flink release from PyPI (default 1.20.5; 2.3.0 works too)
#   FLINK_REST_PORT      REST port (default 18081 for 1.x, 18082 for 2.x)
#   FLINK_RPC_PORT       JobManager RPC port (default 16123 for 1.x, 16124 for 2.x)
#   FLINK_WORK_DIR       workspace (default <repo>/build/flink/<version>); no spaces allowed
#   FLINK_START_TIMEOUT  seconds to wait for readiness (default 180)
#   FLINK_JAVA_HOME      Java 17 JDK (default /usr/lib/jvm/java-17-openjdk-amd64, else any
#                        /usr/lib/jvm/*17*); Flink 1.20 does not run on Java 21+
#   FLINK_PYTHON         python used to create the venv (default python3)
#   FLINK_CLUSTER_FAST_JVM  1 (default) adds "-XX:+UseSerialGC -XX:TieredStopAtLevel=1" to the JM
#                        and TM JVMs via FLINK_ENV_JAVA_OPTS_JM/_TM (faster start on 2 cores); 0 = off
#   FLINK_REST_TLS       unset/empty (default): plain HTTP. Opt-in REST TLS (needs openssl):
#                          tls   the cluster's REST endpoint speaks TLS (server key in a JKS store
#                                whose key password differs from the store password)
#                          mtls  mutual TLS (server key and truststore in PKCS12 stores)
#                          both  the cluster as mtls, plus a JobManager-only companion (no
#                                TaskManager) whose REST endpoint speaks TLS without client
#                                certificates, on FLINK_TLS_ONLY_REST_PORT (default REST port +
#                                100) / FLINK_TLS_ONLY_RPC_PORT (default RPC port + 100)
#                        `up` makes a CA, server and client certificates and JKS/PKCS12 stores in
#                        <ws>/tls/ (keytool of the Java 17 JDK and openssl; reused while valid),
#                        writes the server's security.ssl.rest.* keys into the private conf,
#                        probes readiness over https (curl with the CA, and the client
#                        certificate for mtls), and writes ready-made client conf dirs
#                        <ws>/client-conf-{tls,mtls}-{jks,p12}/ (rest.address/port and the client
#                        TLS keys, absolute store paths) named in cluster.env. Passwords are
#                        fixed test values (TLS_*_PASS below). Pass the same FLINK_REST_TLS
#                        (and ports) to `status`; `down` stops the companion too.
#   FLINK_S3_ENV         unset/empty (default): no S3. Else the s3.env that scripts/s3-server.sh up
#                        wrote: `up` fetches Flink's S3 plugin flink-s3-fs-hadoop from Maven
#                        Central (1.20.1 for Flink 1.20.x, whose own release is not published;
#                        else the Flink version; FLINK_S3_PLUGIN_VERSION overrides) with
#                        `mvn dependency:get` into <repo>/build/m2 (needs maven, installed by
#                        install-deps.sh --flink), copies it to $FLINK_HOME/plugins/s3-fs-hadoop/
#                        and writes s3.endpoint, s3.path.style.access: true, s3.access-key and
#                        s3.secret-key (the server's IAM key) into the private conf. Checkpoint
#                        and savepoint directories stay local: S3 tests pass s3:// targets. Without
#                        it the plugin is removed again (the other suites start as before). The
#                        settings are part of the idempotence check: a cluster started with other
#                        S3 settings (or none) is restarted. Pass the same FLINK_S3_ENV to `status`.
# Inherited FLINK_HOME, FLINK_CONF_DIR, FLINK_LOG_DIR, FLINK_PID_DIR, FLINK_IDENT_STRING and
# JAVA_HOME are ignored (overridden), and FLINK_ENV_JAVA_OPTS is unset: it would replace the
# Java-17 module flags of the distribution's config.yaml.
#
# Workspace <ws> layout: venv/ (pip install --no-deps apache-flink==V apache-flink-libraries==V;
# FLINK_HOME=venv/lib/python3.X/site-packages/pyflink), conf/ (private copy of the distribution's
# conf, edited with its own bin/config-parser-utils.sh), log/ (log.prev/ = previous start),
# pid/, tmp/, web/, blob/, savepoints/, job/stateful-job.jar (tests/flink-job, Main-Class
# ci.StatefulJob), cluster.env, pip-install.log, start-cluster.out.
#
# Idempotence: `up` on a workspace whose cluster is already running and whose REST endpoint is
# healthy (taskmanager registered, a free slot, web submission on, same Flink version, same
# settings) keeps that cluster and returns quickly (it only refreshes the job jar and
# cluster.env). If the recorded processes are alive but unhealthy or configured differently,
# `up` stops exactly those pids and starts afresh. `restart` always starts afresh. A running
# cluster's savepoints/ survive restarts; log/, tmp/, web/, blob/ are reset on each fresh start.
# cluster.env is left in place by `down` (use `status` to know whether the cluster runs).
#
# Install route: plain `pip install --no-deps` (measured on the 2-core CI box: 1.20.5 cold 16-17 s
# incl. the local wheel build of the sdist-only apache-flink-libraries, 2.3.0 cold ~8 s as it has
# a wheel; a warm pip cache ~7 s). Downloading and unpacking the artifacts by hand saved ~8 s on
# 1.20.5 only and depends on the packages' internal layout, so it is not used. A complete
# install (lib/flink-dist-<V>.jar + bin/start-cluster.sh) in the venv is reused as is.
# Typical times on 2 cores: `up` with the install present 8-12 s, `down` 7-10 s.
#
# Exit status: 0 ok; 1 failure (message on stderr); 2 usage error; 3 not running (status/env).
# Progress messages go to stderr, prefixed "flink-cluster: ".
set -euo pipefail

PROG="flink-cluster"
say() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }

usage() {
  cat >&2 <<EOF
Usage: $(basename "$0") up|down|restart|status|env
  Environment: FLINK_VERSION (default 1.20.5), FLINK_REST_PORT, FLINK_RPC_PORT, FLINK_WORK_DIR,
               FLINK_START_TIMEOUT (default 180), FLINK_JAVA_HOME, FLINK_PYTHON,
               FLINK_REST_TLS (tls|mtls|both; default plain HTTP),
               FLINK_S3_ENV (s3.env of scripts/s3-server.sh: S3 plugin and keys)
EOF
}

# ---------------------------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------------------------
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_DIR="$(cd "$SCRIPT_DIR/.." && pwd -P)"

VERSION="${FLINK_VERSION:-1.20.5}"
[[ "$VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "FLINK_VERSION must look like 1.20.5, got '$VERSION'"
MAJOR="${VERSION%%.*}"
if [[ "$MAJOR" -le 1 ]]; then DEF_REST=18081; DEF_RPC=16123; else DEF_REST=18082; DEF_RPC=16124; fi
REST_PORT="${FLINK_REST_PORT:-$DEF_REST}"
RPC_PORT="${FLINK_RPC_PORT:-$DEF_RPC}"
for p in "$REST_PORT" "$RPC_PORT"; do
  if ! [[ "$p" =~ ^[0-9]+$ ]] || (( p < 1 || p > 65535 )); then die "invalid port '$p'"; fi
done
[[ "$REST_PORT" != "$RPC_PORT" ]] || die "FLINK_REST_PORT and FLINK_RPC_PORT must differ ($REST_PORT)"
TLS_MODE="${FLINK_REST_TLS:-}"
case "$TLS_MODE" in
  ""|tls|mtls|both) ;;
  *) die "FLINK_REST_TLS must be tls, mtls or both, got '$TLS_MODE'" ;;
esac
TLS_ONLY_REST_PORT="${FLINK_TLS_ONLY_REST_PORT:-$((REST_PORT + 100))}"
TLS_ONLY_RPC_PORT="${FLINK_TLS_ONLY_RPC_PORT:-$((RPC_PORT + 100))}"
if [[ "$TLS_MODE" == both ]]; then
  for p in "$TLS_ONLY_REST_PORT" "$TLS_ONLY_RPC_PORT"; do
    if ! [[ "$p" =~ ^[0-9]+$ ]] || (( p < 1 || p > 65535 )); then die "invalid port '$p'"; fi
  done
  [[ "$(printf '%s\n' "$REST_PORT" "$RPC_PORT" "$TLS_ONLY_REST_PORT" "$TLS_ONLY_RPC_PORT" | sort -u | wc -l)" == 4 ]] \
    || die "the REST/RPC ports of the cluster and of the TLS-only companion must all differ"
fi
S3_ENV_FILE="${FLINK_S3_ENV:-}"
S3_ENDPOINT="" S3_ACCESS_KEY="" S3_SECRET_KEY=""
case "${1:-}" in up|restart) ;; *) S3_ENV_FILE="" ;; esac   # only `up` uses it
if [[ -n "$S3_ENV_FILE" ]]; then
  [[ -f "$S3_ENV_FILE" ]] || die "FLINK_S3_ENV names no file: '$S3_ENV_FILE' (run scripts/s3-server.sh up)"
  S3_ENV_FILE="$(cd "$(dirname "$S3_ENV_FILE")" && pwd -P)/$(basename "$S3_ENV_FILE")"
  eval "$(bash -c 'set -e; . "$1"; printf "S3_ENDPOINT=%q S3_ACCESS_KEY=%q S3_SECRET_KEY=%q\n" \
      "${S3_ENDPOINT:-}" "${S3_ACCESS_KEY:-}" "${S3_SECRET_KEY:-}"' _ "$S3_ENV_FILE")" \
    || die "could not read $S3_ENV_FILE"
  [[ -n "$S3_ENDPOINT" && -n "$S3_ACCESS_KEY" && -n "$S3_SECRET_KEY" ]] \
    || die "$S3_ENV_FILE lacks S3_ENDPOINT, S3_ACCESS_KEY or S3_SECRET_KEY"
  for v in "$S3_ENDPOINT" "$S3_ACCESS_KEY" "$S3_SECRET_KEY"; do
    [[ "$v" != *[[:space:]]* ]] || die "S3 settings in $S3_ENV_FILE must not contain white space"
  done
fi
case "$VERSION" in
  1.20.*) DEF_S3_PLUGIN=1.20.1 ;;   # Maven Central has no flink-s3-fs-hadoop 1.20.2+
  *) DEF_S3_PLUGIN="$VERSION" ;;
esac
S3_PLUGIN_VERSION="${FLINK_S3_PLUGIN_VERSION:-$DEF_S3_PLUGIN}"
[[ "$S3_PLUGIN_VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "FLINK_S3_PLUGIN_VERSION must look like 1.20.1"
M2_REPO="$REPO_DIR/build/m2"
START_TIMEOUT="${FLINK_START_TIMEOUT:-180}"
[[ "$START_TIMEOUT" =~ ^[0-9]+$ ]] || die "FLINK_START_TIMEOUT must be a number of seconds"
FAST_JVM="${FLINK_CLUSTER_FAST_JVM:-1}"

WS="${FLINK_WORK_DIR:-$REPO_DIR/build/flink/$VERSION}"
case "${1:-}" in up|restart) mkdir -p "$WS" ;; esac   # status/env/down never create it
if [[ -d "$WS" ]]; then
  WS="$(cd "$WS" && pwd -P)"
elif [[ "$WS" != /* ]]; then
  WS="$PWD/$WS"
fi
[[ "$WS" != *[[:space:]]* ]] || die "workspace path must not contain white space: '$WS' (Flink's scripts split on it)"

HOST=127.0.0.1
REST_URL="http://$HOST:$REST_PORT"
[[ -z "$TLS_MODE" ]] || REST_URL="https://$HOST:$REST_PORT"
VENV="$WS/venv"
CONF_DIR="$WS/conf"
LOG_DIR="$WS/log"
PID_DIR="$WS/pid"
SAVEPOINT_DIR_LOCAL="$WS/savepoints"
SAVEPOINT_URI="file://$SAVEPOINT_DIR_LOCAL"
JOB_DIR="$WS/job"
JOB_JAR="$JOB_DIR/stateful-job.jar"
JOB_SRC_DIR="$REPO_DIR/tests/flink-job/src"
ENV_FILE="$WS/cluster.env"
IDENT="ci"
TLS_DIR="$WS/tls"
COMPANION_CONF_DIR="$WS/conf-tls-only"    # FLINK_REST_TLS=both: the TLS-only JobManager's conf
COMPANION_IDENT="$IDENT-tls"
COMPANION_URL="https://$HOST:$TLS_ONLY_REST_PORT"
CURL_TLS=()                                # curl options for the readiness probe over https
if [[ -n "$TLS_MODE" ]]; then
  CURL_TLS=(--cacert "$TLS_DIR/ca.pem")
  [[ "$TLS_MODE" == tls ]] || CURL_TLS+=(--cert "$TLS_DIR/client.pem" --key "$TLS_DIR/client.key")
fi

# Everything we start sees only this environment.
unset FLINK_ENV_JAVA_OPTS _FLINK_HOME_DETERMINED FLINK_BIN_DIR FLINK_LIB_DIR FLINK_OPT_DIR \
      FLINK_PLUGINS_DIR HADOOP_CONF_DIR HADOOP_CLASSPATH
export FLINK_CONF_DIR="$CONF_DIR" FLINK_LOG_DIR="$LOG_DIR" FLINK_PID_DIR="$PID_DIR" \
       FLINK_IDENT_STRING="$IDENT"
if [[ "$FAST_JVM" == 1 ]]; then
  export FLINK_ENV_JAVA_OPTS_JM="-XX:+UseSerialGC -XX:TieredStopAtLevel=1"
  export FLINK_ENV_JAVA_OPTS_TM="-XX:+UseSerialGC -XX:TieredStopAtLevel=1"
else
  unset FLINK_ENV_JAVA_OPTS_JM FLINK_ENV_JAVA_OPTS_TM
fi

# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------
now() { date +%s.%N; }
elapsed() { python3 -c 'import sys; print("%.1f" % (float(sys.argv[2]) - float(sys.argv[1])))' "$1" "$(now)"; }

find_java17() {
  local cands=() j v
  if [[ -n "${FLINK_JAVA_HOME:-}" ]]; then
    cands=("$FLINK_JAVA_HOME")
  else
    cands=(/usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/java-17-openjdk-* /usr/lib/jvm/*-17-* /usr/lib/jvm/*17*)
  fi
  for j in "${cands[@]}"; do
    [[ -x "$j/bin/java" && -x "$j/bin/javac" ]] || continue
    v="$("$j/bin/java" -version 2>&1 | head -n 1)"
    if [[ "$v" =~ \"17[.\"] ]]; then
      (cd "$j" && pwd -P)
      return 0
    fi
  done
  return 1
}

setup_java() {
  local j
  j="$(find_java17)" || die "no Java 17 JDK found (set FLINK_JAVA_HOME); Flink 1.20 does not run on Java 21+"
  export JAVA_HOME="$j"
  export PATH="$JAVA_HOME/bin:$PATH"
}

# FLINK_HOME of the install in the venv (may not exist yet).
flink_home_path() {
  local d
  for d in "$VENV"/lib/python3*/site-packages/pyflink; do
    [[ -d "$d" ]] && { echo "$d"; return 0; }
  done
  echo "$VENV/lib/python3/site-packages/pyflink"   # placeholder that does not exist
}

install_ok() {
  local fh="$1"
  [[ -f "$fh/lib/flink-dist-$VERSION.jar" && -f "$fh/bin/start-cluster.sh" \
     && -f "$fh/bin/config-parser-utils.sh" && -f "$fh/conf/config.yaml" ]]
}

ensure_install() {
  FLINK_HOME="$(flink_home_path)"
  if ! install_ok "$FLINK_HOME"; then
    local py="${FLINK_PYTHON:-python3}" t0 log="$WS/pip-install.log"
    command -v "$py" >/dev/null 2>&1 || die "python3 not found (set FLINK_PYTHON)"
    say "installing Flink $VERSION from PyPI into $VENV (about 250-350 MB) ..."
    t0="$(now)"
    rm -rf "$VENV"
    "$py" -m venv "$VENV" >"$log" 2>&1 || { cat "$log" >&2; die "could not create venv $VENV"; }
    if ! "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input --progress-bar off -q \
          --no-deps "apache-flink==$VERSION" "apache-flink-libraries==$VERSION" >>"$log" 2>&1; then
      tail -n 40 "$log" >&2
      die "pip install of apache-flink==$VERSION apache-flink-libraries==$VERSION failed (log: $log)"
    fi
    FLINK_HOME="$(flink_home_path)"
    install_ok "$FLINK_HOME" || die "pip install finished but $FLINK_HOME is not a complete Flink $VERSION distribution"
    rm -rf "$CONF_DIR"     # derived from the old install
    say "installed Flink $VERSION in $(elapsed "$t0") s"
  fi
  chmod +x "$FLINK_HOME"/bin/*.sh "$FLINK_HOME/bin/flink"
  export FLINK_HOME
}

# Settings applied to the private conf with the distribution's config-parser-utils.sh.
# (Values must not contain spaces: BashJavaUtils gets them word-split.)
conf_settings() {   # [rest port] [rpc port] [tls mode]: the companion's differ
  local rest_port="${1:-$REST_PORT}" rpc_port="${2:-$RPC_PORT}" tls_mode="${3-$TLS_MODE}"
  printf '%s\n' \
    "-Drest.port=$rest_port" \
    "-Drest.address=$HOST" \
    "-Drest.bind-address=$HOST" \
    "-Djobmanager.rpc.address=$HOST" \
    "-Djobmanager.rpc.port=$rpc_port" \
    "-Djobmanager.bind-host=$HOST" \
    "-Dtaskmanager.bind-host=$HOST" \
    "-Dtaskmanager.host=$HOST" \
    "-Djobmanager.memory.process.size=1024m" \
    "-Dtaskmanager.memory.process.size=1536m" \
    "-Dtaskmanager.memory.managed.size=128m" \
    "-Dtaskmanager.numberOfTaskSlots=4" \
    "-Dparallelism.default=1" \
    "-Dweb.submit.enable=true" \
    "-Dweb.cancel.enable=true" \
    "-Dexecution.checkpointing.savepoint-dir=$SAVEPOINT_URI" \
    "-Dstate.savepoints.dir=$SAVEPOINT_URI" \
    "-Dio.tmp.dirs=$WS/tmp" \
    "-Dweb.tmpdir=$WS/web" \
    "-Dblob.storage.directory=$WS/blob" \
    "-Dmetrics.fetcher.update-interval=1000"
  tls_server_settings "$tls_mode"
  s3_settings
}

# ---------------------------------------------------------------------------------------------
# S3 (FLINK_S3_ENV): Flink's S3 plugin and the keys of the test server
# ---------------------------------------------------------------------------------------------
s3_settings() {
  [[ -n "$S3_ENV_FILE" ]] || return 0
  printf '%s\n' \
    "-Ds3.endpoint=$S3_ENDPOINT" \
    "-Ds3.path.style.access=true" \
    "-Ds3.access-key=$S3_ACCESS_KEY" \
    "-Ds3.secret-key=$S3_SECRET_KEY"
}

S3_PLUGIN_DIR_NAME="s3-fs-hadoop"

# The plugin jar in the workspace's Maven repository, fetched once (about 31 MB).
ensure_s3_plugin() {
  local dir="$FLINK_HOME/plugins/$S3_PLUGIN_DIR_NAME"
  if [[ -z "$S3_ENV_FILE" ]]; then
    [[ ! -d "$dir" ]] || { say "removing the S3 plugin from $FLINK_HOME/plugins (FLINK_S3_ENV not set)"; rm -rf "$dir"; }
    return 0
  fi
  local name="flink-s3-fs-hadoop-$S3_PLUGIN_VERSION.jar" t0 log="$WS/mvn-s3-plugin.log"
  local jar="$M2_REPO/org/apache/flink/flink-s3-fs-hadoop/$S3_PLUGIN_VERSION/$name"
  if [[ ! -s "$jar" ]]; then
    command -v mvn >/dev/null 2>&1 || die "mvn not found (scripts/install-deps.sh --flink installs maven)"
    say "fetching org.apache.flink:flink-s3-fs-hadoop:$S3_PLUGIN_VERSION from Maven Central into $M2_REPO"
    t0="$(now)"
    if ! mvn -q -B dependency:get -Dartifact="org.apache.flink:flink-s3-fs-hadoop:$S3_PLUGIN_VERSION" \
         -Dtransitive=false -Dmaven.repo.local="$M2_REPO" </dev/null >"$log" 2>&1 || [[ ! -s "$jar" ]]; then
      tail -n 20 "$log" >&2
      die "mvn dependency:get of flink-s3-fs-hadoop $S3_PLUGIN_VERSION failed (log: $log)"
    fi
    say "fetched the S3 plugin in $(elapsed "$t0") s"
  fi
  if ! cmp -s "$jar" "$dir/$name"; then
    rm -rf "$dir"
    mkdir -p "$dir"
    cp "$jar" "$dir/$name"
    say "installed $name into $dir"
  fi
}

s3_stamp() {
  [[ -z "$S3_ENV_FILE" ]] || printf 'S3_PLUGIN=%s\n' "flink-s3-fs-hadoop-$S3_PLUGIN_VERSION"
}

# ---------------------------------------------------------------------------------------------
# REST TLS (FLINK_REST_TLS): certificates, stores, server keys, client confs
# ---------------------------------------------------------------------------------------------
# Fixed test passwords (the stores are made at test time, on loopback only).
TLS_P12_PASS=p12_pass          # server.p12, client.p12 (openssl pkcs12 -export: key = store password)
TLS_TRUST_PASS=ts_pass         # ca-trust.p12, ca-trust.jks, other-ca-trust.p12 (keytool -importcert)
TLS_SERVER_JKS_PASS=ks_pass    # server.jks store password ...
TLS_SERVER_JKS_KEY_PASS=key_pass   # ... and its key password (JKS keeps them apart)
TLS_CLIENT_JKS_PASS=jks_pass   # client.jks store password ...
TLS_CLIENT_JKS_KEY_PASS=jks_keypass   # ... and its key password
TLS_RECIPE="flink-cluster.sh tls recipe 1"

tls_server_settings() {   # server keys for mode $1 (nothing without TLS)
  case "${1:-}" in
    tls) printf '%s\n' \
      "-Dsecurity.ssl.rest.enabled=true" \
      "-Dsecurity.ssl.rest.keystore=$TLS_DIR/server.jks" \
      "-Dsecurity.ssl.rest.keystore-password=$TLS_SERVER_JKS_PASS" \
      "-Dsecurity.ssl.rest.key-password=$TLS_SERVER_JKS_KEY_PASS" ;;
    mtls|both) printf '%s\n' \
      "-Dsecurity.ssl.rest.enabled=true" \
      "-Dsecurity.ssl.rest.authentication-enabled=true" \
      "-Dsecurity.ssl.rest.keystore=$TLS_DIR/server.p12" \
      "-Dsecurity.ssl.rest.keystore-password=$TLS_P12_PASS" \
      "-Dsecurity.ssl.rest.key-password=$TLS_P12_PASS" \
      "-Dsecurity.ssl.rest.truststore=$TLS_DIR/ca-trust.p12" \
      "-Dsecurity.ssl.rest.truststore-password=$TLS_TRUST_PASS" ;;
  esac
  return 0
}

# Stamp lines that force a new conf (and a restart) when the mode or the certificates change.
tls_stamp() {
  [[ -n "$TLS_MODE" ]] || return 0
  printf 'FLINK_REST_TLS=%s\n' "$TLS_MODE"
  [[ "$TLS_MODE" != both ]] || printf 'TLS_ONLY_PORTS=%s,%s\n' "$TLS_ONLY_REST_PORT" "$TLS_ONLY_RPC_PORT"
  printf 'TLS_CA=%s\n' "$(openssl x509 -noout -fingerprint -sha1 -in "$TLS_DIR/ca.pem")"
}

tls_material_ok() {
  local f
  [[ "$(cat "$TLS_DIR/.complete" 2>/dev/null)" == "$TLS_RECIPE" ]] || return 1
  for f in ca.pem other-ca.pem server.pem server.p12 server.jks client.pem client.key client.p12 \
           client.jks ca-trust.p12 ca-trust.jks other-ca-trust.p12; do
    [[ -s "$TLS_DIR/$f" ]] || return 1
  done
  for f in ca.pem server.pem client.pem; do   # valid for two more days at least
    openssl x509 -checkend 172800 -noout -in "$TLS_DIR/$f" >/dev/null 2>&1 || return 1
  done
}

# Test TLS material: a CA, a server certificate (SAN localhost, 127.0.0.1) and a
# client certificate made with openssl; PKCS12 key stores from openssl; JKS key stores (key
# password != store password) and all truststores from keytool.
ensure_tls_material() {
  [[ -n "$TLS_MODE" ]] || return 0
  command -v openssl >/dev/null 2>&1 || die "FLINK_REST_TLS needs the openssl command (apt-get install openssl)"
  tls_material_ok && return 0
  local n="$TLS_DIR.new" t0 kt="$JAVA_HOME/bin/keytool" pids=() p fail=0 f
  t0="$(now)"
  say "making certificates and key stores in $TLS_DIR"
  rm -rf "$n"
  mkdir -m 700 "$n"
  # A separate bash: its -e holds even though the command is tested with ||.
  P12_PASS="$TLS_P12_PASS" bash -euo pipefail -s "$n" >"$n/openssl.log" 2>&1 <<'EOS' \
    || { cat "$n/openssl.log" >&2; die "openssl failed making the test certificates"; }
cd "$1"
ca() {   # ca <name> <CN>
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.pem" -days 30 -subj "/CN=$2" \
    -addext "basicConstraints=critical,CA:true" -addext "keyUsage=critical,keyCertSign,cRLSign"
}
leaf() {   # leaf <name> <CN> <extensions>
  openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$2"
  printf '%b' "$3" >"$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -out "$1.pem" -days 30 \
    -extfile "$1.ext"
}
ca ca "flink-cluster.sh Test CA"
ca other-ca "flink-cluster.sh Other CA"
leaf server localhost 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n'
leaf client flink-cli-client 'extendedKeyUsage=clientAuth\n'
openssl pkcs12 -export -in server.pem -inkey server.key -certfile ca.pem -name flink.rest \
  -out server.p12 -passout "pass:$P12_PASS"
openssl pkcs12 -export -in client.pem -inkey client.key -certfile ca.pem -name client \
  -out client.p12 -passout "pass:$P12_PASS"
EOS
  # keytool starts a JVM each time: run the five in parallel.
  "$kt" -importcert -noprompt -keystore "$n/ca-trust.p12" -storetype PKCS12 -alias ca \
    -storepass "$TLS_TRUST_PASS" -file "$n/ca.pem" >"$n/kt1.log" 2>&1 & pids+=($!)
  "$kt" -importcert -noprompt -keystore "$n/ca-trust.jks" -storetype JKS -alias ca \
    -storepass "$TLS_TRUST_PASS" -file "$n/ca.pem" >"$n/kt2.log" 2>&1 & pids+=($!)
  "$kt" -importcert -noprompt -keystore "$n/other-ca-trust.p12" -storetype PKCS12 -alias other-ca \
    -storepass "$TLS_TRUST_PASS" -file "$n/other-ca.pem" >"$n/kt3.log" 2>&1 & pids+=($!)
  "$kt" -importkeystore -noprompt -srckeystore "$n/server.p12" -srcstoretype PKCS12 \
    -srcstorepass "$TLS_P12_PASS" -srcalias flink.rest -destkeystore "$n/server.jks" -deststoretype JKS \
    -deststorepass "$TLS_SERVER_JKS_PASS" -destkeypass "$TLS_SERVER_JKS_KEY_PASS" -destalias flink.rest \
    >"$n/kt4.log" 2>&1 & pids+=($!)
  "$kt" -importkeystore -noprompt -srckeystore "$n/client.p12" -srcstoretype PKCS12 \
    -srcstorepass "$TLS_P12_PASS" -srcalias client -destkeystore "$n/client.jks" -deststoretype JKS \
    -deststorepass "$TLS_CLIENT_JKS_PASS" -destkeypass "$TLS_CLIENT_JKS_KEY_PASS" -destalias client \
    >"$n/kt5.log" 2>&1 & pids+=($!)
  for p in "${pids[@]}"; do wait "$p" || fail=1; done
  if (( fail )); then cat "$n"/kt*.log >&2; die "keytool failed making the test key stores"; fi
  for f in server.jks client.jks ca-trust.jks; do   # real JKS files (magic FEEDFEED), not PKCS12
    [[ "$(od -An -tx1 -N4 "$n/$f" | tr -d ' \n')" == feedfeed ]] || die "keytool did not write a JKS file: $n/$f"
  done
  rm -f "$n"/*.csr "$n"/*.ext "$n"/*.srl "$n"/*.log
  printf '%s\n' "$TLS_RECIPE" >"$n/.complete"
  rm -rf "$TLS_DIR"
  mv "$n" "$TLS_DIR"
  say "certificates and key stores made in $(elapsed "$t0") s"
}

# <ws>/client-conf-<name>/: a copy of the distribution's conf dir (log4j-cli.properties for the
# Java client) with a config.yaml holding only the REST address and the client's TLS keys.
write_client_conf() {   # name port truststore truststore-type|- [keystore store-pass key-pass]
  local d="$WS/client-conf-$1" opts
  rm -rf "$d" "$d.new"
  cp -R "$FLINK_HOME/conf" "$d.new"
  opts="$(sed -n 's/^ *all: *\(--add-.*\)$/\1/p' "$FLINK_HOME/conf/config.yaml" | head -n 1)"
  {
    echo "# Client conf written by scripts/flink-cluster.sh (FLINK_REST_TLS=$TLS_MODE); test passwords."
    echo "rest.address: $HOST"
    echo "rest.port: $2"
    [[ -z "$opts" ]] || echo "env.java.opts.all: $opts"
    echo "security.ssl.rest.enabled: true"
    echo "security.ssl.rest.truststore: $3"
    echo "security.ssl.rest.truststore-password: $TLS_TRUST_PASS"
    [[ "$4" == - ]] || echo "security.ssl.rest.truststore-type: $4"
    if [[ $# -gt 4 ]]; then
      echo "security.ssl.rest.authentication-enabled: true"
      echo "security.ssl.rest.keystore: $5"
      echo "security.ssl.rest.keystore-password: $6"
      echo "security.ssl.rest.key-password: $7"
    fi
  } >"$d.new/config.yaml"
  mv "$d.new" "$d"
}

write_client_confs() {
  [[ -n "$TLS_MODE" ]] || return 0
  local tls_port="$REST_PORT"
  [[ "$TLS_MODE" != both ]] || tls_port="$TLS_ONLY_REST_PORT"
  if [[ "$TLS_MODE" != mtls ]]; then
    # JKS truststore with an explicit type; PKCS12 truststore with the default type.
    write_client_conf tls-jks "$tls_port" "$TLS_DIR/ca-trust.jks" jks
    write_client_conf tls-p12 "$tls_port" "$TLS_DIR/ca-trust.p12" -
  fi
  if [[ "$TLS_MODE" != tls ]]; then
    # JKS stores under the default (pkcs12) types, key password != store password, as Java 17 reads them.
    write_client_conf mtls-jks "$REST_PORT" "$TLS_DIR/ca-trust.jks" - \
      "$TLS_DIR/client.jks" "$TLS_CLIENT_JKS_PASS" "$TLS_CLIENT_JKS_KEY_PASS"
    write_client_conf mtls-p12 "$REST_PORT" "$TLS_DIR/ca-trust.p12" - \
      "$TLS_DIR/client.p12" "$TLS_P12_PASS" "$TLS_P12_PASS"
  fi
}

write_companion_conf() {
  local args=() out
  rm -rf "$COMPANION_CONF_DIR" "$COMPANION_CONF_DIR.new"
  cp -R "$FLINK_HOME/conf" "$COMPANION_CONF_DIR.new"
  mapfile -t args < <(conf_settings "$TLS_ONLY_REST_PORT" "$TLS_ONLY_RPC_PORT" tls)
  if ! out="$("$FLINK_HOME/bin/config-parser-utils.sh" "$COMPANION_CONF_DIR.new" "$FLINK_HOME/bin" "$FLINK_HOME/lib" "${args[@]}" 2>&1)"; then
    printf '%s\n' "$out" >&2
    die "config-parser-utils.sh failed (TLS-only companion)"
  fi
  grep -q -- "$TLS_ONLY_RPC_PORT" "$COMPANION_CONF_DIR.new/config.yaml" || die "config-parser-utils.sh did not write the companion's settings ($out)"
  mv "$COMPANION_CONF_DIR.new" "$COMPANION_CONF_DIR"
}

ensure_conf() {
  local stamp="$CONF_DIR/.flink-cluster-settings" want
  want="$(printf 'FLINK_HOME=%s\nVERSION=%s\n' "$FLINK_HOME" "$VERSION"; conf_settings; tls_stamp; s3_stamp)"
  if [[ -f "$CONF_DIR/config.yaml" && -f "$stamp" ]] && [[ "$(cat "$stamp")" == "$want" ]] \
     && [[ "$TLS_MODE" != both || -f "$COMPANION_CONF_DIR/config.yaml" ]]; then
    return 0
  fi
  say "writing private config $CONF_DIR"
  rm -rf "$CONF_DIR" "$CONF_DIR.new"
  cp -R "$FLINK_HOME/conf" "$CONF_DIR.new"
  printf 'localhost\n' >"$CONF_DIR.new/workers"
  local args=() out
  mapfile -t args < <(conf_settings)
  if ! out="$("$FLINK_HOME/bin/config-parser-utils.sh" "$CONF_DIR.new" "$FLINK_HOME/bin" "$FLINK_HOME/lib" "${args[@]}" 2>&1)"; then
    printf '%s\n' "$out" >&2
    die "config-parser-utils.sh failed"
  fi
  # Sanity: our settings landed and the Java-17 module flags survived.
  grep -q -- "$RPC_PORT" "$CONF_DIR.new/config.yaml" || die "config-parser-utils.sh did not write the settings ($out)"
  grep -q -- "--add-opens=java.base/java.lang=ALL-UNNAMED" "$CONF_DIR.new/config.yaml" \
    || die "Java-17 module flags missing from the generated config.yaml"
  printf '%s\n' "$want" >"$CONF_DIR.new/.flink-cluster-settings"
  mv "$CONF_DIR.new" "$CONF_DIR"
  if [[ "$TLS_MODE" == both ]]; then write_companion_conf; fi
}

ensure_job_jar() {
  local srcs=() t0
  mapfile -t srcs < <(find "$JOB_SRC_DIR" -name '*.java' -type f | sort)
  (( ${#srcs[@]} > 0 )) || die "no Java sources under $JOB_SRC_DIR"
  if [[ -f "$JOB_JAR" ]]; then
    local stale=0 f
    for f in "${srcs[@]}" "$FLINK_HOME/lib/flink-dist-$VERSION.jar"; do
      [[ "$f" -nt "$JOB_JAR" ]] && stale=1
    done
    (( stale == 0 )) && return 0
  fi
  say "compiling the sample job -> $JOB_JAR"
  t0="$(now)"
  mkdir -p "$JOB_DIR"
  rm -rf "$JOB_DIR/classes" "$JOB_JAR.tmp"
  mkdir -p "$JOB_DIR/classes"
  "$JAVA_HOME/bin/javac" --release 11 -nowarn -encoding UTF-8 -cp "$FLINK_HOME/lib/*" \
      -d "$JOB_DIR/classes" "${srcs[@]}" >&2 || die "javac failed for $JOB_SRC_DIR"
  "$JAVA_HOME/bin/jar" --create --file "$JOB_JAR.tmp" --main-class ci.StatefulJob \
      -C "$JOB_DIR/classes" . >&2 || die "jar failed"
  mv "$JOB_JAR.tmp" "$JOB_JAR"
  say "job jar built in $(elapsed "$t0") s"
}

# Pids recorded in the private pid dir that are alive AND belong to this workspace
# (their command line names our log dir), so a recycled pid is never touched.
our_pids() {
  local f p cmd
  shopt -s nullglob
  for f in "$PID_DIR"/*.pid; do
    while IFS= read -r p || [[ -n "$p" ]]; do
      [[ "$p" =~ ^[0-9]+$ ]] || continue
      [[ -r "/proc/$p/cmdline" ]] || continue
      cmd="$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null || true)"
      [[ "$cmd" == *"-Dlog.file=$LOG_DIR/"* ]] && echo "$p"
    done <"$f"
  done
  shopt -u nullglob
  return 0
}

daemon_pids() {  # daemon name: standalonesession | taskexecutor
  local f="$PID_DIR/flink-$IDENT-$1.pid" p
  [[ -f "$f" ]] || return 0
  local mine
  mine=" $(our_pids | tr '\n' ' ') "
  while IFS= read -r p || [[ -n "$p" ]]; do
    [[ "$mine" == *" $p "* ]] && echo "$p"
  done <"$f"
  return 0
}

# 0 if something accepts TCP connections on 127.0.0.1:$1
port_in_use() {
  python3 - "$1" <<'EOF'
import socket, sys
s = socket.socket()
s.settimeout(1.0)
try:
    s.connect(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
finally:
    s.close()
sys.exit(0)
EOF
}

# Prints a reason and returns 1 unless the cluster is ready.
check_ready() {
  local ov cf
  ov="$(curl -fsS --max-time 3 ${CURL_TLS[@]+"${CURL_TLS[@]}"} "$REST_URL/overview" 2>&1)" || { echo "GET /overview: ${ov:-no answer}"; return 1; }
  printf '%s' "$ov" | python3 -c '
import json, sys
want = sys.argv[1]
try:
    d = json.load(sys.stdin)
except Exception as e:
    print("GET /overview: not JSON: %s" % e); sys.exit(1)
v = d.get("flink-version")
if v and v != want:
    print("GET /overview: flink-version %s, expected %s" % (v, want)); sys.exit(1)
tm, free = d.get("taskmanagers", 0), d.get("slots-available", 0)
if tm < 1 or free < 1:
    print("GET /overview: taskmanagers=%s slots-available=%s" % (tm, free)); sys.exit(1)
' "$VERSION" || return 1
  cf="$(curl -fsS --max-time 3 ${CURL_TLS[@]+"${CURL_TLS[@]}"} "$REST_URL/config" 2>&1)" || { echo "GET /config: ${cf:-no answer}"; return 1; }
  printf '%s' "$cf" | python3 -c '
import json, sys
try:
    d = json.load(sys.stdin)
except Exception as e:
    print("GET /config: not JSON: %s" % e); sys.exit(1)
if not (d.get("features") or {}).get("web-submit"):
    print("GET /config: features.web-submit is not true"); sys.exit(1)
' || return 1
  return 0
}

# FLINK_REST_TLS=both: the TLS-only companion JobManager answers over https (no client certificate).
companion_pids() {
  local f="$PID_DIR/flink-$COMPANION_IDENT-standalonesession.pid" p mine
  [[ -f "$f" ]] || return 0
  mine=" $(our_pids | tr '\n' ' ') "
  while IFS= read -r p || [[ -n "$p" ]]; do
    [[ "$mine" == *" $p "* ]] && echo "$p"
  done <"$f"
  return 0
}

check_companion_ready() {
  [[ "$TLS_MODE" == both ]] || return 0
  local cf
  cf="$(curl -fsS --max-time 3 --cacert "$TLS_DIR/ca.pem" "$COMPANION_URL/config" 2>&1)" \
    || { echo "TLS-only companion GET /config: ${cf:-no answer}"; return 1; }
  printf '%s' "$cf" | python3 -c '
import json, sys
try:
    v = json.load(sys.stdin).get("flink-version")
except Exception as e:
    print("TLS-only companion GET /config: not JSON: %s" % e); sys.exit(1)
if v != sys.argv[1]:
    print("TLS-only companion GET /config: flink-version %s, expected %s" % (v, sys.argv[1])); sys.exit(1)
' "$VERSION" || return 1
  return 0
}

# For a cluster whose processes run: prints why it is not usable and returns 1, else returns 0.
running_health() {
  [[ -n "$(daemon_pids standalonesession)" ]] || { echo "JobManager process not running"; return 1; }
  [[ -n "$(daemon_pids taskexecutor)" ]] || { echo "TaskManager process not running"; return 1; }
  if [[ -f "$CONF_DIR/.flink-cluster-settings" ]] \
     && ! cmp -s "$CONF_DIR/.flink-cluster-settings" "$WS/.running-settings"; then
    echo "started with other settings"; return 1
  fi
  if [[ "$TLS_MODE" == both && -z "$(companion_pids)" ]]; then
    echo "TLS-only companion JobManager not running"; return 1
  fi
  check_ready && check_companion_ready
}

dump_logs() {
  local f
  shopt -s nullglob
  for f in "$WS/start-cluster.out" "$LOG_DIR"/*.log "$LOG_DIR"/*.out; do
    printf '\n==> %s (last 60 lines) <==\n' "$f" >&2
    tail -n 60 "$f" >&2 || true
  done
  shopt -u nullglob
}

# Stop this workspace's daemons: stop-cluster.sh, then wait up to 30 s for the recorded pids,
# then kill -9 only those pids.
stop_cluster() {
  local pids alive p i
  pids="$(our_pids | sort -u | tr '\n' ' ')"
  if [[ -z "${pids// /}" ]]; then
    rm -f "$PID_DIR"/*.pid 2>/dev/null || true
    return 1   # nothing was running
  fi
  say "stopping Flink $VERSION cluster (pids: ${pids% })"
  # The TLS-only companion (FLINK_REST_TLS=both) is not one of stop-cluster.sh's daemons.
  for p in $(companion_pids); do kill "$p" 2>/dev/null || true; done
  if [[ -x "${FLINK_HOME:-/nonexistent}/bin/stop-cluster.sh" && -f "$CONF_DIR/config.yaml" ]]; then
    "$FLINK_HOME/bin/stop-cluster.sh" 9>&- </dev/null 2>&1 | sed "s/^/$PROG:   /" >&2 || true
  else
    for p in $pids; do kill "$p" 2>/dev/null || true; done
  fi
  for (( i = 0; i < 30; i++ )); do
    alive=""
    for p in $pids; do kill -0 "$p" 2>/dev/null && alive="$alive $p"; done
    [[ -z "$alive" ]] && break
    sleep 1
  done
  if [[ -n "$alive" ]]; then
    say "still alive after 30 s, kill -9:$alive"
    for p in $alive; do kill -9 "$p" 2>/dev/null || true; done
    sleep 1
  fi
  rm -f "$PID_DIR"/*.pid 2>/dev/null || true
  return 0
}

write_env_file() {
  local tmp="$ENV_FILE.tmp"
  {
    echo "# Written by scripts/flink-cluster.sh up ($(date -u +%Y-%m-%dT%H:%M:%SZ)); source it."
    printf 'export %s=%q\n' \
      FLINK_VERSION "$VERSION" \
      FLINK_HOME "$FLINK_HOME" \
      FLINK_CONF_DIR "$CONF_DIR" \
      FLINK_LOG_DIR "$LOG_DIR" \
      FLINK_PID_DIR "$PID_DIR" \
      FLINK_IDENT_STRING "$IDENT" \
      JAVA_HOME "$JAVA_HOME" \
      FLINK_REST_URL "$REST_URL" \
      FLINK_REST_ADDRESS "$HOST:$REST_PORT" \
      FLINK_JOB_JAR "$JOB_JAR" \
      FLINK_SAVEPOINT_DIR "$SAVEPOINT_URI" \
      FLINK_SAVEPOINT_PATH_LOCAL "$SAVEPOINT_DIR_LOCAL"
    if [[ -n "$S3_ENV_FILE" ]]; then
      printf 'export %s=%q\n' FLINK_S3_ENV "$S3_ENV_FILE" \
        FLINK_S3_PLUGIN_JAR "$FLINK_HOME/plugins/$S3_PLUGIN_DIR_NAME/flink-s3-fs-hadoop-$S3_PLUGIN_VERSION.jar"
    fi
    if [[ -n "$TLS_MODE" ]]; then
      printf 'export %s=%q\n' \
        FLINK_REST_TLS "$TLS_MODE" \
        FLINK_TLS_DIR "$TLS_DIR" \
        FLINK_TLS_CA_PEM "$TLS_DIR/ca.pem" \
        FLINK_TLS_CLIENT_CERT_PEM "$TLS_DIR/client.pem" \
        FLINK_TLS_CLIENT_KEY_PEM "$TLS_DIR/client.key" \
        FLINK_TLS_SERVER_CERT_PEM "$TLS_DIR/server.pem" \
        FLINK_TLS_OTHER_CA_TRUSTSTORE "$TLS_DIR/other-ca-trust.p12" \
        FLINK_TLS_TRUSTSTORE_PASSWORD "$TLS_TRUST_PASS"
      local c
      for c in tls-jks tls-p12 mtls-jks mtls-p12; do
        [[ -d "$WS/client-conf-$c" ]] || continue
        if [[ "$c" == tls-* && "$TLS_MODE" == mtls ]] || [[ "$c" == mtls-* && "$TLS_MODE" == tls ]]; then continue; fi
        c="${c^^}"
        printf 'export %s=%q\n' "FLINK_TLS_CLIENT_CONF_${c//-/_}" "$WS/client-conf-${c,,}"
      done
      if [[ "$TLS_MODE" == both ]]; then
        printf 'export %s=%q\n' FLINK_TLS_ONLY_REST_URL "$COMPANION_URL" \
          FLINK_TLS_ONLY_REST_ADDRESS "$HOST:$TLS_ONLY_REST_PORT"
      fi
    fi
  } >"$tmp"
  mv "$tmp" "$ENV_FILE"
}

# ---------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------
lock_ws() {
  exec 9>"$WS/.flink-cluster.lock"
  flock -w 600 9 || die "another flink-cluster.sh is working on $WS"
}

cmd_up() {
  local t0 why
  t0="$(now)"
  # Java 17, python3-venv and curl: only the real-Flink scripts need them, not the C++ build.
  "$REPO_DIR/scripts/install-deps.sh" --flink >&2 || die "could not install Java 17, python3-venv or curl"
  command -v curl >/dev/null 2>&1 || die "curl is required"
  command -v python3 >/dev/null 2>&1 || die "python3 is required"
  lock_ws
  setup_java
  ensure_install
  ensure_tls_material
  ensure_s3_plugin
  ensure_conf
  ensure_job_jar
  write_client_confs

  if [[ -n "$(our_pids)" ]]; then
    if why="$(running_health)"; then
      write_env_file
      say "Flink $VERSION already running and healthy at $REST_URL (env: $ENV_FILE)"
      return 0
    fi
    say "a cluster of this workspace is running but not usable as is ($why); restarting it"
    stop_cluster || true
  fi
  rm -f "$PID_DIR"/*.pid 2>/dev/null || true

  if port_in_use "$REST_PORT"; then
    die "REST port $REST_PORT on 127.0.0.1 is already in use by another process (set FLINK_REST_PORT)"
  fi
  if port_in_use "$RPC_PORT"; then
    die "JobManager RPC port $RPC_PORT on 127.0.0.1 is already in use by another process (set FLINK_RPC_PORT)"
  fi
  if [[ "$TLS_MODE" == both ]]; then
    port_in_use "$TLS_ONLY_REST_PORT" && die "port $TLS_ONLY_REST_PORT on 127.0.0.1 is already in use (set FLINK_TLS_ONLY_REST_PORT)"
    port_in_use "$TLS_ONLY_RPC_PORT" && die "port $TLS_ONLY_RPC_PORT on 127.0.0.1 is already in use (set FLINK_TLS_ONLY_RPC_PORT)"
  fi

  # Fresh per-start directories.
  rm -rf "$LOG_DIR.prev"
  [[ -d "$LOG_DIR" ]] && mv "$LOG_DIR" "$LOG_DIR.prev"
  rm -rf "$WS/tmp" "$WS/web" "$WS/blob"
  mkdir -p "$LOG_DIR" "$PID_DIR" "$WS/tmp" "$WS/web" "$WS/blob" "$SAVEPOINT_DIR_LOCAL"
  cp "$CONF_DIR/.flink-cluster-settings" "$WS/.running-settings"

  say "starting Flink $VERSION (REST $REST_URL, RPC $HOST:$RPC_PORT, workspace $WS)"
  local deadline=$(( SECONDS + START_TIMEOUT )) jm tm last=""
  if ! "$FLINK_HOME/bin/start-cluster.sh" 9>&- </dev/null >"$WS/start-cluster.out" 2>&1; then
    dump_logs
    stop_cluster || true
    die "bin/start-cluster.sh failed"
  fi
  sed "s/^/$PROG:   /" "$WS/start-cluster.out" >&2
  if [[ "$TLS_MODE" == both ]]; then
    say "starting the TLS-only companion JobManager (REST $COMPANION_URL, RPC $HOST:$TLS_ONLY_RPC_PORT)"
    if ! FLINK_CONF_DIR="$COMPANION_CONF_DIR" FLINK_IDENT_STRING="$COMPANION_IDENT" \
         "$FLINK_HOME/bin/jobmanager.sh" start 9>&- </dev/null >>"$WS/start-cluster.out" 2>&1; then
      dump_logs
      stop_cluster || true
      die "bin/jobmanager.sh start failed (TLS-only companion)"
    fi
  fi

  while :; do
    if why="$(check_ready)" && why="$(check_companion_ready)"; then break; fi
    last="$why"
    jm="$(daemon_pids standalonesession)"
    tm="$(daemon_pids taskexecutor)"
    if [[ "$TLS_MODE" == both && -z "$(companion_pids)" ]]; then
      dump_logs
      stop_cluster || true
      die "Flink $VERSION TLS-only companion JobManager died during start-up (last check: $last)"
    fi
    if [[ -z "$jm" || -z "$tm" ]]; then
      dump_logs
      stop_cluster || true
      die "Flink $VERSION $([[ -z "$jm" ]] && echo JobManager || echo TaskManager) process died during start-up (last check: $last)"
    fi
    if (( SECONDS >= deadline )); then
      dump_logs
      stop_cluster || true
      die "Flink $VERSION not ready within ${START_TIMEOUT} s at $REST_URL (last check: $last)"
    fi
    sleep 1
  done

  write_env_file
  say "Flink $VERSION ready at $REST_URL${TLS_MODE:+ (REST TLS: $TLS_MODE)} in $(elapsed "$t0") s (env: $ENV_FILE)"
}

cmd_down() {
  local t0
  t0="$(now)"
  if [[ ! -d "$WS" ]]; then
    say "Flink $VERSION cluster of $WS is not running (no workspace)"
    return 0
  fi
  lock_ws
  setup_java
  FLINK_HOME="$(flink_home_path)"
  export FLINK_HOME
  if stop_cluster; then
    say "stopped in $(elapsed "$t0") s"
  else
    say "Flink $VERSION cluster of $WS is not running"
  fi
}

cmd_status() {
  local pids why
  pids="$(our_pids | sort -u | tr '\n' ' ')"
  if [[ -z "${pids// /}" ]]; then
    echo "not running (Flink $VERSION, workspace $WS)"
    return 3
  fi
  if why="$(running_health)"; then
    echo "running: Flink $VERSION at $REST_URL (pids ${pids% }, workspace $WS)"
    return 0
  fi
  echo "processes alive (pids ${pids% }) but not usable at $REST_URL: $why"
  return 1
}

cmd_env() {
  [[ -f "$ENV_FILE" ]] || { say "no $ENV_FILE yet; run: FLINK_VERSION=$VERSION $0 up"; return 3; }
  cat "$ENV_FILE"
}

main() {
  [[ $# -eq 1 ]] || { usage; exit 2; }
  case "$1" in
    up) cmd_up ;;
    down) cmd_down ;;
    restart) cmd_down; cmd_up ;;
    status) cmd_status ;;
    env) cmd_env ;;
    -h|--help|help) usage; exit 0 ;;
    *) usage; exit 2 ;;
  esac
}

main "$@"
