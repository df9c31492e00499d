#!/usr/bin/env bash
# Test data kept out of the repository, fetched once into <build>/test-data/ and reused:
#   aws4_testsuite/  the AWS SigV4 test suite, from botocore's source distribution on PyPI
#                    (tests/unit/auth/aws4_testsuite/), for the StorageSigV4.AwsTestSuite test;
#   botocore-venv/   botocore itself, for tests/storage/botocore_sign.py (S3 requests signed by
#                    botocore's S3SigV4Auth, compared with ours by StorageSigV4.SameAsBotocore, which finds it beside
#                    aws4_testsuite/).
# Both are pinned to one botocore release. Usage: scripts/fetch-test-data.sh [build-dir]
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$repo/build}"
botocore_version=1.40.61
data="$build/test-data"
mkdir -p "$data"

suite="$data/aws4_testsuite"
if [ ! -f "$suite/.botocore-$botocore_version" ]; then
  sdist="$data/botocore-$botocore_version.tar.gz"
  if [ ! -f "$sdist" ]; then
    python3 -m pip download --quiet --no-deps --no-binary :all: "botocore==$botocore_version" -d "$data"
  fi
  rm -rf "$suite" "$suite.partial"
  mkdir -p "$suite.partial"
  tar -xzf "$sdist" -C "$suite.partial" --strip-components=5 \
    "botocore-$botocore_version/tests/unit/auth/aws4_testsuite"
  touch "$suite.partial/.botocore-$botocore_version"
  mv "$suite.partial" "$suite"
fi

venv="$data/botocore-venv"
if ! "$venv/bin/python" -c "import botocore, sys; sys.exit(botocore.__version__ != '$botocore_version')" \
    2>/dev/null; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "botocore==$botocore_version"
fi
echo "test data in $data (botocore $botocore_version)"
