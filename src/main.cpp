#include "flinkcli/cli/cli.hpp"

int main(int argc, char** argv) { return flinkcli::run_cli_main(argc, argv); }
