#include "api/router.h"

#include <algorithm>
#include <boost/url/parse.hpp>

#include "api/coverage_handler.h"
#include "api/errors.h"
#include "api/explorer.h"
#include "api/export_handler.h"
#include "api/handlers.h"
#include "api/json_writer.h"
#include "api/openapi.h"
#include "api/summary_handler.h"
#include "common/text.h"

namespace hltwap::api {
namespace {

// Route templates, as metrics and the access log name them.
constexpr std::string_view kRouteIndex = "/";
constexpr std::string_view kRouteDocs = "/docs";
constexpr std::string_view kRouteDocsAsset = "/docs/{asset}";
constexpr std::string_view kRouteOpenApi = "/openapi.json";
constexpr std::string_view kRouteHealth = "/healthz";
constexpr std::string_view kRouteMetrics = "/metrics";
constexpr std::string_view kRouteTwaps = "/api/v1/twaps";
constexpr std::string_view kRouteTwap = "/api/v1/twaps/{twap_id}";
constexpr std::string_view kRouteTwapFills = "/api/v1/twaps/{twap_id}/fills";
constexpr std::string_view kRouteExplorerTwap = "/twap/{twap_id}";
constexpr std::string_view kRouteExplorerAsset = "/web/{asset}";
constexpr std::string_view kRouteExport = "/api/v1/export";
constexpr std::string_view kFillsSuffix = "/fills";
constexpr std::string_view kRouteWallets = "/api/v1/wallets";
constexpr std::string_view kRouteWalletSummary = "/api/v1/wallets/{wallet}/summary";
constexpr std::string_view kSummarySuffix = "/summary";
constexpr std::string_view kRouteCoverage = "/api/v1/coverage";
constexpr std::string_view kRouteUnmatched = "unmatched";

constexpr std::string_view kAllowedMethods = "GET";

enum class Endpoint {
  kIndex,
  kDocs,
  kDocsAsset,
  kOpenApi,
  kHealth,
  kMetrics,
  kTwaps,
  kTwap,
  kTwapFills,
  kWalletSummary,
  kCoverage,
  kExport,
  kExplorerTwap,
  kExplorerAsset,
};

struct Match {
  Endpoint endpoint;
  std::string_view route;
  std::string path_param;  // twap_id, wallet or asset
};

// Matches the percent-decoded path, as Starlette does: a path parameter is one segment, so an
// encoded "/" in it does not match.
std::optional<Match> MatchPath(std::string_view path) {
  static constexpr std::pair<std::string_view, Endpoint> kExact[] = {
      {kRouteIndex, Endpoint::kIndex},     {kRouteDocs, Endpoint::kDocs},
      {kRouteOpenApi, Endpoint::kOpenApi}, {kRouteHealth, Endpoint::kHealth},
      {kRouteMetrics, Endpoint::kMetrics}, {kRouteTwaps, Endpoint::kTwaps},
      {kRouteExport, Endpoint::kExport},
  };
  for (const auto& [route, endpoint] : kExact) {
    if (path == route) return Match{endpoint, route, {}};
  }
  if (path == kRouteCoverage) return Match{Endpoint::kCoverage, kRouteCoverage, {}};
  // The segment between prefix + "/" and suffix, when the path is exactly that.
  const auto one_segment_between = [&](std::string_view prefix,
                                       std::string_view suffix) -> std::optional<std::string> {
    if (path.size() <= prefix.size() + 1 + suffix.size() ||
        path.substr(0, prefix.size()) != prefix || path[prefix.size()] != '/' ||
        path.substr(path.size() - suffix.size()) != suffix) {
      return std::nullopt;
    }
    const std::string_view segment =
        path.substr(prefix.size() + 1, path.size() - prefix.size() - 1 - suffix.size());
    if (segment.find('/') != std::string_view::npos) return std::nullopt;
    return std::string(segment);
  };
  const auto one_segment_after = [&](std::string_view prefix) {
    return one_segment_between(prefix, {});
  };
  if (auto id = one_segment_after(kRouteTwaps)) return Match{Endpoint::kTwap, kRouteTwap, *id};
  if (auto id = one_segment_between(kRouteTwaps, kFillsSuffix)) {
    return Match{Endpoint::kTwapFills, kRouteTwapFills, *id};
  }
  if (auto wallet = one_segment_between(kRouteWallets, kSummarySuffix)) {
    return Match{Endpoint::kWalletSummary, kRouteWalletSummary, *wallet};
  }
  if (auto asset = one_segment_after(kRouteDocs)) {
    return Match{Endpoint::kDocsAsset, kRouteDocsAsset, *asset};
  }
  if (auto id = one_segment_after("/twap")) {
    return Match{Endpoint::kExplorerTwap, kRouteExplorerTwap, *id};
  }
  if (auto asset = one_segment_after("/web")) {
    return Match{Endpoint::kExplorerAsset, kRouteExplorerAsset, *asset};
  }
  return std::nullopt;
}

// The decoded query string, '+' meaning a space as in HTML forms.
QueryParams Params(const boost::urls::url_view& target) {
  QueryParams params;
  boost::urls::encoding_opts plus_is_space;
  plus_is_space.space_as_plus = true;
  for (const auto& param : target.params(plus_is_space)) {
    params[SanitizeUtf8(param.key, Nul::kKeep)] = SanitizeUtf8(param.value, Nul::kKeep);
  }
  return params;
}

Response Html(std::string_view page) {
  Response r;
  r.content_type = "text/html; charset=utf-8";
  r.static_body = page;
  return r;
}

}  // namespace

Router::Router(PgCluster& cluster, Metrics& metrics, const DocsAssets& assets,
               const ExplorerAssets& explorer, RouterOptions options)
    : cluster_(cluster),
      metrics_(metrics),
      assets_(assets),
      explorer_(explorer),
      options_(std::move(options)),
      openapi_json_(OpenApiDocument(options_.version)),
      export_slots_(std::max<size_t>(1, cluster.primary_pool().options().max_size / 2)) {}

bool Router::OriginAllowed(const Request& request) const {
  const auto origin = request.find(http::field::origin);
  if (origin == request.end()) return false;
  const std::string_view value = origin->value();
  return std::any_of(
      options_.cors_origins.begin(), options_.cors_origins.end(),
      [&](const std::string& allowed) { return allowed == "*" || allowed == value; });
}

boost::asio::awaitable<Response> Router::Handle(const Request& request) const {
  co_return WithCors(request, co_await Route(request));
}

Response Router::WithCors(const Request& request, Response response) const {
  if (OriginAllowed(request)) {
    response.headers.emplace_back("Access-Control-Allow-Origin",
                                  std::string(request[http::field::origin]));
    response.headers.emplace_back("Vary", "Origin");
  }
  return response;
}

boost::asio::awaitable<Response> Router::Route(const Request& request) const {
  auto target = boost::urls::parse_origin_form(request.target());
  if (!target) {
    Response r = JsonResponse(400, DetailBody("Invalid request target"));
    r.route = kRouteUnmatched;
    co_return r;
  }
  const auto match = MatchPath(SanitizeUtf8(target->path(), Nul::kKeep));
  if (!match) {
    Response r = JsonResponse(404, DetailBody("Not Found"));
    r.route = kRouteUnmatched;
    co_return r;
  }

  if (request.method() != http::verb::get) {
    const bool preflight =
        request.method() == http::verb::options &&
        request.find(http::field::access_control_request_method) != request.end() &&
        request.find(http::field::origin) != request.end() && !options_.cors_origins.empty();
    Response r;
    if (!preflight) {
      r = JsonResponse(405, DetailBody("Method Not Allowed"));
      r.headers.emplace_back("Allow", std::string(kAllowedMethods));
    } else if (!OriginAllowed(request)) {
      r = JsonResponse(400, DetailBody("Disallowed CORS origin"));
    } else {
      r = Response{};
      r.content_type = "text/plain; charset=utf-8";
      r.headers.emplace_back("Access-Control-Allow-Methods", "GET, OPTIONS");
      r.headers.emplace_back("Access-Control-Max-Age", "600");
      const auto requested = request.find(http::field::access_control_request_headers);
      if (requested != request.end()) {
        r.headers.emplace_back("Access-Control-Allow-Headers", std::string(requested->value()));
      }
    }
    r.route = match->route;
    co_return r;
  }

  const QueryParams params = Params(*target);
  Response r;
  switch (match->endpoint) {
    case Endpoint::kIndex: r = ExplorerPageResponse(explorer_, 0); break;
    case Endpoint::kExplorerTwap: r = ExplorerPageResponse(explorer_, 1); break;
    case Endpoint::kExplorerAsset: r = ExplorerAssetResponse(explorer_, match->path_param); break;
    case Endpoint::kDocs:
      r = Html(DocsHtml());
      AddPageHeaders(r);
      break;
    case Endpoint::kDocsAsset: {
      const StaticFile* file = assets_.Find(match->path_param);
      if (file == nullptr) {
        r = JsonResponse(404, DetailBody("Not Found"));
      } else {
        r.content_type = file->content_type;
        r.static_body = file->body;
        r.headers.emplace_back("Cache-Control", "public, max-age=86400");
      }
      break;
    }
    case Endpoint::kOpenApi:
      r.content_type = std::string(kJson);
      r.static_body = openapi_json_;
      break;
    case Endpoint::kHealth: r = co_await HandleHealth(cluster_); break;
    case Endpoint::kMetrics: {
      r.content_type = "text/plain; version=0.0.4; charset=utf-8";
      r.body = metrics_.Render(&cluster_);
      break;
    }
    case Endpoint::kTwaps: r = co_await HandleListTwaps(cluster_, params); break;
    case Endpoint::kTwap: r = co_await HandleGetTwap(cluster_, match->path_param); break;
    case Endpoint::kTwapFills:
      r = co_await HandleTwapFills(cluster_, match->path_param, params);
      break;
    case Endpoint::kWalletSummary:
      r = co_await HandleWalletSummary(cluster_, match->path_param, params);
      break;
    case Endpoint::kCoverage:
      r = co_await HandleCoverage(cluster_, options_.coverage_datasets, params);
      break;
    case Endpoint::kExport:
      r = co_await HandleExport(cluster_.primary_pool(), export_slots_, params);
      break;
  }
  r.route = match->route;
  co_return r;
}

}  // namespace hltwap::api
