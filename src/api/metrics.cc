#include "api/metrics.h"

#include <fmt/format.h>

#include <iterator>
#include <optional>

namespace hltwap::api {

void Metrics::RecordRequest(std::string_view method, std::string_view route, unsigned status,
                            double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{std::string(route), std::string(method), status}];
  auto it = latency_.find(route);
  if (it == latency_.end()) it = latency_.emplace(std::string(route), Histogram{}).first;
  Histogram& h = it->second;
  for (size_t i = 0; i < kBucketBounds.size(); ++i) {
    if (seconds <= kBucketBounds[i]) {
      ++h.buckets[i];
      break;
    }
  }
  ++h.count;
  h.sum += seconds;
}

void Metrics::ConnectionOpened() {
  ++connections_active_;
  ++connections_total_;
}

void Metrics::ConnectionClosed() {
  --connections_active_;
}

void Metrics::ReadTimedOut() {
  ++read_timeouts_;
}

void Metrics::ConnectionShed() {
  ++connections_shed_;
}

void Metrics::ConnectionRefused() {
  ++connections_refused_;
}

std::string Metrics::Render(const PgCluster* cluster) const {
  std::string out;
  auto header = [&](std::string_view name, std::string_view type, std::string_view help) {
    fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  };
  {
    std::lock_guard lock(mutex_);
    header("hltwap_http_requests_total", "counter",
           "HTTP requests by route template, method and status.");
    for (const auto& [key, count] : requests_) {
      const auto& [route, method, status] = key;
      fmt::format_to(std::back_inserter(out),
                     "hltwap_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
                     route, method, status, count);
    }
    header("hltwap_http_request_duration_seconds", "histogram",
           "Time from a complete request to its response being handed to the socket.");
    for (const auto& [route, h] : latency_) {
      uint64_t cumulative = 0;
      for (size_t i = 0; i < kBucketBounds.size(); ++i) {
        cumulative += h.buckets[i];
        fmt::format_to(std::back_inserter(out),
                       "hltwap_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
                       route, kBucketBounds[i], cumulative);
      }
      fmt::format_to(std::back_inserter(out),
                     "hltwap_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n"
                     "hltwap_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n"
                     "hltwap_http_request_duration_seconds_count{{route=\"{}\"}} {}\n",
                     route, h.count, route, h.sum, route, h.count);
    }
  }
  using Series = std::tuple<std::string_view, std::string_view, std::string_view, int64_t>;
  auto write = [&](const Series& series) {
    const auto& [name, type, help, value] = series;
    header(name, type, help);
    fmt::format_to(std::back_inserter(out), "{} {}\n", name, value);
  };
  auto count = [](const std::atomic<uint64_t>& c) { return static_cast<int64_t>(c.load()); };
  for (const Series& series : {
           Series{"hltwap_http_connections_active", "gauge", "Open client connections.",
                  connections_active_.load()},
           Series{"hltwap_http_connections_total", "counter", "Client connections accepted.",
                  count(connections_total_)},
           Series{"hltwap_http_read_timeouts_total", "counter",
                  "Connections closed because a request did not arrive in time.",
                  count(read_timeouts_)},
           Series{"hltwap_http_connections_shed_total", "counter",
                  "Idle connections closed to make room for new ones.", count(connections_shed_)},
           Series{"hltwap_http_connections_refused_total", "counter",
                  "New connections closed at once: their client or the server had too many.",
                  count(connections_refused_)},
       }) {
    write(series);
  }
  if (cluster == nullptr) return out;
  const PgPoolStats stats = cluster->PrimaryPoolStats();
  const PgPoolStats* pool = &stats;
  auto gauge = [](size_t v) { return static_cast<int64_t>(v); };
  for (const Series& series : {
           Series{"hltwap_db_pool_size", "gauge", "Most database connections the pool opens.",
                  gauge(pool->max_size)},
           Series{"hltwap_db_pool_open", "gauge", "Database connections open (idle or in use).",
                  gauge(pool->open)},
           Series{"hltwap_db_pool_in_use", "gauge", "Database connections in use by requests.",
                  gauge(pool->in_use)},
           Series{"hltwap_db_pool_waits_total", "counter",
                  "Requests that waited for a free database connection.",
                  static_cast<int64_t>(pool->waits)},
           Series{"hltwap_db_pool_wait_timeouts_total", "counter",
                  "Requests that gave up waiting for a database connection (answered 503).",
                  static_cast<int64_t>(pool->wait_timeouts)},
           Series{"hltwap_db_pool_connects_total", "counter", "Database connections made.",
                  static_cast<int64_t>(pool->connects)},
           Series{"hltwap_db_pool_connect_failures_total", "counter", "Failed attempts to connect.",
                  static_cast<int64_t>(pool->connect_failures)},
           Series{"hltwap_db_pool_discarded_total", "counter",
                  "Broken database connections thrown away.",
                  static_cast<int64_t>(pool->discarded)},
       }) {
    write(series);
  }
  const auto targets = cluster->States();
  // One series per database; `value` gives nullopt to leave a database out.
  auto per_target = [&](std::string_view name, std::string_view type, std::string_view help,
                        auto value) {
    header(name, type, help);
    for (const DbTargetState& t : targets) {
      if (const auto v = value(t)) {
        fmt::format_to(std::back_inserter(out), "{}{{target=\"{}\"}} {}\n", name, t.name, *v);
      }
    }
  };
  per_target("hltwap_db_queries_total", "counter", "Statements run, by database.",
             [](const DbTargetState& t) { return std::optional(t.queries); });
  per_target("hltwap_db_query_failures_total", "counter",
             "Statements that failed, by database (a read that fails on a standby is retried on "
             "the primary).",
             [](const DbTargetState& t) { return std::optional(t.failures); });
  per_target("hltwap_db_in_rotation", "gauge", "1 while a standby serves reads (the primary: 1).",
             [](const DbTargetState& t) { return std::optional(t.in_rotation ? 1 : 0); });
  per_target("hltwap_db_replay_lag_seconds", "gauge",
             "How far a standby's replay trails its primary, at its last health check.",
             [](const DbTargetState& t) { return t.lag_seconds; });
  return out;
}

}  // namespace hltwap::api
