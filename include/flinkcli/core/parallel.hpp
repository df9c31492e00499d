#pragma once
// Work items run on a few threads, the caller's among them: the one way this client does requests
// or reads concurrently (S3 lookups, `_metadata` reads, listings after a prune).
#include <cstddef>
#include <functional>

namespace flinkcli {

// Calls `work(i)` for every i in [0, count) on at most `workers` threads (the calling thread is
// one of them). After the first exception no new item starts; it is rethrown once all threads
// have stopped. `on_done(finished)` is called on the calling thread after each item it ran, with
// the number finished by all threads so far (progress lines).
void run_in_parallel(std::size_t count, std::size_t workers, const std::function<void(std::size_t)>& work,
                     const std::function<void(std::size_t finished)>& on_done = {});

}  // namespace flinkcli
