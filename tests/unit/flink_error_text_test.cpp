// Reading Flink's failures: real stack traces recorded from Flink 1.20.5 and 2.3.0 -> one line and a class.
// Also the small parsers next to it: FLINK_REST_CLIENT_HEADERS and job ids.
#include <gtest/gtest.h>

#include "flinkcli/core/error.hpp"
#include "flinkcli/rest/flink_error_text.hpp"
#include "flinkcli/core/job_id.hpp"
#include "flinkcli/api/jobmanager_api.hpp"

namespace flinkcli {
namespace {

// `flink savepoint 00000000000000000000000000000000` on Flink 2.3.0, the failure-cause trace.
const std::string k_unknown_job_trace =
    "java.util.concurrent.CompletionException: "
    "org.apache.flink.runtime.messages.FlinkJobNotFoundException: Could not find Flink job "
    "(00000000000000000000000000000000)\n"
    "\tat java.base/java.util.concurrent.CompletableFuture.encodeThrowable(CompletableFuture.java:332)\n"
    "\tat java.base/java.util.concurrent.CompletableFuture.uniComposeStage(CompletableFuture.java:1177)\n"
    "\tat java.base/java.util.concurrent.CompletableFuture.thenCompose(CompletableFuture.java:2309)\n"
    "\tat org.apache.flink.runtime.dispatcher.DispatcherCachedOperationsHandler.triggerSavepoint(DispatcherCachedOperationsHandler.java:109)\n"
    "Caused by: org.apache.flink.runtime.messages.FlinkJobNotFoundException: Could not find Flink "
    "job (00000000000000000000000000000000)\n"
    "\tat org.apache.flink.runtime.dispatcher.Dispatcher.lambda$requestJobStatus$21(Dispatcher.java:1012)\n"
    "\t... 42 more\n";

// `flink savepoint -d file:///data/no-such-savepoint` on Flink 2.3.0.
const std::string k_dispose_trace =
    "org.apache.flink.util.FlinkException: Could not dispose savepoint file:///data/no-such-savepoint.\n"
    "\tat org.apache.flink.runtime.dispatcher.Dispatcher.lambda$disposeSavepoint$29(Dispatcher.java:1523)\n"
    "\tat java.base/java.util.concurrent.CompletableFuture$AsyncSupply.run(CompletableFuture.java:1768)\n"
    "Caused by: java.io.FileNotFoundException: Cannot find checkpoint or savepoint file/directory "
    "'file:///data/no-such-savepoint' on file system 'file'.\n"
    "\tat org.apache.flink.runtime.state.filesystem.AbstractFsCheckpointStorageAccess.resolveCheckpointPointer(AbstractFsCheckpointStorageAccess.java:290)\n"
    "\t... 5 more\n";

// `run -s` without -n, counter removed: POST /jars/:id/run -> 400 on Flink 1.20.5.
const std::string k_restore_trace =
    "org.apache.flink.runtime.rest.handler.RestHandlerException: Could not execute application.\n"
    "\tat org.apache.flink.runtime.webmonitor.handlers.JarRunHandler.lambda$handleRequest$1(JarRunHandler.java:114)\n"
    "Caused by: java.util.concurrent.CompletionException: org.apache.flink.util.FlinkRuntimeException: Could not execute application.\n"
    "Caused by: org.apache.flink.util.FlinkRuntimeException: Could not execute application.\n"
    "Caused by: org.apache.flink.client.program.ProgramInvocationException: The main method caused an error: Failed to execute job 'jar-run-4'.\n"
    "Caused by: org.apache.flink.util.FlinkException: Failed to execute job 'jar-run-4'.\n"
    "Caused by: java.lang.RuntimeException: org.apache.flink.runtime.client.JobInitializationException: Could not start the JobMaster.\n"
    "Caused by: org.apache.flink.runtime.client.JobInitializationException: Could not start the JobMaster.\n"
    "Caused by: java.util.concurrent.CompletionException: java.lang.IllegalStateException: Failed to "
    "rollback to checkpoint/savepoint file:/data/jar-sp/savepoint-665dcc-78ad2460d177. Cannot map "
    "checkpoint/savepoint state for operator 669e744bc7ecccbc3f0b13f20411860b to the new program, "
    "because the operator is not available in the new program. If you want to allow to skip this, "
    "you can set the --allowNonRestoredState option on the CLI.\n"
    "\tat java.base/java.util.concurrent.CompletableFuture.encodeThrowable(CompletableFuture.java:315)\n"
    "Caused by: java.lang.IllegalStateException: Failed to rollback to checkpoint/savepoint "
    "file:/data/jar-sp/savepoint-665dcc-78ad2460d177. Cannot map checkpoint/savepoint state for "
    "operator 669e744bc7ecccbc3f0b13f20411860b to the new program, because the operator is not "
    "available in the new program. If you want to allow to skip this, you can set the "
    "--allowNonRestoredState option on the CLI.\n"
    "\tat org.apache.flink.runtime.checkpoint.Checkpoints.throwNonRestoredStateException(Checkpoints.java:245)\n";

// `flink cancel 00000000000000000000000000000000`: the 404's errors[0] on Flink 2.3.0.
const std::string k_cancel_404 =
    "org.apache.flink.runtime.rest.handler.RestHandlerException: Job could not be found.\n"
    "\tat org.apache.flink.runtime.rest.handler.job.JobCancellationHandler.lambda$handleRequest$0(JobCancellationHandler.java:128)\n"
    "\tat java.base/java.util.concurrent.CompletableFuture.uniHandle(CompletableFuture.java:934)\n";

TEST(FlinkErrorText, RootCauseOfRecordedTraces) {
  struct Case {
    std::string name;
    std::string trace;
    std::string root_cause;
    ErrorClass error_class;
  };
  const Case cases[] = {
      {"unknown job", k_unknown_job_trace, "Could not find Flink job (00000000000000000000000000000000)",
       ErrorClass::not_found},
      {"dispose of a nonexistent path", k_dispose_trace,
       "Cannot find checkpoint or savepoint file/directory 'file:///data/no-such-savepoint' on file "
       "system 'file'.",
       ErrorClass::not_found},
      {"restore mismatch", k_restore_trace,
       "Failed to rollback to checkpoint/savepoint file:/data/jar-sp/savepoint-665dcc-78ad2460d177. "
       "Cannot map checkpoint/savepoint state for operator 669e744bc7ecccbc3f0b13f20411860b to the "
       "new program, because the operator is not available in the new program. If you want to "
       "allow to skip this, you can set the --allowNonRestoredState option on the CLI.",
       ErrorClass::restore_mismatch},
      {"cancel of an unknown job", k_cancel_404, "Job could not be found.", ErrorClass::not_found},
      {"no savepoint directory",
       "java.util.concurrent.CompletionException: java.lang.IllegalStateException: No savepoint "
       "directory configured. You can either specify a directory while cancelling via -s "
       ":targetDirectory or configure a cluster-wide default via key "
       "'execution.checkpointing.savepoint-dir'.\n\tat a.B.c(B.java:1)\n",
       "No savepoint directory configured. You can either specify a directory while cancelling via "
       "-s :targetDirectory or configure a cluster-wide default via key "
       "'execution.checkpointing.savepoint-dir'.",
       ErrorClass::operation_failed},
      {"message-less exception", "org.apache.flink.util.FlinkException: x\nCaused by: java.util.concurrent.TimeoutException\n",
       "x (TimeoutException: timed out)", ErrorClass::operation_failed},
      {"inner class names", "org.apache.flink.util.concurrent.FutureUtils$RetryException: Could not "
       "complete the operation. Number of retries has been exhausted.\nCaused by: "
       "org.apache.flink.shaded.netty4.io.netty.channel.AbstractChannel$AnnotatedConnectException: "
       "Connection refused: /127.0.0.1:1\n",
       "Connection refused: /127.0.0.1:1", ErrorClass::operation_failed},
      {"Windows line ends", "java.lang.IllegalStateException: first\r\n\tat a.B.c(B.java:1)\r\n"
       "Caused by: java.lang.IllegalArgumentException: second\r\n",
       "second", ErrorClass::operation_failed},
      {"plain text", "Request did not match expected format SavepointTriggerRequestBody.",
       "Request did not match expected format SavepointTriggerRequestBody.", ErrorClass::operation_failed},
      {"REST NotFoundException", "org.apache.flink.runtime.rest.NotFoundException: Operation not found under key: x",
       "Operation not found under key: x", ErrorClass::not_found},
      {"a missing entry class is not a missing job",
       "org.apache.flink.client.program.ProgramInvocationException: The program's entry point class "
       "'com.example.Missing' was not found in the jar file.\nCaused by: "
       "java.lang.ClassNotFoundException: com.example.Missing\n",
       "ClassNotFoundException: com.example.Missing", ErrorClass::operation_failed},
      {"empty", "", "unknown error", ErrorClass::operation_failed},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(root_cause_message(c.trace), c.root_cause);
    EXPECT_EQ(classify_java_failure(c.trace), c.error_class);
  }
}

// Root causes that used to come out as a line saying nothing: a bare class name, Flink's
// "<Exception on server side:" marker, a message cut at its first line break, a huge message
// without the exception that threw it.
TEST(FlinkErrorText, RootCauseAlwaysSaysWhatWentWrong) {
  const std::string huge(100 * 1024, 'x');
  struct Case {
    std::string name;
    std::string trace;
    std::string root_cause;
  };
  const Case cases[] = {
      {"bare EOFException under a wrapper",
       "org.apache.flink.util.FlinkException: Could not read the savepoint metadata.\n\tat a.B.c(B.java:1)\n"
       "Caused by: java.util.concurrent.CompletionException: java.io.EOFException\n\tat a.B.c(B.java:2)\n"
       "Caused by: java.io.EOFException\n\tat java.io.DataInputStream.readFully(DataInputStream.java:203)\n",
       "Could not read the savepoint metadata. (EOFException: the data ended before it was complete)"},
      {"bare EOFException alone", "java.io.EOFException\n\tat a.B.c(B.java:1)\n",
       "EOFException: the data ended before it was complete"},
      {"bare unknown exception alone", "org.example.WeirdException\n", "WeirdException"},
      {"server-side trace without a cause (Flink's REST errors, joined)",
       "Internal server error.\nCaused by: <Exception on server side:\norg.apache.flink.runtime.rest.handler."
       "RestHandlerException: Jar file /tmp/flink-web-upload/x.jar does not exist\n\tat a.B.c(B.java:181)\n\n"
       "End of exception on server side>",
       "Jar file /tmp/flink-web-upload/x.jar does not exist"},
      {"server-side trace with a cause",
       "Internal server error.\nCaused by: <Exception on server side:\norg.x.FooException: outer\n\tat a.B.c(B.java:1)\n"
       "Caused by: java.lang.IllegalArgumentException: unknown argument --bogus\n\tat a.B.c(B.java:2)\n\n"
       "End of exception on server side>",
       "unknown argument --bogus"},
      {"message over several lines",
       "org.x.FooException: outer\nCaused by: java.lang.IllegalStateException: The job graph has 3 operators\n"
       "without uids; set them with .uid().\n\tat a.B.c(B.java:1)\n",
       "The job graph has 3 operators without uids; set them with .uid()."},
      {"first line's message over several lines",
       "java.lang.IllegalArgumentException: first part\nsecond part\r\n\tat a.B.c(B.java:1)\n", "first part second part"},
      {"a suppressed exception's lines are frames",
       "java.lang.RuntimeException: main failure\n\tat a.B.c(B.java:1)\n\tSuppressed: java.io.IOException: close\n"
       "\t\tat a.B.d(B.java:2)\n",
       "main failure"},
      {"a one-word sentence needs no class", "org.apache.flink.util.FlinkException: declined\n", "declined"},
      {"a value does", "java.lang.IllegalArgumentException: /tmp/x.jar\n", "IllegalArgumentException: /tmp/x.jar"},
      {"100 KB message keeps its class",
       "org.x.FooException: wrapper\nCaused by: java.lang.IllegalStateException: " + huge + "\n\tat a.B.c(B.java:1)\n",
       ""},  // checked below
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string line = root_cause_message(c.trace);
    EXPECT_EQ(line.find('\n'), std::string::npos);
    EXPECT_LE(line.size(), 1000u);
    if (!c.root_cause.empty()) {
      EXPECT_EQ(line, c.root_cause);
    }
  }
  const std::string huge_line =
      root_cause_message("org.x.FooException: wrapper\nCaused by: java.lang.IllegalStateException: " + huge + "\n");
  EXPECT_EQ(huge_line.rfind("IllegalStateException: xxx", 0), 0u) << huge_line;
  EXPECT_LE(huge_line.size(), 1000u);
  EXPECT_GT(huge_line.size(), 900u);
  EXPECT_EQ(huge_line.substr(huge_line.size() - 3), "\xE2\x80\xA6");
  // The same text over many lines: one bounded line too.
  std::string many_lines = "java.lang.IllegalStateException: ";
  for (int i = 0; i < 5000; ++i) many_lines += "line " + std::to_string(i) + " of a long message\n";
  const std::string joined = root_cause_message(many_lines);
  EXPECT_EQ(joined.rfind("IllegalStateException: line 0 of a long message line 1 ", 0), 0u) << joined;
  EXPECT_LE(joined.size(), 1000u);
}

TEST(FlinkErrorText, CauseChainKeepsMessagesAndDropsFrames) {
  EXPECT_EQ(cause_chain(k_dispose_trace),
            "org.apache.flink.util.FlinkException: Could not dispose savepoint "
            "file:///data/no-such-savepoint.\n"
            "Caused by: java.io.FileNotFoundException: Cannot find checkpoint or savepoint "
            "file/directory 'file:///data/no-such-savepoint' on file system 'file'.");
  EXPECT_EQ(cause_chain(k_cancel_404),
            "org.apache.flink.runtime.rest.handler.RestHandlerException: Job could not be found.");
  EXPECT_EQ(cause_chain(""), "");
  const std::string chain = cause_chain(k_restore_trace);
  EXPECT_EQ(chain.find("\tat "), std::string::npos);
  EXPECT_EQ(std::count(chain.begin(), chain.end(), '\n'), 8);
}

TEST(RestHeaders, NewlineSeparatedSplitAtTheFirstColon) {
  using Headers = std::vector<std::pair<std::string, std::string>>;
  struct Case {
    std::string text;
    Headers headers;
  };
  const Case cases[] = {
      {"Cookie:authCookie=12:345\nCustomHeader:value1,value2",
       {{"Cookie", "authCookie=12:345"}, {"CustomHeader", "value1,value2"}}},
      {"Authorization:Bearer abc", {{"Authorization", "Bearer abc"}}},
      {"A:1\nno colon here\nB:2\n", {{"A", "1"}, {"B", "2"}}},
      {"Empty:", {{"Empty", ""}}},
      {":no name", {}},
      {"", {}},
      {"\n\n", {}},
      {"X-Trace:a,b,c:d", {{"X-Trace", "a,b,c:d"}}},
      {"A:1\r\nB:2\r\n", {{"A", "1"}, {"B", "2"}}},  // a file saved with CRLF
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(parse_rest_headers(c.text), c.headers);
  }
}

TEST(JobIds, ThirtyTwoHexDigitsKeptLowerCase) {
  EXPECT_EQ(JobId::parse("a48f8e8b712ac1616c58c37184d4a569").str(), "a48f8e8b712ac1616c58c37184d4a569");
  EXPECT_EQ(JobId::parse("A48F8E8B712AC1616C58C37184D4A569").str(), "a48f8e8b712ac1616c58c37184d4a569");
  for (const char* bad : {"", "not-a-job-id", "a48f8e8b712ac1616c58c37184d4a56", "a48f8e8b712ac1616c58c37184d4a5690",
                          "g48f8e8b712ac1616c58c37184d4a569", " a48f8e8b712ac1616c58c37184d4a569"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(is_hex_id(bad));
    try {
      JobId::parse(bad);
      ADD_FAILURE() << "accepted";
    } catch (const CliError& error) {
      EXPECT_EQ(error.error_class(), ErrorClass::usage);
      EXPECT_EQ(std::string(error.what()),
                std::string("Cannot parse JobID from \"") + bad +
                    "\". The expected format is [0-9a-fA-F]{32}, e.g. fd72014d4c864993a2e5a9287b4a9c5d.");
    }
  }
}

TEST(Errors, ContextKeepsClassAndDetail) {
  const CliError error(ErrorClass::not_found, "Could not find Flink job (x)", "chain");
  const CliError wrapped = error.with_context("Failed to trigger a savepoint for the job x");
  EXPECT_EQ(std::string(wrapped.what()), "Failed to trigger a savepoint for the job x: Could not find Flink job (x)");
  EXPECT_EQ(wrapped.error_class(), ErrorClass::not_found);
  EXPECT_EQ(wrapped.detail(), "chain");
  EXPECT_STREQ(error_class_name(ErrorClass::restore_mismatch), "restore_mismatch");
}

}  // namespace
}  // namespace flinkcli
