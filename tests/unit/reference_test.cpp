// The help's exit-code list and the man page, both generated from the tables: every exit code of
// docs/exit-codes.md and of every failure class is in `flink --help` and in EXIT STATUS, and the
// man page lists every action and visible option (hidden ones not).
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "fake/fake_jobmanager_api.hpp"
#include "fake/test_support.hpp"
#include "flinkcli/cli/cli.hpp"
#include "flinkcli/cli/reference.hpp"
#include "flinkcli/core/error.hpp"

namespace flinkcli::testing {
namespace {

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The codes in the first column of docs/exit-codes.md's table.
std::set<int> documented_codes() {
  std::set<int> codes;
  std::istringstream lines(read_text(std::filesystem::path(FLINKCLI_SOURCE_DIR) / "docs" / "exit-codes.md"));
  const std::regex row(R"(^\| *([0-9]+) *\|)");
  for (std::string line; std::getline(lines, line);) {
    std::smatch match;
    if (std::regex_search(line, match, row)) codes.insert(std::stoi(match[1]));
  }
  return codes;
}

// The "Exit codes: 0 success, 1 usage error, ..." paragraph at the end of `flink --help`, as one line.
std::string help_exit_codes() {
  const std::string help = help_text();
  const auto start = help.find("\nExit codes:");
  EXPECT_NE(start, std::string::npos);
  std::string paragraph = help.substr(start + 1);
  paragraph = paragraph.substr(0, paragraph.find(".\n") + 1);
  std::replace(paragraph.begin(), paragraph.end(), '\n', ' ');
  return paragraph;
}

std::set<int> listed_codes(const std::string& paragraph) {
  std::set<int> codes;
  const std::regex item(R"([:,] ([0-9]+) )");
  for (auto it = std::sregex_iterator(paragraph.begin(), paragraph.end(), item); it != std::sregex_iterator(); ++it) {
    codes.insert(std::stoi((*it)[1]));
  }
  return codes;
}

TEST(Reference, HelpListsEveryExitCode) {
  const std::string paragraph = help_exit_codes();
  const std::set<int> in_help = listed_codes(paragraph);
  const std::set<int> documented = documented_codes();
  ASSERT_GE(documented.size(), 12u) << "docs/exit-codes.md's table was not found";
  for (int code : documented) EXPECT_EQ(in_help.count(code), 1u) << "exit code " << code << " missing in --help";
  for (int code : in_help) EXPECT_EQ(documented.count(code), 1u) << "exit code " << code << " not in docs/exit-codes.md";
  for (int i = 0; i <= static_cast<int>(ErrorClass::output); ++i) {
    const int code = exit_code_for(static_cast<ErrorClass>(i));
    EXPECT_EQ(in_help.count(code), 1u) << error_class_name(static_cast<ErrorClass>(i));
  }
  EXPECT_EQ(in_help.count(0), 1u);
  EXPECT_EQ(in_help.count(k_interrupted_exit_code), 1u);
  EXPECT_NE(paragraph.find("7 restore would drop state (see -n)"), std::string::npos) << paragraph;
  // Ascending, each once.
  std::vector<int> order;
  for (const auto& doc : exit_code_docs()) order.push_back(doc.code);
  EXPECT_TRUE(std::is_sorted(order.begin(), order.end()));
  EXPECT_EQ(std::set<int>(order.begin(), order.end()).size(), order.size());
  // The lines of this client's own (after Flink's actions) stay within 80 columns.
  const std::string help = help_text();
  std::istringstream lines(help.substr(help.find("\nExit codes:")));
  for (std::string line; std::getline(lines, line);) EXPECT_LE(line.size(), 80u) << line;
}

TEST(Reference, ManPageFromTheTables) {
  const std::string page = man_page_scdoc();
  EXPECT_EQ(page.rfind("flink(1) ", 0), 0u);
  for (const char* section : {"# NAME", "# SYNOPSIS", "# DESCRIPTION", "# ACTIONS", "# GENERAL OPTIONS",
                              "# EXIT STATUS", "# ENVIRONMENT", "# SHELL COMPLETION"}) {
    EXPECT_NE(page.find(std::string("\n") + section + "\n"), std::string::npos) << section;
  }
  // scdoc's markup escaped in the option names: *--trigger-id*, *-type*.
  for (const auto& spec : command_table()) {
    if (!spec.run) {
      EXPECT_EQ(page.find("## " + spec.name + "\n"), std::string::npos) << spec.name;
      continue;
    }
    EXPECT_NE(page.find("## " + spec.name + "\n"), std::string::npos) << spec.name;
    const auto start = page.find("## " + spec.name + "\n");
    const auto end = page.find("\n## ", start + 1) == std::string::npos ? page.find("# GENERAL OPTIONS")
                                                                         : page.find("\n## ", start + 1);
    const std::string section = page.substr(start, end - start);
    for (const auto& option : spec.options) {
      const std::string name = option.short_name.empty() ? "*--" + option.long_name + "*" : "*-" + option.short_name + "*";
      EXPECT_EQ(section.find("\n" + name) != std::string::npos, !option.hidden) << spec.name << " " << name;
    }
  }
  for (const auto& doc : exit_code_docs()) {
    EXPECT_NE(page.find("\n*" + std::to_string(doc.code) + "*\n\t"), std::string::npos) << doc.code;
  }
  // Text from the tables with scdoc's markup characters is escaped (cancel -s: "**DEPRECATION").
  EXPECT_NE(page.find("\\*\\*DEPRECATION WARNING\\*\\*"), std::string::npos);
  EXPECT_NE(page.find("MAX\\_WATERMARK"), std::string::npos);
}

TEST(Reference, ManFlagPrintsThePage) {
  TestEnvironment env;
  FakeCluster cluster;
  FakeClock clock;
  const auto result = run_flink({k_man_flag}, env, cluster.factory(), clock);
  EXPECT_EQ(result.exit_code, 0);
  std::string joined;
  for (const auto& line : result.out) joined += line + "\n";
  EXPECT_EQ(joined, man_page_scdoc());
  EXPECT_EQ(cluster.factory_calls, 0);
}

}  // namespace
}  // namespace flinkcli::testing
