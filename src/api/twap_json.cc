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

// raw_payload as stored: jsonb text is valid JSON, spliced in without re-parsing so that no
// number in it is rounded.
void WriteRaw(JsonWriter& w, const PgResult& result, int row) {
  const auto raw = result.GetOptional(row, kColRawPayload);
  if (raw) {
    w.Raw(*raw);
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
  WriteRaw(w, result, row);
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
  WriteRaw(w, result, row);
  w.Key("size_requested").OptionalString(result.GetOptional(row, kColSizeRequested));
  w.Key("created_at");
  WriteOptionalTimestamp(w, result, row, kColCreatedAtMicros);
}

}  // namespace hltwap::api
