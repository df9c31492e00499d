#!/usr/bin/env bash
# The test command: builds, then runs every test with ctest: unit tests, tests against the
# loopback fake JobManager, and the end-to-end suite against real Flink 1.20.5 and 2.3.0 side by
# side with the Java client (label e2e). Extra arguments go to ctest, e.g. `-L unit` or `-LE e2e`.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
"$repo/scripts/build.sh"
cd "$repo/build"
ctest --output-on-failure --timeout 1500 "$@"
