#include "flinkcli/core/console.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace flinkcli {

namespace {

// The whole text or an errno; retries short writes and EINTR.
int write_all(int fd, std::string_view buffer) {
  std::size_t written = 0;
  while (written < buffer.size()) {
    const ssize_t n = ::write(fd, buffer.data() + written, buffer.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    written += static_cast<std::size_t>(n);
  }
  return 0;
}

int write_line(int fd, std::string_view line) {
  std::string buffer(line);
  buffer += '\n';
  return write_all(fd, buffer);
}

}  // namespace

void FdConsole::out(std::string_view line) {
  if (m_out_closed) return;
  const int error = write_line(m_out_fd, line);
  if (error == 0) return;
  m_out_closed = true;
  if (error != EPIPE) m_out_failure = std::strerror(error);
}

void FdConsole::out_partial(std::string_view text) {
  if (m_out_closed) return;
  const int error = write_all(m_out_fd, text);
  if (error == 0) return;
  m_out_closed = true;
  if (error != EPIPE) m_out_failure = std::strerror(error);
}

void FdConsole::err_partial(std::string_view text) { (void)write_all(m_err_fd, text); }

void FdConsole::err(std::string_view line) {
  (void)write_line(m_err_fd, line);  // nowhere left to report a failure to write an error
}

}  // namespace flinkcli
