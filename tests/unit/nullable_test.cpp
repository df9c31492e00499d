// nullable<Json>: an optional text as a JSON string or null, for REST bodies and -o json documents.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "flinkcli/core/nullable.hpp"

namespace flinkcli::testing {
namespace {

TEST(Nullable, OptionalTextAsJsonStringOrNull) {
  const struct {
    std::optional<std::string> value;
    std::string dumped;
  } cases[] = {
      {std::nullopt, "null"},
      {std::string(), "\"\""},  // an empty text is still a text
      {std::string("file:///sp"), "\"file:///sp\""},
      {std::string("null"), "\"null\""},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(nullable<nlohmann::json>(c.value).dump(), c.dumped);
    EXPECT_EQ(nullable<nlohmann::ordered_json>(c.value).dump(), c.dumped);
  }
}

}  // namespace
}  // namespace flinkcli::testing
