#include "flinkcli/core/interrupt.hpp"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstring>
#include <string_view>

namespace flinkcli {

namespace {

constexpr int k_watched[] = {SIGINT, SIGTERM, SIGHUP};
constexpr int k_watched_count = 3;

volatile std::sig_atomic_t g_first_signal = 0;
struct sigaction g_previous[k_watched_count] {};
bool g_watching = false;

// The last words per watched signal, in two sets: the main thread fills the one the handler
// does not read, then publishes it (a lock-free atomic index is async-signal-safe).
constexpr std::size_t k_max_err = 4096;
constexpr std::size_t k_max_out = 1 << 16;
struct WordsSet {
  char err[k_watched_count][k_max_err];
  std::size_t err_length[k_watched_count];
  char out[k_watched_count][k_max_out];
  std::size_t out_length[k_watched_count];
};
WordsSet g_words[2];
std::atomic<int> g_armed{-1};  // the set in use, -1: disarmed
static_assert(std::atomic<int>::is_always_lock_free);

int watched_index(int signal_number) {
  for (int i = 0; i < k_watched_count; ++i) {
    if (k_watched[i] == signal_number) return i;
  }
  return 0;
}

void write_all(int fd, const char* data, std::size_t length) {
  while (length > 0) {
    const ssize_t written = ::write(fd, data, length);
    if (written <= 0) return;
    data += written;
    length -= static_cast<std::size_t>(written);
  }
}

extern "C" void on_signal(int signal_number) {
  if (g_first_signal == 0) {
    g_first_signal = signal_number;
    return;
  }
  // A second signal: the action is stuck (in a request); end now, saying what goes on.
  const int first = g_first_signal;
  const int armed = g_armed.load();
  const int i = watched_index(first);
  if (armed >= 0) {
    const WordsSet& words = g_words[armed];
    write_all(1, words.out[i], words.out_length[i]);
    write_all(2, words.err[i], words.err_length[i]);
  } else {
    // Nothing armed: no operation was sent yet, or the action has no operation to report.
    static constexpr std::string_view k_unarmed[k_watched_count] = {
        "Interrupted by SIGINT.\n", "Interrupted by SIGTERM.\n", "Interrupted by SIGHUP.\n"};
    write_all(2, k_unarmed[i].data(), k_unarmed[i].size());
  }
  ::_exit(128 + first);
}

void copy_bounded(char* to, std::size_t& length, std::size_t capacity, const std::string& text) {
  length = std::min(text.size(), capacity);
  std::memcpy(to, text.data(), length);
}

}  // namespace

void SignalInterrupt::start_watching() {
  if (g_watching) return;
  g_first_signal = 0;
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  for (int i = 0; i < k_watched_count; ++i) sigaction(k_watched[i], &action, &g_previous[i]);
  g_watching = true;
}

void SignalInterrupt::stop_watching() {
  if (!g_watching) return;
  g_armed.store(-1);
  for (int i = 0; i < k_watched_count; ++i) sigaction(k_watched[i], &g_previous[i], nullptr);
  g_watching = false;
}

bool SignalInterrupt::requested() const { return g_first_signal != 0; }

int SignalInterrupt::signal_number() const { return g_first_signal; }

void SignalInterrupt::set_last_words(const std::function<LastWords(int signal_number)>& words) {
  if (!words) {
    g_armed.store(-1);
    return;
  }
  const int next = g_armed.load() == 0 ? 1 : 0;
  WordsSet& set = g_words[next];
  for (int i = 0; i < k_watched_count; ++i) {
    const LastWords said = words(k_watched[i]);
    copy_bounded(set.err[i], set.err_length[i], k_max_err - 1, said.stderr_line);
    set.err[i][set.err_length[i]++] = '\n';
    copy_bounded(set.out[i], set.out_length[i], k_max_out - 1, said.stdout_text);
    if (set.out_length[i] > 0) set.out[i][set.out_length[i]++] = '\n';
  }
  g_armed.store(next);
}

std::string signal_name(int signal_number) {
  switch (signal_number) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    default: return "signal " + std::to_string(signal_number);
  }
}

}  // namespace flinkcli
