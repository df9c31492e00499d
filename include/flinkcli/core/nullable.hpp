#pragma once
// One spelling of "this optional text, or JSON null" for every JSON document this client writes:
// REST request bodies (nlohmann::json) and the -o json documents (nlohmann::ordered_json). Core
// does not depend on nlohmann: the JSON type is the caller's.
#include <optional>
#include <string>

namespace flinkcli {

// `value` as a JSON string (or number), or `Json()` (null) when there is none. An empty string
// stays "".
template <typename Json, typename Value = std::string>
Json nullable(const std::optional<Value>& value) {
  return value ? Json(*value) : Json();
}

}  // namespace flinkcli
