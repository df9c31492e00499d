#include "flinkcli/core/option_parser.hpp"

#include <algorithm>
#include <cctype>

#include "flinkcli/core/error.hpp"

namespace flinkcli {

std::optional<std::string> ParsedArgs::value(const std::string& key) const {
  auto it = m_values.find(key);
  if (it == m_values.end() || it->second.empty()) return std::nullopt;
  return it->second.front();
}

std::vector<std::string> ParsedArgs::values(const std::string& key) const {
  auto it = m_values.find(key);
  return it == m_values.end() ? std::vector<std::string>{} : it->second;
}

namespace {

// Java's Util.stripLeadingHyphens: "--" or else "-".
std::string strip_hyphens(const std::string& token) {
  if (token.rfind("--", 0) == 0) return token.substr(2);
  if (token.rfind("-", 0) == 0) return token.substr(1);
  return token;
}

// Java's Util.stripLeadingAndTrailingQuotes: one balanced pair of '"' and none inside. DefaultParser
// applies it only to a value that is a token of its own.
std::string strip_quotes(const std::string& value) {
  if (value.size() > 1 && value.front() == '"' && value.back() == '"' &&
      value.find('"', 1) == value.size() - 1) {
    return value.substr(1, value.size() - 2);
  }
  return value;
}

// Follows org.apache.commons.cli.DefaultParser of commons-cli 1.5.0 (bundled since Flink 1.15),
// which Flink's CliFrontendParser uses with its defaults, method by method.
class CommonsCliParser {
 public:
  CommonsCliParser(const std::vector<OptionSpec>& specs, bool stop_at_non_option)
      : m_specs(specs), m_stop_at_non_option(stop_at_non_option) {}

  bool is_flink_option(const std::string& token) const {
    return is_long_option(token, Visible::flink) || is_short_option(token, Visible::flink);
  }

  ParsedArgs parse(const std::vector<std::string>& args) {
    for (const auto& token : args) handle_token(token);
    check_required_args();
    return std::move(m_result);
  }

 private:
  // Which options a token is checked against. The values of an unlimited option (run -a) end at
  // the first of Flink's options: Java hands everything else to the program, this client's own
  // options (-q, -o, --wait-timeout) included, so they are not options there.
  enum class Visible { all, flink };

  static bool visible(const OptionSpec& spec, Visible which) {
    return which == Visible::all || !spec.extension;
  }

  const OptionSpec* short_option(const std::string& name, Visible which = Visible::all) const {
    for (const auto& spec : m_specs) {
      if (!spec.short_name.empty() && spec.short_name == name && visible(spec, which)) return &spec;
    }
    return nullptr;
  }

  const OptionSpec* exact_long_option(const std::string& name, Visible which = Visible::all) const {
    for (const auto& spec : m_specs) {
      if (!spec.long_name.empty() && spec.long_name == name && visible(spec, which)) return &spec;
    }
    return nullptr;
  }

  // Options.getOption: the short name first, then the long one.
  const OptionSpec* option(const std::string& name) const {
    if (const auto* spec = short_option(name)) return spec;
    return exact_long_option(name);
  }

  // Options.getMatchingOptions: the long option named exactly, or else every one the name starts
  // (in table order, as Java's LinkedHashMap). A prefix that one of Flink's options takes keeps
  // Flink's meaning: this client's own options match a prefix only when none of Flink's does, so
  // adding one never makes ambiguous a prefix the Java client accepts (`cancel --w` stays
  // --withSavepoint beside --wait-timeout).
  std::vector<const OptionSpec*> matching_long_options(const std::string& token,
                                                       Visible which = Visible::all) const {
    const std::string name = strip_hyphens(token);
    if (const auto* spec = exact_long_option(name, which)) return {spec};
    std::vector<const OptionSpec*> matches;
    for (const auto& spec : m_specs) {
      if (!spec.long_name.empty() && visible(spec, which) && spec.long_name.rfind(name, 0) == 0) {
        matches.push_back(&spec);
      }
    }
    if (std::any_of(matches.begin(), matches.end(), [](const OptionSpec* s) { return !s->extension; })) {
      std::erase_if(matches, [](const OptionSpec* spec) { return spec->extension; });
    }
    return matches;
  }

  // DefaultParser.getLongPrefix: the longest long option that `t` starts with, leaving at least
  // two characters ("-jobmanagerhost:1").
  const OptionSpec* long_prefix(const std::string& token, Visible which = Visible::all) const {
    const std::string t = strip_hyphens(token);
    for (std::size_t i = t.size() < 2 ? 0 : t.size() - 2; i > 1; --i) {
      if (const auto* spec = exact_long_option(t.substr(0, i), which)) return spec;
    }
    return nullptr;
  }

  bool is_long_option(const std::string& token, Visible which) const {
    if (token.size() < 2 || token[0] != '-') return false;
    const auto equals = token.find('=');
    if (!matching_long_options(token.substr(0, equals), which).empty()) return true;
    return long_prefix(token, which) != nullptr && token.rfind("--", 0) != 0;
  }

  bool is_short_option(const std::string& token, Visible which) const {
    if (token.size() < 2 || token[0] != '-') return false;
    const auto equals = token.find('=');
    const std::string name = token.substr(1, equals == std::string::npos ? std::string::npos : equals - 1);
    if (short_option(name, which)) return true;
    return !name.empty() && short_option(name.substr(0, 1), which) != nullptr;
  }

  // DefaultParser.isArgument. (Its negative-number exception never matters here: no option of
  // Flink's is a digit, so "-5" is never an option anyway.)
  bool is_argument(const std::string& token) const {
    const Visible which = m_current->arity == Arity::many ? Visible::flink : Visible::all;
    return !is_long_option(token, which) && !is_short_option(token, which);
  }

  // Flink's -D is numberOfArgs(2) with '=' as the value separator: "key=value" in one value or
  // in two ("-Dkey=value" is split by the parser itself).
  static bool is_property(const OptionSpec& spec) { return spec.short_name == "D"; }

  // Option.acceptsArg.
  bool accepts_arg() const {
    if (!m_current || m_current->arity == Arity::none) return false;
    if (m_current->arity == Arity::many) return true;
    if (is_property(*m_current)) return !m_current_has_value || m_property_key.has_value();
    return !m_current_has_value;
  }

  // DefaultParser.isJavaProperty: the option named by the first letter takes two or more values.
  bool is_java_property(const std::string& t) const {
    const auto* spec = option(t.substr(0, 1));
    return spec && (spec->arity == Arity::many || is_property(*spec));
  }

  void handle_token(const std::string& token) {
    m_current_token = token;
    if (m_skip_parsing) {
      m_result.add_positional(token);
    } else if (token == "--") {
      m_skip_parsing = true;
    } else if (accepts_arg() && is_argument(token)) {
      add_separate_value(strip_quotes(token));
    } else if (token.rfind("--", 0) == 0) {
      if (token.find('=') == std::string::npos) {
        handle_long_option_without_equal(token);
      } else {
        handle_long_option_with_equal(token);
      }
    } else if (token.rfind("-", 0) == 0 && token != "-") {
      handle_short_and_long_option(token);
    } else {
      handle_unknown_token(token);
    }
    if (m_current && !accepts_arg()) m_current = nullptr;
  }

  [[noreturn]] static void ambiguous(const std::string& token,
                                     const std::vector<const OptionSpec*>& matches) {
    std::string candidates;
    for (const auto* match : matches) {
      candidates += (candidates.empty() ? "'" : ", '") + match->long_name + "'";
    }
    throw CliError::usage("Ambiguous option: '" + token + "'  (could be: " + candidates + ")");
  }

  void handle_long_option_with_equal(const std::string& token) {
    const auto equals = token.find('=');
    const std::string name = token.substr(0, equals);
    const auto matches = matching_long_options(name);
    if (matches.empty()) return handle_unknown_token(m_current_token);
    if (matches.size() > 1) ambiguous(name, matches);
    if (matches.front()->arity == Arity::none) return handle_unknown_token(m_current_token);
    handle_option(*matches.front());
    add_value(token.substr(equals + 1));
    m_current = nullptr;
  }

  void handle_long_option_without_equal(const std::string& token) {
    const auto matches = matching_long_options(token);
    if (matches.empty()) return handle_unknown_token(m_current_token);
    if (matches.size() > 1) ambiguous(token, matches);
    handle_option(*matches.front());
  }

  void handle_short_and_long_option(const std::string& token) {
    const std::string t = strip_hyphens(token);
    const auto equals = t.find('=');
    if (t.size() == 1) {
      // "-s": a one-letter option or nothing; never a prefix of a long option (so `stop -s` is
      // unrecognised rather than --savepointPath).
      if (const auto* spec = short_option(t)) return handle_option(*spec);
      return handle_unknown_token(token);
    }
    if (equals == std::string::npos) {
      if (const auto* spec = short_option(t)) return handle_option(*spec);  // -type
      if (!matching_long_options(t).empty()) return handle_long_option_without_equal(token);  // -fromSav
      if (const auto* spec = long_prefix(t); spec && spec->arity != Arity::none) {
        handle_option(*spec);  // -jobmanagerhost:1
        add_value(t.substr(spec->long_name.size()));
        m_current = nullptr;
        return;
      }
      if (is_java_property(t)) {  // -Dkey=value without '=', -ax
        handle_option(*option(t.substr(0, 1)));
        add_value(t.substr(1));
        m_current = nullptr;
        return;
      }
      return handle_concatenated_options(token);  // -rs, -p4
    }
    const std::string name = t.substr(0, equals);
    const std::string value = t.substr(equals + 1);
    if (name.size() == 1) {  // -m=host:1
      const auto* spec = option(name);
      if (!spec || spec->arity == Arity::none) return handle_unknown_token(token);
      handle_option(*spec);
      add_value(value);
      m_current = nullptr;
      return;
    }
    if (is_java_property(name)) {  // -Dkey=value: two values, "key" and "value"
      handle_option(*option(name.substr(0, 1)));
      if (is_property(*m_current)) {
        add_value(name.substr(1) + "=" + value);
      } else {
        add_value(name.substr(1));
        add_value(value);
      }
      m_current = nullptr;
      return;
    }
    handle_long_option_with_equal(token);  // -type=native, -cl=x
  }

  void handle_concatenated_options(const std::string& token) {
    for (std::size_t i = 1; i < token.size(); ++i) {
      const auto* spec = option(std::string(1, token[i]));
      if (!spec) {
        handle_unknown_token(m_stop_at_non_option && i > 1 ? token.substr(i) : token);
        break;
      }
      handle_option(*spec);
      if (m_current && token.size() != i + 1) {
        add_value(token.substr(i + 1));  // the rest of the token is the option's value
        break;
      }
    }
  }

  // Not reset or checked here, as in Java: a pending option still fails at the end of the parse.
  void handle_unknown_token(const std::string& token) {
    if (token.size() > 1 && token[0] == '-' && !m_stop_at_non_option) {
      throw CliError::usage("Unrecognized option: " + token);
    }
    m_result.add_positional(token);
    if (m_stop_at_non_option) m_skip_parsing = true;
  }

  void handle_option(const OptionSpec& spec) {
    check_required_args();
    m_result.add_option(spec.key());
    m_current = spec.arity == Arity::none ? nullptr : &spec;
    m_current_has_value = false;
    m_property_key.reset();
  }

  // Option.processValue.
  void add_value(std::string value) {
    m_result.add_value(m_current->key(), std::move(value));
    m_current_has_value = true;
  }

  // A value in a token of its own. For -D, one without '=' is a key and the next such value its
  // value (`-D key value`), as Java's '=' separator fills -D's two values.
  void add_separate_value(std::string value) {
    if (is_property(*m_current)) {
      if (m_property_key) {
        value = *m_property_key + "=" + value;
        m_property_key.reset();
      } else if (value.find('=') == std::string::npos) {
        m_property_key = std::move(value);
        m_current_has_value = true;
        return;
      }
    }
    add_value(std::move(value));
  }

  // Option.requiresArg: an optional value never, an unlimited option until its first value,
  // -D until it has both key and value.
  void check_required_args() {
    if (!m_current) return;
    const bool missing = m_current->arity == Arity::required
                              ? (!m_current_has_value || m_property_key.has_value())
                              : m_current->arity == Arity::many && !m_current_has_value;
    if (!missing) return;
    throw CliError::usage("Missing argument for option: " + m_current->key());
  }

  const std::vector<OptionSpec>& m_specs;
  bool m_stop_at_non_option;
  bool m_skip_parsing = false;
  std::string m_current_token;
  const OptionSpec* m_current = nullptr;
  bool m_current_has_value = false;
  std::optional<std::string> m_property_key;
  ParsedArgs m_result;
};

}  // namespace

ParsedArgs parse_options(const std::vector<OptionSpec>& specs, const std::vector<std::string>& args,
                         bool stop_at_non_option) {
  return CommonsCliParser(specs, stop_at_non_option).parse(args);
}

bool ends_unlimited_values(const std::vector<OptionSpec>& specs, const std::string& token) {
  return CommonsCliParser(specs, false).is_flink_option(token);
}

}  // namespace flinkcli
