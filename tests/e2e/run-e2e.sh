#!/usr/bin/env bash
# Runs the end-to-end suites against a real Flink of version $1: brings the cluster up with
# scripts/flink-cluster.sh, runs the suites, and always takes the cluster down again.
#   run-e2e.sh <version> [main] [tls]     (default: main, then tls)
#   main  side_by_side.py, then inspect_savepoints.py (inspect, run --verify-restore and
#         savepoint -d --offline against Java's savepoint -d on the cluster's savepoints), then scripting.py (JSON, quiet, waits, follow, --trigger-id,
#         --job-name) on the same plain-HTTP cluster, then s3_inspect.py (inspect s3://... of
#         savepoints and checkpoints Flink wrote to S3), then snapshots_e2e.py (`snapshots` on
#         those and on snapshots of jobs of its own, on S3 and in a local directory), then
#         prune_e2e.py (prune and snapshots on savepoints Flink wrote to S3 and to a local
#         directory, one in use; an interrupted prune). The S3 server (scripts/s3-server.sh, moto
#         on 127.0.0.1:${S3_PORT:-19900}) is started once before the cluster, which gets Flink's S3
#         plugin and the server's keys (FLINK_S3_ENV), and is always stopped at the end.
#         As root, /etc/hosts gets `127.0.0.1 s3.flinkcli.test flink-state.s3.flinkcli.test`
#         (virtual-hosted addressing) for the run; the trap removes exactly that line.
#   tls   tls_side_by_side.py on a cluster restarted with FLINK_REST_TLS=both (mutual TLS, plus a
#         TLS-only JobManager; certificates made at test time, needs openssl)
#   ha    ha_side_by_side.py on a ZooKeeper high-availability cluster of its own
#         (scripts/flink-ha-cluster.sh: ZooKeeper, two JobManagers, one TaskManager; workspace
#         FLINK_HA_WORK_DIR), taken down after the suite; not part of the default
# Exit 125 (ctest: skipped) when Java 17 (or, for tls, openssl) is missing and cannot be installed
# outside CI; under CI that is a failure.
set -euo pipefail
version="${1:?usage: run-e2e.sh <flink-version> [main] [tls]}"
shift
suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(main tls)
for suite in "${suites[@]}"; do
  case "$suite" in main|tls|ha) ;; *) echo "run-e2e: unknown suite '$suite' (main, tls, ha)" >&2; exit 2 ;; esac
done
repo="$(cd "$(dirname "$0")/../.." && pwd)"
export FLINK_VERSION="$version"

skip_or_fail() {
  if [ "${CI:-}" = "true" ]; then
    echo "run-e2e: $1; the end-to-end suite cannot be skipped under CI" >&2
    exit 1
  fi
  echo "run-e2e: SKIPPED: $1 ($2)" >&2
  exit 125
}

# Java 17 and the rest the real-Flink scripts need (installed here, not by the C++ build).
"$repo/scripts/install-deps.sh" --flink >&2 || true
if ! ls -d /usr/lib/jvm/*17* >/dev/null 2>&1 && [ -z "${FLINK_JAVA_HOME:-}" ]; then
  skip_or_fail "Java 17 not found" "set FLINK_JAVA_HOME to run it"
fi
case " ${suites[*]} " in
  *" tls "*) command -v openssl >/dev/null 2>&1 || skip_or_fail "openssl not found" "apt-get install openssl" ;;
esac

# One mark per S3 port: runs on other ports (other workspaces) keep their own line, and ours never
# removes theirs.
HOSTS_MARK="# flinkcli-e2e-s3-${S3_PORT:-19900}"
hosts_remove() {   # only our line; /etc/hosts may be a bind mount: rewrite it in place, never rename
  [ -w /etc/hosts ] && grep -q -- "$HOSTS_MARK" /etc/hosts || return 0
  grep -v -- "$HOSTS_MARK" /etc/hosts > "$env_file.hosts" && cat "$env_file.hosts" > /etc/hosts
  rm -f "$env_file.hosts"
}
s3_started=""
cleanup() {
  "$repo/scripts/flink-cluster.sh" down || true
  if [ -n "$s3_started" ]; then
    "$repo/scripts/s3-server.sh" down || true
    hosts_remove || true
  fi
  case " ${suites[*]} " in *" ha "*) "$repo/scripts/flink-ha-cluster.sh" down || true ;; esac
  rm -f "${env_file:-}"
}
trap cleanup EXIT
env_file="$(mktemp)"
for suite in "${suites[@]}"; do
  if [ "$suite" = ha ]; then   # a cluster of its own, on its own ports
    start=$SECONDS
    "$repo/scripts/flink-ha-cluster.sh" up
    echo "run-e2e: Flink $version HA cluster up after $((SECONDS - start)) s" >&2
    suite_start=$SECONDS
    FLINK_CLUSTER_ENV="${FLINK_HA_WORK_DIR:-/tmp/ws-ha}/cluster.env" python3 "$repo/tests/e2e/ha_side_by_side.py"
    echo "run-e2e: ha_side_by_side.py on Flink $version took $((SECONDS - suite_start)) s" >&2
    "$repo/scripts/flink-ha-cluster.sh" down
    continue
  fi
  if [ "$suite" = main ]; then
    unset FLINK_REST_TLS
    scripts=(side_by_side.py inspect_savepoints.py scripting.py s3_inspect.py snapshots_e2e.py prune_e2e.py)
    start=$SECONDS
    s3_started=1
    "$repo/scripts/s3-server.sh" up
    echo "run-e2e: S3 server up after $((SECONDS - start)) s" >&2
    export FLINK_S3_ENV="${S3_WORK_DIR:-$repo/build/s3}/s3.env"
    if [ "$(id -u)" = 0 ] && [ -w /etc/hosts ]; then
      hosts_remove
      echo "127.0.0.1 s3.flinkcli.test flink-state.s3.flinkcli.test $HOSTS_MARK" >> /etc/hosts
    fi
  else
    unset FLINK_S3_ENV
    export FLINK_REST_TLS=both   # `up` restarts a cluster that runs without it
    scripts=(tls_side_by_side.py)
  fi
  start=$SECONDS
  "$repo/scripts/flink-cluster.sh" up
  echo "run-e2e: Flink $version up${FLINK_REST_TLS:+ (REST TLS: $FLINK_REST_TLS)} after $((SECONDS - start)) s" >&2
  "$repo/scripts/flink-cluster.sh" env > "$env_file"
  for script in "${scripts[@]}"; do
    suite_start=$SECONDS
    python=python3
    case "$script" in   # boto3
      s3_inspect.py|snapshots_e2e.py|prune_e2e.py) python="${S3_WORK_DIR:-$repo/build/s3}/venv/bin/python" ;;
    esac
    FLINK_CLUSTER_ENV="$env_file" "$python" "$repo/tests/e2e/$script"
    echo "run-e2e: $script on Flink $version took $((SECONDS - suite_start)) s" >&2
  done
  if [ "$suite" = main ]; then   # the next suite needs no S3
    "$repo/scripts/s3-server.sh" down
    hosts_remove
  fi
done
