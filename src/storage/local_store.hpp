#pragma once
// The local file system as a snapshot store (what `inspect` has always read).
#include <memory>

#include "flinkcli/storage/snapshot_store.hpp"

namespace flinkcli {

std::unique_ptr<SnapshotStore> make_local_store();

}  // namespace flinkcli
