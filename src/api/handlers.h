// One handler per endpoint: parameters in, a complete response out. They hold no state; the
// database is reached through the cluster (primary and standbys), whose waits are all bounded.
#pragma once

#include <string_view>

#include "api/http_types.h"
#include "api/query_params.h"
#include "common/status.h"
#include "db/cluster.h"

namespace hltwap::api {

// 503 while the database cannot be reached (or no connection is free in time); any other
// failure is a 500 that says nothing about its cause (the log line has it, masked). `what`
// names the endpoint in the log.
Response DatabaseFailure(const Status& status, std::string_view what);

// GET /api/v1/twaps
Response HandleListTwaps(PgCluster& cluster, const QueryParams& params);
// GET /api/v1/twaps/{twap_id}
Response HandleGetTwap(PgCluster& cluster, std::string_view twap_id);
// GET /api/v1/twaps/{twap_id}/fills
Response HandleTwapFills(PgCluster& cluster, std::string_view twap_id, const QueryParams& params);
// GET /healthz
Response HandleHealth(PgCluster& cluster);

}  // namespace hltwap::api
