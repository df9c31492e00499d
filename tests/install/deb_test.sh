#!/usr/bin/env bash
# deb_test.sh <build dir> <version> <man|no-man>: builds the .deb with cpack into a scratch
# directory and checks it without installing it: its control fields (Depends from the shared
# libraries the binary links), its contents (dpkg-deb -c), its md5sums, that the extracted binary
# runs, that dpkg installs and removes it cleanly in a scratch root (dpkg --root), and, where
# apt-get is available, that its dependencies resolve on this system (apt-get --simulate).
# Exit 77 (skipped) when cpack's DEB generator cannot run here.
set -euo pipefail
build=$1 version=$2 man=$3
for tool in cpack dpkg-deb dpkg-shlibdeps dpkg; do
  command -v "$tool" >/dev/null || { echo "deb_test: SKIPPED: $tool not found (scripts/install-deps.sh installs dpkg-dev)" >&2; exit 77; }
done
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
fail() { echo "deb_test: FAILED: $*" >&2; exit 1; }

(cd "$scratch" && cpack -G DEB -B "$scratch/out" --config "$build/CPackConfig.cmake") >"$scratch/cpack.log" 2>&1 ||
  { cat "$scratch/cpack.log" >&2; fail "cpack"; }
arch=$(dpkg --print-architecture)
deb=$scratch/out/flinkcli_${version}_${arch}.deb
[ -f "$deb" ] || { ls -l "$scratch/out" >&2; fail "no $(basename "$deb")"; }

# Control fields.
dpkg-deb -I "$deb" >"$scratch/info" || fail "dpkg-deb -I"
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = flinkcli ] || fail "Package: $(field Package)"
[ "$(field Version)" = "$version" ] || fail "Version: $(field Version)"
[ "$(field Architecture)" = "$arch" ] || fail "Architecture: $(field Architecture)"
[ "$(field Section)" = utils ] || fail "Section: $(field Section)"
[[ $(field Maintainer) == *"<"*"@"*">" ]] || fail "Maintainer: $(field Maintainer)"
[ -n "$(field Description)" ] || fail "no Description"
depends=$(field Depends)
echo "deb_test: Depends: $depends"
# Every shared library the binary links directly (NEEDED) comes from a package in Depends.
packages=$(tr ',|' '\n\n' <<<"$depends" | sed 's/^ *//; s/[ (].*//' | sort -u)
owner_of() { dpkg -S "$1" 2>/dev/null | head -1 | cut -d: -f1 || true; }
libraries=$(ldd "$build/bin/flink")
for soname in $(readelf -d "$build/bin/flink" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p'); do
  [[ $soname == ld-linux* ]] && continue  # the dynamic loader, libc6's
  path=$(awk -v name="$soname" '$1 == name && $2 == "=>" { print $3 }' <<<"$libraries")
  [ -n "$path" ] || fail "ldd does not resolve $soname"
  owner=""
  for candidate in "$path" "$(readlink -f "$path")" "/usr$path" "*/$soname"; do
    owner=$(owner_of "$candidate")
    [ -n "$owner" ] && break
  done
  [ -n "$owner" ] || fail "no package owns $path ($soname)"
  # The package itself or a name it provides (libspdlog1.10 provides libspdlog1.10-fmt9).
  names=$(printf '%s\n' "$owner" $(dpkg-query -W -f='${Provides}' "$owner" 2>/dev/null | tr ',' '\n' | sed 's/ *(.*//'))
  grep -qxF -f <(grep -v '^$' <<<"$names") <<<"$packages" || fail "Depends lacks $owner (for $soname)"
  echo "deb_test: $soname from $owner"
done
for package in libc6 libstdc++6 libssl3; do
  grep -qx "$package" <<<"$packages" || fail "Depends lacks $package"
done

# Contents: the install layout under /usr, owned by root, nothing else.
dpkg-deb -c "$deb" >"$scratch/contents" || fail "dpkg-deb -c"
files=$(awk '$1 !~ /^d/ { print $6 }' "$scratch/contents" | sort)
want=(
  ./usr/bin/flink
  ./usr/share/bash-completion/completions/flink
  ./usr/share/zsh/vendor-completions/_flink
  ./usr/share/fish/vendor_completions.d/flink.fish
  ./usr/share/doc/flinkcli/copyright
  ./usr/share/doc/flinkcli/README.md
  ./usr/share/doc/flinkcli/usage.md
  ./usr/share/doc/flinkcli/configuration.md
  ./usr/share/doc/flinkcli/exit-codes.md
  ./usr/share/doc/flinkcli/compatibility.md
  ./usr/share/doc/flinkcli/json-output.md
)
repo=$(cd "$(dirname "$0")/../.." && pwd)
while IFS= read -r doc; do want+=("./usr/share/doc/flinkcli/$doc"); done < <(cd "$repo/docs" && ls actions/*.md schemas/*.json)
[ "$man" = man ] && want+=(./usr/share/man/man1/flink.1.gz)
[ "$(printf '%s\n' "${want[@]}" | sort)" = "$files" ] || fail "package contents differ:
$(diff <(printf '%s\n' "${want[@]}" | sort) <(echo "$files") || true)"
awk '$2 != "root/root" { bad = 1; print "not root/root: " $0 } END { exit bad }' "$scratch/contents" >&2 ||
  fail "files not owned by root"
grep -q '^-rwxr-xr-x .* \./usr/bin/flink$' "$scratch/contents" || fail "usr/bin/flink is not -rwxr-xr-x"
awk '$1 ~ /^d/ && $1 != "drwxr-xr-x" { bad = 1; print } END { exit bad }' "$scratch/contents" >&2 ||
  fail "directories not drwxr-xr-x"

# Extracted (not installed): the md5sums hold, and the binary runs.
dpkg-deb -x "$deb" "$scratch/x" || fail "dpkg-deb -x"
dpkg-deb -e "$deb" "$scratch/control" || fail "dpkg-deb -e"
[ ! -e "$scratch/control/postinst" ] && [ ! -e "$scratch/control/preinst" ] || fail "unexpected maintainer scripts"
(cd "$scratch/x" && md5sum --quiet -c "$scratch/control/md5sums") || fail "md5sums do not match"
flink() { env -i PATH=/usr/bin:/bin HOME="$scratch" "$scratch/x/usr/bin/flink" "$@"; }
version_line=$(flink --version) || fail "extracted flink --version exits $?"
[[ $version_line == "Version: $version "* ]] || fail "flink --version printed: $version_line"
flink --help | grep -q '^Exit codes: 0 success' || fail "extracted flink --help"
cmp -s <(flink --completion bash) "$scratch/x/usr/share/bash-completion/completions/flink" || fail "bash completion is stale"
if command -v nm >/dev/null; then
  [ -z "$(nm "$scratch/x/usr/bin/flink" 2>/dev/null | head -1)" ] || fail "usr/bin/flink is not stripped"
fi

# dpkg installs it into a scratch root (its own empty package database: the dependencies are
# checked by apt below) and removes it again without leaving a file behind.
root=$scratch/dpkg-root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/triggers"
touch "$root/var/lib/dpkg/status"
dpkg_root() { dpkg --root="$root" --force-not-root --force-script-chrootless --log=/dev/null "$@"; }
dpkg_root --force-depends -i "$deb" >"$scratch/dpkg.log" 2>&1 || { cat "$scratch/dpkg.log" >&2; fail "dpkg -i into a scratch root"; }
[ "$(dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Status}' flinkcli)" = "install ok installed" ] ||
  fail "dpkg does not list flinkcli as installed"
env -i PATH=/usr/bin:/bin "$root/usr/bin/flink" --version >/dev/null || fail "flink installed by dpkg does not run"
dpkg_root -r flinkcli >"$scratch/dpkg.log" 2>&1 || { cat "$scratch/dpkg.log" >&2; fail "dpkg -r"; }
left=$(cd "$root" && find . -mindepth 1 -not -path './var/lib/dpkg*' -not -path './var/lib' -not -path './var')
[ -z "$left" ] || fail "dpkg -r left: $left"

# Would it install cleanly here? apt resolves its dependencies without installing anything.
if command -v apt-get >/dev/null; then
  apt-get install --simulate --no-install-recommends "$deb" >"$scratch/apt.log" 2>&1 ||
    { cat "$scratch/apt.log" >&2; fail "apt-get install --simulate"; }
  grep -q '^Inst flinkcli ' "$scratch/apt.log" || { cat "$scratch/apt.log" >&2; fail "apt would not install flinkcli"; }
  grep '^Inst ' "$scratch/apt.log" | grep -v '^Inst flinkcli ' | sed 's/^/deb_test: apt would also install: /' >&2 || true
else
  echo "deb_test: note: no apt-get, install not simulated" >&2
fi
echo "deb_test: ok: $(basename "$deb"), $(wc -l <"$scratch/contents") entries"
