#pragma once
// S3 as a snapshot store, over S3Client.
#include <memory>

#include "flinkcli/storage/s3_client.hpp"
#include "flinkcli/storage/snapshot_store.hpp"

namespace flinkcli {

std::unique_ptr<SnapshotStore> make_s3_store(std::unique_ptr<S3Client> client);

}  // namespace flinkcli
