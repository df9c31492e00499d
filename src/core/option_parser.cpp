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

// Follows org.apache.commons.cli.DefaultParser, which Flink's CliFrontendParser uses.
class CommonsCliParser {
 public:
  CommonsCliParser(const std::vector<OptionSpec>& specs, bool stop_at_non_option)
      : m_specs(specs), m_stop_at_non_option(stop_at_non_option) {}

  ParsedArgs parse(const std::vector<std::string>& args) {
    for (const auto& token : args) handle_token(token);
    check_required_argument();
    return std::move(m_result);
  }

 private:
  const OptionSpec* short_option(const std::string& name) const {
    for (const auto& spec : m_specs) {
      if (!spec.short_name.empty() && spec.short_name == name) return &spec;
    }
    return nullptr;
  }

  // Long options whose name is `name` exactly, or else all that start with it. A prefix that
  // one of Flink's options takes keeps Flink's meaning: this client's own options (extension)
  // match a prefix only when none of Flink's does, so adding one never makes ambiguous a prefix
  // the Java client accepts (`cancel --w` stays --withSavepoint beside --wait-timeout).
  std::vector<const OptionSpec*> matching_long_options(const std::string& name) const {
    std::vector<const OptionSpec*> prefix_matches;
    for (const auto& spec : m_specs) {
      if (spec.long_name.empty()) continue;
      if (spec.long_name == name) return {&spec};
      if (spec.long_name.rfind(name, 0) == 0) prefix_matches.push_back(&spec);
    }
    const bool flink_match = std::any_of(prefix_matches.begin(), prefix_matches.end(),
                                         [](const OptionSpec* spec) { return !spec->extension; });
    if (flink_match) {
      std::erase_if(prefix_matches, [](const OptionSpec* spec) { return spec->extension; });
    }
    return prefix_matches;
  }

  bool is_option_token(const std::string& token) const {
    if (token.size() < 2 || token[0] != '-') return false;
    if (token.rfind("--", 0) == 0) {
      std::string name = token.substr(2, token.find('=') == std::string::npos ? std::string::npos
                                                                             : token.find('=') - 2);
      return !matching_long_options(name).empty();
    }
    std::string name = token.substr(1, token.find('=') == std::string::npos ? std::string::npos
                                                                           : token.find('=') - 1);
    return short_option(name) != nullptr || short_option(name.substr(0, 1)) != nullptr ||
           !matching_long_options(name).empty();
  }

  void handle_token(const std::string& token) {
    if (m_skip_parsing) {
      m_result.add_positional(token);
      return;
    }
    if (token == "--") {
      m_skip_parsing = true;
      return;
    }
    if (m_current && m_current->arity != Arity::none &&
        (!m_current_has_value || m_current->arity == Arity::many) && !is_option_token(token)) {
      m_result.add_value(m_current->key(), token);
      m_current_has_value = true;
      if (m_current->arity != Arity::many) m_current = nullptr;
      return;
    }
    if (token.rfind("--", 0) == 0) {
      handle_long_option(token);
    } else if (token.size() > 1 && token[0] == '-') {
      handle_short_option(token);
    } else {
      handle_unknown_token(token);
    }
  }

  void handle_long_option(const std::string& token) {
    const auto equals = token.find('=');
    const std::string name = token.substr(2, equals == std::string::npos ? std::string::npos : equals - 2);
    auto matches = matching_long_options(name);
    if (matches.empty()) return handle_unknown_token(token);
    if (matches.size() > 1) {
      std::string candidates;
      for (const auto* match : matches) {
        candidates += (candidates.empty() ? "'" : ", '") + match->long_name + "'";
      }
      throw CliError::usage("Ambiguous option: '--" + name + "'  (could be: " + candidates + ")");
    }
    start_option(*matches.front());
    if (equals != std::string::npos) {
      if (matches.front()->arity == Arity::none) return handle_unknown_token(token);
      take_value(token.substr(equals + 1));
    }
  }

  void handle_short_option(const std::string& token) {
    const std::string body = token.substr(1);
    if (body.size() == 1) {
      // "-s": a one-letter option or nothing; commons-cli never prefix-matches it to a long
      // option (so `stop -s` is unrecognised rather than --savepointPath).
      if (const auto* spec = short_option(body)) return start_option(*spec);
      return handle_unknown_token(token);
    }
    const auto equals = body.find('=');
    if (equals == std::string::npos) {
      if (const auto* spec = short_option(body)) return start_option(*spec);
      auto longs = matching_long_options(body);
      if (longs.size() == 1) return start_option(*longs.front());
      // "-Dkey=value" without '=' handled below; "-p4": option with its value attached.
      if (const auto* spec = short_option(body.substr(0, 1)); spec && spec->arity != Arity::none) {
        start_option(*spec);
        return take_value(body.substr(1));
      }
      return handle_concatenated(token);
    }
    const std::string name = body.substr(0, equals);
    if (name.size() == 1) {
      const auto* spec = short_option(name);
      if (!spec || spec->arity == Arity::none) return handle_unknown_token(token);
      start_option(*spec);
      return take_value(body.substr(equals + 1));
    }
    // "-type=native", "-cm=claim": a multi-letter option and its value. Checked before the
    // one-letter form below, which would read "-type=native" as -t "ype=native".
    if (const auto* spec = short_option(name); spec && spec->arity != Arity::none) {
      start_option(*spec);
      return take_value(body.substr(equals + 1));
    }
    auto longs = matching_long_options(name);
    if (longs.size() == 1 && longs.front()->arity != Arity::none) {
      start_option(*longs.front());
      return take_value(body.substr(equals + 1));
    }
    if (const auto* spec = short_option(name.substr(0, 1)); spec && spec->arity != Arity::none) {
      start_option(*spec);  // "-Dkey=value": the whole "key=value" is the value
      return take_value(body.substr(1));
    }
    handle_unknown_token(token);
  }

  // "-rs": several one-letter flags in one token.
  void handle_concatenated(const std::string& token) {
    for (std::size_t i = 1; i < token.size(); ++i) {
      const auto* spec = short_option(std::string(1, token[i]));
      if (!spec) {
        return handle_unknown_token(m_stop_at_non_option && i > 1 ? token.substr(i) : token);
      }
      start_option(*spec);
      if (spec->arity != Arity::none && i + 1 < token.size()) {
        return take_value(token.substr(i + 1));
      }
    }
  }

  void handle_unknown_token(const std::string& token) {
    if (token.size() > 1 && token[0] == '-' && !m_stop_at_non_option) {
      throw CliError::usage("Unrecognized option: " + token);
    }
    check_required_argument();
    m_current = nullptr;
    m_result.add_positional(token);
    if (m_stop_at_non_option) m_skip_parsing = true;
  }

  void start_option(const OptionSpec& spec) {
    check_required_argument();
    m_result.add_option(spec.key());
    m_current = spec.arity == Arity::none ? nullptr : &spec;
    m_current_has_value = false;
  }

  void take_value(std::string value) {
    m_result.add_value(m_current->key(), std::move(value));
    m_current_has_value = true;
    if (m_current->arity != Arity::many) m_current = nullptr;
  }

  void check_required_argument() {
    if (m_current && (m_current->arity == Arity::required || m_current->arity == Arity::many) &&
        !m_current_has_value) {
      throw CliError::usage("Missing argument for option: " + m_current->key());
    }
  }

  const std::vector<OptionSpec>& m_specs;
  bool m_stop_at_non_option;
  bool m_skip_parsing = false;
  const OptionSpec* m_current = nullptr;
  bool m_current_has_value = false;
  ParsedArgs m_result;
};

}  // namespace

ParsedArgs parse_options(const std::vector<OptionSpec>& specs, const std::vector<std::string>& args,
                         bool stop_at_non_option) {
  return CommonsCliParser(specs, stop_at_non_option).parse(args);
}

}  // namespace flinkcli
