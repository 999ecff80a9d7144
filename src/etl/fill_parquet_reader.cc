#include "etl/fill_parquet_reader.h"

#include <fmt/format.h>

#include <array>
#include <utility>
#include <variant>

namespace hltwap {
namespace {

enum FillField : int {
  kTwapId,
  kMetadata,
  kWallet,
  kTid,
  kTime,
  kCoin,
  kSide,
  kPx,
  kSz,
  kFee,
  kFeeToken,
  kClosedPnl,
  kStartPosition,
  kDir,
  kCrossed,
  kOid,
  kHash,
  kBuilderFee,
  kFillFieldCount,
};

using enum ValueKind;
using enum Presence;

// Column names match ignoring case and '_', so closedPnl also finds closed_pnl.
constexpr FieldSpec kFillFields[] = {
    {kTwapId, {"twapId"}, kIntegerText, kRequired},
    {kMetadata, {"_metadata"}, kBool, kOptional},
    {kWallet, {"user", "wallet"}, ValueKind::kWalletAddress, kRequired},
    {kTid, {"tid"}, kIntegerText, kRequired},
    {kTime, {"time"}, kTimestamp, kRequired},
    {kCoin, {"coin"}, kNonEmptyText, kRequired},
    {kSide, {"side"}, kNonEmptyText, kRequired},
    {kPx, {"px"}, kDecimal, kRequired},
    {kSz, {"sz"}, kDecimal, kRequired},
    {kFee, {"fee"}, kDecimal, kOptional},
    {kFeeToken, {"feeToken"}, kText, kOptional},
    {kClosedPnl, {"closedPnl"}, kDecimal, kOptional},
    {kStartPosition, {"startPosition"}, kDecimal, kOptional},
    {kDir, {"dir"}, kText, kOptional},
    {kCrossed, {"crossed"}, kBool, kOptional},
    {kOid, {"oid"}, kIntegerText, kOptional},
    {kHash, {"hash"}, kText, kOptional},
    {kBuilderFee, {"builderFee"}, kDecimal, kOptional},
};
static_assert(std::size(kFillFields) == kFillFieldCount && IdsAreIndexes(kFillFields));

using FillValues = std::array<FieldValue, kFillFieldCount>;

// Decimal text (already validated) above zero: no sign, and a non-zero digit before any
// exponent.
bool IsPositive(std::string_view decimal) {
  if (decimal.empty() || decimal.front() == '-') return false;
  const std::string_view mantissa = decimal.substr(0, decimal.find_first_of("eE"));
  return mantissa.find_first_of("123456789") != std::string_view::npos;
}

// A row that breaks a fill rule: the reason it is counted under, and what to log.
struct BrokenRule {
  std::string_view reason;
  std::string detail;
};

// The fill rules beyond the field table.
std::variant<FillRow, BrokenRule> MakeRow(FillValues& v) {
  FillRow row;
  // A required field, so always present here; value_or keeps GCC's -O2 flow analysis quiet.
  const std::string side = TakeText(v[kSide]).value_or(std::string());
  if (side == "B" || side == "b") {
    row.side = "B";
  } else if (side == "A" || side == "a") {
    row.side = "A";
  } else {
    return BrokenRule{"side not B or A",
                      fmt::format("unknown side '{}' (expected B or A)", side.substr(0, 16))};
  }
  row.px = *TakeText(v[kPx]);
  row.sz = *TakeText(v[kSz]);
  if (!IsPositive(row.px)) {
    return BrokenRule{"px not positive", fmt::format("px {} is not positive", row.px)};
  }
  if (!IsPositive(row.sz)) {
    return BrokenRule{"sz not positive", fmt::format("sz {} is not positive", row.sz)};
  }
  row.twap_id = *TakeText(v[kTwapId]);
  row.wallet = *TakeText(v[kWallet]);  // lowercased by its kind
  row.tid = *TakeText(v[kTid]);
  row.time = *NumberOf(v[kTime]);
  row.coin = *TakeText(v[kCoin]);
  row.fee = TakeText(v[kFee]);
  row.fee_token = TakeText(v[kFeeToken]);
  row.closed_pnl = TakeText(v[kClosedPnl]);
  row.start_position = TakeText(v[kStartPosition]);
  row.dir = TakeText(v[kDir]);
  row.crossed = BoolOf(v[kCrossed]);
  row.oid = TakeText(v[kOid]);
  row.hash = TakeText(v[kHash]);
  row.builder_fee = TakeText(v[kBuilderFee]);
  return row;
}

}  // namespace

FillParquetReader::FillParquetReader(std::unique_ptr<ParquetFieldReader> fields)
    : fields_(std::move(fields)) {}
FillParquetReader::~FillParquetReader() = default;

Result<std::unique_ptr<FillParquetReader>> FillParquetReader::Open(const std::string& path,
                                                                   int64_t batch_rows) {
  HLTWAP_ASSIGN_OR_RETURN(auto fields, ParquetFieldReader::Open(path, kFillFields, batch_rows));
  return std::unique_ptr<FillParquetReader>(new FillParquetReader(std::move(fields)));
}

// Reads the TWAP id and the metadata flag only. An unusable TWAP id is not skipped: ReadRow
// rejects it with its reason.
bool FillParquetReader::IsSliceFill(int64_t row) const {
  const auto twap_id = fields_->ReadField(kTwapId, row);
  if (twap_id.ok()) {
    const auto* id = std::get_if<std::string>(&*twap_id);
    if (id == nullptr || *id == "0") return false;
  }
  const auto metadata = fields_->ReadField(kMetadata, row);
  return !(metadata.ok() && BoolOf(*metadata).value_or(false));
}

Result<bool> FillParquetReader::Next(std::vector<FillRow>& rows) {
  FillValues values;
  return fields_->NextRows(rows, [&](int64_t i, std::vector<FillRow>& out) {
    if (!IsSliceFill(i)) {
      fields_->Skip();
      return;
    }
    if (!fields_->ReadRow(i, values)) return;
    auto made = MakeRow(values);
    if (auto* broken = std::get_if<BrokenRule>(&made)) {
      fields_->Reject(i, broken->reason, std::move(broken->detail));
      return;
    }
    FillRow& row = out.emplace_back(std::move(std::get<FillRow>(made)));
    fields_->AppendRawRow(i, row.raw_payload);
  });
}

const ParquetReadStats& FillParquetReader::stats() const {
  return fields_->stats();
}

}  // namespace hltwap
