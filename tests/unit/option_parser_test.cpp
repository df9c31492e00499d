// argv -> options, values and positionals, or commons-cli's exact error text. The rows port the
// cases of Flink's CliFrontend{Savepoint,StopWithSavepoint,Cancel,List}Test and commons-cli's
// DefaultParser quirks as the Java client showed them.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "flinkcli/commands/command.hpp"
#include "flinkcli/core/error.hpp"
#include "flinkcli/core/option_parser.hpp"

namespace flinkcli {
namespace {

constexpr const char* J = "a48f8e8b712ac1616c58c37184d4a569";

struct ParseCase {
  std::string action;
  std::vector<std::string> args;
  // Every option expected to be present, with its values (empty: given without a value).
  std::map<std::string, std::vector<std::string>> options;
  std::vector<std::string> positionals;
  std::string error;  // the exact usage message when parsing must fail
};

std::vector<OptionSpec> options_of(const std::string& action) {
  const CommandSpec* spec = find_command(action);
  EXPECT_NE(spec, nullptr) << action;
  std::vector<OptionSpec> options = spec->options;
  options.insert(options.end(), general_option_specs().begin(), general_option_specs().end());
  return options;
}

std::string describe(const ParseCase& c) {
  std::string text = c.action;
  for (const auto& arg : c.args) text += " '" + arg + "'";
  return text;
}

void check(const ParseCase& c) {
  SCOPED_TRACE(describe(c));
  const auto specs = options_of(c.action);
  const bool stop_at_non_option = find_command(c.action)->stop_at_non_option;
  if (!c.error.empty()) {
    try {
      parse_options(specs, c.args, stop_at_non_option);
      ADD_FAILURE() << "expected the error: " << c.error;
    } catch (const CliError& error) {
      EXPECT_EQ(error.what(), c.error);
      EXPECT_EQ(error.error_class(), ErrorClass::usage);
    }
    return;
  }
  ParsedArgs parsed;
  try {
    parsed = parse_options(specs, c.args, stop_at_non_option);
  } catch (const CliError& error) {
    FAIL() << "unexpected error: " << error.what();
  }
  EXPECT_EQ(parsed.positionals(), c.positionals);
  std::set<std::string> keys;
  for (const auto& spec : specs) keys.insert(spec.key());
  for (const auto& key : keys) {
    auto expected = c.options.find(key);
    if (expected == c.options.end()) {
      EXPECT_FALSE(parsed.has(key)) << "unexpected option " << key;
    } else {
      EXPECT_TRUE(parsed.has(key)) << "missing option " << key;
      EXPECT_EQ(parsed.values(key), expected->second) << "values of " << key;
    }
  }
  for (const auto& [key, values] : c.options) {
    EXPECT_TRUE(keys.count(key)) << "test names an option the action does not have: " << key;
  }
}

using V = std::vector<std::string>;

TEST(OptionParser, Savepoint) {
  const ParseCase cases[] = {
      {"savepoint", {J}, {}, {J}, ""},
      {"savepoint", {J, "file:///data/explicit-dir"}, {}, {J, "file:///data/explicit-dir"}, ""},
      {"savepoint", {J, "dir", "extra"}, {}, {J, "dir", "extra"}, ""},
      {"savepoint", {}, {}, {}, ""},
      // dispose takes a required argument
      {"savepoint", {"-d", "file:/sp"}, {{"d", {"file:/sp"}}}, {}, ""},
      {"savepoint", {"--dispose", "file:/sp"}, {{"d", {"file:/sp"}}}, {}, ""},
      {"savepoint", {"--dispose=file:/sp"}, {{"d", {"file:/sp"}}}, {}, ""},
      {"savepoint", {"-dfile:/sp"}, {{"d", {"file:/sp"}}}, {}, ""},
      {"savepoint", {"-d"}, {}, {}, "Missing argument for option: d"},
      {"savepoint", {"--dispose"}, {}, {}, "Missing argument for option: d"},
      {"savepoint", {"-d", "-v"}, {}, {}, "Missing argument for option: d"},
      // -type is one option, not -t ype
      {"savepoint", {"-type", "native", J}, {{"type", {"native"}}}, {J}, ""},
      {"savepoint", {"--type", "NATIVE", J}, {{"type", {"NATIVE"}}}, {J}, ""},
      {"savepoint", {"--type=native", J}, {{"type", {"native"}}}, {J}, ""},
      {"savepoint", {"-type=native", J}, {{"type", {"native"}}}, {J}, ""},
      {"savepoint", {"-t", "remote", J}, {{"t", {"remote"}}}, {J}, ""},
      {"savepoint", {"-detached", J}, {{"detached", {}}}, {J}, ""},
      {"savepoint", {J, "-detached"}, {{"detached", {}}}, {J}, ""},
      // options after positionals, generic options
      {"savepoint", {J, "-m", "localhost:8081"}, {{"m", {"localhost:8081"}}}, {J}, ""},
      {"savepoint", {"--jobmanager=host:1234", J}, {{"m", {"host:1234"}}}, {J}, ""},
      {"savepoint", {"--jobmanager", "host:1234", J}, {{"m", {"host:1234"}}}, {J}, ""},
      {"savepoint", {"-m"}, {}, {}, "Missing argument for option: m"},
      {"savepoint", {"-m", "-v", J}, {}, {}, "Missing argument for option: m"},
      {"savepoint", {"-Dexecution.checkpointing.savepoint-dir=file:///d", J},
       {{"D", {"execution.checkpointing.savepoint-dir=file:///d"}}}, {J}, ""},
      {"savepoint", {"-D", "client.timeout=5 s", J}, {{"D", {"client.timeout=5 s"}}}, {J}, ""},
      {"savepoint", {"-Da=1", "-D", "b=2", J, "-Dc=x=y"}, {{"D", {"a=1", "b=2", "c=x=y"}}}, {J}, ""},
      {"savepoint", {"-v", J}, {{"v", {}}}, {J}, ""},
      {"savepoint", {"--verbose", J}, {{"v", {}}}, {J}, ""},
      {"savepoint", {"-h"}, {{"h", {}}}, {}, ""},
      {"savepoint", {"-j", "job.jar", "-d", "file:/sp"}, {{"j", {"job.jar"}}, {"d", {"file:/sp"}}}, {}, ""},
      // unique prefixes of long options; ambiguous ones are an error naming the candidates
      {"savepoint", {"--jobman", "h:1", J}, {{"m", {"h:1"}}}, {J}, ""},
      {"savepoint", {"--disp", "file:/sp"}, {{"d", {"file:/sp"}}}, {}, ""},
      {"savepoint", {"--ty=native", J}, {{"type", {"native"}}}, {J}, ""},
      {"savepoint", {"--j", "x", J}, {}, {}, "Ambiguous option: '--j'  (could be: 'jarfile', 'jobmanager')"},
      // unknown options
      {"savepoint", {"--bogus", J}, {}, {}, "Unrecognized option: --bogus"},
      {"savepoint", {J, "--bogus"}, {}, {}, "Unrecognized option: --bogus"},
      {"savepoint", {"-xyz", J}, {}, {}, "Unrecognized option: -xyz"},
      {"savepoint", {"-x", J}, {}, {}, "Unrecognized option: -x"},
      {"savepoint", {"--detached", J}, {}, {}, "Unrecognized option: --detached"},
      {"savepoint", {"-p", J}, {}, {}, "Unrecognized option: -p"},
      // "--" ends the options; "-" alone is an argument
      {"savepoint", {"--", "-notanoption"}, {}, {"-notanoption"}, ""},
      {"savepoint", {"-detached", "--", J, "-m"}, {{"detached", {}}}, {J, "-m"}, ""},
      {"savepoint", {"-"}, {}, {"-"}, ""},
  };
  for (const auto& c : cases) check(c);
}

TEST(OptionParser, CancelWithSavepointTakesAnOptionalArgument) {
  const ParseCase cases[] = {
      {"cancel", {J}, {}, {J}, ""},
      // "-s <jobId>": the id is swallowed as the value; the action untangles it
      {"cancel", {"-s", J}, {{"s", {J}}}, {}, ""},
      {"cancel", {"-s", "file:///data/cancel-dir", J}, {{"s", {"file:///data/cancel-dir"}}}, {J}, ""},
      {"cancel", {"--withSavepoint", "file:///d", J}, {{"s", {"file:///d"}}}, {J}, ""},
      {"cancel", {"--withSavepoint=file:///d", J}, {{"s", {"file:///d"}}}, {J}, ""},
      {"cancel", {"-s"}, {{"s", {}}}, {}, ""},
      // an optional argument is never taken from a known option
      {"cancel", {"-s", "-m", "localhost:8081", J}, {{"s", {}}, {"m", {"localhost:8081"}}}, {J}, ""},
      {"cancel", {J, "-s"}, {{"s", {}}}, {J}, ""},
      {"cancel", {"-x", J}, {}, {}, "Unrecognized option: -x"},
  };
  for (const auto& c : cases) check(c);
}

TEST(OptionParser, StopPathIsOptionalAndDrainIsAFlag) {
  const ParseCase cases[] = {
      {"stop", {J}, {}, {J}, ""},
      {"stop", {"-p", J}, {{"p", {J}}}, {}, ""},
      {"stop", {"-p", "-d", J}, {{"p", {}}, {"d", {}}}, {J}, ""},
      {"stop", {"-d", "-p", "test-target-dir", J}, {{"p", {"test-target-dir"}}, {"d", {}}}, {J}, ""},
      {"stop", {"-p", "file:///data/stop-dir", "-d", "-m", "localhost:8081", J},
       {{"p", {"file:///data/stop-dir"}}, {"d", {}}, {"m", {"localhost:8081"}}}, {J}, ""},
      {"stop", {"--savepointPath", "dir", "--drain", J}, {{"p", {"dir"}}, {"d", {}}}, {J}, ""},
      {"stop", {"--savepointPath=dir", J}, {{"p", {"dir"}}}, {J}, ""},
      {"stop", {"-type", "native", "-detached", J}, {{"type", {"native"}}, {"detached", {}}}, {J}, ""},
      {"stop", {"-p", "-type=native", J}, {{"p", {}}, {"type", {"native"}}}, {J}, ""},
      {"stop", {"-p"}, {{"p", {}}}, {}, ""},
      {"stop", {}, {}, {}, ""},
      // stop has no -s; -d means drain here and takes no value
      {"stop", {"-s", J}, {}, {}, "Unrecognized option: -s"},
      {"stop", {"-d", J}, {{"d", {}}}, {J}, ""},
      {"stop", {"--drain=true", J}, {}, {}, "Unrecognized option: --drain=true"},
  };
  for (const auto& c : cases) check(c);
}

TEST(OptionParser, List) {
  const ParseCase cases[] = {
      {"list", {}, {}, {}, ""},
      {"list", {"-r"}, {{"r", {}}}, {}, ""},
      {"list", {"-s"}, {{"s", {}}}, {}, ""},
      {"list", {"-a", "-m", "localhost:8081"}, {{"a", {}}, {"m", {"localhost:8081"}}}, {}, ""},
      {"list", {"-rs"}, {{"r", {}}, {"s", {}}}, {}, ""},
      {"list", {"--running", "--scheduled"}, {{"r", {}}, {"s", {}}}, {}, ""},
      {"list", {"--all"}, {{"a", {}}}, {}, ""},
      {"list", {"-x"}, {}, {}, "Unrecognized option: -x"},
      {"list", {"-rx"}, {}, {}, "Unrecognized option: -rx"},
  };
  for (const auto& c : cases) check(c);
}

TEST(OptionParser, RunStopsAtTheFirstNonOption) {
  const ParseCase cases[] = {
      // everything after the jar belongs to the program, even options run knows
      {"run", {"-s", "sp", "job.jar", "--name", "x", "-p", "3"}, {{"s", {"sp"}}},
       {"job.jar", "--name", "x", "-p", "3"}, ""},
      {"run", {"-d", "job.jar"}, {{"d", {}}}, {"job.jar"}, ""},
      {"run", {"-p4", "job.jar"}, {{"p", {"4"}}}, {"job.jar"}, ""},
      {"run", {"-p", "4", "job.jar"}, {{"p", {"4"}}}, {"job.jar"}, ""},
      {"run", {"-cm", "claim", "job.jar"}, {{"cm", {"claim"}}}, {"job.jar"}, ""},
      // "-cm=x" is no option: "cm" is no long name; with stopAtNonOption it is the jar (Java:
      // "JAR file does not exist: -cm=no_claim")
      {"run", {"-cm=no_claim", "job.jar"}, {}, {"-cm=no_claim", "job.jar"}, ""},
      {"run", {"--claimMode", "legacy", "job.jar"}, {{"cm", {"legacy"}}}, {"job.jar"}, ""},
      {"run", {"-rm", "claim", "job.jar"}, {{"rm", {"claim"}}}, {"job.jar"}, ""},
      {"run", {"-c", "com.example.Job", "-n", "-sae", "job.jar"},
       {{"c", {"com.example.Job"}}, {"n", {}}, {"sae", {}}}, {"job.jar"}, ""},
      {"run", {"--fromSavepoint", "file:/sp", "--allowNonRestoredState", "job.jar"},
       {{"s", {"file:/sp"}}, {"n", {}}}, {"job.jar"}, ""},
      {"run", {"-Dpipeline.name=x", "job.jar", "-Dnot=parsed"}, {{"D", {"pipeline.name=x"}}},
       {"job.jar", "-Dnot=parsed"}, ""},
      {"run", {"job.jar", "--", "x"}, {}, {"job.jar", "--", "x"}, ""},
      {"run", {"--", "job.jar", "-p", "3"}, {}, {"job.jar", "-p", "3"}, ""},
      {"run", {"--keepJar", "job.jar"}, {{"keepJar", {}}}, {"job.jar"}, ""},
      // an unknown option is the first non-option (commons-cli with stopAtNonOption)
      {"run", {"--bogus", "job.jar"}, {}, {"--bogus", "job.jar"}, ""},
      {"run", {"-s"}, {}, {}, "Missing argument for option: s"},
      {"run", {"--py", "x.py"}, {}, {},
       "Ambiguous option: '--py'  (could be: 'python', 'pyFiles', 'pyModule', 'pyRequirements', "
       "'pyArchives', 'pyExecutable', 'pyClientExecutable', 'pyPythonPath')"},
  };
  for (const auto& c : cases) check(c);
}

// Each row as the Java client of Flink 1.20.5 (commons-cli 1.5.0's DefaultParser) parsed it, run
// with -m 127.0.0.1:1 and, for run, a jar whose main prints its arguments; the comment is what
// Java printed.
TEST(OptionParser, AmbiguousAbbreviationsAsJava) {
  const ParseCase cases[] = {
      // Java: Ambiguous option: '-cl'  (could be: 'class', 'classpath', 'claimMode'), exit 1
      {"run", {"-cl", "x", "job.jar"}, {}, {},
       "Ambiguous option: '-cl'  (could be: 'class', 'classpath', 'claimMode')"},
      {"run", {"--cl", "x", "job.jar"}, {}, {},
       "Ambiguous option: '--cl'  (could be: 'class', 'classpath', 'claimMode')"},
      {"run", {"-cl=x", "job.jar"}, {}, {},
       "Ambiguous option: '-cl'  (could be: 'class', 'classpath', 'claimMode')"},
      {"run", {"--cla", "x", "job.jar"}, {}, {},
       "Ambiguous option: '--cla'  (could be: 'class', 'classpath', 'claimMode')"},
      {"run", {"--clas", "x", "job.jar"}, {}, {},
       "Ambiguous option: '--clas'  (could be: 'class', 'classpath')"},
      {"run", {"--p", "2", "job.jar"}, {}, {},
       "Ambiguous option: '--p'  (could be: 'parallelism', 'python', 'pyFiles', 'pyModule', "
       "'pyRequirements', 'pyArchives', 'pyExecutable', 'pyClientExecutable', 'pyPythonPath')"},
      {"savepoint", {"--t", "remote", J}, {}, {},
       "Ambiguous option: '--t'  (could be: 'type', 'target')"},
      // unique abbreviations: Java went on (to connect, or to run the jar)
      {"run", {"--d", "job.jar"}, {{"d", {}}}, {"job.jar"}, ""},
      {"run", {"--s", "x", "job.jar"}, {{"sae", {}}}, {"x", "job.jar"}, ""},  // JAR file does not exist: x
      {"savepoint", {"--d", "x", J}, {{"d", {"x"}}}, {J}, ""},  // Disposing savepoint 'x'.
      {"savepoint", {"-jo", "h:2", J}, {{"m", {"h:2"}}}, {J}, ""},
      {"savepoint", {"-typ", "native", J}, {{"type", {"native"}}}, {J}, ""},
      {"cancel", {"--w", J}, {{"s", {J}}}, {}, ""},  // the optional value swallows the id
      {"stop", {"--s", J}, {{"p", {J}}}, {}, ""},
      {"list", {"--s"}, {{"s", {}}}, {}, ""},
      {"list", {"-sch"}, {{"s", {}}}, {}, ""},
      // a single letter is never an abbreviation
      {"stop", {"-s", J}, {}, {}, "Unrecognized option: -s"},
      {"cancel", {"-w", J}, {}, {}, "Unrecognized option: -w"},
  };
  for (const auto& c : cases) check(c);
}

TEST(OptionParser, ProgramArgumentsAsJava) {
  const ParseCase cases[] = {
      // Java: ARGS [--input] [in] [-q]
      {"run", {"-j", "job.jar", "-a", "--input", "in", "-q"},
       {{"j", {"job.jar"}}, {"a", {"--input", "in", "-q"}}}, {}, ""},
      // Java: ARGS [--input] [in] [-o] [json] [--wait-timeout] [5] [--keepJar]
      {"run", {"-j", "job.jar", "-a", "--input", "in", "-o", "json", "--wait-timeout", "5", "--keepJar"},
       {{"j", {"job.jar"}}, {"a", {"--input", "in", "-o", "json", "--wait-timeout", "5", "--keepJar"}}},
       {}, ""},
      // Java: ARGS [-o] [json]: one of Flink's options ends the values
      {"run", {"-a", "-o", "json", "-j", "job.jar"}, {{"j", {"job.jar"}}, {"a", {"-o", "json"}}}, {}, ""},
      // Java: ARGS [-q] [-o] [json] [--job-name] [x] [--input] ["q"]
      {"run", {"job.jar", "-q", "-o", "json", "--job-name", "x", "--input", "\"q\""}, {},
       {"job.jar", "-q", "-o", "json", "--job-name", "x", "--input", "\"q\""}, ""},
      // Java: ARGS [x]; ARGS [foo] [bar]; ARGS [x] [y] (-d then -a, its values go on)
      {"run", {"-ax", "-j", "job.jar"}, {{"j", {"job.jar"}}, {"a", {"x"}}}, {}, ""},
      {"run", {"-afoo=bar", "-j", "job.jar"}, {{"j", {"job.jar"}}, {"a", {"foo", "bar"}}}, {}, ""},
      {"run", {"-da", "x", "y", "-j", "job.jar"}, {{"d", {}}, {"j", {"job.jar"}}, {"a", {"x", "y"}}}, {}, ""},
      // outside -a's values this client's options are options
      {"run", {"-a", "x", "-j", "job.jar", "-q"}, {{"j", {"job.jar"}}, {"a", {"x"}}, {"q", {}}}, {}, ""},
  };
  for (const auto& c : cases) check(c);
}

TEST(OptionParser, LongNamePrefixFormsAsJava) {
  const ParseCase cases[] = {
      // Java accepted each (ARGS, or went on to connect)
      {"run", {"--fromSav", "/tmp/sp", "job.jar"}, {{"s", {"/tmp/sp"}}}, {"job.jar"}, ""},
      {"run", {"-fromSavepoint", "/tmp/sp", "job.jar"}, {{"s", {"/tmp/sp"}}}, {"job.jar"}, ""},
      {"run", {"-fromSav", "/tmp/sp", "job.jar"}, {{"s", {"/tmp/sp"}}}, {"job.jar"}, ""},
      {"run", {"--fromSavepoint=/tmp/sp", "job.jar"}, {{"s", {"/tmp/sp"}}}, {"job.jar"}, ""},
      {"run", {"-jarfileprintargs.jar"}, {{"j", {"printargs.jar"}}}, {}, ""},
      {"savepoint", {"-jobmanager127.0.0.1:1", J}, {{"m", {"127.0.0.1:1"}}}, {J}, ""},
      {"savepoint", {"-jobmanager", "127.0.0.1:1", J}, {{"m", {"127.0.0.1:1"}}}, {J}, ""},
      {"savepoint", {"-jobman", "127.0.0.1:1", J}, {{"m", {"127.0.0.1:1"}}}, {J}, ""},
      {"savepoint", {"-type=native", J}, {{"type", {"native"}}}, {J}, ""},
      // -D takes two values, key and value: `-D key value` is key=value (Java: "Could not parse
      // value 'abc' for key 'client.timeout'"), and `run -D flag job.jar` has no jar (Java: "Java
      // program should be specified a JAR file."); "-Dflag" alone is flag=true
      {"savepoint", {"-D", "client.timeout", "abc", J}, {{"D", {"client.timeout=abc"}}}, {J}, ""},
      {"run", {"-D", "flag", "job.jar"}, {{"D", {"flag=job.jar"}}}, {}, ""},
      {"run", {"-Dflag", "job.jar"}, {{"D", {"flag"}}}, {"job.jar"}, ""},
      {"savepoint", {"-D", "k"}, {}, {}, "Missing argument for option: D"},
      {"savepoint", {"-D", "k", "-v"}, {}, {}, "Missing argument for option: D"},
  };
  for (const auto& c : cases) check(c);
}

TEST(OptionParser, QuotesStrippedOnlyFromAValueOfItsOwnAsJava) {
  const ParseCase cases[] = {
      // Java: ARGS [x] ["a"b"] ["] [] ["y] [z"] ['w']
      {"run", {"-j", "job.jar", "-a", "\"x\"", "\"a\"b\"", "\"", "\"\"", "\"y", "z\"", "'w'"},
       {{"j", {"job.jar"}}, {"a", {"x", "\"a\"b\"", "\"", "", "\"y", "z\"", "'w'"}}}, {}, ""},
      // Java ran the jar
      {"run", {"-j", "\"printargs.jar\""}, {{"j", {"printargs.jar"}}}, {}, ""},
      {"run", {"-jarfile", "\"printargs.jar\""}, {{"j", {"printargs.jar"}}}, {}, ""},
      // Java: JAR file does not exist: "printargs.jar"
      {"run", {"--jarfile=\"printargs.jar\""}, {{"j", {"\"printargs.jar\""}}}, {}, ""},
      {"run", {"-j\"printargs.jar\""}, {{"j", {"\"printargs.jar\""}}}, {}, ""},
      {"run", {"-j=\"printargs.jar\""}, {{"j", {"\"printargs.jar\""}}}, {}, ""},
      {"run", {"-jarfile=\"printargs.jar\""}, {{"j", {"\"printargs.jar\""}}}, {}, ""},
      {"run", {"\"printargs.jar\""}, {}, {"\"printargs.jar\""}, ""},
      // Java: went on to connect to 127.0.0.1:1
      {"savepoint", {"-m", "\"127.0.0.1:1\"", J}, {{"m", {"127.0.0.1:1"}}}, {J}, ""},
      // Java: The given host:port ('"127.0.0.1:1"') is invalid
      {"savepoint", {"--jobmanager=\"127.0.0.1:1\"", J}, {{"m", {"\"127.0.0.1:1\""}}}, {J}, ""},
      // Java: Could not parse value 'abc' for key 'client.timeout' (stripped), and for
      // -D"client.timeout=abc" went on to connect (the key is "client.timeout, unknown)
      {"savepoint", {"-D", "\"client.timeout=abc\"", J}, {{"D", {"client.timeout=abc"}}}, {J}, ""},
      {"savepoint", {"-D\"client.timeout=abc\"", J}, {{"D", {"\"client.timeout=abc\""}}}, {J}, ""},
      // Java: Cannot parse JobID from ""a48f…"" (a positional keeps its quotes)
      {"savepoint", {"\"" + std::string(J) + "\""}, {}, {"\"" + std::string(J) + "\""}, ""},
  };
  for (const auto& c : cases) check(c);
}

TEST(OptionParser, ValueAccessors) {
  ParsedArgs args = parse_options(options_of("savepoint"), {"-Da=1", "-Db=2", J}, false);
  EXPECT_EQ(args.value("D"), std::optional<std::string>("a=1"));
  EXPECT_EQ(args.value("m"), std::nullopt);
  EXPECT_EQ(args.values("m"), V{});
  ParsedArgs flag = parse_options(options_of("cancel"), {"-s"}, false);
  EXPECT_TRUE(flag.has("s"));
  EXPECT_EQ(flag.value("s"), std::nullopt);
}

}  // namespace
}  // namespace flinkcli
