// Loads TWAP slice fills into twap_fill with the shared staging loader (etl/loader.h): one row
// per (twap_id, wallet, tid); re-loading a fill changes nothing, a corrected one replaces it.
// The statements are src/etl/sql/create_fill_staging.sql and merge_fill_staging.sql.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "db/connection.h"
#include "etl/fill_row.h"
#include "etl/loader.h"

namespace hltwap {

using FillLoader = RowLoader<FillRow>;
const StagingSpec<FillRow>& FillStaging();

// Reads a node fills parquet file batch by batch (memory does not grow with the file) and loads
// its TWAP slice fills under `s3_object_key`, inside the caller's transaction; the other rows
// are counted as skipped.
[[nodiscard]] Result<LoadStats> LoadFillParquetFile(PgConnection& conn, const std::string& path,
                                                    std::string_view s3_object_key,
                                                    int64_t batch_rows);

}  // namespace hltwap
