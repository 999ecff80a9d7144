// Request counters, a latency histogram and connection gauges, rendered in the Prometheus text
// exposition format for GET /metrics. Routes are templates ("/api/v1/twaps/{twap_id}"), never
// raw paths, so the number of series stays bounded.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

#include "db/cluster.h"

namespace hltwap::api {

class Metrics {
 public:
  void RecordRequest(std::string_view method, std::string_view route, unsigned status,
                     double seconds);
  void ConnectionOpened();
  void ConnectionClosed();
  void ReadTimedOut();
  // An idle connection closed to make room for a new one.
  void ConnectionShed();
  // A new connection closed at once: its client, or the server, had too many.
  void ConnectionRefused();

  // The whole exposition; `cluster` adds the primary's pool gauges and counters, and queries,
  // rotation and replay lag per database.
  std::string Render(const PgCluster* cluster) const;

  static constexpr std::array<double, 13> kBucketBounds = {
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0};

 private:
  struct Histogram {
    std::array<uint64_t, kBucketBounds.size()> buckets{};  // not cumulative
    uint64_t count = 0;
    double sum = 0;
  };

  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, unsigned>, uint64_t> requests_;
  std::map<std::string, Histogram, std::less<>> latency_;
  std::atomic<int64_t> connections_active_{0};
  std::atomic<uint64_t> connections_total_{0};
  std::atomic<uint64_t> read_timeouts_{0};
  std::atomic<uint64_t> connections_shed_{0};
  std::atomic<uint64_t> connections_refused_{0};
};

}  // namespace hltwap::api
