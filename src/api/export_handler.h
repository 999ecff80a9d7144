// GET /api/v1/export: a wallet's fills or TWAPs in a window as one CSV file (csv, Awaken or
// Koinly), streamed in chunks. The handler does all that can fail before the first byte and
// hands the session a body source; the session writes it (docs/design.md, API contract: exports).
#pragma once

#include "api/export.h"
#include "api/http_types.h"
#include "api/query_params.h"
#include "db/pool.h"

namespace hltwap::api {

// At most slots.max() exports stream at once; beyond that, 503 with Retry-After.
boost::asio::awaitable<Response> HandleExport(PgPool& pool, ExportSlots& slots,
                                              const QueryParams& params);

}  // namespace hltwap::api
