#include <gtest/gtest.h>
#include "flinkcli/option_parser.hpp"
TEST(Placeholder, Builds) { SUCCEED(); }
