// handle_request(): maps a parsed HTTP request to a response. No sockets, no timeouts: those
// belong to the session. Unknown paths are 404, other methods 405 with Allow, CORS (when
// configured) adds its headers and answers preflight requests.
#pragma once

#include <string>
#include <vector>

#include "api/coverage.h"
#include "api/docs.h"
#include "api/explorer.h"
#include "api/export.h"
#include "api/http_types.h"
#include "api/metrics.h"
#include "db/cluster.h"

namespace hltwap::api {

struct RouterOptions {
  std::vector<std::string> cors_origins;  // empty: CORS off; "*" allows any origin
  std::string version = HLTWAP_VERSION;
  // GET /api/v1/coverage's datasets and their prefixes (coverage_handler.h CoverageDatasets).
  std::vector<CoverageDatasetSpec> coverage_datasets = {};
};

class Router {
 public:
  Router(PgCluster& cluster, Metrics& metrics, const DocsAssets& assets,
         const ExplorerAssets& explorer, RouterOptions options);

  // A coroutine: a request that uses the database suspends while it waits, on the caller's
  // executor; the others complete without suspending. `request` must outlive the awaiting.
  boost::asio::awaitable<Response> Handle(const Request& request) const;

 private:
  boost::asio::awaitable<Response> Route(const Request& request) const;
  Response WithCors(const Request& request, Response response) const;
  bool OriginAllowed(const Request& request) const;

  PgCluster& cluster_;
  Metrics& metrics_;
  const DocsAssets& assets_;
  const ExplorerAssets& explorer_;
  const RouterOptions options_;
  const std::string openapi_json_;
  // Half the pool (at least one) may stream exports; the rest stays for the JSON endpoints.
  mutable ExportSlots export_slots_;
};

}  // namespace hltwap::api
