// The decoder of Flink's leader information (a znode's bytes from ZooKeeper) on any bytes: it
// must never crash, hang or read out of bounds, and a leader it returns has a host and a port.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "flinkcli/ha/leader_source.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flinkcli;
  const DecodedLeader decoded =
      decode_leader_information(std::string_view(reinterpret_cast<const char*>(data), size));
  if (decoded.kind == DecodedLeader::Kind::leader &&
      (decoded.leader.host.empty() || decoded.leader.port < 1 || decoded.leader.port > 65535)) {
    std::abort();
  }
  if (decoded.kind == DecodedLeader::Kind::malformed && decoded.error.empty()) std::abort();
  return 0;
}
