#include "flinkcli/core/file_uri.hpp"

#include "flinkcli/core/text.hpp"

namespace flinkcli {

std::optional<FileUri> parse_file_uri(std::string_view text) {
  constexpr std::string_view scheme = "file:";
  if (text.size() < scheme.size() || to_lower(text.substr(0, scheme.size())) != scheme) return std::nullopt;
  std::string_view rest = text.substr(scheme.size());
  FileUri uri;
  if (rest.starts_with("//")) {
    rest.remove_prefix(2);
    const auto slash = rest.find('/');
    uri.host = to_lower(rest.substr(0, slash));
    rest = slash == std::string_view::npos ? std::string_view("/") : rest.substr(slash);
  }
  uri.path = std::string(rest);
  return uri;
}

}  // namespace flinkcli
