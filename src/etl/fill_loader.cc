#include "etl/fill_loader.h"

#include "etl/fill_parquet_reader.h"
#include "etl/sql.h"

namespace hltwap {
namespace {

Status Text(CopyWriter& w, std::string_view value) {
  w.AddText(value);
  return Status::Ok();
}

Status OptionalText(CopyWriter& w, const std::optional<std::string>& value) {
  return AddOptional(w, value, &CopyWriter::AddText);
}

// The COPY's column list and the order RowLoader::Add writes the fields in: this one table
// drives both. The staging table takes its column types from twap_fill
// (src/etl/sql/create_fill_staging.sql); the merge (merge_fill_staging.sql) names the columns
// it stores.
constexpr StagedColumn<FillRow> kFillColumns[] = {
    {"ord",
     [](CopyWriter& w, const FillRow&, int64_t ord) {
       w.AddInt64(ord);
       return Status::Ok();
     }},
    {"twap_id", [](CopyWriter& w, const FillRow& r, int64_t) { return Text(w, r.twap_id); }},
    {"wallet", [](CopyWriter& w, const FillRow& r, int64_t) { return Text(w, r.wallet); }},
    {"tid", [](CopyWriter& w, const FillRow& r, int64_t) { return w.AddNumeric(r.tid); }},
    {"time",
     [](CopyWriter& w, const FillRow& r, int64_t) {
       w.AddTimestamptz(r.time);
       return Status::Ok();
     }},
    {"coin", [](CopyWriter& w, const FillRow& r, int64_t) { return Text(w, r.coin); }},
    {"side", [](CopyWriter& w, const FillRow& r, int64_t) { return Text(w, r.side); }},
    {"px", [](CopyWriter& w, const FillRow& r, int64_t) { return w.AddNumeric(r.px); }},
    {"sz", [](CopyWriter& w, const FillRow& r, int64_t) { return w.AddNumeric(r.sz); }},
    {"fee", [](CopyWriter& w, const FillRow& r, int64_t) { return AddOptionalNumeric(w, r.fee); }},
    {"fee_token",
     [](CopyWriter& w, const FillRow& r, int64_t) { return OptionalText(w, r.fee_token); }},
    {"closed_pnl",
     [](CopyWriter& w, const FillRow& r, int64_t) { return AddOptionalNumeric(w, r.closed_pnl); }},
    {"start_position", [](CopyWriter& w, const FillRow& r,
                          int64_t) { return AddOptionalNumeric(w, r.start_position); }},
    {"dir", [](CopyWriter& w, const FillRow& r, int64_t) { return OptionalText(w, r.dir); }},
    {"crossed", [](CopyWriter& w, const FillRow& r,
                   int64_t) { return AddOptional(w, r.crossed, &CopyWriter::AddBool); }},
    {"oid", [](CopyWriter& w, const FillRow& r, int64_t) { return AddOptionalNumeric(w, r.oid); }},
    {"hash", [](CopyWriter& w, const FillRow& r, int64_t) { return OptionalText(w, r.hash); }},
    {"builder_fee",
     [](CopyWriter& w, const FillRow& r, int64_t) { return AddOptionalNumeric(w, r.builder_fee); }},
    {"raw_payload",
     [](CopyWriter& w, const FillRow& r, int64_t) {
       w.AddJsonb(r.raw_payload);
       return Status::Ok();
     }},
};

std::string DescribeFill(const FillRow& row) {
  return "twap_id " + row.twap_id + " tid " + row.tid;
}

constexpr StagingSpec<FillRow> kFillStaging = {
    etl::sql::kCreateFillStaging, "fill_staging", kFillColumns,
    etl::sql::kMergeFillStaging,  DescribeFill,   etl::sql::kCountCollapsedFillStaging};

}  // namespace

const StagingSpec<FillRow>& FillStaging() {
  return kFillStaging;
}

Result<LoadStats> LoadFillParquetFile(PgConnection& conn, const std::string& path,
                                      std::string_view s3_object_key, int64_t batch_rows) {
  // The file is opened before the database is touched: a corrupt file fails fast.
  HLTWAP_ASSIGN_OR_RETURN(auto reader, FillParquetReader::Open(path, batch_rows));
  return LoadRows(conn, *reader, kFillStaging, s3_object_key);
}

}  // namespace hltwap
