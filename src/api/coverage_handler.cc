#include "api/coverage_handler.h"

#include "api/errors.h"
#include "api/handlers.h"
#include "api/queries.h"
#include "api/time_window.h"
#include "api/twap_json.h"

namespace hltwap::api {

std::vector<CoverageDatasetSpec> CoverageDatasets(const Config& config) {
  return {{"twap_statuses", config.s3_prefix}, {"fills", config.s3_fills_prefix}};
}

CoverageReport CoverageOfLog(const PgResult& log_rows, const CoverageOptions& options) {
  std::vector<LoggedObject> objects;
  objects.reserve(static_cast<size_t>(log_rows.rows()));
  for (int row = 0; row < log_rows.rows(); ++row) {
    objects.push_back(
        {log_rows.Get(row, 0), log_rows.GetOptional(row, 1),
         log_rows.IsNull(row, 2) ? std::nullopt : std::optional(IntColumn(log_rows, row, 2))});
  }
  return BuildCoverage(options, objects);
}

boost::asio::awaitable<Response> HandleCoverage(PgCluster& cluster,
                                                const std::vector<CoverageDatasetSpec>& datasets,
                                                const QueryParams& params) {
  auto parsed = ParseTimeWindow(params, WindowRule::kBothOrNeither);
  if (auto* issues = std::get_if<std::vector<ValidationIssue>>(&parsed)) {
    co_return JsonResponse(422, ValidationErrorBody(*issues));
  }
  CoverageOptions options{datasets, std::nullopt, std::nullopt};
  if (const auto& window = std::get<std::optional<TimeWindow>>(parsed)) {
    options.start_micros = window->start_micros;
    options.end_micros = window->end_micros;
  }
  const std::vector<PgParam> no_params;
  auto result = co_await cluster.Read(kCoverageObjectsName, no_params);
  if (!result.ok()) co_return DatabaseFailure(result.status(), "GET /api/v1/coverage");
  co_return JsonResponse(200, CoverageJson(CoverageOfLog(*result, options)));
}

}  // namespace hltwap::api
