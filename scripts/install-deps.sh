#!/usr/bin/env bash
# Installs what the project needs from Debian packages (idempotent: apt runs only when a package
# is missing). Needs root or sudo. Used by build.sh (and so by .ci/run) and flink-cluster.sh.
#   install-deps.sh          the C++ build and test dependencies
#   install-deps.sh --flink  what the real-Flink scripts need besides: a Java 17 JDK (Flink 1.20
#                            runs on 17, not 21+), python3-venv for the PyPI install, curl,
#                            openssl (certificates of the TLS suite), maven (fetches Flink's S3
#                            plugin for the S3 tests, FLINK_S3_ENV of flink-cluster.sh)
#   install-deps.sh --fuzz   clang 14 and its libFuzzer runtime, for the fuzz build
set -euo pipefail
if [ "${1:-}" = "--fuzz" ]; then
  packages=(clang-14 libclang-rt-14-dev)
elif [ "${1:-}" = "--flink" ]; then
  packages=(python3 python3-venv curl openssl maven)  # openssl: the TLS suite's certificates
  # Any Java 17 JDK will do (FLINK_JAVA_HOME may name one elsewhere).
  ls -d /usr/lib/jvm/*17*/bin/javac >/dev/null 2>&1 || [ -n "${FLINK_JAVA_HOME:-}" ] ||
    packages+=(openjdk-17-jdk-headless)
else
  packages=(cmake ninja-build g++ pkg-config libcpp-httplib-dev nlohmann-json3-dev libspdlog-dev
            libgtest-dev libyaml-cpp-dev libssl-dev libzookeeper-mt-dev python3 python3-jsonschema)
  # The man page (scdoc), the .deb (cpack: dpkg-shlibdeps from dpkg-dev), and the shells whose
  # completion scripts the tests run (bash is always there; zsh and fish are a few MB).
  packages+=(scdoc dpkg-dev zsh fish)
fi
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${1:-build} dependencies present" >&2
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-deps: installing ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
