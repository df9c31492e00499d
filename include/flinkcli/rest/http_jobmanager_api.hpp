#pragma once
// The JobManagerApi over Flink's REST API, on the http layer's HttpConnection.
#include <memory>

#include "flinkcli/api/jobmanager_api.hpp"

namespace flinkcli {

std::unique_ptr<JobManagerApi> make_http_jobmanager_api(const RestSettings& settings, Clock& clock);

}  // namespace flinkcli
