#include "etl/twap_parquet_reader.h"

#include <fmt/format.h>

#include <array>
#include <utility>

namespace hltwap {
namespace {

enum TwapField : int {
  kTwapId,
  kWallet,
  kTs,
  kCreatedAt,
  kAsset,
  kSide,
  kSizeRequested,
  kSizeExecuted,
  kNotionalExecuted,
  kStatus,
  kMinutes,
  kTwapFieldCount,
};

using enum ValueKind;
using enum Presence;

// kTs names the event time; without one, ts comes from created_at's column (see Open).
constexpr FieldSpec kTwapFields[] = {
    {kTwapId, {"twap_id"}, kIntegerText, kRequired},
    {kWallet, {"state_user"}, ValueKind::kWalletAddress, kRequired},
    {kTs, {"time"}, kTimestamp, kRequired},
    {kCreatedAt, {"state_timestamp"}, kTimestamp, kOptional},
    {kAsset, {"state_coin"}, kText, kOptional},
    {kSide, {"state_side"}, kText, kOptional},
    {kSizeRequested, {"state_sz"}, kDecimal, kOptional},
    {kSizeExecuted, {"state_executedSz"}, kDecimal, kOptional},
    {kNotionalExecuted, {"state_executedNtl"}, kDecimal, kOptional},
    {kStatus, {"status"}, kText, kOptional, "status"},  // or a {status, description} struct
    {kMinutes, {"state_minutes"}, kInt32, kOptional},
};
static_assert(std::size(kTwapFields) == kTwapFieldCount && IdsAreIndexes(kTwapFields));

using TwapValues = std::array<FieldValue, kTwapFieldCount>;

TwapRow MakeRow(TwapValues& v) {
  TwapRow row;
  row.twap_id = *TakeText(v[kTwapId]);
  row.wallet = *TakeText(v[kWallet]);  // lowercased by its kind
  row.ts = *NumberOf(v[kTs]);
  row.created_at = NumberOf(v[kCreatedAt]);
  row.asset = TakeText(v[kAsset]);
  row.side = TakeText(v[kSide]);
  row.size_requested = TakeText(v[kSizeRequested]);
  row.size_executed = TakeText(v[kSizeExecuted]);
  row.notional_executed = TakeText(v[kNotionalExecuted]);
  row.status = TakeText(v[kStatus]);
  if (const auto minutes = NumberOf(v[kMinutes])) {
    row.duration_minutes = static_cast<int32_t>(*minutes);  // kInt32 checked the range
  }
  return row;
}

}  // namespace

TwapParquetReader::TwapParquetReader(std::unique_ptr<ParquetFieldReader> fields)
    : fields_(std::move(fields)) {}
TwapParquetReader::~TwapParquetReader() = default;

Result<std::unique_ptr<TwapParquetReader>> TwapParquetReader::Open(const std::string& path,
                                                                   ParquetReadOptions options) {
  HLTWAP_ASSIGN_OR_RETURN(auto fields,
                          ParquetFieldReader::Open(path, kTwapFields, options.batch_rows));
  if (!options.ts_column.empty()) {
    const std::string_view name = options.ts_column;
    if (!fields->Rebind(kTs, {&name, 1})) {
      return Status::InvalidArgument(fmt::format(
          "TWAP_TS_COLUMN names '{}', which is not a column of {}", options.ts_column, path));
    }
  } else if (FindColumn(fields->schema(), kTwapFields[kTs].names) < 0) {
    fields->Rebind(kTs, kTwapFields[kCreatedAt].names);
  }
  return std::unique_ptr<TwapParquetReader>(new TwapParquetReader(std::move(fields)));
}

Result<bool> TwapParquetReader::Next(std::vector<TwapRow>& rows) {
  TwapValues values;
  return fields_->NextRows(rows, [&](int64_t i, std::vector<TwapRow>& out) {
    if (!fields_->ReadRow(i, values)) return;
    TwapRow& row = out.emplace_back(MakeRow(values));
    fields_->AppendRawRow(i, row.raw_payload);
  });
}

const ParquetReadStats& TwapParquetReader::stats() const {
  return fields_->stats();
}

}  // namespace hltwap
