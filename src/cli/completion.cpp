// Shell completion scripts for bash, zsh and fish, generated from the table of actions and the
// general options: a new option or action appears in every script, hidden options are never
// offered (but are known, so a line using them is read right). Job ids come from the cluster at
// completion time: the scripts run `<the flink typed> list` with the -m/-D options already on the
// line, bounded by FLINKCLI_COMPLETION_TIMEOUT_MS (client.timeout and timeout(1)), and read the
// job ids from Flink's list format, so a failure or a slow JobManager completes nothing, silently.
#include <algorithm>
#include <cctype>
#include <sstream>

#include "flinkcli/cli/reference.hpp"
#include "flinkcli/commands/command.hpp"
#include "flinkcli/core/error.hpp"
#include "flinkcli/core/text.hpp"

namespace flinkcli {

namespace {

// What can be completed as an option's value or an argument.
enum class Values {
  none,               // free text: nothing to offer
  words,              // a fixed set (-type canonical|native)
  paths,              // files and directories
  jars,               // *.jar files (and directories)
  job_ids,            // asked of the JobManager
  job_names,          // the same jobs' names (--job-name)
  program_arguments,  // everything after run's jar: files, as the program's own
};

const char* values_name(Values values) {
  switch (values) {
    case Values::none: return "none";
    case Values::words: return "words";
    case Values::paths: return "paths";
    case Values::jars: return "jars";
    case Values::job_ids: return "job_ids";
    case Values::job_names: return "job_names";
    case Values::program_arguments: return "program_arguments";
  }
  return "none";
}

struct Flag {
  std::vector<std::string> names;  // "-d", "--drain"; "-type", "--type"; "-detached"
  std::string short_name;          // without '-' ("" if none)
  std::string long_name;           // without "--" ("" if none)
  Arity arity = Arity::none;
  bool hidden = false;
  bool repeatable = false;  // -D
  std::string arg_name;
  std::string description;  // its first sentence, for zsh and fish
  Values values = Values::none;
  std::vector<std::string> words;
};

struct Argument {
  std::string name;  // from the syntax: "Job ID", "target directory"
  Values values = Values::none;
  bool optional = false;
};

struct Action {
  std::string name;
  std::string summary;
  std::vector<Flag> flags;  // the action's own, then the general options
  std::vector<Argument> arguments;
  bool stop_at_argument = false;
};

bool contains(const std::string& text, const char* part) { return text.find(part) != std::string::npos; }

// The values an option takes. The table has no field for value sets, so the few fixed ones are
// named here (by the option's key); anything that reads like a path completes files.
Values option_values(const OptionSpec& spec, std::vector<std::string>& words) {
  if (spec.arity == Arity::none) return Values::none;
  const std::string key = spec.key();
  if (key == "type") words = {"canonical", "native"};
  if (key == "cm" || key == "rm") words = {"claim", "no_claim", "legacy"};
  if (key == "t" || key == "e") words = {"remote"};
  if (key == "o") words = {"text", "json"};
  if (!words.empty()) return Values::words;
  const std::string text = to_lower(spec.arg_name + " " + spec.long_name);
  if (contains(text, "job-name")) return Values::job_names;
  if (contains(text, "jar")) return Values::jars;
  for (const char* hint : {"path", "directory", "file", "dispose", "url", "archive"}) {
    if (contains(text, hint)) return Values::paths;
  }
  return Values::none;
}

// One line, the first sentence, without commons-cli's emphasis.
std::string short_description(const std::string& text) {
  std::string sentence = text;
  std::erase(sentence, '*');
  // The first ". " that does not follow an abbreviation ("e.g. -D client.timeout=30s").
  for (auto end = sentence.find(". "); end != std::string::npos; end = sentence.find(". ", end + 1)) {
    const std::string before = sentence.substr(0, end);
    if (before.ends_with("e.g") || before.ends_with("i.e")) continue;
    sentence.erase(end + 1);
    break;
  }
  sentence = trim(sentence);
  if (sentence.starts_with("DEPRECATION WARNING: ")) sentence = "Deprecated: " + sentence.substr(21);
  if (sentence.size() > 100) {
    auto cut = sentence.rfind(' ', 97);
    sentence = sentence.substr(0, cut == std::string::npos ? 97 : cut) + "...";
  }
  return sentence;
}

Flag make_flag(const OptionSpec& spec) {
  Flag flag;
  if (!spec.short_name.empty()) flag.names.push_back("-" + spec.short_name);
  if (!spec.long_name.empty()) flag.names.push_back("--" + spec.long_name);
  flag.short_name = spec.short_name;
  flag.long_name = spec.long_name;
  flag.arity = spec.arity;
  flag.hidden = spec.hidden;
  flag.repeatable = spec.key() == "D";
  flag.arg_name = spec.arg_name.empty() ? "value" : spec.arg_name;
  flag.description = short_description(spec.description);
  flag.values = option_values(spec, flag.words);
  return flag;
}

// The arguments named in the syntax line: "savepoint [OPTIONS] <Job ID> [<target directory>]".
std::vector<Argument> arguments_of(const std::string& syntax) {
  std::vector<Argument> arguments;
  int depth = 0;
  // Up to the first alternative ("follow [OPTIONS] <Job ID> <Trigger ID> | follow --dispose ...").
  for (std::size_t i = 0; i < syntax.size() && syntax[i] != '|'; ++i) {
    if (syntax[i] == '[') ++depth;
    if (syntax[i] == ']') --depth;
    if (syntax[i] != '<') continue;
    const auto end = syntax.find('>', i);
    if (end == std::string::npos) break;
    Argument argument;
    argument.name = syntax.substr(i + 1, end - i - 1);
    argument.optional = depth > 0;
    const std::string name = to_lower(argument.name);
    if (contains(name, "job id")) {
      argument.values = Values::job_ids;
    } else if (contains(name, "jar")) {
      argument.values = Values::jars;
    } else if (contains(name, "argument")) {
      argument.values = Values::program_arguments;
    } else if (contains(name, "directory") || contains(name, "path") || contains(name, "file")) {
      argument.values = Values::paths;
    }
    arguments.push_back(argument);
    i = end;
  }
  return arguments;
}

// The actions this client runs (Java's JVM-only ones are not offered, as the help leaves them out).
std::vector<Action> completion_model() {
  std::vector<Action> actions;
  for (const auto& spec : command_table()) {
    if (!spec.run) continue;
    Action action;
    action.name = spec.name;
    action.summary = spec.summary;
    if (!action.summary.empty() && action.summary.back() == '.') action.summary.pop_back();
    for (const auto& option : spec.options) action.flags.push_back(make_flag(option));
    for (const auto& option : general_option_specs()) action.flags.push_back(make_flag(option));
    action.arguments = arguments_of(spec.syntax);
    action.stop_at_argument = spec.stop_at_non_option;
    actions.push_back(std::move(action));
  }
  return actions;
}

std::string join(const std::vector<std::string>& parts, const std::string& separator = " ") {
  std::string text;
  for (const auto& part : parts) text += (text.empty() ? "" : separator) + part;
  return text;
}

// Option names and value words go into the scripts unquoted: make sure they can.
const std::string& checked_word(const std::string& word) {
  const bool plain = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
  if (!plain) throw CliError(ErrorClass::operation_failed, "Cannot complete the option word '" + word + "'.");
  return word;
}

// Inside '...' for bash, zsh: ' becomes '\''.
std::string single_quoted(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::string names_of(const Action& action, bool (*keep)(const Flag&)) {
  std::vector<std::string> names;
  for (const auto& flag : action.flags) {
    if (!keep(flag)) continue;
    for (const auto& name : flag.names) names.push_back(checked_word(name));
  }
  return join(names);
}

std::string header(const std::string& shell, const std::string& comment) {
  return comment + " " + shell + " completion for flink (flinkcli " + FLINKCLI_VERSION +
         "), generated by `flink --completion " + shell + "`\n" + comment +
         " from the client's tables of actions and options; do not edit.\n" + comment +
         " Job ids are asked of the JobManager (`flink list` with the -m and -D options already on\n" +
         comment + " the line) and offered only when it answers within FLINKCLI_COMPLETION_TIMEOUT_MS\n" +
         comment + " milliseconds (default 1000; 0 turns the lookup off). Any failure completes nothing.\n";
}

// The awk program that reads Flink's list lines ("dd.MM.yyyy HH:mm:ss : <id> : <name> (STATE)").
// It prints per job: `ids` the id; `described` the id, `separator`, and the name and state; `names`
// the name.
enum class JobText { ids, described, names };
std::string list_reader(JobText text, const std::string& separator = "") {
  const std::string rest = "substr($0, index($0, \" : \" $4 \" : \") + 38)";
  std::string program = "$3 == \":\" && $5 == \":\" && length($4) == 32 && $4 ~ /^[0-9a-f]+$/ { ";
  switch (text) {
    case JobText::ids: return program + "print $4 }";
    case JobText::described: return program + "print $4 \"" + separator + "\" " + rest + " }";
    case JobText::names: return program + "name = " + rest + "; sub(/ \\([A-Z_]+\\)$/, \"\", name); print name }";
  }
  return program + "print $4 }";
}

// --- bash --------------------------------------------------------------------------------------

std::string bash_script(const std::vector<Action>& actions) {
  std::ostringstream out;
  out << header("bash", "#");
  out << R"sh(# Install as /usr/share/bash-completion/completions/flink, or: source <(flink --completion bash)

# The jobs `flink list` shows (running and scheduled), one a line: $1 "ids" or "names"; $2 the
# flink command as typed; the rest: the -m and -D options from the command line. Or nothing.
__flink_jobs() {
  local timeout_ms=${FLINKCLI_COMPLETION_TIMEOUT_MS:-1000} flink=$2 seconds reader
  if [[ $1 == names ]]; then
    reader=')sh" << list_reader(JobText::names) << R"sh('
  else
    reader=')sh" << list_reader(JobText::ids) << R"sh('
  fi
  shift 2
  [[ $timeout_ms =~ ^[0-9]{1,9}$ ]] && timeout_ms=$((10#$timeout_ms)) && ((timeout_ms > 0)) || return 0
  [[ $flink == "~/"* ]] && flink=$HOME/${flink#"~/"}
  local -a command=("$flink" list "$@" -D "client.timeout=${timeout_ms}ms")
  if type -P timeout >/dev/null; then
    printf -v seconds '%d.%03d' $((timeout_ms / 1000)) $((timeout_ms % 1000))
    command=(timeout -k 1 "$seconds" "${command[@]}")
  fi
  "${command[@]}" </dev/null 2>/dev/null | awk "$reader"
}

# Adds the names of those jobs that start with $cur to COMPREPLY, quoted for the command line.
__flink_add_job_names() {
  local name
  while IFS= read -r name; do
    [[ -n $name && $name == "$cur"* ]] && COMPREPLY+=("$(printf '%q' "$name")")
  done < <(__flink_jobs names "${words[0]}" "${connection[@]}")
}

# Adds the words of $1 that start with $cur to COMPREPLY.
__flink_add_words() {
  local word
  while IFS= read -r word; do
    [[ -n $word ]] && COMPREPLY+=("$word")
  done < <(compgen -W "$1" -- "$cur")
}

# Adds the files starting with $cur (with $1, only those matching that pattern, and directories).
__flink_add_files() {
  local file
  compopt -o filenames 2>/dev/null
  while IFS= read -r file; do
    COMPREPLY+=("$file")
  done < <(if [[ -n ${1-} ]]; then compgen -d -- "$cur"; compgen -f -X "!$1" -- "$cur"; else compgen -f -- "$cur"; fi)
}

# Completes the value of option $2 of action $1.
__flink_option_values() {
  case "$1 $2" in
)sh";
  for (const auto& action : actions) {
    for (const auto& flag : action.flags) {
      if (flag.arity == Arity::none || flag.values == Values::none) continue;
      std::vector<std::string> patterns;
      for (const auto& name : flag.names) patterns.push_back("\"" + action.name + " " + checked_word(name) + "\"");
      out << "    " << join(patterns, "|") << ") ";
      if (flag.values == Values::words) {
        for (const auto& word : flag.words) checked_word(word);
        out << "__flink_add_words \"" << join(flag.words) << "\" ;;\n";
      } else if (flag.values == Values::jars) {
        out << "__flink_add_files '*.jar' ;;\n";
      } else if (flag.values == Values::job_names) {
        out << "__flink_add_job_names ;;\n";
      } else {
        out << "__flink_add_files ;;\n";
      }
    }
  }
  out << R"sh(  esac
}

_flink() {
  # COMP_WORDS with the words bash split at ':' and '=' (COMP_WORDBREAKS) joined again, so that
  # -m host:8081 and -Dkey=value are one word each.
  local -a words=()
  local cword=0 i joined=0
  for ((i = 0; i < ${#COMP_WORDS[@]}; i++)); do
    if { ((i > 0)) && [[ ${COMP_WORDS[i]} =~ ^[:=]+$ ]]; } || ((joined)); then
      words[${#words[@]} - 1]+=${COMP_WORDS[i]}
      if [[ ${COMP_WORDS[i]} =~ ^[:=]+$ ]]; then joined=1; else joined=0; fi
    else
      words+=("${COMP_WORDS[i]}")
      joined=0
    fi
    ((i == COMP_CWORD)) && cword=$((${#words[@]} - 1))
  done
  local cur=${words[cword]}
  COMPREPLY=()
  if ((cword == 1)); then
    __flink_add_words ")sh";
  std::vector<std::string> first_words;
  for (const auto& action : actions) first_words.push_back(checked_word(action.name));
  out << join(first_words) << " -h --help -v --version\"\n";
  out << R"sh(    return 0
  fi
  # The action's options by the values they take (hidden ones too, to read the line right; only
  # the offered ones are completed), its arguments, and whether its options end at its first
  # argument (run: the rest goes to the program).
  local offered takes_value takes_optional takes_many arguments stop_at_argument=0
  case ${words[1]} in
)sh";
  for (const auto& action : actions) {
    out << "    " << action.name << ")\n";
    out << "      offered=\"" << names_of(action, [](const Flag& f) { return !f.hidden; }) << "\"\n";
    out << "      takes_value=\" " << names_of(action, [](const Flag& f) { return f.arity == Arity::required; })
        << " \"\n";
    out << "      takes_optional=\" "
        << names_of(action, [](const Flag& f) { return f.arity == Arity::optional; }) << " \"\n";
    out << "      takes_many=\" " << names_of(action, [](const Flag& f) { return f.arity == Arity::many; })
        << " \"\n";
    std::vector<std::string> kinds;
    for (const auto& argument : action.arguments) kinds.push_back(values_name(argument.values));
    out << "      arguments=\"" << join(kinds) << "\"\n";
    if (action.stop_at_argument) out << "      stop_at_argument=1\n";
    out << "      ;;\n";
  }
  out << R"sh(    *) return 0 ;;
  esac
  # Read the words before the cursor as the client's parser does (commons-cli's rules): an
  # option's value, an optional value (the next word unless it is an option), the arguments.
  local word value_of="" optional_of="" many=0 rest=0 count=0
  local -a connection=()
  for ((i = 2; i < cword; i++)); do
    word=${words[i]}
    if [[ -n $value_of ]]; then
      case $value_of in -m | --jobmanager | -D) connection+=("$value_of" "$word") ;; esac
      value_of=""
    elif ((rest)); then
      count=$((count + 1))
    elif [[ $word == -- ]]; then
      rest=1 optional_of="" many=0
    elif [[ $word == -?* ]]; then
      optional_of="" many=0
      if [[ $takes_value == *" $word "* ]]; then
        value_of=$word
      elif [[ $takes_optional == *" $word "* ]]; then
        optional_of=$word
      elif [[ $takes_many == *" $word "* ]]; then
        many=1
      else
        case $word in -D?* | -m?* | --jobmanager=*) connection+=("$word") ;; esac
      fi
    elif [[ -n $optional_of ]]; then
      optional_of=""
    elif ((!many)); then
      count=$((count + 1))
      ((stop_at_argument)) && rest=1
    fi
  done
  if [[ -n $value_of ]]; then
    __flink_option_values "${words[1]}" "$value_of"
    return 0
  fi
  if [[ $cur == -* ]] && ((!rest)); then
    __flink_add_words "$offered"
    return 0
  fi
  # After an option with an optional value, the word may be that value or the next argument.
  [[ -n $optional_of ]] && __flink_option_values "${words[1]}" "$optional_of"
  ((many)) && return 0
  local -a kinds=($arguments)
  local kind=""
  if ((count < ${#kinds[@]})); then
    kind=${kinds[count]}
  elif ((${#kinds[@]} > 0)) && [[ ${kinds[${#kinds[@]} - 1]} == program_arguments ]]; then
    kind=program_arguments
  fi
  case $kind in
    job_ids) [[ $cur == *[:=]* ]] || __flink_add_words "$(__flink_jobs ids "${words[0]}" "${connection[@]}")" ;;
    jars) __flink_add_files '*.jar' ;;
    paths | program_arguments) __flink_add_files ;;
  esac
  return 0
}

complete -F _flink flink
)sh";
  return out.str();
}

// --- zsh ---------------------------------------------------------------------------------------

// Inside _arguments' [description]: brackets, colons and backslashes escaped.
std::string zsh_description(const std::string& text) {
  std::string escaped;
  for (char c : text) {
    if (c == '[' || c == ']' || c == ':' || c == '\\') escaped += '\\';
    escaped += c;
  }
  return escaped;
}

std::string zsh_values_action(Values values, const std::vector<std::string>& words) {
  switch (values) {
    case Values::words: return std::string("(").append(join(words)).append(")");
    case Values::paths: return "_files";
    case Values::jars: return "_files -g \"*.jar(-.)\"";
    case Values::job_ids: return "__flink_complete_jobs";
    case Values::job_names: return "__flink_complete_job_names";
    case Values::program_arguments: return "_files";
    case Values::none: return " ";
  }
  return " ";
}

std::string zsh_option_specs(const Flag& flag) {
  std::vector<std::string> specs;
  std::string exclusion;  // "(-d --drain)": either name excludes both; -D may repeat
  if (flag.repeatable) exclusion = "*";
  if (!flag.repeatable && flag.names.size() > 1) exclusion.append("(").append(join(flag.names)).append(")");
  std::string value;
  const std::string arg = flag.arg_name;
  const std::string action = zsh_values_action(flag.values, flag.words);
  switch (flag.arity) {
    case Arity::none: break;
    case Arity::required: value = ":" + arg + ":" + action; break;
    case Arity::optional: value = "::" + arg + ":" + action; break;
    case Arity::many: value = ":*-*:" + arg + ":" + action; break;
  }
  for (const auto& name : flag.names) {
    std::string form = name;
    if (flag.arity == Arity::required) form += name.size() == 2 ? "+" : "=";
    specs.push_back(single_quoted((flag.hidden ? "!" : "") + exclusion + form + "[" +
                                  zsh_description(flag.description) + "]" + value));
  }
  return join(specs, " \\\n          ");
}

std::string zsh_script(const std::vector<Action>& actions) {
  std::ostringstream out;
  out << "#compdef flink\n" << header("zsh", "#");
  out << R"sh(# Install as _flink in a directory of $fpath (e.g. /usr/share/zsh/vendor-completions), or
# after compinit: source <(flink --completion zsh)

# The jobs `flink list` shows (running and scheduled), one a line: $1 "described" (as
# "id:name (STATE)") or "names"; $2 the flink command as typed; the rest: the -m and -D options
# from the command line. Or nothing.
__flink_jobs() {
  emulate -L zsh
  local timeout_ms=${FLINKCLI_COMPLETION_TIMEOUT_MS:-1000} flink=$2 reader
  if [[ $1 == names ]]; then
    reader=')sh" << list_reader(JobText::names) << R"sh('
  else
    reader=')sh" << list_reader(JobText::described, ":") << R"sh('
  fi
  shift 2
  [[ $timeout_ms == <-> && ${#timeout_ms} -le 9 ]] || return 0
  timeout_ms=$(( 10#$timeout_ms ))
  (( timeout_ms > 0 )) || return 0
  [[ $flink == '~/'* ]] && flink=$HOME/${flink#'~/'}
  local -a command=($flink list "$@" -D client.timeout=${timeout_ms}ms)
  if (( $+commands[timeout] )); then
    command=(timeout -k 1 $(printf '%d.%03d' $(( timeout_ms / 1000 )) $(( timeout_ms % 1000 ))) $command)
  fi
  $command </dev/null 2>/dev/null | awk $reader
}

# The -m and -D options on the command line, into the caller's array `connection`.
__flink_connection() {
  local i
  for (( i = 2; i < CURRENT; i++ )); do
    case $words[i] in
      (-m|--jobmanager|-D) connection+=($words[i] ${(Q)words[i+1]}); (( i++ )) ;;
      (-D?*|-m?*|--jobmanager=*) connection+=(${(Q)words[i]}) ;;
    esac
  done
}

__flink_complete_jobs() {
  local -a connection jobs
  __flink_connection
  jobs=(${(f)"$(__flink_jobs described $__flink_command $connection)"})
  _describe -t jobs 'job id' jobs
}

__flink_complete_job_names() {
  local -a connection names expl
  __flink_connection
  names=(${(f)"$(__flink_jobs names $__flink_command $connection)"})
  _wanted job-names expl 'job name' compadd -a names
}

_flink() {
  local curcontext=$curcontext state state_descr line ret=1
  local __flink_command=${(Q)words[1]}
  typeset -A opt_args
  _arguments -C \
    '(- *)'{-h,--help}'[Show the help message]' \
    '(- *)'{-v,--version}'[Print the version]' \
    '1:action:->action' \
    '*:: :->arguments' && ret=0
  case $state in
    (action)
      local -a actions=(
)sh";
  for (const auto& action : actions) {
    out << "        " << single_quoted(action.name + ":" + action.summary) << "\n";  // name:description
  }
  out << R"sh(      )
      _describe -t actions 'flink action' actions && ret=0
      ;;
    (arguments)
      curcontext=${curcontext%:*:*}:flink-$words[1]:
      case $words[1] in
)sh";
  for (const auto& action : actions) {
    out << "        (" << action.name << ")\n";
    out << "          _arguments" << (action.stop_at_argument ? " -A '-*'" : "") << " \\\n";
    for (const auto& flag : action.flags) out << "          " << zsh_option_specs(flag) << " \\\n";
    for (const auto& argument : action.arguments) {
      std::string spec;
      if (argument.values == Values::program_arguments) {
        spec = "*:" + argument.name + ":_files";
      } else {
        spec = std::string(argument.optional ? "::" : ":") + argument.name + ":" +
               zsh_values_action(argument.values, {});
      }
      out << "          " << single_quoted(spec) << " \\\n";
    }
    out << "            && ret=0\n          ;;\n";
  }
  out << R"sh(      esac
      ;;
  esac
  return ret
}

if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _flink "$@"
else
  compdef _flink flink
fi
)sh";
  return out.str();
}

// --- fish --------------------------------------------------------------------------------------

// Inside fish's '...': backslashes and single quotes escaped.
std::string fish_quoted(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\\' || c == '\'') quoted += '\\';
    quoted += c;
  }
  return quoted + "'";
}

std::string fish_script(const std::vector<Action>& actions) {
  std::ostringstream out;
  out << header("fish", "#");
  out << R"sh(# Install as /usr/share/fish/vendor_completions.d/flink.fish, or: flink --completion fish | source

# The jobs `flink list` shows (running and scheduled), with the -m and -D options from the command
# line, one a line: as "id<TAB>name (STATE)", or with the argument "names" their names. Or nothing.
function __flink_jobs
    set -l reader ')sh" << list_reader(JobText::described, "\\t") << R"sh('
    test "$argv[1]" = names; and set reader ')sh" << list_reader(JobText::names) << R"sh('
    set -l timeout_ms 1000
    set -q FLINKCLI_COMPLETION_TIMEOUT_MS; and set timeout_ms $FLINKCLI_COMPLETION_TIMEOUT_MS
    string match -qr '^[0-9]{1,9}$' -- $timeout_ms; or return 0
    set timeout_ms (math $timeout_ms)
    test $timeout_ms -gt 0; or return 0
    set -l tokens (commandline -opc)
    set -l flink (string replace -r '^~/' "$HOME/" -- $tokens[1])
    set -l connection
    set -l i 3
    while test $i -le (count $tokens)
        switch $tokens[$i]
            case -m --jobmanager -D
                set -l next (math $i + 1)
                set -q tokens[$next]; and set connection $connection $tokens[$i] $tokens[$next]
                set i $next
            case '-D?*' '-m?*' '--jobmanager=*'
                set connection $connection $tokens[$i]
        end
        set i (math $i + 1)
    end
    set -l command $flink list $connection -D client.timeout={$timeout_ms}ms
    if command -q timeout
        set command timeout -k 1 (math $timeout_ms / 1000) $command
    end
    $command </dev/null 2>/dev/null | awk $reader
end

function __flink_needs_action
    test (count (commandline -opc)) -eq 1
end

function __flink_action_is
    set -l tokens (commandline -opc)
    test (count $tokens) -ge 2; and test "$tokens[2]" = "$argv[1]"
end

# What the word at the cursor may be, one a line: job_ids, jars, paths, program_arguments, or an
# option's value (value). The words before it are read as the client's parser does.
function __flink_argument_kinds
    set -l tokens (commandline -opc)
    set -q tokens[2]; or return 0
    set -l takes_value
    set -l takes_optional
    set -l optional_paths
    set -l takes_many
    set -l arguments
    set -l stop_at_argument 0
    switch $tokens[2]
)sh";
  for (const auto& action : actions) {
    out << "        case " << action.name << "\n";
    out << "            set takes_value " << names_of(action, [](const Flag& f) { return f.arity == Arity::required; })
        << "\n";
    const std::string optional = names_of(action, [](const Flag& f) { return f.arity == Arity::optional; });
    if (!optional.empty()) out << "            set takes_optional " << optional << "\n";
    const std::string optional_paths = names_of(action, [](const Flag& f) {
      return f.arity == Arity::optional && f.values == Values::paths;
    });
    if (!optional_paths.empty()) out << "            set optional_paths " << optional_paths << "\n";
    const std::string many = names_of(action, [](const Flag& f) { return f.arity == Arity::many; });
    if (!many.empty()) out << "            set takes_many " << many << "\n";
    std::vector<std::string> kinds;
    for (const auto& argument : action.arguments) kinds.push_back(values_name(argument.values));
    if (!kinds.empty()) out << "            set arguments " << join(kinds) << "\n";
    if (action.stop_at_argument) out << "            set stop_at_argument 1\n";
  }
  out << R"sh(        case '*'
            return 0
    end
    set -l value_of 0
    set -l optional_of ''
    set -l many 0
    set -l rest 0
    set -l count 0
    for word in $tokens[3..-1]
        if test $value_of = 1
            set value_of 0
        else if test $rest = 1
            set count (math $count + 1)
        else if test "$word" = --
            set rest 1
            set optional_of ''
            set many 0
        else if string match -q -- '-?*' $word
            set optional_of ''
            set many 0
            if contains -- $word $takes_value
                set value_of 1
            else if contains -- $word $takes_optional
                set optional_of $word
            else if contains -- $word $takes_many
                set many 1
            end
        else if test -n "$optional_of"
            set optional_of ''
        else if test $many = 0
            set count (math $count + 1)
            test $stop_at_argument = 1; and set rest 1
        end
    end
    if test $value_of = 1
        echo value
        return 0
    end
    # After an option with an optional value, the word may be that value or the next argument.
    contains -- "$optional_of" $optional_paths; and echo paths
    test $many = 1; and return 0
    set -l index (math $count + 1)
    if set -q arguments[$index]
        echo $arguments[$index]
    else if test (count $arguments) -gt 0; and test "$arguments[-1]" = program_arguments
        echo program_arguments
    end
end

function __flink_argument_is
    contains -- $argv[1] (__flink_argument_kinds)
end

function __flink_options_allowed
    not contains -- program_arguments (__flink_argument_kinds)
    or test (count (commandline -opc)) -lt 3
end

complete -c flink -f
complete -c flink -n __flink_needs_action -s h -l help -d 'Show the help message'
complete -c flink -n __flink_needs_action -s v -l version -d 'Print the version'
)sh";
  for (const auto& action : actions) {
    out << "complete -c flink -n __flink_needs_action -a " << action.name << " -d "
        << fish_quoted(action.summary) << "\n";
  }
  for (const auto& action : actions) {
    out << "\n# " << action.name << "\n";
    const std::string condition = "'__flink_action_is " + action.name + (action.stop_at_argument ? "; and __flink_options_allowed'" : "'");
    for (const auto& flag : action.flags) {
      if (flag.hidden) continue;
      out << "complete -c flink -n " << condition;
      if (flag.short_name.size() == 1) out << " -s " << checked_word(flag.short_name);
      if (flag.short_name.size() > 1) out << " -o " << checked_word(flag.short_name);
      if (!flag.long_name.empty()) out << " -l " << checked_word(flag.long_name);
      if (flag.arity == Arity::required || flag.arity == Arity::many) {
        switch (flag.values) {
          case Values::words: out << " -x -a " << fish_quoted(join(flag.words)); break;
          case Values::jars: out << " -x -a '(__fish_complete_suffix .jar)'"; break;
          case Values::paths:
          case Values::program_arguments: out << " -r -F"; break;
          case Values::job_ids: out << " -x -a '(__flink_jobs)'"; break;
          case Values::job_names: out << " -x -a '(__flink_jobs names)'"; break;
          case Values::none: out << " -x"; break;
        }
      }
      out << " -d " << fish_quoted(flag.description) << "\n";
    }
    const std::string is = "-n '__flink_action_is " + action.name + "; and __flink_argument_is ";
    out << "complete -c flink " << is << "job_ids' -a '(__flink_jobs)'\n";
    out << "complete -c flink " << is << "jars' -a '(__fish_complete_suffix .jar)'\n";
    out << "complete -c flink " << is << "paths' -F\n";
    out << "complete -c flink " << is << "program_arguments' -F\n";
  }
  return out.str();
}

}  // namespace

const std::vector<std::string>& completion_shells() {
  static const std::vector<std::string> shells = {"bash", "zsh", "fish"};
  return shells;
}

std::string completion_script(const std::string& shell) {
  const auto actions = completion_model();
  if (shell == "bash") return bash_script(actions);
  if (shell == "zsh") return zsh_script(actions);
  if (shell == "fish") return fish_script(actions);
  throw CliError::usage("Unknown shell '" + one_line(shell, 100) + "' for " + k_completion_flag +
                        ": use bash, zsh or fish.");
}

}  // namespace flinkcli
