#pragma once
// Diagnostics through spdlog, written as lines to the Console's stderr (never stdout), so they
// are injected like all other output: warnings by default, debug with -v.
#include "flinkcli/core/console.hpp"

namespace flinkcli {

void setup_logging(bool verbose, Console& console);

}  // namespace flinkcli
