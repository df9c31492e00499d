#!/usr/bin/env bash
# The test command, what CI runs through .ci/run:
#   1. a Release build and every ctest test: unit, fake JobManager, smoke tests of the binary,
#      layering probes, and the end-to-end suite against real Flink 1.20.5 and 2.3.0 (label e2e);
#   2. an AddressSanitizer + UndefinedBehaviorSanitizer build (build-asan/) and its unit and
#      fake-JobManager tests;
#   3. a clang libFuzzer build (build-fuzz/) running each fuzz target for about 10 s.
# With arguments, only stage 1 runs and the arguments go to ctest (e.g. `-LE e2e`, `-L unit`).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
stage() { printf '\n=== test.sh: %s\n' "$*" >&2; }

stage "1/3 Release build and tests"
"$repo/scripts/build.sh"
# The AWS SigV4 test suite and botocore (pinned, cached in build/test-data/; the ASan build reads
# the same directory).
"$repo/scripts/fetch-test-data.sh" "$repo/build"
(cd "$repo/build" && ctest --output-on-failure --timeout 1500 -j2 "$@")
[ $# -eq 0 ] || exit 0

stage "2/3 AddressSanitizer + UndefinedBehaviorSanitizer build, unit and fake-JobManager tests"
cmake -S "$repo" -B "$repo/build-asan" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DFLINKCLI_SANITIZE=ON \
  -DFLINKCLI_TEST_DATA_DIR="$repo/build/test-data" >/dev/null
cmake --build "$repo/build-asan"
(cd "$repo/build-asan" && ctest --output-on-failure --timeout 300 -j2 -LE e2e)

stage "3/3 libFuzzer build (clang), each target for ${FLINKCLI_FUZZ_SECONDS:-10} s"
"$repo/scripts/install-deps.sh" --fuzz
CC=clang-14 CXX=clang++-14 cmake -S "$repo" -B "$repo/build-fuzz" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DFLINKCLI_FUZZ=ON -DFLINKCLI_FUZZ_SECONDS="${FLINKCLI_FUZZ_SECONDS:-10}" >/dev/null
cmake --build "$repo/build-fuzz"
(cd "$repo/build-fuzz" && ctest --output-on-failure -L fuzz)
