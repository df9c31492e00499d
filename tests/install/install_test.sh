#!/usr/bin/env bash
# install_test.sh <build dir> <version> <man|no-man>: `cmake --install` into a scratch DESTDIR with
# prefix /usr, then checks the layout (exactly these files), that the installed binary runs, that
# the installed man page and completion scripts are what that binary generates, that the man page
# is clean roff, and that each completion script loads in its shell (zsh and fish when installed).
set -euo pipefail
build=$1 version=$2 man=$3
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
fail() { echo "install_test: FAILED: $*" >&2; exit 1; }

DESTDIR="$scratch/root" cmake --install "$build" --prefix /usr >"$scratch/install.log" 2>&1 ||
  { cat "$scratch/install.log" >&2; fail "cmake --install"; }
usr=$scratch/root/usr

expected=(
  bin/flink
  share/bash-completion/completions/flink
  share/zsh/vendor-completions/_flink
  share/fish/vendor_completions.d/flink.fish
  share/doc/flinkcli/copyright
  share/doc/flinkcli/README.md
  share/doc/flinkcli/usage.md
  share/doc/flinkcli/configuration.md
  share/doc/flinkcli/exit-codes.md
  share/doc/flinkcli/compatibility.md
  share/doc/flinkcli/json-output.md
)
# The action pages and schemas: every one in the source tree, nothing else.
repo=$(cd "$(dirname "$0")/../.." && pwd)
while IFS= read -r doc; do expected+=("share/doc/flinkcli/$doc"); done < <(cd "$repo/docs" && ls actions/*.md schemas/*.json)
if [ "$man" = man ]; then
  expected+=(share/man/man1/flink.1.gz)
else
  echo "install_test: note: built without scdoc, so no man page to check" >&2
fi
want=$(printf '%s\n' "${expected[@]}" | sort)
have=$(cd "$scratch/root" && find . -type f -o -type l | sed 's|^\./usr/||' | sort)
[ "$want" = "$have" ] || fail "installed files differ (< expected, > installed):
$(diff <(echo "$want") <(echo "$have") || true)"
[ -x "$usr/bin/flink" ] || fail "bin/flink is not executable"

# The installed binary runs on its own (no build tree, no configuration).
flink() { env -i PATH=/usr/bin:/bin HOME="$scratch" "$usr/bin/flink" "$@"; }
version_line=$(flink --version) || fail "flink --version exits $?"
[[ $version_line == "Version: $version "* ]] || fail "flink --version printed: $version_line"
help=$(flink --help) || fail "flink --help exits $?"
grep -q '^Exit codes: 0 success' <<<"$help" || fail "flink --help has no exit codes"
grep -q 'Action "savepoint"' <<<"$help" || fail "flink --help has no savepoint action"

# What is installed is what this binary generates.
cmp -s <(flink --completion bash) "$usr/share/bash-completion/completions/flink" || fail "bash completion is stale"
cmp -s <(flink --completion zsh) "$usr/share/zsh/vendor-completions/_flink" || fail "zsh completion is stale"
cmp -s <(flink --completion fish) "$usr/share/fish/vendor_completions.d/flink.fish" || fail "fish completion is stale"

if [ "$man" = man ]; then
  page=$usr/share/man/man1/flink.1.gz
  gzip -t "$page" || fail "flink.1.gz is not gzip"
  roff=$(gzip -dc "$page")
  for section in NAME SYNOPSIS DESCRIPTION ACTIONS "GENERAL OPTIONS" "EXIT STATUS" ENVIRONMENT; do
    grep -q "^\.SH \"\?$section\"\?\$" <<<"$roff" || fail "man page has no $section section"
  done
  if command -v groff >/dev/null; then
    warnings=$(groff -man -Tutf8 -ww -z <<<"$roff" 2>&1)
    [ -z "$warnings" ] || fail "groff warns about the man page: $warnings"
    text=$(groff -man -Tutf8 -P-cbou <<<"$roff" 2>/dev/null)
    for code in 0 1 2 3 4 5 6 7 8 9 13 130; do
      grep -qx " *$code" <<<"$text" || fail "man page's EXIT STATUS lacks $code"
    done
  else
    echo "install_test: note: groff not installed, man page formatting not checked" >&2
  fi
fi

# Each script loads in its shell; bash: registered for flink.
bash --norc --noprofile -c "source '$usr/share/bash-completion/completions/flink' && complete -p flink" |
  grep -q -- '-F _flink flink' || fail "bash completion does not register _flink"
if command -v zsh >/dev/null; then
  zsh -n "$usr/share/zsh/vendor-completions/_flink" || fail "zsh -n"
  head -1 "$usr/share/zsh/vendor-completions/_flink" | grep -qx '#compdef flink' || fail "no #compdef line"
else
  echo "install_test: note: zsh not installed, zsh completion not checked" >&2
fi
if command -v fish >/dev/null; then
  HOME=$scratch fish --no-config --no-execute "$usr/share/fish/vendor_completions.d/flink.fish" || fail "fish -n"
else
  echo "install_test: note: fish not installed, fish completion not checked" >&2
fi
echo "install_test: ok ($(echo "$have" | wc -l) files under $scratch/root/usr)"
