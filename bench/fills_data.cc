#include "fills_data.h"

#include <arrow/api.h>
#include <arrow/io/file.h>
#include <parquet/arrow/writer.h>
#include <parquet/properties.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <vector>

#include "bench_data.h"

namespace bench {
namespace {

constexpr int64_t kSliceIntervalNs = 30 * kNanosPerSecond;  // a TWAP sends a slice every 30 s
constexpr int64_t kOtherWallets = 200000;                   // wallets trading without TWAPs
constexpr int64_t kFeeDecimals = 6;                         // USDC

struct Fill {
  int64_t time_ns;
  int64_t tid;
  int64_t oid;
  int64_t twap_id;          // -1: null
  const char* twap_wallet;  // a TWAP's wallet, else nullptr and `wallet` is an index
  uint32_t wallet;
  uint8_t coin;
  bool buy;
  bool crossed;
  bool zero_hash;  // TWAP slices and their counterparties carry an all-zero hash
  bool builder;
  bool cloid;
  Text px, sz, start_position, closed_pnl, fee;
};

Text FormatSigned(int64_t units, int decimals) {
  if (units >= 0) return FormatDecimal(units, decimals);
  Text t = FormatDecimal(-units, decimals);
  std::memmove(t.chars.data() + 1, t.chars.data(), t.size);
  t.chars[0] = '-';
  ++t.size;
  return t;
}

// Five significant digits and at most 6 - szDecimals decimals, as the exchange's prices.
Text FormatPrice(double price, const Coin& coin) {
  const int magnitude = static_cast<int>(std::floor(std::log10(price)));
  const int decimals = std::clamp(4 - magnitude, 0, std::max(0, 6 - coin.sz_decimals));
  const auto units = std::max<int64_t>(1, std::llround(price * std::pow(10.0, decimals)));
  return FormatDecimal(units, decimals);
}

// "0x" and 40 (wallet) or 64 (hash, cloid: 32) hex digits derived from `key`.
void AppendHex(std::string& out, uint64_t key, size_t digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += "0x";
  Random r(key);
  for (size_t i = 0; i < digits; i += 16) {
    uint64_t bits = r.Next();
    for (size_t j = i; j < std::min(digits, i + 16); ++j, bits >>= 4) out += kHex[bits & 15];
  }
}

const char* FeeToken(const Fill& f) {
  const std::string_view coin = kCoins[f.coin].name;
  if (coin[0] != '@' || !f.buy) return "USDC";
  return coin == "@107" ? "HYPE" : "UBTC";  // a spot buy pays its fee in the bought token
}

const char* Direction(const Fill& f) {
  if (kCoins[f.coin].name[0] == '@') return f.buy ? "Buy" : "Sell";
  const bool is_short = f.start_position.chars[0] == '-';
  const bool flat = f.start_position.view() == "0.0";
  if (f.buy) return flat || !is_short ? "Open Long" : "Close Short";
  return flat || is_short ? "Open Short" : "Close Long";
}

class FillsWriter {
 public:
  FillsWriter(const FillsOptions& o, std::span<const TwapWindow> twaps)
      : o_(o), twaps_(twaps), rng_(o.seed ^ 0xf1115f1115f1115fULL) {}

  arrow::Status Run(FillsSummary* summary) {
    std::unique_ptr<parquet::arrow::FileWriter> single;
    if (!o_.single_file.empty()) {
      const auto parent = std::filesystem::path(o_.single_file).parent_path();
      if (!parent.empty()) std::filesystem::create_directories(parent);
      ARROW_ASSIGN_OR_RAISE(auto sink, arrow::io::FileOutputStream::Open(o_.single_file));
      ARROW_ASSIGN_OR_RAISE(
          single, parquet::arrow::FileWriter::Open(*Schema(), Pool(), sink, WriterProperties()));
    } else {
      std::filesystem::create_directories(o_.out_dir);
    }
    std::vector<Fill> fills;
    for (int64_t h = 0; h < o_.hours; ++h) {
      const int64_t hour_ns = o_.start_ns + h * kNanosPerHour;
      MakeHour(hour_ns, fills);
      ARROW_ASSIGN_OR_RAISE(auto table, MakeTable(fills));
      if (single) {
        ARROW_RETURN_NOT_OK(single->WriteTable(*table, o_.row_group_rows));
      } else {
        ARROW_ASSIGN_OR_RAISE(auto sink,
                              arrow::io::FileOutputStream::Open(
                                  (std::filesystem::path(o_.out_dir) / HourFileName(hour_ns))));
        ARROW_RETURN_NOT_OK(parquet::arrow::WriteTable(*table, Pool(), sink, o_.row_group_rows,
                                                       WriterProperties()));
        ARROW_RETURN_NOT_OK(sink->Close());
      }
      summary->files = single ? 1 : h + 1;
      summary->rows += static_cast<int64_t>(fills.size());
      if (!o_.quiet)
        std::cerr << "make_bench_data: fills hour " << h + 1 << "/" << o_.hours << "\n";
    }
    if (single) ARROW_RETURN_NOT_OK(single->Close());
    summary->slice_rows = 0;
    for (const auto& [id, n] : slices_) summary->slice_rows += n;
    return o_.manifest_path.empty() ? arrow::Status::OK() : WriteManifest(*summary);
  }

 private:
  static arrow::MemoryPool* Pool() { return arrow::default_memory_pool(); }

  static std::shared_ptr<arrow::Schema> Schema() {
    static const auto schema = arrow::schema({
        arrow::field("user", arrow::utf8()),
        arrow::field("coin", arrow::utf8()),
        arrow::field("px", arrow::utf8()),
        arrow::field("sz", arrow::utf8()),
        arrow::field("side", arrow::utf8()),
        arrow::field("time", arrow::timestamp(arrow::TimeUnit::MILLI, "UTC")),
        arrow::field("startPosition", arrow::utf8()),
        arrow::field("dir", arrow::utf8()),
        arrow::field("closedPnl", arrow::utf8()),
        arrow::field("hash", arrow::utf8()),
        arrow::field("oid", arrow::int64()),
        arrow::field("crossed", arrow::boolean()),
        arrow::field("fee", arrow::utf8()),
        arrow::field("tid", arrow::int64()),
        arrow::field("feeToken", arrow::utf8()),
        arrow::field("twapId", arrow::int64()),
        arrow::field("builderFee", arrow::utf8()),
        arrow::field("cloid", arrow::utf8()),
    });
    return schema;
  }

  // The hour's fills in time order: TWAP slices and other trades, two rows per trade. An active
  // TWAP sends a slice every 30 s; the status data has more TWAPs running at once than would
  // leave slices a few percent of the rows, so a share of the TWAPs (the same ones every hour,
  // by id) is kept with all of its slices, to about twap_share of the rows.
  void MakeHour(int64_t hour_ns, std::vector<Fill>& fills) {
    fills.clear();
    const int64_t hour_end = hour_ns + kNanosPerHour;
    std::vector<std::pair<const TwapWindow*, int64_t>> candidates;
    for (const TwapWindow& t : twaps_) {
      if (t.start_ns >= hour_end) break;
      if (t.end_ns <= hour_ns || t.executed_units <= 0) continue;
      const int64_t first = std::max<int64_t>(1, (hour_ns - t.start_ns) / kSliceIntervalNs);
      for (int64_t at = t.start_ns + first * kSliceIntervalNs; at < std::min(hour_end, t.end_ns);
           at += kSliceIntervalNs) {
        if (at >= hour_ns) candidates.emplace_back(&t, at);
      }
    }
    const double target = o_.twap_share * static_cast<double>(o_.rows_per_hour);
    const double keep =
        candidates.empty() ? 0 : std::min(1.0, target / static_cast<double>(candidates.size()));
    for (const auto& [t, at] : candidates) {
      if (Random(static_cast<uint64_t>(t->twap_id)).Uniform() >= keep) continue;
      const Coin& coin = kCoins[t->coin];
      const int64_t slices = std::max<int64_t>(1, (t->end_ns - t->start_ns) / kSliceIntervalNs);
      const int64_t sz = std::max<int64_t>(1, t->executed_units / slices);
      AddTrade(at, t->coin, coin.price * (0.99 + 0.02 * rng_.Uniform()), sz, t, fills);
    }
    while (static_cast<int64_t>(fills.size()) + 2 <= o_.rows_per_hour) {
      const auto coin = static_cast<uint8_t>(rng_.Below(static_cast<int64_t>(kCoins.size())));
      const Coin& c = kCoins[coin];
      const double px = c.price * (0.99 + 0.02 * rng_.Uniform());
      const double notional = 10.0 * std::exp(rng_.Uniform() * std::log(20000.0));  // $10-$200k
      const auto sz =
          std::max<int64_t>(1, static_cast<int64_t>(notional / px * std::pow(10.0, c.sz_decimals)));
      AddTrade(hour_ns + rng_.Below(kNanosPerHour), coin, px, sz, nullptr, fills);
    }
    std::sort(fills.begin(), fills.end(), [](const Fill& a, const Fill& b) {
      return a.time_ns != b.time_ns ? a.time_ns < b.time_ns : a.oid < b.oid;
    });
  }

  // One trade: the taker's row (the TWAP's slice when `twap`) and the maker's.
  void AddTrade(int64_t at, uint8_t coin, double price, int64_t sz_units, const TwapWindow* twap,
                std::vector<Fill>& fills) {
    const Coin& c = kCoins[coin];
    const Text px = FormatPrice(price, c);
    const double notional = price * static_cast<double>(sz_units) * std::pow(10.0, -c.sz_decimals);
    const int64_t tid = next_tid_++;
    const bool taker_buys = twap != nullptr ? twap->buy : rng_.Uniform() < 0.5;
    for (const bool taker : {true, false}) {
      Fill f{};
      f.time_ns = at - at % 1'000'000;
      f.tid = tid;
      f.oid = next_oid_++;
      f.twap_id = taker && twap != nullptr ? twap->twap_id : -1;
      f.twap_wallet = taker && twap != nullptr ? twap->wallet : nullptr;
      // A few wallets make most trades: the cube of a uniform number leans to small indexes.
      const double u = rng_.Uniform();
      f.wallet = static_cast<uint32_t>(static_cast<double>(kOtherWallets) * u * u * u);
      f.coin = coin;
      f.buy = taker == taker_buys;
      f.crossed = taker;
      f.zero_hash = twap != nullptr;
      f.builder = taker && rng_.Uniform() < 0.05;
      f.cloid = rng_.Uniform() < 0.2;
      f.px = px;
      f.sz = FormatDecimal(sz_units, c.sz_decimals);
      const bool spot = c.name[0] == '@';
      auto position =
          static_cast<int64_t>((rng_.Uniform() - 0.5) * 10.0 * static_cast<double>(sz_units));
      if (spot) position = std::abs(position);  // a spot balance
      f.start_position = FormatSigned(position, c.sz_decimals);
      const bool closing = spot ? !f.buy : (f.buy && position < 0) || (!f.buy && position > 0);
      f.closed_pnl = FormatSigned(
          closing ? std::llround((rng_.Uniform() - 0.5) * 0.02 * notional * 1e6) : 0, kFeeDecimals);
      // Taker 4.5 bp; makers pay 1.5 bp or, one in five, get a 0.1 bp rebate.
      const double rate = taker ? 4.5e-4 : (rng_.Uniform() < 0.2 ? -1e-5 : 1.5e-4);
      f.fee = FormatSigned(std::llround(rate * notional * 1e6), kFeeDecimals);
      fills.push_back(f);
      if (f.twap_id >= 0) ++slices_[f.twap_id];
    }
  }

  arrow::Result<std::shared_ptr<arrow::Table>> MakeTable(const std::vector<Fill>& fills) {
    arrow::StringBuilder user, coin, px, sz, side, start_position, dir, closed_pnl, hash, fee,
        fee_token, builder_fee, cloid;
    arrow::TimestampBuilder time(arrow::timestamp(arrow::TimeUnit::MILLI, "UTC"), Pool());
    arrow::Int64Builder oid, tid, twap_id;
    arrow::BooleanBuilder crossed;
    const std::vector<arrow::ArrayBuilder*> builders = {
        &user, &coin, &px,      &sz,  &side, &time,      &start_position, &dir,         &closed_pnl,
        &hash, &oid,  &crossed, &fee, &tid,  &fee_token, &twap_id,        &builder_fee, &cloid};
    const auto n = static_cast<int64_t>(fills.size());
    for (auto* b : builders) ARROW_RETURN_NOT_OK(b->Reserve(n));
    std::string text;
    for (const Fill& f : fills) {
      text.clear();
      if (f.twap_wallet != nullptr) {
        text.assign(f.twap_wallet, 42);
      } else {
        AppendHex(text, 0xa11ce000ULL + f.wallet, 40);
      }
      ARROW_RETURN_NOT_OK(user.Append(text));
      ARROW_RETURN_NOT_OK(coin.Append(kCoins[f.coin].name));
      ARROW_RETURN_NOT_OK(px.Append(f.px.view()));
      ARROW_RETURN_NOT_OK(sz.Append(f.sz.view()));
      ARROW_RETURN_NOT_OK(side.Append(f.buy ? "B" : "A"));
      time.UnsafeAppend(f.time_ns / 1'000'000);
      ARROW_RETURN_NOT_OK(start_position.Append(f.start_position.view()));
      ARROW_RETURN_NOT_OK(dir.Append(Direction(f)));
      ARROW_RETURN_NOT_OK(closed_pnl.Append(f.closed_pnl.view()));
      text.clear();
      if (f.zero_hash) {
        text.assign("0x").append(64, '0');
      } else {
        AppendHex(text, static_cast<uint64_t>(f.tid), 64);
      }
      ARROW_RETURN_NOT_OK(hash.Append(text));
      oid.UnsafeAppend(f.oid);
      crossed.UnsafeAppend(f.crossed);
      ARROW_RETURN_NOT_OK(fee.Append(f.fee.view()));
      tid.UnsafeAppend(f.tid);
      ARROW_RETURN_NOT_OK(fee_token.Append(FeeToken(f)));
      if (f.twap_id >= 0) {
        twap_id.UnsafeAppend(f.twap_id);
      } else {
        twap_id.UnsafeAppendNull();
      }
      ARROW_RETURN_NOT_OK(f.builder ? builder_fee.Append("0.1") : builder_fee.AppendNull());
      text.clear();
      if (f.cloid) AppendHex(text, static_cast<uint64_t>(f.oid) ^ 0xc101dULL, 32);
      ARROW_RETURN_NOT_OK(f.cloid ? cloid.Append(text) : cloid.AppendNull());
    }
    std::vector<std::shared_ptr<arrow::Array>> columns;
    for (auto* b : builders) {
      std::shared_ptr<arrow::Array> a;
      ARROW_RETURN_NOT_OK(b->Finish(&a));
      columns.push_back(std::move(a));
    }
    return arrow::Table::Make(Schema(), columns, n);
  }

  // Counts, and TWAPs with many, a median number and few slices, for the fills endpoint.
  arrow::Status WriteManifest(const FillsSummary& s) const {
    std::vector<std::pair<int64_t, int64_t>> by_count(slices_.begin(), slices_.end());
    std::stable_sort(by_count.begin(), by_count.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    FILE* f = std::fopen(o_.manifest_path.c_str(), "wb");
    if (f == nullptr) return arrow::Status::IOError("cannot write ", o_.manifest_path);
    std::fprintf(f,
                 "{\n  \"files\": %lld,\n  \"rows\": %lld,\n  \"slice_rows\": %lld,\n  "
                 "\"twaps_with_slices\": %zu,\n  \"hours\": %lld,\n  \"start\": \"%s\",\n"
                 "  \"sample_twaps\": [",
                 static_cast<long long>(s.files), static_cast<long long>(s.rows),
                 static_cast<long long>(s.slice_rows), by_count.size(),
                 static_cast<long long>(o_.hours), IsoTime(o_.start_ns).c_str());
    const char* sep = "\n";
    // The three TWAPs with most slices, three around the median and the three with fewest.
    const size_t n = by_count.size();
    std::vector<std::pair<const char*, size_t>> picks;
    for (size_t k = 0; k < 3; ++k) {
      picks.emplace_back("heavy", k);
      picks.emplace_back("median", n / 2 + k - 1);
      picks.emplace_back("light", n - 1 - k);
    }
    std::set<size_t> seen;
    for (const auto& [cls, index] : picks) {
      if (index >= n || !seen.insert(index).second) continue;
      const auto& [id, slices] = by_count[index];
      std::fprintf(f, "%s    {\"class\": \"%s\", \"twap_id\": \"%lld\", \"slices\": %lld}", sep,
                   cls, static_cast<long long>(id), static_cast<long long>(slices));
      sep = ",\n";
    }
    std::fprintf(f, "\n  ]\n}\n");
    if (std::fclose(f) != 0) return arrow::Status::IOError("writing ", o_.manifest_path);
    return arrow::Status::OK();
  }

  const FillsOptions& o_;
  std::span<const TwapWindow> twaps_;
  Random rng_;
  int64_t next_tid_ = 300'000'000'000'000;
  int64_t next_oid_ = 40'000'000'000;
  std::map<int64_t, int64_t> slices_;  // slice rows per TWAP id
};

}  // namespace

arrow::Status WriteFills(const FillsOptions& options, std::span<const TwapWindow> twaps,
                         FillsSummary* summary) {
  *summary = {};
  return FillsWriter(options, twaps).Run(summary);
}

}  // namespace bench
