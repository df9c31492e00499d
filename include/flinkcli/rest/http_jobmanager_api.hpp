#pragma once
// The JobManagerApi over Flink's REST API (cpp-httplib): the only HTTP code in the client.
#include <memory>

#include "flinkcli/api/jobmanager_api.hpp"

namespace flinkcli {

std::unique_ptr<JobManagerApi> make_http_jobmanager_api(const RestSettings& settings, Clock& clock);

}  // namespace flinkcli
