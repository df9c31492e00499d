#include "flinkcli/core/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace flinkcli {

void run_in_parallel(std::size_t count, std::size_t workers, const std::function<void(std::size_t)>& work,
                     const std::function<void(std::size_t finished)>& on_done) {
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> finished{0};
  std::atomic<bool> failed{false};
  std::mutex failure_mutex;
  std::exception_ptr failure;
  const auto loop = [&](bool caller) {
    while (!failed) {
      const std::size_t at = next.fetch_add(1);
      if (at >= count) return;
      try {
        work(at);
      } catch (...) {
        std::lock_guard<std::mutex> lock(failure_mutex);
        if (!failure) failure = std::current_exception();
        failed = true;
        return;
      }
      const std::size_t done = ++finished;
      if (caller && on_done) on_done(done);
    }
  };
  const std::size_t threads_wanted = std::min(count, std::max<std::size_t>(workers, 1));
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < threads_wanted; ++i) threads.emplace_back(loop, false);
  loop(true);
  for (auto& thread : threads) thread.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace flinkcli
