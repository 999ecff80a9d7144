// Writes tests/data/sample_twap.parquet: a small file shaped like the real TWAP status data
// (one row per status change, `state_*` columns, decimal strings, epoch-ms state_timestamp and
// an ISO event time with nanoseconds). Deterministic: the same bytes' content on every run.
//
//   make_sample_parquet tests/data/sample_twap.parquet
#include <arrow/api.h>
#include <arrow/io/file.h>
#include <parquet/arrow/writer.h>

#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

#include "common/time_util.h"

namespace {

struct SampleTwap {
  int64_t twap_id;
  const char* wallet;
  const char* coin;
  const char* side;
  const char* size;
  int64_t minutes;
  bool reduce_only;
  bool randomize;
  const char* created;   // ISO, UTC
  const char* terminal;  // finished, terminated, error, or "" while still running
  int64_t terminal_after_seconds;
  const char* executed_size;  // at the terminal row
  const char* executed_notional;
};

// Four wallets; BTC, ETH, SOL, HYPE, a HIP-3 coin (xyz:NVDA) and a spot pair (@107).
constexpr const char* kAlice = "0x8c2a5f3e1b7d4c6a9e0f1d2c3b4a5968778695a4";
constexpr const char* kBob = "0x1f9840a85d5af5bf1d1762f925bdaddc4201f984";
constexpr const char* kCarol = "0xd8da6bf26964af9d7eed9e03e53415d37aa96045";
constexpr const char* kDave = "0x00000000219ab540356cbb839cbe05303d7705fa";

const std::vector<SampleTwap>& Twaps() {
  static const std::vector<SampleTwap> twaps = {
      {568722, kAlice, "BTC", "B", "0.5", 30, false, false, "2025-11-01T08:15:02.123456789",
       "finished", 1800, "0.5", "54210.35"},
      {568723, kAlice, "ETH", "A", "12.3456", 60, false, true, "2025-11-01T09:00:00.500000000",
       "terminated", 1234, "4.1152", "15873.0021"},
      {568790, kAlice, "SOL", "B", "250", 120, false, false, "2025-11-02T14:30:10.000001000",
       "finished", 7200, "250", "46231.75"},
      {568791, kAlice, "xyz:NVDA", "B", "10.5", 30, false, false, "2025-11-02T16:00:00.000000000",
       "finished", 1800, "10.5", "950.25"},
      {568800, kAlice, "HYPE", "A", "1000", 1440, true, true, "2025-11-03T00:00:05.999999999", "",
       0, "", ""},
      {568724, kBob, "HYPE", "B", "333.33", 15, false, false, "2025-11-01T10:10:10.101010101",
       "finished", 900, "333.33", "13186.5348"},
      {568725, kBob, "@107", "B", "5000", 5, false, false, "2025-11-01T11:11:11.000000000", "error",
       2, "0.0", "0.0"},
      {568760, kBob, "BTC", "A", "0.00123", 10, true, false, "2025-11-02T02:02:02.020000000",
       "finished", 600, "0.00123", "132.9837"},
      {568761, kCarol, "ETH", "B", "3", 45, false, true, "2025-11-01T23:59:59.999000000",
       "terminated", 60, "0.0667", "257.41"},
      {568762, kCarol, "xyz:NVDA", "A", "2.25", 20, false, false, "2025-11-02T18:45:00.000000000",
       "finished", 1200, "2.25", "406.1025"},
      {568763, kCarol, "SOL", "A", "17.5", 90, true, false, "2025-11-03T07:30:00.250000000",
       "finished", 5400, "17.5", "3243.275"},
      {568770, kDave, "@107", "A", "1200.5", 1, false, false, "2025-11-02T05:05:05.000500000",
       "finished", 60, "1200.5", "1212.505"},
      {568771, kDave, "BTC", "B", "1", 1440, false, true, "2025-11-02T06:00:00.000000000",
       "terminated", 3600, "0.04167", "4503.21"},
  };
  return twaps;
}

// "YYYY-MM-DDTHH:MM:SS.fffffffff" without a zone, as the data provider writes the event time.
std::string EventTime(const std::string& created_iso, int64_t after_seconds) {
  const int64_t micros = hltwap::ParseTimestampUtc(created_iso).value() + after_seconds * 1'000'000;
  std::string iso = hltwap::FormatTimestampUtc(micros);  // ...SS[.ffffff]Z
  iso.pop_back();
  const std::string nanos = created_iso.substr(created_iso.find('.') + 7);  // digits 7-9
  if (iso.find('.') == std::string::npos) iso += ".000000";
  return iso + nanos;
}

arrow::Status Write(const std::string& path) {
  arrow::StringBuilder time, coin, user, side, sz, executed_sz, executed_ntl, status;
  arrow::Int64Builder twap_id, minutes, state_timestamp;
  arrow::BooleanBuilder reduce_only, randomize;

  auto append = [&](const SampleTwap& t, const std::string& event_time, const char* st,
                    const char* exec_sz, const char* exec_ntl) -> arrow::Status {
    ARROW_RETURN_NOT_OK(time.Append(event_time));
    ARROW_RETURN_NOT_OK(twap_id.Append(t.twap_id));
    ARROW_RETURN_NOT_OK(coin.Append(t.coin));
    ARROW_RETURN_NOT_OK(user.Append(t.wallet));
    ARROW_RETURN_NOT_OK(side.Append(t.side));
    ARROW_RETURN_NOT_OK(sz.Append(t.size));
    ARROW_RETURN_NOT_OK(executed_sz.Append(exec_sz));
    ARROW_RETURN_NOT_OK(executed_ntl.Append(exec_ntl));
    ARROW_RETURN_NOT_OK(minutes.Append(t.minutes));
    ARROW_RETURN_NOT_OK(reduce_only.Append(t.reduce_only));
    ARROW_RETURN_NOT_OK(randomize.Append(t.randomize));
    // state_timestamp is the TWAP's creation time in epoch milliseconds: the same on every row.
    ARROW_RETURN_NOT_OK(
        state_timestamp.Append(hltwap::ParseTimestampUtc(t.created).value() / 1000));
    return status.Append(st);
  };
  for (const auto& t : Twaps()) {
    ARROW_RETURN_NOT_OK(append(t, EventTime(t.created, 0), "activated", "0.0", "0.0"));
    if (*t.terminal != '\0') {
      ARROW_RETURN_NOT_OK(append(t, EventTime(t.created, t.terminal_after_seconds), t.terminal,
                                 t.executed_size, t.executed_notional));
    }
  }

  std::vector<std::shared_ptr<arrow::Array>> columns;
  for (arrow::ArrayBuilder* b : std::vector<arrow::ArrayBuilder*>{
           &time, &twap_id, &coin, &user, &side, &sz, &executed_sz, &executed_ntl, &minutes,
           &reduce_only, &randomize, &state_timestamp, &status}) {
    std::shared_ptr<arrow::Array> a;
    ARROW_RETURN_NOT_OK(b->Finish(&a));
    columns.push_back(a);
  }
  auto schema = arrow::schema({
      arrow::field("time", arrow::utf8()),
      arrow::field("twap_id", arrow::int64()),
      arrow::field("state_coin", arrow::utf8()),
      arrow::field("state_user", arrow::utf8()),
      arrow::field("state_side", arrow::utf8()),
      arrow::field("state_sz", arrow::utf8()),
      arrow::field("state_executedSz", arrow::utf8()),
      arrow::field("state_executedNtl", arrow::utf8()),
      arrow::field("state_minutes", arrow::int64()),
      arrow::field("state_reduceOnly", arrow::boolean()),
      arrow::field("state_randomize", arrow::boolean()),
      arrow::field("state_timestamp", arrow::int64()),
      arrow::field("status", arrow::utf8()),
  });
  auto table = arrow::Table::Make(schema, columns);
  ARROW_ASSIGN_OR_RAISE(auto out, arrow::io::FileOutputStream::Open(path));
  ARROW_RETURN_NOT_OK(parquet::arrow::WriteTable(*table, arrow::default_memory_pool(), out, 1024));
  return out->Close();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_sample_parquet OUTPUT.parquet\n";
    return 2;
  }
  const auto st = Write(argv[1]);
  if (!st.ok()) {
    std::cerr << "make_sample_parquet: " << st.ToString() << "\n";
    return 1;
  }
  return 0;
}
