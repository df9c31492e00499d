#!/usr/bin/env bash
# Runs the end-to-end suites against a real Flink of version $1: brings the cluster up with
# scripts/flink-cluster.sh, runs the suites, and always takes the cluster down again.
#   run-e2e.sh <version> [main] [tls]     (default: main, then tls)
#   main  side_by_side.py, then inspect_savepoints.py (inspect and run --verify-restore on the
#         cluster's savepoints), then scripting.py (JSON, quiet, waits, follow, --trigger-id,
#         --job-name) on the same plain-HTTP cluster
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

cleanup() {
  "$repo/scripts/flink-cluster.sh" down || true
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
    scripts=(side_by_side.py inspect_savepoints.py scripting.py)
  else
    export FLINK_REST_TLS=both   # `up` restarts a cluster that runs without it
    scripts=(tls_side_by_side.py)
  fi
  start=$SECONDS
  "$repo/scripts/flink-cluster.sh" up
  echo "run-e2e: Flink $version up${FLINK_REST_TLS:+ (REST TLS: $FLINK_REST_TLS)} after $((SECONDS - start)) s" >&2
  "$repo/scripts/flink-cluster.sh" env > "$env_file"
  for script in "${scripts[@]}"; do
    suite_start=$SECONDS
    FLINK_CLUSTER_ENV="$env_file" python3 "$repo/tests/e2e/$script"
    echo "run-e2e: $script on Flink $version took $((SECONDS - suite_start)) s" >&2
  done
done
