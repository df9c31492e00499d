#!/usr/bin/env bash
# Installs the build dependencies from Debian packages (idempotent: apt runs only when a package
# is missing). Also used by .ci/run on a fresh machine. Needs root or sudo.
set -euo pipefail
packages=(cmake ninja-build g++ pkg-config libcli11-dev libcpp-httplib-dev nlohmann-json3-dev
          libspdlog-dev libgtest-dev libyaml-cpp-dev libssl-dev curl python3 python3-venv)
# Java 17 runs the local Flink of the demo and the end-to-end tests (Flink 1.20 needs 17, not 21+).
ls -d /usr/lib/jvm/*-17-* >/dev/null 2>&1 || packages+=(openjdk-17-jdk-headless)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all build dependencies present" >&2
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-deps: installing ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
