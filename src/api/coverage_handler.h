// GET /api/v1/coverage and what `hltwap coverage` shares with it: the ingest log read with
// coverage_objects.sql, made into a report by BuildCoverage (coverage.h).
#pragma once

#include <vector>

#include "api/coverage.h"
#include "api/http_types.h"
#include "api/query_params.h"
#include "common/config.h"
#include "db/cluster.h"
#include "db/connection.h"

namespace hltwap::api {

// The datasets and their configured prefixes (AWS_S3_PREFIX, AWS_S3_FILLS_PREFIX), in the order
// the report lists them.
std::vector<CoverageDatasetSpec> CoverageDatasets(const Config& config);

// The report of the rows of coverage_objects.sql.
CoverageReport CoverageOfLog(const PgResult& log_rows, const CoverageOptions& options);

// GET /api/v1/coverage[?start&end]
boost::asio::awaitable<Response> HandleCoverage(PgCluster& cluster,
                                                const std::vector<CoverageDatasetSpec>& datasets,
                                                const QueryParams& params);

}  // namespace hltwap::api
