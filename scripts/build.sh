#!/usr/bin/env bash
# Configures and builds into build/ (the binary is build/bin/flink), Release unless
# CMAKE_BUILD_TYPE says otherwise (e.g. CMAKE_BUILD_TYPE=Debug scripts/build.sh).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
"$repo/scripts/install-deps.sh"
cmake -S "$repo" -B "$repo/build" -G Ninja -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-Release}" >/dev/null
cmake --build "$repo/build" "$@"   # e.g. --target flink
