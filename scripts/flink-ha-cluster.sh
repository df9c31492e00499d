#!/usr/bin/env bash
# flink-ha-cluster.sh — a REAL Flink standalone session cluster with ZooKeeper high availability on
# loopback, for tests/e2e/ha_side_by_side.py: the ZooKeeper server inside the distribution
# (bin/zookeeper.sh), two JobManagers, one TaskManager.
#
# Usage:
#   scripts/flink-ha-cluster.sh up          configure, start, wait until the first JobManager leads
#                                           and the TaskManager registered; write <ws>/cluster.env
#   scripts/flink-ha-cluster.sh down        stop everything this workspace started (its own pids)
#   scripts/flink-ha-cluster.sh kill <port> kill -9 the JobManager whose REST port is <port>
#   scripts/flink-ha-cluster.sh start-jm <n>  start JobManager n (1 or 2) again
#
# Environment (all optional):
#   FLINK_VERSION        default 1.20.5
#   FLINK_HA_WORK_DIR    workspace (default /tmp/ws-ha); no spaces
#   FLINK_JAVA_HOME      Java 17 JDK (default /usr/lib/jvm/java-17-openjdk-amd64, else /usr/lib/jvm/*17*)
# Fixed ports (loopback only): ZooKeeper client 12181 (peer 12888, election 13888), JobManager REST
# 18481 and 18482, their HA RPC ports 16481 and 16482; the TaskManager takes free ports.
#
# The distribution is the one scripts/flink-cluster.sh installs from PyPI into
# <repo>/build/flink/<version>/venv; when it is missing it is installed there the same way (plain
# `pip install --no-deps apache-flink==V apache-flink-libraries==V`), so both scripts share it.
# The sample job (tests/flink-job) is compiled into <ws>/job/stateful-job.jar.
# Session timeout 6 s: after kill -9 of the leader the standby takes over in about 6-7 s.
set -euo pipefail

PROG="flink-ha-cluster"
say() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION="${FLINK_VERSION:-1.20.5}"
WS="${FLINK_HA_WORK_DIR:-/tmp/ws-ha}"
[[ "$WS" != *" "* ]] || die "FLINK_HA_WORK_DIR must not contain spaces"
HOST=127.0.0.1
ZK_PORT=12181 ZK_PEER_PORT=12888 ZK_ELECTION_PORT=13888
REST_PORTS=(18481 18482) RPC_PORTS=(16481 16482)
VENV="$REPO/build/flink/$VERSION/venv"
CONF_DIR="$WS/conf" LOG_DIR="$WS/log" PID_DIR="$WS/pid"
JOB_JAR="$WS/job/stateful-job.jar"
SAVEPOINTS="$WS/savepoints"
IDENT="flink-ha"

unset FLINK_ENV_JAVA_OPTS _FLINK_HOME_DETERMINED FLINK_BIN_DIR FLINK_LIB_DIR FLINK_OPT_DIR \
      FLINK_PLUGINS_DIR HADOOP_CONF_DIR HADOOP_CLASSPATH
export FLINK_CONF_DIR="$CONF_DIR" FLINK_LOG_DIR="$LOG_DIR" FLINK_PID_DIR="$PID_DIR" FLINK_IDENT_STRING="$IDENT"
# Faster JVM start on 2 cores (as flink-cluster.sh).
export FLINK_ENV_JAVA_OPTS_JM="-XX:+UseSerialGC -XX:TieredStopAtLevel=1"
export FLINK_ENV_JAVA_OPTS_TM="-XX:+UseSerialGC -XX:TieredStopAtLevel=1"

setup_java() {
  local j
  for j in ${FLINK_JAVA_HOME:-} /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/*17*; do
    if [[ -n "$j" && -x "$j/bin/java" && -x "$j/bin/javac" ]]; then
      export JAVA_HOME="$j" PATH="$j/bin:$PATH"
      return 0
    fi
  done
  die "no Java 17 JDK found (set FLINK_JAVA_HOME)"
}

find_flink_home() {
  local d
  for d in "$VENV"/lib/python3*/site-packages/pyflink; do
    [[ -f "$d/lib/flink-dist-$VERSION.jar" && -f "$d/bin/zookeeper.sh" ]] && { echo "$d"; return 0; }
  done
  return 1
}

ensure_install() {
  if ! FLINK_HOME="$(find_flink_home)"; then
    say "installing Flink $VERSION from PyPI into $VENV ..."
    mkdir -p "$(dirname "$VENV")"
    rm -rf "$VENV"
    python3 -m venv "$VENV" >&2
    "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input --progress-bar off -q \
      --no-deps "apache-flink==$VERSION" "apache-flink-libraries==$VERSION" >&2 \
      || die "pip install of apache-flink==$VERSION failed"
    FLINK_HOME="$(find_flink_home)" || die "no complete Flink $VERSION distribution in $VENV"
  fi
  chmod +x "$FLINK_HOME"/bin/*.sh "$FLINK_HOME/bin/flink"
  export FLINK_HOME
}

write_conf() {
  rm -rf "$CONF_DIR"
  cp -R "$FLINK_HOME/conf" "$CONF_DIR"
  local settings=(
    "-Drest.address=$HOST" "-Drest.bind-address=$HOST" "-Djobmanager.rpc.address=$HOST"
    "-Djobmanager.bind-host=$HOST" "-Dtaskmanager.bind-host=$HOST" "-Dtaskmanager.host=$HOST"
    "-Djobmanager.memory.process.size=1024m" "-Dtaskmanager.memory.process.size=1536m"
    "-Dtaskmanager.memory.managed.size=128m" "-Dtaskmanager.numberOfTaskSlots=4"
    "-Dparallelism.default=1" "-Dweb.submit.enable=true" "-Dweb.cancel.enable=true"
    "-Dhigh-availability.type=zookeeper" "-Dhigh-availability.zookeeper.quorum=$HOST:$ZK_PORT"
    "-Dhigh-availability.storageDir=file://$WS/ha" "-Dhigh-availability.zookeeper.client.session-timeout=6000"
    "-Dexecution.checkpointing.savepoint-dir=file://$SAVEPOINTS" "-Dstate.savepoints.dir=file://$SAVEPOINTS"
    "-Dio.tmp.dirs=$WS/tmp" "-Dweb.tmpdir=$WS/web" "-Dblob.storage.directory=$WS/blob"
  )
  "$FLINK_HOME/bin/config-parser-utils.sh" "$CONF_DIR" "$FLINK_HOME/bin" "$FLINK_HOME/lib" "${settings[@]}" >/dev/null \
    || die "config-parser-utils.sh failed"
  grep -q "$ZK_PORT" "$CONF_DIR/config.yaml" || die "the HA settings did not reach $CONF_DIR/config.yaml"
  cat >"$CONF_DIR/zoo.cfg" <<EOF
tickTime=1000
initLimit=10
syncLimit=5
dataDir=$WS/zk
clientPort=$ZK_PORT
clientPortAddress=$HOST
admin.enableServer=false
server.1=$HOST:$ZK_PEER_PORT:$ZK_ELECTION_PORT
EOF
}

ensure_job_jar() {
  [[ -f "$JOB_JAR" && "$JOB_JAR" -nt "$REPO/tests/flink-job/src/ci/StatefulJob.java" ]] && return 0
  rm -rf "$WS/job" && mkdir -p "$WS/job/classes"
  "$JAVA_HOME/bin/javac" --release 11 -nowarn -encoding UTF-8 -cp "$FLINK_HOME/lib/*" -d "$WS/job/classes" \
    "$REPO/tests/flink-job/src/ci/StatefulJob.java" >&2 || die "javac failed"
  "$JAVA_HOME/bin/jar" --create --file "$JOB_JAR" --main-class ci.StatefulJob -C "$WS/job/classes" . >&2
}

# Pids of processes this workspace started (their command line names our log dir).
our_pids() {
  local p cmd
  for p in /proc/[0-9]*; do
    cmd="$({ tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null || true)"  # a process may end meanwhile
    [[ "$cmd" == *"-Dlog.file=$LOG_DIR/"* ]] && echo "${p#/proc/}"
  done
  return 0
}

jobmanager_pid() {  # REST port -> pid of that JobManager
  local p cmd
  for p in $(our_pids); do
    cmd="$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null || true)"
    [[ "$cmd" == *"rest.port=$1 "* || "$cmd" == *"rest.port=$1" ]] && echo "$p"
  done
  return 0
}

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

wait_for() {  # seconds description command...
  local seconds="$1" what="$2"
  shift 2
  local end=$((SECONDS + seconds))
  until "$@"; do
    ((SECONDS < end)) || { dump_logs; die "timed out after ${seconds} s waiting for $what"; }
    sleep 0.5
  done
}

dump_logs() {
  local f
  for f in "$LOG_DIR"/*.log; do
    [[ -f "$f" ]] || continue
    say "--- last lines of $f"
    tail -n 30 "$f" >&2
  done
}

cluster_ready() {
  curl -fsS --max-time 3 "http://$HOST:${REST_PORTS[0]}/overview" 2>/dev/null |
    python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if d.get("taskmanagers",0)>=1 and d.get("slots-available",0)>=1 else 1)'
}

start_jobmanager() {  # 1 | 2
  local i=$(($1 - 1))
  "$FLINK_HOME/bin/jobmanager.sh" start -D "rest.port=${REST_PORTS[$i]}" \
    -D "high-availability.jobmanager.port=${RPC_PORTS[$i]}" >/dev/null 2>&1 </dev/null 9>&-
  wait_for 120 "JobManager $1 (REST ${REST_PORTS[$i]})" port_open "${REST_PORTS[$i]}"
}

write_env() {
  {
    printf 'export %s=%q\n' FLINK_VERSION "$VERSION" FLINK_HOME "$FLINK_HOME" FLINK_CONF_DIR "$CONF_DIR" \
      FLINK_LOG_DIR "$LOG_DIR" FLINK_PID_DIR "$PID_DIR" FLINK_IDENT_STRING "$IDENT" JAVA_HOME "$JAVA_HOME" \
      FLINK_JOB_JAR "$JOB_JAR" FLINK_SAVEPOINT_DIR "file://$SAVEPOINTS" FLINK_SAVEPOINT_PATH_LOCAL "$SAVEPOINTS" \
      FLINK_REST_URL "http://$HOST:${REST_PORTS[0]}" FLINK_HA_QUORUM "$HOST:$ZK_PORT" FLINK_HA_REST_PORTS "${REST_PORTS[0]},${REST_PORTS[1]}" FLINK_HA_SCRIPT "$0"
  } >"$WS/cluster.env"
}

cmd_up() {
  [[ -z "$(our_pids)" ]] || cmd_down
  for port in "$ZK_PORT" "${REST_PORTS[@]}" "${RPC_PORTS[@]}"; do
    ! port_open "$port" || die "port $port on $HOST is in use by another process"
  done
  setup_java
  ensure_install
  mkdir -p "$WS"
  rm -rf "$LOG_DIR" "$PID_DIR" "$WS/zk" "$WS/ha" "$WS/tmp" "$WS/web" "$WS/blob"
  mkdir -p "$LOG_DIR" "$PID_DIR" "$WS/zk" "$WS/ha" "$WS/tmp" "$WS/web" "$WS/blob" "$SAVEPOINTS"
  write_conf
  ensure_job_jar
  local start=$SECONDS
  "$FLINK_HOME/bin/zookeeper.sh" start 1 >/dev/null 2>&1 </dev/null 9>&-
  wait_for 60 "ZooKeeper on $ZK_PORT" port_open "$ZK_PORT"
  start_jobmanager 1      # first up: it wins the election
  start_jobmanager 2
  "$FLINK_HOME/bin/taskmanager.sh" start >/dev/null 2>&1 </dev/null 9>&-
  wait_for 180 "the TaskManager to register with the leader" cluster_ready
  write_env
  say "HA cluster up in $((SECONDS - start)) s: ZooKeeper $HOST:$ZK_PORT, JobManagers ${REST_PORTS[*]}; env: $WS/cluster.env"
}

cmd_down() {
  local pids p i
  pids="$(our_pids | tr '\n' ' ')"
  [[ -n "${pids// /}" ]] || return 0
  say "stopping (pids: $pids)"
  for p in $pids; do kill "$p" 2>/dev/null || true; done
  for ((i = 0; i < 20; i++)); do
    pids="$(for p in $pids; do if kill -0 "$p" 2>/dev/null; then echo "$p"; fi; done | tr '\n' ' ')"
    [[ -z "${pids// /}" ]] && break
    sleep 1
  done
  for p in $pids; do kill -9 "$p" 2>/dev/null || true; done
  rm -f "$PID_DIR"/*.pid
}

cmd_kill() {
  local port="${1:?usage: kill <rest port>}" pid
  pid="$(jobmanager_pid "$port")"
  [[ -n "$pid" ]] || die "no JobManager of this workspace with REST port $port"
  kill -9 $pid
  say "killed JobManager $port (pid $pid)"
}

case "${1:-}" in
  up) cmd_up ;;
  down) setup_java 2>/dev/null || true; cmd_down ;;
  kill) cmd_kill "${2:-}" ;;
  start-jm) setup_java; FLINK_HOME="$(find_flink_home)" || die "not installed"; export FLINK_HOME; start_jobmanager "${2:?1 or 2}" ;;
  *) echo "usage: $(basename "$0") up|down|kill <rest port>|start-jm <1|2>" >&2; exit 2 ;;
esac
