// The table of actions, in the order of Flink's help. Each supported action's row comes from its
// own file; Java's actions that need a JVM on the client have rows without an entry point, so
// dispatch can say they are not supported.
#include "actions.hpp"

namespace flinkcli {

const std::vector<CommandSpec>& command_table() {
  static const std::vector<CommandSpec> table = {
      run_command(),
      {"run-application", "runs an application in Application Mode.",
       "run-application [OPTIONS] <jar-file> <arguments>", {}, true, nullptr},
      list_command(),
      {"info", "shows the optimized execution plan of the program (JSON).",
       "info [OPTIONS] <jar-file> <arguments>", {}, true, nullptr},
      savepoint_command(),
      checkpoint_command(),
      stop_command(),
      cancel_command(),
      follow_command(),  // this client's own, after Flink's
      inspect_command(),
      snapshots_command(),
      prune_command(),
  };
  return table;
}

const CommandSpec* find_command(const std::string& name) {
  for (const auto& spec : command_table()) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

}  // namespace flinkcli
