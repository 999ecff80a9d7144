// One handler per endpoint: parameters in, a complete response out. They hold no state; the
// database is reached through the cluster (primary and standbys), whose waits are all bounded.
#pragma once

#include <string_view>

#include "api/http_types.h"
#include "api/query_params.h"
#include "db/cluster.h"

namespace hltwap::api {

// GET /api/v1/twaps
Response HandleListTwaps(PgCluster& cluster, const QueryParams& params);
// GET /api/v1/twaps/{twap_id}
Response HandleGetTwap(PgCluster& cluster, std::string_view twap_id);
// GET /api/v1/twaps/{twap_id}/fills
Response HandleTwapFills(PgCluster& cluster, std::string_view twap_id, const QueryParams& params);
// GET /healthz
Response HandleHealth(PgCluster& cluster);

}  // namespace hltwap::api
