// inspect --jar: the decoder of POST /jars/:id/plan (answers captured from Flink 1.20.5 and
// 2.3.0), the comparison on the in-memory fake, and the whole path through the real HTTP client.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fake/fake_jobmanager.hpp"
#include "fake/fake_jobmanager_api.hpp"
#include "fake/sample_savepoint.hpp"
#include "fake/test_support.hpp"
#include "flinkcli/rest/answers.hpp"

namespace flinkcli::testing {
namespace {

using nlohmann::json;

const std::string k_source = "bd9c186e89cc37a76d776844dfa8ccba";  // operator_id_for_uid("source-id")
const std::string k_mapper = "c9cecfed5cae9d489451c50e442666e3";  // operator_id_for_uid("mapper-id")

// The sample job (tests/flink-job), POST /jars/:id/plan with {} and with
// {"programArgsList": ["--without-mapper"], "parallelism": 2}, as the JobManagers answered.
const char* const k_plan_120_full =
    R"({"plan":{"jid":"1bf76e35dddac28de2bc0452e5661669","name":"cli-test-job","type":"STREAMING","nodes":[{"id":"c9cecfed5cae9d489451c50e442666e3","parallelism":1,"operator":"","operator_strategy":"","description":"mapper<br/>+- sink: Writer<br/>","inputs":[{"num":0,"id":"bd9c186e89cc37a76d776844dfa8ccba","ship_strategy":"HASH","exchange":"pipelined_bounded"}],"optimizer_properties":{}},{"id":"bd9c186e89cc37a76d776844dfa8ccba","parallelism":1,"operator":"","operator_strategy":"","description":"Source: source<br/>+- throttle<br/>","optimizer_properties":{}}]}})";
const char* const k_plan_120_without_mapper =
    R"({"plan":{"jid":"3ad80fd2cb0e63e8b0f465b060d4ee95","name":"cli-test-job","type":"STREAMING","nodes":[{"id":"bd9c186e89cc37a76d776844dfa8ccba","parallelism":2,"operator":"","operator_strategy":"","description":"Source: source<br/>+- throttle<br/>   +- sink: Writer<br/>","optimizer_properties":{}}]}})";
const char* const k_plan_230_full =
    R"({"plan":{"jid":"abf8d1a41108c7c91af92698c942ad2e","name":"cli-test-job","type":"STREAMING","nodes":[{"id":"c9cecfed5cae9d489451c50e442666e3","operator":"","parallelism":1,"operator_strategy":"","description":"mapper<br/>+- sink: Writer<br/>","optimizer_properties":{},"inputs":[{"id":"bd9c186e89cc37a76d776844dfa8ccba","num":0,"exchange":"pipelined_bounded","ship_strategy":"HASH"}]},{"id":"bd9c186e89cc37a76d776844dfa8ccba","operator":"","parallelism":1,"operator_strategy":"","description":"Source: source<br/>+- throttle<br/>","optimizer_properties":{}}]}})";
const char* const k_plan_230_without_mapper =
    R"({"plan":{"jid":"67829d717f3c775e1060ed2f8f16f94c","name":"cli-test-job","type":"STREAMING","nodes":[{"id":"bd9c186e89cc37a76d776844dfa8ccba","operator":"","parallelism":2,"operator_strategy":"","description":"Source: source<br/>+- throttle<br/>   +- sink: Writer<br/>","optimizer_properties":{}}]}})";
// 1.20.5 with pipeline.operator-chaining.enabled: false: every operator its own vertex.
const char* const k_plan_120_unchained =
    R"({"plan":{"jid":"779be4e4df14fd50007d0d620732c195","name":"cli-test-job","type":"STREAMING","nodes":[{"id":"b2bc5a6680a755404d35a7edb8fc77f4","parallelism":1,"operator":"","operator_strategy":"","description":"sink: Writer<br/>","inputs":[{"num":0,"id":"c9cecfed5cae9d489451c50e442666e3","ship_strategy":"FORWARD","exchange":"pipelined_bounded"}],"optimizer_properties":{}},{"id":"c9cecfed5cae9d489451c50e442666e3","parallelism":1,"operator":"","operator_strategy":"","description":"mapper<br/>","inputs":[{"num":0,"id":"701f0af75af41f50ad1116e4cee19eea","ship_strategy":"HASH","exchange":"pipelined_bounded"}],"optimizer_properties":{}},{"id":"701f0af75af41f50ad1116e4cee19eea","parallelism":1,"operator":"","operator_strategy":"","description":"throttle<br/>","inputs":[{"num":0,"id":"bd9c186e89cc37a76d776844dfa8ccba","ship_strategy":"FORWARD","exchange":"pipelined_bounded"}],"optimizer_properties":{}},{"id":"bd9c186e89cc37a76d776844dfa8ccba","parallelism":1,"operator":"","operator_strategy":"","description":"Source: source<br/>","optimizer_properties":{}}]}})";


std::string vertices_text(const JobPlan& plan) {
  std::string text;
  for (const auto& vertex : plan.vertices) {
    text += vertex.id + " p" + std::to_string(vertex.parallelism) + " [";
    for (std::size_t i = 0; i < vertex.chain.size(); ++i) text += (i ? "|" : "") + vertex.chain[i];
    text += "] <-";
    for (const auto& input : vertex.inputs) text += " " + input;
    text += ";";
  }
  return text;
}

// --- the decoder --------------------------------------------------------------------------

TEST(JarPlanDecoder, RealAnswers) {
  struct Case {
    const char* version;
    const char* body;
    std::string vertices;
  };
  const std::string full = k_mapper + " p1 [mapper|sink: Writer] <- " + k_source + ";" + k_source +
                           " p1 [Source: source|throttle] <-;";
  const std::string without_mapper = k_source + " p2 [Source: source|throttle|sink: Writer] <-;";
  const Case cases[] = {
      {"1.20.5", k_plan_120_full, full},
      {"1.20.5", k_plan_120_without_mapper, without_mapper},
      {"1.20.5", k_plan_120_unchained,
       "b2bc5a6680a755404d35a7edb8fc77f4 p1 [sink: Writer] <- " + k_mapper + ";" + k_mapper +
           " p1 [mapper] <- 701f0af75af41f50ad1116e4cee19eea;701f0af75af41f50ad1116e4cee19eea p1 [throttle] <- " +
           k_source + ";" + k_source + " p1 [Source: source] <-;"},
      {"2.3.0", k_plan_230_full, full},
      {"2.3.0", k_plan_230_without_mapper, without_mapper},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.version) + " " + c.body);
    const JobPlan plan = decode_jar_plan(json::parse(c.body), "POST /jars/x/plan");
    EXPECT_EQ(plan.name, "cli-test-job");
    EXPECT_EQ(plan.type, "STREAMING");
    EXPECT_EQ(plan.job_id.size(), 32u);
    EXPECT_EQ(vertices_text(plan), c.vertices);
  }
}

TEST(JarPlanDecoder, OlderPlansNameTheVertexInOperator) {
  const JobPlan plan = decode_jar_plan(
      json::parse(R"({"plan":{"jid":"x","name":"j","nodes":[{"id":")" + k_source +
                  R"(","parallelism":4,"operator":"Source: source -> throttle","description":""}]}})"),
      "POST /jars/x/plan");
  EXPECT_EQ(vertices_text(plan), k_source + " p4 [Source: source -> throttle] <-;");
}

TEST(JarPlanDecoder, AnythingElseIsAProtocolError) {
  struct Case {
    const char* body;
    const char* message;
  };
  const Case cases[] = {
      {R"({})", "has no 'plan' field"},
      {R"([])", "has no 'plan' field"},
      {R"({"plan":{}})", "has no 'nodes' field"},
      {R"({"plan":{"nodes":{}}})", "has an unexpected 'nodes'"},
      {R"({"plan":{"nodes":[{}]}})", "has no 'id' field"},
      {R"({"plan":{"nodes":[7]}})", "has no 'id' field"},
      {R"({"plan":{"nodes":[{"id":5}]}})", "has an unexpected 'id'"},
      {R"({"plan":{"nodes":[{"id":"vertex-1"}]}})", "has an invalid vertex id 'vertex-1'"},
      {R"({"plan":{"nodes":[{"id":"bd9c186e89cc37a76d776844dfa8ccba","parallelism":"2"}]}})", "has an unexpected 'parallelism'"},
      {R"({"plan":{"nodes":[{"id":"bd9c186e89cc37a76d776844dfa8ccba","parallelism":2.5}]}})", "has an unexpected 'parallelism'"},
      {R"({"plan":{"nodes":[{"id":"bd9c186e89cc37a76d776844dfa8ccba","parallelism":4294967296}]}})", "has an unexpected 'parallelism'"},
      {R"({"plan":{"nodes":[{"id":"bd9c186e89cc37a76d776844dfa8ccba","inputs":{}}]}})", "has an unexpected 'inputs'"},
      {R"({"plan":{"nodes":[{"id":"bd9c186e89cc37a76d776844dfa8ccba","inputs":[{"num":0}]}]}})", "has no 'id' field"},
      {R"({"plan":{"name":3,"nodes":[]}})", "a field of an unexpected type"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.body);
    try {
      decode_jar_plan(json::parse(c.body), "POST /jars/x/plan");
      ADD_FAILURE() << "decoded";
    } catch (const CliError& error) {
      EXPECT_EQ(error.error_class(), ErrorClass::protocol);
      EXPECT_NE(std::string(error.what()).find(c.message), std::string::npos) << error.what();
      EXPECT_NE(std::string(error.what()).find("POST /jars/x/plan"), std::string::npos) << error.what();
    }
  }
}

// --- inspect --jar on the in-memory fake ----------------------------------------------------

JobPlan plan_of(const char* body) { return decode_jar_plan(json::parse(body), "test"); }

class InspectPlanTest : public ::testing::Test {
 protected:
  std::string savepoint(int version) {
    const std::string dir = "savepoint-a48f8e-f8b2e237b6f8-v" + std::to_string(version);
    scratch.write(dir + "/_metadata", sample_savepoint(version).bytes);
    scratch.write(dir + "/" + k_source_file, std::string(k_source_file_size, 's'));
    scratch.write(dir + "/" + k_mapper_file, std::string(k_mapper_file_size, 'm'));
    return (scratch / dir).string();
  }

  CliRun inspect(std::vector<std::string> args) {
    args.insert(args.begin(), "inspect");
    return run_flink(args, env, cluster.factory(), clock);
  }

  json inspect_json(std::vector<std::string> args, int expected_exit) {
    args.insert(args.begin(), {"-o", "json"});
    const auto result = inspect(args);
    EXPECT_EQ(result.exit_code, expected_exit) << joined(result.out) << joined(result.err);
    EXPECT_EQ(result.out.size(), 1u);
    return result.out.empty() ? json() : json::parse(result.out[0]);
  }

  int count(const std::string& call) const {
    int n = 0;
    for (const auto& line : cluster.calls) n += line.rfind(call, 0) == 0;
    return n;
  }

  TempDir scratch;
  std::string jar = scratch.write("stateful-job.jar", fake_jar_bytes("plan")).string();
  TestEnvironment env;
  FakeCluster cluster;
  FakeClock clock;
};

TEST_F(InspectPlanTest, PlanOfTheSameJobTakesAllState) {
  cluster.plan = plan_of(k_plan_120_full);
  const json doc = inspect_json({savepoint(6), "--jar", jar, "-c", "ci.StatefulJob", "-p", "3", "-D",
                                 "pipeline.max-parallelism=128", "--", "--name", "x"},
                                0);
  EXPECT_EQ(cluster.calls, (std::vector<std::string>{"upload_jar " + cluster.uploaded_name,
                                                     "jar_plan " + cluster.uploaded_jar_id,
                                                     "delete_jar " + cluster.uploaded_jar_id}));
  ASSERT_TRUE(cluster.plan_request);
  EXPECT_EQ(cluster.plan_request->entry_class, "ci.StatefulJob");
  EXPECT_EQ(cluster.plan_request->parallelism, 3);
  EXPECT_EQ(cluster.plan_request->program_args, (std::vector<std::string>{"--name", "x"}));
  EXPECT_EQ(cluster.plan_request->flink_configuration.at("pipeline.max-parallelism"), "128");
  const json& check = doc["plan_check"];
  EXPECT_EQ(check["would_drop_state"], false);
  EXPECT_EQ(check["jar_uploaded"], true);
  EXPECT_EQ(check["jar_deleted"], true);
  EXPECT_EQ(check["program_args"], json({"--name", "x"}));
  ASSERT_EQ(check["operators"].size(), 2u);  // the two operators with state
  for (const auto& op : check["operators"]) {
    EXPECT_EQ(op["verdict"], "head") << op;
    EXPECT_EQ(op["certain"], true) << op;
  }
  ASSERT_EQ(check["vertices"].size(), 2u);
  EXPECT_EQ(check["vertices"][0]["id"], k_mapper);
  EXPECT_EQ(check["vertices"][0]["chain"], json({"mapper", "sink: Writer"}));
  EXPECT_EQ(check["vertices"][0]["has_state"], true);
}

TEST_F(InspectPlanTest, TextNamesVerticesAndVerdicts) {
  cluster.plan = plan_of(k_plan_230_full);
  const auto result = inspect({savepoint(6), "--jar", jar});
  EXPECT_EQ(result.exit_code, 0) << joined(result.err);
  const std::string text = joined(result.out);
  EXPECT_NE(text.find("  " + k_mapper + "  parallelism 1  mapper -> sink: Writer: state in the savepoint (603 bytes)"),
            std::string::npos) << text;
  EXPECT_NE(text.find(k_source + " (uid source-id), 281 bytes: restores: "), std::string::npos) << text;
  EXPECT_NE(text.find("every operator with state maps to the new job: the restore needs no -n"), std::string::npos) << text;
}

TEST_F(InspectPlanTest, ChainHeadMissingFromThePlanIsUncertainWithoutUids) {
  cluster.plan = plan_of(k_plan_120_without_mapper);
  const json doc = inspect_json({savepoint(6), "--jar", jar, "--", "--without-mapper"}, 7);
  EXPECT_EQ(doc["error"]["class"], "restore_mismatch");
  EXPECT_NE(doc["error"]["message"].get<std::string>().find(k_mapper + " (uid mapper-id), not certain"),
            std::string::npos) << doc["error"]["message"];
  const json& ops = doc["plan_check"]["operators"];
  ASSERT_EQ(ops.size(), 2u);
  EXPECT_EQ(ops[0]["verdict"], "head");
  EXPECT_EQ(ops[1]["operator_id"], k_mapper);
  EXPECT_EQ(ops[1]["verdict"], "unknown");
  EXPECT_EQ(ops[1]["certain"], false);
  EXPECT_EQ(count("delete_jar"), 1);  // deleted also when the check fails
  // -n: intended, exit 0.
  cluster.calls.clear();
  const json allowed = inspect_json({savepoint(6), "--jar", jar, "-n", "--", "--without-mapper"}, 0);
  EXPECT_EQ(allowed["plan_check"]["would_drop_state"], true);
  EXPECT_EQ(allowed["plan_check"]["allow_non_restored_state"], true);
}

TEST_F(InspectPlanTest, ChainHeadMissingFromPlanAndUidsIsCertainlyDropped) {
  cluster.plan = plan_of(k_plan_120_without_mapper);
  const auto result = inspect({"-q", savepoint(6), "--jar", jar, "--expect-uids", "source-id,throttle-id,sink-id"});
  EXPECT_EQ(result.exit_code, 7);
  ASSERT_EQ(result.err.size(), 1u) << joined(result.err);
  EXPECT_NE(result.err[0].find("would drop the state of 1 operator(s) its plan has no vertex for: " + k_mapper +
                               " (uid mapper-id). If that is intended"),
            std::string::npos) << result.err[0];
  EXPECT_EQ(count("delete_jar"), 1);
}

TEST_F(InspectPlanTest, ExpectedUidOfAChainedOperatorRestores) {
  cluster.plan = plan_of(k_plan_120_without_mapper);
  const json doc = inspect_json({savepoint(6), "--jar", jar, "--expect-uids", "source-id,mapper-id,sink-id"}, 0);
  const json& check = doc["plan_check"];
  EXPECT_EQ(check["would_drop_state"], false);
  EXPECT_EQ(check["operators"][1]["verdict"], "expected_uid");
  EXPECT_EQ(check["operators"][1]["certain"], false);
  EXPECT_EQ(check["expected_uids_not_heads"], json({"mapper-id", "sink-id"}));
}

// Version 4 stores no uids: the offline check cannot tell a generated id from a dropped one, the
// plan can when the id is a vertex.
TEST_F(InspectPlanTest, PlanConfirmsAnOperatorTheUidsDoNotName) {
  cluster.plan = plan_of(k_plan_120_full);
  const json doc = inspect_json({savepoint(4), "--jar", jar, "--expect-uids", "source-id"}, 0);
  EXPECT_EQ(doc["restore_check"]["would_drop_state"], true);  // offline: mapper's id is nobody's
  EXPECT_EQ(doc["plan_check"]["would_drop_state"], false);    // the plan: it heads a vertex
  EXPECT_EQ(doc["plan_check"]["operators"][1]["verdict"], "head");
  // Not a vertex, not an expected uid, no uid stored: uncertain.
  cluster.plan = plan_of(k_plan_120_without_mapper);
  const json missing = inspect_json({savepoint(4), "--jar", jar, "--expect-uids", "source-id"}, 7);
  EXPECT_EQ(missing["plan_check"]["operators"][1]["verdict"], "unknown");
  EXPECT_EQ(missing["plan_check"]["operators"][1]["certain"], false);
}

// The check uploads a copy of its own, like run; a failed delete of it is one warning naming the
// jar, and the verdict stands.
TEST_F(InspectPlanTest, FailedDeleteOfItsCopyWarnsAndKeepsTheVerdict) {
  cluster.plan = plan_of(k_plan_120_full);
  cluster.fail("delete_jar", ErrorClass::unreachable, "connection reset");
  const auto result = inspect({"-o", "json", savepoint(6), "--jar", jar});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.err, (std::vector<std::string>{"flink: warning: could not delete uploaded jar " +
                                                  cluster.uploaded_jar_id + ": connection reset"}));
  EXPECT_EQ(cluster.calls, (std::vector<std::string>{"upload_jar " + cluster.uploaded_name,
                                                     "jar_plan " + cluster.uploaded_jar_id,
                                                     "delete_jar " + cluster.uploaded_jar_id}));
  ASSERT_EQ(result.out.size(), 1u);
  const json doc = json::parse(result.out[0]);
  EXPECT_EQ(doc["plan_check"]["jar_deleted"], false);
  EXPECT_EQ(doc["plan_check"]["would_drop_state"], false);
}

TEST_F(InspectPlanTest, UploadedJarIsDeletedWhenThePlanFails) {
  cluster.fail("jar_plan", ErrorClass::operation_failed,
               "org.apache.flink.client.program.ProgramInvocationException: The main method caused an error: "
               "unknown argument --bogus.");
  const auto result = inspect({savepoint(6), "--jar", jar, "--", "--bogus"});
  EXPECT_EQ(result.exit_code, 5);
  ASSERT_EQ(result.err.size(), 1u) << joined(result.err);
  EXPECT_EQ(result.err[0].rfind("Could not get the plan of " + jar + " from the JobManager", 0), 0u) << result.err[0];
  EXPECT_NE(result.err[0].find("unknown argument --bogus"), std::string::npos) << result.err[0];
  EXPECT_EQ(count("delete_jar " + cluster.uploaded_jar_id), 1);
}

TEST_F(InspectPlanTest, ArgumentErrorsComeFirst) {
  // A missing jar: before any JobManager call.
  auto result = inspect({savepoint(6), "--jar", (scratch / "none.jar").string()});
  EXPECT_EQ(result.exit_code, 4);
  EXPECT_EQ(cluster.factory_calls, 0);
  // -c, -p and program arguments need --jar.
  for (const std::vector<std::string>& args : {std::vector<std::string>{savepoint(6), "-c", "x.Y"},
                                               std::vector<std::string>{savepoint(6), "-p", "2"},
                                               std::vector<std::string>{savepoint(6), "--", "--without-mapper"}}) {
    result = inspect(args);
    EXPECT_EQ(result.exit_code, 1) << args.back();
  }
  result = inspect({savepoint(6), "--jar", jar, "-p", "zero"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(cluster.factory_calls, 0);
}

// --- through the real HTTP client -----------------------------------------------------------

TEST(InspectPlanHttp, PostsThePlanRequestAndDeletesTheJar) {
  FakeJobManager jm;
  FakeJarStore store(jm);
  store.set_plan_reply(CannedReply::raw(200, k_plan_230_without_mapper));
  TestEnvironment env;
  TempDir scratch;
  const std::string dir = "savepoint-665dcc-0123456789ab";
  scratch.write(dir + "/_metadata", sample_savepoint(6).bytes);
  const std::string jar = scratch.write("stateful-job.jar", fake_jar_bytes("http")).string();
  const auto result = run_flink_http({"inspect", "-m", jm.address(), (scratch / dir).string(), "--jar", jar, "-c",
                                      "ci.StatefulJob", "-p", "2", "-D", "pipeline.name=probe", "--",
                                      "--without-mapper"},
                                     env);
  EXPECT_EQ(result.exit_code, 7) << joined(result.err);
  ASSERT_EQ(result.err.size(), 1u) << joined(result.err);
  EXPECT_NE(result.err[0].find(k_mapper + " (uid mapper-id), not certain"), std::string::npos) << result.err[0];
  const auto lines = jm.request_lines();
  ASSERT_EQ(lines.size(), 3u) << joined(lines);
  EXPECT_EQ(lines[0], "POST /jars/upload");
  const std::string jar_id = std::string(FakeJarStore::k_uuid) + "_" + jm.requests()[0].files.at(0).filename;
  EXPECT_EQ(lines[1], "POST /jars/" + jar_id + "/plan");
  EXPECT_EQ(lines[2], "DELETE /jars/" + jar_id);
  EXPECT_EQ(jm.requests()[1].json(), json::parse(R"({"entryClass":"ci.StatefulJob","programArgsList":["--without-mapper"],
                                                     "parallelism":2,"flinkConfiguration":{"pipeline.name":"probe"}})"));
  EXPECT_TRUE(store.jars().empty());
}

TEST(InspectPlanHttp, FailedPlanStillDeletesTheJar) {
  FakeJobManager jm;
  FakeJarStore store(jm);
  store.set_plan_reply(CannedReply::errors(
      500, {"Internal server error.",
            "<Exception on server side:\norg.apache.flink.client.program.ProgramInvocationException: The main "
            "method caused an error: unknown argument --bogus. Usage: StatefulJob [--without-mapper]\n\tat "
            "org.apache.flink.client.program.PackagedProgram.callMainMethod(PackagedProgram.java:373)\nCaused by: "
            "java.lang.IllegalArgumentException: unknown argument --bogus. Usage: StatefulJob [--without-mapper]\n\tat "
            "ci.StatefulJob.main(StatefulJob.java:95)\n\nEnd of exception on server side>"}));
  TestEnvironment env;
  TempDir scratch;
  scratch.write("sp/_metadata", sample_savepoint(4).bytes);
  const std::string jar = scratch.write("job.jar", fake_jar_bytes("bogus")).string();
  const auto result = run_flink_http({"inspect", "-m", jm.address(), (scratch / "sp").string(), "--jar", jar, "--",
                                      "--bogus"},
                                     env);
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.exit_code, 7);
  ASSERT_EQ(result.err.size(), 1u) << joined(result.err);
  EXPECT_NE(result.err[0].find("unknown argument --bogus"), std::string::npos) << result.err[0];
  EXPECT_EQ(jm.requests_to("DELETE", "/jars/" + std::string(FakeJarStore::k_uuid) + "_" +
                                         jm.requests()[0].files.at(0).filename).size(),
            1u);
  EXPECT_TRUE(store.jars().empty());
}

TEST(InspectPlanHttp, UnreachableJobManagerIsExit3InOneLine) {
  TestEnvironment env;
  TempDir scratch;
  scratch.write("sp/_metadata", sample_savepoint(6).bytes);
  const std::string jar = scratch.write("job.jar", fake_jar_bytes("x")).string();
  const auto result = run_flink_http({"inspect", "-m", "127.0.0.1:" + std::to_string(unused_local_port()),
                                      (scratch / "sp").string(), "--jar", jar},
                                     env);
  EXPECT_EQ(result.exit_code, 3);
  ASSERT_EQ(result.err.size(), 1u) << joined(result.err);
  EXPECT_EQ(result.err[0].rfind("Could not get the plan of " + jar + " from the JobManager", 0), 0u) << result.err[0];
}

}  // namespace
}  // namespace flinkcli::testing
