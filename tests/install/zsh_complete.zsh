#!/usr/bin/env zsh
# zsh_complete.zsh <fpath dir> <command line>: prints what zsh's completion offers at the end of
# the command line ("match -- description" a line), using the completion functions in <fpath dir>.
# An interactive zsh runs under a pseudo-terminal (zsh/zpty); its compadd is wrapped to print
# the matches instead of inserting them. Exit 77 when no pseudo-terminal can be had.
emulate -L zsh
zmodload zsh/zpty 2>/dev/null || exit 77
local fpath_dir=$1 line=$2 init reply
init=$(mktemp) || exit 2
trap 'rm -f $init' EXIT
cat > $init <<EOF
PROMPT=
fpath=(${(q)fpath_dir} \$fpath)
autoload -U compinit
compinit -u -D
bindkey '^I' complete-word
__capture_mark() { echo -E - \$'\0' }
compprefuncs=( __capture_mark )
comppostfuncs=( __capture_mark exit )
zstyle ':completion:*' list-grouped false
zstyle ':completion:*' insert-tab false
zstyle ':completion:*' list-separator ''
compadd() {
  # Calls that only ask or fill arrays (-O, -A, -D) go through unchanged.
  if [[ \${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
    builtin compadd "\$@"
    return \$?
  fi
  local -a __hits __dscr __tmp
  if (( \$@[(I)-d] )); then
    __tmp=\${@[\$[\${@[(i)-d]}+1]]}
    if [[ \$__tmp == \(* ]]; then eval "__dscr=\$__tmp"; else __dscr=( "\${(@P)__tmp}" ); fi
  fi
  builtin compadd -A __hits -D __dscr "\$@"
  local i dscr
  for (( i = 1; i <= \$#__hits; i++ )); do
    (( \$#__dscr >= i )) && dscr=" -- \${\${__dscr[i]}##\$__hits[i] #}" || dscr=
    echo -E - "\$__hits[i]\$dscr"
  done
}
echo capture-ready
EOF
zpty capture zsh -f -i 2>/dev/null || exit 77
zpty -w capture "source ${(q)init}"
repeat 50; do
  zpty -r capture reply || exit 2
  [[ $reply == capture-ready* ]] && break
done
zpty -w capture "$line"$'\t'
# Everything the terminal shows, a line at a time: the matches come between the two marks.
integer marks=0
while zpty -r capture; do :; done | while IFS= read -r reply; do
  reply=${reply%$'\r'}
  if [[ $reply == *$'\0' ]]; then
    (( marks++ )) && exit 0
    continue
  fi
  (( marks )) && print -r -- $reply
done
exit 2
