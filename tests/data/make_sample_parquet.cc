// Writes the committed sample files; deterministic: the same content on every run.
//
//   make_sample_parquet tests/data/sample_twap.parquet
//       TWAP status data: one row per status change, `state_*` columns, decimal strings,
//       epoch-ms state_timestamp and an ISO event time with nanoseconds.
//   make_sample_parquet --fills tests/data/sample_fills.parquet
//       node fills: one row per fill per user side, camelCase columns as the node writes them,
//       decimal strings, a millisecond timestamp; the slices of the TWAPs above, other fills.
#include <arrow/api.h>
#include <arrow/io/file.h>
#include <parquet/arrow/writer.h>

#include <cstdint>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
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
      {568771, kDave, "BTC", "B", "1", 1440, false, true, "2025-11-02T02:05:00.000000000",
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

arrow::Status WriteTable(const std::shared_ptr<arrow::Table>& table, const std::string& path) {
  ARROW_ASSIGN_OR_RAISE(auto out, arrow::io::FileOutputStream::Open(path));
  ARROW_RETURN_NOT_OK(parquet::arrow::WriteTable(*table, arrow::default_memory_pool(), out, 1024));
  return out->Close();
}

arrow::Status WriteStatuses(const std::string& path) {
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
  return WriteTable(arrow::Table::Make(schema, columns), path);
}

// The fills, in time order. Hand-chosen so that each TWAP's slices (twapId set and not 0) sum
// exactly to its terminal executedSz and, as px·sz, to its executedNtl, at times between its
// activated and terminal rows (tests/sample_data_test.cc checks). Trade 533 has TWAPs 568760
// and 568771 on its two sides. "-" is a null twapId; crossed 0 is the maker side (a rebate).
// twapId wallet coin side time(UTC) px sz startPosition closedPnl fee feeToken crossed tid
constexpr const char* kFills = R"(
568722 alice BTC      B 2025-11-01T08:20:02.123 108393    0.1     0.0     0.0     4.877685  USDC 1 1
568722 alice BTC      B 2025-11-01T08:25:03.063 108447    0.1     0.1     0.0     4.880115  USDC 1 39
568722 alice BTC      B 2025-11-01T08:30:03.006 108420.5  0.1     0.2     0.0     4.878922  USDC 1 64
568722 alice BTC      B 2025-11-01T08:35:02.949 108378    0.1     0.3     0.0     4.87701   USDC 1 76
568722 alice BTC      B 2025-11-01T08:40:02.892 108465    0.1     0.4     0.0     4.880925  USDC 1 125
568723 alice ETH      A 2025-11-01T09:04:07.300 3854.5    1.1152  0.0     0.0     1.934342  USDC 1 161
568723 alice ETH      A 2025-11-01T09:08:15.040 3856.8    1       -1.1152 0.0     1.73556   USDC 1 184
568723 alice ETH      A 2025-11-01T09:12:21.783 3860.5    1       -2.1152 0.0     1.737225  USDC 1 194
568723 alice ETH      A 2025-11-01T09:16:28.526 3857.1637 1       -3.1152 0.0     1.735724  USDC 1 241
568724 bob   HYPE     B 2025-11-01T10:12:40.101 39.499    66.66   0.0     0.0     1.184852  USDC 1 275
568724 bob   HYPE     B 2025-11-01T10:15:11.041 39.621    66.66   66.66   0.0     1.188511  USDC 1 296
568724 bob   HYPE     B 2025-11-01T10:17:40.984 39.674    66.67   133.32  0.0     1.19028   USDC 1 304
568724 bob   HYPE     B 2025-11-01T10:20:10.927 39.487    66.67   199.99  0.0     1.184669  USDC 1 349
568724 bob   HYPE     B 2025-11-01T10:22:40.870 39.519    66.67   266.66  0.0     1.185629  USDC 1 381
-      alice BTC      B 2025-11-01T12:00:00.250 108500    0.02    0.5     0.0     0.9765    USDC 1 400
-      carol BTC      A 2025-11-01T12:00:00.250 108500    0.02    0.0     0.0     -0.0217   USDC 0 400
0      bob   HYPE     B 2025-11-01T14:45:30.000 39.55     10      333.33  0.0     0.177975  USDC 1 443
-      dave  HYPE     A 2025-11-01T14:45:30.000 39.55     10      0.0     0.0     -0.003955 USDC 0 443
568761 carol ETH      B 2025-11-02T00:00:19.999 3860      0.0267  0.0     0.0     0.046378  USDC 1 460
568761 carol ETH      B 2025-11-02T00:00:40.939 3858.7    0.04    0.0267  0.0     0.069457  USDC 1 464
568760 bob   BTC      A 2025-11-02T02:07:02.960 108114    0.0004  0.00123 1.2456  0.019461  USDC 1 505
568760 bob   BTC      A 2025-11-02T02:08:30.500 108102    0.00041 0.00083 1.27182 0.019945  USDC 1 533
568771 dave  BTC      B 2025-11-02T02:08:30.500 108102    0.00041 0.0     0.0     -0.000443 USDC 0 533
568760 bob   BTC      A 2025-11-02T02:09:32.903 108134    0.00042 0.00042 1.31628 0.020437  USDC 1 535
568771 dave  BTC      B 2025-11-02T02:25:00.940 108098    0.01042 0.00041 0.0     0.506872  USDC 1 574
568771 dave  BTC      B 2025-11-02T02:35:00.883 108113    0.01042 0.01083 0.0     0.506942  USDC 1 600
568771 dave  BTC      B 2025-11-02T02:45:00.826 108118    0.01042 0.02125 0.0     0.506965  USDC 1 613
568771 dave  BTC      B 2025-11-02T02:55:00.769 107938    0.01    0.03167 0.0     0.485721  USDC 1 663
568770 dave  @107     A 2025-11-02T05:05:20.000 1.0104    400     1500    0.0     0.282912  USDC 1 700
568770 dave  @107     A 2025-11-02T05:05:35.940 1.0096    400     1100    0.0     0.282688  USDC 1 724
568770 dave  @107     A 2025-11-02T05:05:50.883 1.01      400.5   700     0.0     0.283154  USDC 1 735
-      carol @107     B 2025-11-02T05:30:00.125 1.012     100     0.0     0.0     0.07      HYPE 1 783  0.0101 0x4f2ac1e9b07d5c3a8e6f1b2d9c0a7e35
-      dave  @107     A 2025-11-02T05:30:00.125 1.012     100     299.5   0.0     -0.001012 USDC 0 783
568790 alice SOL      B 2025-11-02T14:50:10.000 184.66    50      0.0     0.0     4.15485   USDC 1 805
568790 alice SOL      B 2025-11-02T15:10:10.940 185.18    50      50      0.0     4.16655   USDC 1 814
568790 alice SOL      B 2025-11-02T15:30:10.883 185.12    50      100     0.0     4.1652    USDC 1 860
568790 alice SOL      B 2025-11-02T15:50:10.826 184.75    50      150     0.0     4.156875  USDC 1 893
568791 alice xyz:NVDA B 2025-11-02T16:07:30.000 90.37     3.5     0.0     0.0     0.142333  USDC 1 913
568790 alice SOL      B 2025-11-02T16:10:10.769 184.925   50      200     0.0     4.160812  USDC 1 920
568791 alice xyz:NVDA B 2025-11-02T16:15:00.940 90.5      3.5     3.5     0.0     0.142538  USDC 1 964
568791 alice xyz:NVDA B 2025-11-02T16:22:30.883 90.63     3.5     7       0.0     0.142742  USDC 1 995
568762 carol xyz:NVDA A 2025-11-02T18:50:00.000 180.5     0.75    0.0     0.0     0.060919  USDC 1 1013
568762 carol xyz:NVDA A 2025-11-02T18:55:00.940 180.23    0.75    -0.75   0.0     0.060828  USDC 1 1018
568762 carol xyz:NVDA A 2025-11-02T19:00:00.883 180.74    0.75    -1.5    0.0     0.061     USDC 1 1060
568763 carol SOL      A 2025-11-03T07:45:00.250 185.06    3.5     17.5    17.71   0.29147   USDC 1 1089
568763 carol SOL      A 2025-11-03T08:00:01.190 185.59    3.5     14      19.565  0.292304  USDC 1 1105
568763 carol SOL      A 2025-11-03T08:15:01.133 185.32    3.5     10.5    18.62   0.291879  USDC 1 1108
568763 carol SOL      A 2025-11-03T08:30:01.076 185.53    3.5     7       19.355  0.29221   USDC 1 1148
568763 carol SOL      A 2025-11-03T08:45:01.019 185.15    3.5     3.5     18.025  0.291611  USDC 1 1175
)";

constexpr int64_t kTidBase = 700'000'000'000;  // tids above are offsets from it
constexpr int64_t kOidBase = 41'200'000'000;

struct BuilderOrder {
  const char* builder_fee;
  const char* cloid;
};
// Fills of orders placed through a builder with a client order id, by tid offset.
const std::map<int64_t, BuilderOrder> kBuilderOrders = {
    {783, {"0.0101", "0x4f2ac1e9b07d5c3a8e6f1b2d9c0a7e35"}}};

const char* Wallet(const std::string& name) {
  static const std::map<std::string, const char*> wallets = {
      {"alice", kAlice}, {"bob", kBob}, {"carol", kCarol}, {"dave", kDave}};
  return wallets.at(name);
}

// What the node writes: spot coins (@N) buy and sell; perps open or close a position.
std::string Direction(const std::string& coin, const std::string& side,
                      const std::string& start_position) {
  if (coin[0] == '@') return side == "B" ? "Buy" : "Sell";
  const bool flat = start_position.find_first_not_of("-0.") == std::string::npos;
  const bool short_before = start_position[0] == '-';
  if (side == "B") return flat || !short_before ? "Open Long" : "Close Short";
  return flat || short_before ? "Open Short" : "Close Long";
}

// TWAP slices carry an all-zero hash; other fills the hash of their transaction (shared by the
// two sides of a trade), here made up from the tid.
std::string FillHash(int64_t tid, bool twap_slice) {
  if (twap_slice) return "0x" + std::string(64, '0');
  std::string hash = "0x";
  uint64_t x = static_cast<uint64_t>(tid);
  for (int i = 0; i < 4; ++i) {
    x = x * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL;
    char part[17];
    std::snprintf(part, sizeof(part), "%016llx", static_cast<unsigned long long>(x));
    hash += part;
  }
  return hash;
}

arrow::Status WriteFills(const std::string& path) {
  arrow::StringBuilder user, coin, px, sz, side, start_position, dir, closed_pnl, hash, fee,
      fee_token, builder_fee, cloid, metadata;
  arrow::TimestampBuilder time(arrow::timestamp(arrow::TimeUnit::MILLI, "UTC"),
                               arrow::default_memory_pool());
  arrow::Int64Builder oid, tid, twap_id;
  arrow::BooleanBuilder crossed;
  const std::vector<arrow::ArrayBuilder*> builders = {
      &user,      &coin,       &px,          &sz,    &side,    &time, &start_position,
      &dir,       &closed_pnl, &hash,        &oid,   &crossed, &fee,  &tid,
      &fee_token, &twap_id,    &builder_fee, &cloid, &metadata};

  std::istringstream lines(kFills);
  std::string line;
  int64_t rows = 0;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    std::istringstream in(line);
    std::string twap, wallet, c, s, t, p, q, start, pnl, f, token;
    int crossed_flag = 0;
    int64_t tid_offset = 0;
    in >> twap >> wallet >> c >> s >> t >> p >> q >> start >> pnl >> f >> token >> crossed_flag >>
        tid_offset;
    if (!in) return arrow::Status::Invalid("bad sample fill: ", line);
    const bool has_twap = twap != "-";
    const int64_t twap_value = has_twap ? std::stoll(twap) : 0;
    ARROW_RETURN_NOT_OK(user.Append(Wallet(wallet)));
    ARROW_RETURN_NOT_OK(coin.Append(c));
    ARROW_RETURN_NOT_OK(px.Append(p));
    ARROW_RETURN_NOT_OK(sz.Append(q));
    ARROW_RETURN_NOT_OK(side.Append(s));
    ARROW_RETURN_NOT_OK(time.Append(hltwap::ParseTimestampUtc(t).value() / 1000));
    ARROW_RETURN_NOT_OK(start_position.Append(start));
    ARROW_RETURN_NOT_OK(dir.Append(Direction(c, s, start)));
    ARROW_RETURN_NOT_OK(closed_pnl.Append(pnl));
    ARROW_RETURN_NOT_OK(hash.Append(FillHash(kTidBase + tid_offset, twap_value != 0)));
    ARROW_RETURN_NOT_OK(oid.Append(kOidBase + 7 * rows));
    ARROW_RETURN_NOT_OK(crossed.Append(crossed_flag != 0));
    ARROW_RETURN_NOT_OK(fee.Append(f));
    ARROW_RETURN_NOT_OK(tid.Append(kTidBase + tid_offset));
    ARROW_RETURN_NOT_OK(fee_token.Append(token));
    ARROW_RETURN_NOT_OK(has_twap ? twap_id.Append(twap_value) : twap_id.AppendNull());
    const auto builder = kBuilderOrders.find(tid_offset);
    if (builder != kBuilderOrders.end()) {
      ARROW_RETURN_NOT_OK(builder_fee.Append(builder->second.builder_fee));
      ARROW_RETURN_NOT_OK(cloid.Append(builder->second.cloid));
    } else {
      ARROW_RETURN_NOT_OK(builder_fee.AppendNull());
      ARROW_RETURN_NOT_OK(cloid.AppendNull());
    }
    ARROW_RETURN_NOT_OK(metadata.AppendNull());
    ++rows;
  }
  // The provider's own row about the file: no fill, only `_metadata`.
  for (arrow::ArrayBuilder* b : builders) {
    if (b != &metadata) ARROW_RETURN_NOT_OK(b->AppendNull());
  }
  ARROW_RETURN_NOT_OK(
      metadata.Append(R"({"dataset":"node_fills","fills":)" + std::to_string(rows) + "}"));

  std::vector<std::shared_ptr<arrow::Array>> columns;
  for (arrow::ArrayBuilder* b : builders) {
    std::shared_ptr<arrow::Array> a;
    ARROW_RETURN_NOT_OK(b->Finish(&a));
    columns.push_back(a);
  }
  std::vector<std::shared_ptr<arrow::Field>> fields;
  size_t i = 0;
  for (const char* name :
       {"user", "coin", "px", "sz", "side", "time", "startPosition", "dir", "closedPnl", "hash",
        "oid", "crossed", "fee", "tid", "feeToken", "twapId", "builderFee", "cloid", "_metadata"}) {
    fields.push_back(arrow::field(name, columns[i++]->type()));
  }
  return WriteTable(arrow::Table::Make(arrow::schema(fields), columns), path);
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  const bool fills = args.size() == 2 && args[0] == "--fills";
  if (args.size() != 1 && !fills) {
    std::cerr << "usage: make_sample_parquet [--fills] OUTPUT.parquet\n";
    return 2;
  }
  const auto st = fills ? WriteFills(args[1]) : WriteStatuses(args[0]);
  if (!st.ok()) {
    std::cerr << "make_sample_parquet: " << st.ToString() << "\n";
    return 1;
  }
  return 0;
}
