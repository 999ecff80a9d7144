#include "etl/loader.h"

#include <fmt/format.h>

#include <vector>

#include "etl/sql.h"

namespace hltwap {
namespace {

// The COPY's column list and the order RowLoader::Add writes the fields in: this one table
// drives both. The staging table takes its column types from twap_status
// (src/etl/sql/create_staging.sql); the merge (merge_staging.sql) names the columns it stores.
constexpr StagedColumn<TwapRow> kStagedColumns[] = {
    {"ord",
     [](CopyWriter& w, const TwapRow&, int64_t ord) {
       w.AddInt64(ord);
       return Status::Ok();
     }},
    {"twap_id",
     [](CopyWriter& w, const TwapRow& row, int64_t) {
       w.AddText(row.twap_id);
       return Status::Ok();
     }},
    {"wallet",
     [](CopyWriter& w, const TwapRow& row, int64_t) {
       w.AddText(row.wallet);
       return Status::Ok();
     }},
    {"ts",
     [](CopyWriter& w, const TwapRow& row, int64_t) {
       w.AddTimestamptz(row.ts);
       return Status::Ok();
     }},
    {"created_at",
     [](CopyWriter& w, const TwapRow& row, int64_t) {
       return AddOptional(w, row.created_at, &CopyWriter::AddTimestamptz);
     }},
    {"asset", [](CopyWriter& w, const TwapRow& row,
                 int64_t) { return AddOptional(w, row.asset, &CopyWriter::AddText); }},
    {"side", [](CopyWriter& w, const TwapRow& row,
                int64_t) { return AddOptional(w, row.side, &CopyWriter::AddText); }},
    {"size_requested", [](CopyWriter& w, const TwapRow& row,
                          int64_t) { return AddOptionalNumeric(w, row.size_requested); }},
    {"size_executed", [](CopyWriter& w, const TwapRow& row,
                         int64_t) { return AddOptionalNumeric(w, row.size_executed); }},
    {"notional_executed", [](CopyWriter& w, const TwapRow& row,
                             int64_t) { return AddOptionalNumeric(w, row.notional_executed); }},
    {"status", [](CopyWriter& w, const TwapRow& row,
                  int64_t) { return AddOptional(w, row.status, &CopyWriter::AddText); }},
    {"duration_minutes",
     [](CopyWriter& w, const TwapRow& row, int64_t) {
       return AddOptional(w, row.duration_minutes, &CopyWriter::AddInt32);
     }},
    {"raw_payload",
     [](CopyWriter& w, const TwapRow& row, int64_t) {
       w.AddJsonb(row.raw_payload);
       return Status::Ok();
     }},
};

std::string DescribeTwapRow(const TwapRow& row) {
  return "twap_id " + row.twap_id;
}

constexpr StagingSpec<TwapRow> kTwapStaging = {
    etl::sql::kCreateStaging, "twap_staging",  kStagedColumns,
    etl::sql::kMergeStaging,  DescribeTwapRow, etl::sql::kCountCollapsedStaging};

}  // namespace

const StagingSpec<TwapRow>& TwapStaging() {
  return kTwapStaging;
}

Result<LoadStats> LoadParquetFile(PgConnection& conn, const std::string& path,
                                  std::string_view s3_object_key,
                                  const ParquetReadOptions& options) {
  // The file is opened before the database is touched: a corrupt file fails fast.
  HLTWAP_ASSIGN_OR_RETURN(auto reader, TwapParquetReader::Open(path, options));
  return LoadRows(conn, *reader, kTwapStaging, s3_object_key);
}

}  // namespace hltwap
