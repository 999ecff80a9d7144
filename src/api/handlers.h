// One handler per endpoint: parameters in, a complete response out. They hold no state; the
// database is reached through the pool, whose waits are all bounded.
#pragma once

#include <string_view>

#include "api/http_types.h"
#include "api/query_params.h"
#include "db/pool.h"

namespace hltwap::api {

// GET /api/v1/twaps
Response HandleListTwaps(PgPool& pool, const QueryParams& params);
// GET /api/v1/twaps/{twap_id}
Response HandleGetTwap(PgPool& pool, std::string_view twap_id);
// GET /api/v1/twaps/{twap_id}/fills
Response HandleTwapFills(PgPool& pool, std::string_view twap_id, const QueryParams& params);
// GET /healthz
Response HandleHealth(PgPool& pool);

}  // namespace hltwap::api
