// Connection admission of `hltwap api`: one client's idle sockets cannot keep other clients out.
// Clients are told apart by their loopback source address (127.0.0.2 is "another machine").
// Idle timeouts are a minute, so a connection can only close because of admission.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/api_test_support.h"

namespace hltwap::testing {
namespace {

constexpr const char* kGreedyClient = "127.0.0.2";

std::vector<std::unique_ptr<RawConnection>> OpenIdle(int port, int count) {
  std::vector<std::unique_ptr<RawConnection>> out;
  for (int i = 0; i < count; ++i) {
    out.push_back(std::make_unique<RawConnection>(port, kGreedyClient));
    EXPECT_TRUE(out.back()->connected()) << i;
  }
  return out;
}

// The value of one unlabelled counter in /metrics, or -1.
long long Counter(int port, const std::string& name) {
  const auto r = HttpGet(port, "/metrics");
  const size_t at = r.body.find("\n" + name + " ");
  if (r.status != 200 || at == std::string::npos) return -1;
  return std::stoll(r.body.substr(at + name.size() + 2));
}

class ApiConnections : public ::testing::Test {
 protected:
  TestDatabase db_;
};

TEST_F(ApiConnections, OneClientIsBoundedAndOthersAreServed) {
  ApiServer server(db_.url(),
                   {{"API_MAX_CONNECTIONS_PER_CLIENT", "8"}, {"API_IDLE_TIMEOUT_MS", "60000"}});
  auto idle = OpenIdle(server.port(), 8);
  // The ninth from the same address is closed at once (the kernel hands connections to the
  // server in the order they were made, so the eight are admitted first).
  RawConnection ninth(server.port(), kGreedyClient);
  ASSERT_TRUE(ninth.connected());
  EXPECT_TRUE(ninth.WaitForClose(std::chrono::seconds(20)));
  // Another client is served, and so is each of the eight.
  for (int i = 0; i < 5; ++i) EXPECT_EQ(HttpGet(server.port(), "/healthz").status, 200);
  ASSERT_TRUE(idle.front()->Send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  const std::string answer = idle.front()->ReadUntilClosed(std::chrono::seconds(20));
  EXPECT_EQ(answer.rfind("HTTP/1.1 200", 0), 0u) << answer.substr(0, 200);
  EXPECT_EQ(Counter(server.port(), "hltwap_http_connections_refused_total"), 1);
}

TEST_F(ApiConnections, AtTheCapAnIdleConnectionMakesRoom) {
  ApiServer server(db_.url(), {{"API_MAX_CONNECTIONS", "16"},
                               {"API_MAX_CONNECTIONS_PER_CLIENT", "0"},
                               {"API_IDLE_TIMEOUT_MS", "60000"}});
  auto idle = OpenIdle(server.port(), 16);
  // Every slot is held by an idle socket; a new client is still served, each time.
  for (int i = 0; i < 5; ++i) {
    const auto r = HttpGet(server.port(), "/healthz");
    EXPECT_EQ(r.status, 200) << r.error;
  }
  EXPECT_GE(Counter(server.port(), "hltwap_http_connections_shed_total"), 1);
  EXPECT_EQ(Counter(server.port(), "hltwap_http_connections_refused_total"), 0);
}

TEST_F(ApiConnections, AThousandSocketsFromOneAddressDoNotLockOthersOut) {
  ApiServer server(db_.url(), {{"API_IDLE_TIMEOUT_MS", "60000"}});
  auto idle = OpenIdle(server.port(), 1000);
  int served = 0;
  for (int i = 0; i < 20; ++i) served += HttpGet(server.port(), "/healthz").status == 200;
  EXPECT_EQ(served, 20);
  // The default bound per client (256) refused the rest.
  EXPECT_EQ(Counter(server.port(), "hltwap_http_connections_refused_total"), 1000 - 256);
}

}  // namespace
}  // namespace hltwap::testing
