// What a JobManager (or anything else on the port) may answer: every JSON decoder, and the
// Java trace reduction applied to error texts. Only CliError may come out.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "flinkcli/core/error.hpp"
#include "flinkcli/core/text.hpp"
#include "flinkcli/rest/answers.hpp"
#include "flinkcli/rest/flink_error_text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flinkcli;
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)java_failure(text);
  (void)one_line(text, 200);
  (void)is_valid_utf8(text);
  const nlohmann::json body = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) return 0;
  const std::string what = "GET /fuzz";
  try { (void)decode_request_id(body, what); } catch (const CliError&) {}
  try { (void)decode_operation_status(body, what); } catch (const CliError&) {}
  try { (void)decode_job_list(body, what); } catch (const CliError&) {}
  try { (void)decode_uploaded_jar_id(body, what); } catch (const CliError&) {}
  try { (void)decode_submitted_job(body, what); } catch (const CliError&) {}
  try { (void)decode_job_state(body, what); } catch (const CliError&) {}
  try { (void)decode_job_result(body, what); } catch (const CliError&) {}
  try { (void)decode_restored_checkpoint(body, what); } catch (const CliError&) {}
  try { (void)decode_snapshot_history(body, what); } catch (const CliError&) {}
  try { (void)decode_checkpoints_overview(body, what); } catch (const CliError&) {}
  try { (void)decode_jar_plan(body, what); } catch (const CliError&) {}
  return 0;
}
