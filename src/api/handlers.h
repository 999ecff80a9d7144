// One handler per endpoint: parameters in, a complete response out. They hold no state; the
// database is reached through the cluster (primary and standbys), whose waits are all bounded.
// Handlers that use the database are coroutines: waiting on it suspends the request, not the
// thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "api/http_types.h"
#include "api/query_params.h"
#include "common/status.h"
#include "db/cluster.h"

namespace hltwap::api {

// GET /api/v1/twaps
boost::asio::awaitable<Response> HandleListTwaps(PgCluster& cluster, const QueryParams& params);
// GET /api/v1/twaps/{twap_id}
boost::asio::awaitable<Response> HandleGetTwap(PgCluster& cluster, std::string_view twap_id);
// GET /api/v1/twaps/{twap_id}/fills
boost::asio::awaitable<Response> HandleTwapFills(PgCluster& cluster, std::string_view twap_id,
                                                 const QueryParams& params);
// GET /healthz
boost::asio::awaitable<Response> HandleHealth(PgCluster& cluster);

// Shared by the handlers of every endpoint.

// The response to a failed statement of the endpoint `what`: 503 while the database cannot be
// reached, else a 500 that says nothing of its cause (the log line has it, masked).
Response DatabaseFailure(const Status& status, std::string_view what);
// True when `text` holds NUL, which the database cannot hold in text: such a value matches
// nothing.
bool HasNul(std::string_view text);
// `micros` as a timestamp parameter, clamped to the range PostgreSQL and ISO-8601 share.
std::string SqlTimestamp(int64_t micros);

}  // namespace hltwap::api
