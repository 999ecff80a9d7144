// GET /api/v1/wallets/{wallet}/summary: a wallet's TWAPs and fills in a window, in totals.
#pragma once

#include <string_view>

#include "api/http_types.h"
#include "api/query_params.h"
#include "db/cluster.h"

namespace hltwap::api {

// `wallet` is the path segment as sent (decoded); it is normalised as the list endpoint's
// `wallet` parameter is. A wallet without data in the window gets zero counts and empty lists.
boost::asio::awaitable<Response> HandleWalletSummary(PgCluster& cluster, std::string_view wallet,
                                                     const QueryParams& params);

}  // namespace hltwap::api
