#include "flinkcli/core/interrupt.hpp"

#include <csignal>

namespace flinkcli {

namespace {
volatile std::sig_atomic_t g_sigint_seen = 0;
struct sigaction g_previous {};
bool g_watching = false;

extern "C" void on_sigint(int) { g_sigint_seen = 1; }
}  // namespace

void SigintInterrupt::start_watching() {
  if (g_watching) return;
  g_sigint_seen = 0;
  struct sigaction action {};
  action.sa_handler = on_sigint;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &g_previous);
  g_watching = true;
}

void SigintInterrupt::stop_watching() {
  if (!g_watching) return;
  sigaction(SIGINT, &g_previous, nullptr);
  g_watching = false;
}

bool SigintInterrupt::requested() const { return g_sigint_seen != 0; }

}  // namespace flinkcli
