#pragma once
// The JobManager's JSON answers decoded into the API's types. Pure functions: anything the
// server sends either decodes or throws a protocol CliError (exit 9) naming the request; never a
// library exception, never a crash (fuzzed in tests/fuzz/).
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "flinkcli/api/jobmanager_api.hpp"

namespace flinkcli {

// `what` names the request in errors, e.g. "GET /jobs/overview".
std::string decode_request_id(const nlohmann::json& body, const std::string& what);
OperationStatus decode_operation_status(const nlohmann::json& body, const std::string& what);
std::vector<JobOverview> decode_job_list(const nlohmann::json& body, const std::string& what);
std::string decode_uploaded_jar_id(const nlohmann::json& body, const std::string& what);
JobId decode_submitted_job(const nlohmann::json& body, const std::string& what);
std::string decode_job_state(const nlohmann::json& body, const std::string& what);
JobResult decode_job_result(const nlohmann::json& body, const std::string& what);
// GET /jobs/:id/checkpoints: its "latest.restored" (null or absent: none).
std::optional<RestoredCheckpoint> decode_restored_checkpoint(const nlohmann::json& body, const std::string& what);
CheckpointsOverview decode_checkpoints_overview(const nlohmann::json& body, const std::string& what);
// The same answer's "history": its completed entries (in progress and failed ones are skipped).
std::vector<SnapshotHistoryEntry> decode_snapshot_history(const nlohmann::json& body, const std::string& what);

// GET /jobs/:id/checkpoints/details/:checkpointId: id, status, kind and, when it has one, the
// checkpoint's external path.
CheckpointDetails decode_checkpoint_details(const nlohmann::json& body, const std::string& what);

// POST /jars/:id/plan: {"plan": {"jid", "name", "type", "nodes": [{"id", "parallelism",
// "description", "inputs": [{"id"}]}]}}. A vertex id that is not 32 hex digits is a protocol error.
JobPlan decode_jar_plan(const nlohmann::json& body, const std::string& what);

}  // namespace flinkcli
