#pragma once

namespace flinkcli {

// Diagnostics go to stderr through spdlog, never to stdout. Warnings by default, debug with -v.
void setup_logging(bool verbose);

}  // namespace flinkcli
