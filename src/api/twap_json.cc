#include "api/twap_json.h"

#include <charconv>

#include "api/queries.h"
#include "common/time_util.h"

namespace hltwap::api {
namespace {

void WriteOptionalTimestamp(JsonWriter& w, const PgResult& result, int row, int column) {
  if (result.IsNull(row, column)) {
    w.Null();
  } else {
    w.String(FormatTimestampUtc(IntColumn(result, row, column)));
  }
}

void WriteOptionalInt(JsonWriter& w, const PgResult& result, int row, int column) {
  if (result.IsNull(row, column)) {
    w.Null();
  } else {
    w.Int(IntColumn(result, row, column));
  }
}

// PostgreSQL's boolean text, t or f.
void WriteOptionalBool(JsonWriter& w, const PgResult& result, int row, int column) {
  if (result.IsNull(row, column)) {
    w.Null();
  } else {
    w.Bool(result.Get(row, column) == "t");
  }
}

// JSON that PostgreSQL wrote (raw_payload as jsonb text, an object built by json_object_agg),
// spliced in without re-parsing so that no number in it is rounded.
void WriteJson(JsonWriter& w, const PgResult& result, int row, int column) {
  const auto json = result.GetOptional(row, column);
  if (json) {
    w.Raw(*json);
  } else {
    w.Null();
  }
}

void WriteExecuted(JsonWriter& w, const PgResult& result, int row) {
  w.BeginObject()
      .Key("size")
      .OptionalString(result.GetOptional(row, kColSizeExecuted))
      .Key("notional")
      .OptionalString(result.GetOptional(row, kColNotionalExecuted))
      .EndObject();
}

}  // namespace

int64_t IntColumn(const PgResult& result, int row, int column) {
  const std::string_view text = result.Get(row, column);
  int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

void WriteTwapRow(JsonWriter& w, const PgResult& result, int row) {
  w.BeginObject();
  w.Key("wallet").String(result.Get(row, kColWallet));
  w.Key("ts").String(FormatTimestampUtc(IntColumn(result, row, kColTsMicros)));
  w.Key("status").OptionalString(result.GetOptional(row, kColStatus));
  w.Key("asset").OptionalString(result.GetOptional(row, kColAsset));
  w.Key("side").OptionalString(result.GetOptional(row, kColSide));
  w.Key("size_requested").OptionalString(result.GetOptional(row, kColSizeRequested));
  w.Key("executed");
  WriteExecuted(w, result, row);
  w.Key("duration_minutes");
  WriteOptionalInt(w, result, row, kColDurationMinutes);
  w.Key("created_at");
  WriteOptionalTimestamp(w, result, row, kColCreatedAtMicros);
  w.Key("raw");
  WriteJson(w, result, row, kColRawPayload);
  w.EndObject();
}

void WriteTwapMembers(JsonWriter& w, const PgResult& result, int latest_row) {
  const int row = latest_row;
  w.Key("twap_id").String(result.Get(row, kColTwapId));
  w.Key("asset").OptionalString(result.GetOptional(row, kColAsset));
  w.Key("side").OptionalString(result.GetOptional(row, kColSide));
  w.Key("status").OptionalString(result.GetOptional(row, kColStatus));
  w.Key("duration_minutes");
  WriteOptionalInt(w, result, row, kColDurationMinutes);
  w.Key("latest_ts").String(FormatTimestampUtc(IntColumn(result, row, kColTsMicros)));
  w.Key("executed");
  WriteExecuted(w, result, row);
  w.Key("raw");
  WriteJson(w, result, row, kColRawPayload);
  w.Key("size_requested").OptionalString(result.GetOptional(row, kColSizeRequested));
  w.Key("created_at");
  WriteOptionalTimestamp(w, result, row, kColCreatedAtMicros);
  w.Key("fills_summary");
  WriteFillsSummary(w, result, row);
}

void WriteFillsSummary(JsonWriter& w, const PgResult& result, int row) {
  if (result.IsNull(row, kColFillCount)) {
    w.Null();
    return;
  }
  w.BeginObject();
  w.Key("count").Int(IntColumn(result, row, kColFillCount));
  w.Key("size").String(result.Get(row, kColFillSize));
  w.Key("notional").String(result.Get(row, kColFillNotional));
  w.Key("avg_px").OptionalString(result.GetOptional(row, kColFillAvgPx));
  w.Key("fee").OptionalString(result.GetOptional(row, kColFillFee));
  w.Key("fee_token").OptionalString(result.GetOptional(row, kColFillFeeToken));
  w.Key("fees_by_token");
  WriteJson(w, result, row, kColFillFeesByToken);
  w.Key("closed_pnl").OptionalString(result.GetOptional(row, kColFillClosedPnl));
  w.Key("first_fill_ts").String(FormatTimestampUtc(IntColumn(result, row, kColFirstFillMicros)));
  w.Key("last_fill_ts").String(FormatTimestampUtc(IntColumn(result, row, kColLastFillMicros)));
  w.Key("size_matches_executed");
  WriteOptionalBool(w, result, row, kColSizeMatchesExecuted);
  w.EndObject();
}

void WriteFill(JsonWriter& w, const PgResult& result, int row) {
  w.BeginObject();
  w.Key("time").String(FormatTimestampUtc(IntColumn(result, row, kFillTimeMicros)));
  w.Key("tid").String(result.Get(row, kFillTid));
  w.Key("wallet").String(result.Get(row, kFillWallet));
  w.Key("coin").String(result.Get(row, kFillCoin));
  w.Key("side").String(result.Get(row, kFillSide));
  w.Key("dir").OptionalString(result.GetOptional(row, kFillDir));
  w.Key("px").String(result.Get(row, kFillPx));
  w.Key("sz").String(result.Get(row, kFillSz));
  w.Key("fee").OptionalString(result.GetOptional(row, kFillFee));
  w.Key("fee_token").OptionalString(result.GetOptional(row, kFillFeeToken));
  w.Key("closed_pnl").OptionalString(result.GetOptional(row, kFillClosedPnl));
  w.Key("start_position").OptionalString(result.GetOptional(row, kFillStartPosition));
  w.Key("crossed");
  WriteOptionalBool(w, result, row, kFillCrossed);
  w.Key("hash").OptionalString(result.GetOptional(row, kFillHash));
  w.Key("oid").OptionalString(result.GetOptional(row, kFillOid));
  w.Key("builder_fee").OptionalString(result.GetOptional(row, kFillBuilderFee));
  w.Key("raw");
  WriteJson(w, result, row, kFillRawPayload);
  w.EndObject();
}

void WritePageEnd(JsonWriter& w, const std::optional<std::string>& next_cursor) {
  w.EndArray();
  w.Key("next_cursor").OptionalString(next_cursor);
  w.EndObject();
}

}  // namespace hltwap::api
