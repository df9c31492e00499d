// Reaching the JobManager within the action's deadline: each attempt's timeouts come from the time
// left, a name lookup that does not finish is given up, and the diagnosis of a failed connect
// spends its budget, not 2 s per address.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <mutex>

#include "flinkcli/core/error.hpp"
#include "flinkcli/http/bounded_connect.hpp"

namespace flinkcli::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(AttemptTimeouts, FollowTheTimeLeft) {
  struct Case {
    std::string name;
    std::optional<milliseconds> left;
    milliseconds request_timeout;
    AttemptTimeouts expected;
  };
  const Case cases[] = {
      {"no deadline: 5 s to connect, client.timeout to answer", std::nullopt, seconds(60), {seconds(5), seconds(60), seconds(2)}},
      {"plenty left", seconds(50), seconds(60), {seconds(5), seconds(50), seconds(2)}},
      {"less than 5 s left: the connect gets only that", milliseconds(1200), seconds(60),
       {milliseconds(1200), milliseconds(1200), milliseconds(1200)}},
      {"past the deadline: a little, so the call fails naming its request", milliseconds(0), seconds(60),
       {milliseconds(100), milliseconds(100), milliseconds(10)}},
      {"client.timeout below 5 s bounds the connect", seconds(50), seconds(2), {seconds(2), seconds(2), seconds(2)}},
      {"client.timeout below the minimum", seconds(50), milliseconds(30), {milliseconds(30), milliseconds(30), seconds(2)}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const AttemptTimeouts timeouts = attempt_timeouts(c.left, c.request_timeout);
    EXPECT_EQ(timeouts.connect, c.expected.connect);
    EXPECT_EQ(timeouts.answer, c.expected.answer);
    EXPECT_EQ(timeouts.diagnosis, c.expected.diagnosis);
  }
}

TEST(ResolveWithin, AnAddressNeedsNoLookup) {
  const Resolver never = [](const std::string&, int) -> Resolution {
    ADD_FAILURE() << "an address was looked up";
    return {};
  };
  EXPECT_EQ(resolve_within("127.0.0.1", 8081, milliseconds(0), never), (std::vector<std::string>{"127.0.0.1"}));
  EXPECT_EQ(resolve_within("::1", 8081, milliseconds(0), never), (std::vector<std::string>{"::1"}));
}

TEST(ResolveWithin, ALookupThatDoesNotFinishIsGivenUp) {
  // The resolver blocks until released after the test: it holds its inputs by value.
  auto gate = std::make_shared<std::pair<std::mutex, std::condition_variable>>();
  auto released = std::make_shared<bool>(false);
  const Resolver stuck = [gate, released](const std::string&, int) {
    std::unique_lock<std::mutex> lock(gate->first);
    gate->second.wait(lock, [&] { return *released; });
    return Resolution{{"127.0.0.1"}, ""};
  };
  try {
    resolve_within("jm.example", 8081, milliseconds(20), stuck);
    ADD_FAILURE() << "no error";
  } catch (const CliError& error) {
    EXPECT_EQ(error.error_class(), ErrorClass::unreachable);
    EXPECT_EQ(std::string(error.what()).rfind("Resolving the JobManager host 'jm.example' did not finish within 20 ms", 0), 0u)
        << error.what();
  }
  {
    std::lock_guard<std::mutex> lock(gate->first);
    *released = true;
  }
  gate->second.notify_all();
}

TEST(ResolveWithin, TheResolversAnswers) {
  const Resolver two = [](const std::string&, int) { return Resolution{{"::1", "127.0.0.1"}, ""}; };
  EXPECT_EQ(resolve_within("localhost", 8081, seconds(5), two), (std::vector<std::string>{"::1", "127.0.0.1"}));
  const Resolver unknown = [](const std::string&, int) { return Resolution{{}, "Name or service not known"}; };
  try {
    resolve_within("nowhere", 8081, seconds(5), unknown);
    ADD_FAILURE() << "no error";
  } catch (const CliError& error) {
    EXPECT_EQ(error.error_class(), ErrorClass::unreachable);
    EXPECT_EQ(std::string(error.what()).rfind("Cannot resolve the JobManager host 'nowhere': Name or service not known.", 0),
              0u)
        << error.what();
  }
}

// A port that refuses: a socket bound on loopback and never listened on.
int refusing_port(int& fd) {
  fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), length), 0);
  EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  return ntohs(address.sin_port);
}

TEST(DescribeConnectFailure, NamesTheCauseWithoutALookup) {
  int fd = -1;
  const int port = refusing_port(fd);
  EXPECT_EQ(describe_connect_failure({"127.0.0.1"}, port, milliseconds(500)), "Connection refused");
  // a budget spent already: still an answer, no wait
  const std::string spent = describe_connect_failure({"127.0.0.1", "127.0.0.1"}, port, milliseconds(0));
  EXPECT_FALSE(spent.empty());
  ::close(fd);
}

}  // namespace
}  // namespace flinkcli::testing
