#!/usr/bin/env bash
# Runs the side-by-side suite against a real Flink of version $1: brings the cluster up with
# scripts/flink-cluster.sh, runs side_by_side.py, and always takes the cluster down again.
# Exit 125 (ctest: skipped) when Java 17 is missing and cannot be installed outside CI; under CI
# that is a failure.
set -euo pipefail
version="${1:?usage: run-e2e.sh <flink-version>}"
repo="$(cd "$(dirname "$0")/../.." && pwd)"
export FLINK_VERSION="$version"

# Java 17 and the rest the real-Flink scripts need (installed here, not by the C++ build).
"$repo/scripts/install-deps.sh" --flink >&2 || true
if ! ls -d /usr/lib/jvm/*17* >/dev/null 2>&1 && [ -z "${FLINK_JAVA_HOME:-}" ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "run-e2e: Java 17 not found; the end-to-end suite cannot be skipped under CI" >&2
    exit 1
  fi
  echo "run-e2e: SKIPPED: no Java 17 JDK in /usr/lib/jvm (set FLINK_JAVA_HOME to run it)" >&2
  exit 125
fi

cleanup() { "$repo/scripts/flink-cluster.sh" down || true; rm -f "${env_file:-}"; }
trap cleanup EXIT
start=$SECONDS
"$repo/scripts/flink-cluster.sh" up
echo "run-e2e: Flink $version up after $((SECONDS - start)) s" >&2
env_file="$(mktemp)"
"$repo/scripts/flink-cluster.sh" env > "$env_file"
suite_start=$SECONDS
FLINK_CLUSTER_ENV="$env_file" python3 "$repo/tests/e2e/side_by_side.py"
echo "run-e2e: suite on Flink $version took $((SECONDS - suite_start)) s" >&2
