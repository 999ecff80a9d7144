// Over 400 lines: one generator class for status data, its CSV twin and its manifest.
// Writes benchmark data shaped like the real TWAP status files (docs/design.md, "Data
// semantics"; the same columns and types as tests/data/make_sample_parquet.cc): one row per
// status change, an `activated` row when a TWAP is created and a terminal row (finished,
// terminated, error) when it ends.
//
// About 3,000 TWAPs a day; wallets follow a Zipf law (a few hold tens of thousands of TWAPs,
// most a handful). Deterministic for a seed: the same options give the same rows.
//
//   make_bench_data --rows 10000000 --out DIR            hourly files DIR/YYYYMMDD_HH.parquet
//   make_bench_data --days 30 --rows-per-file 50000 ...  files of 50,000 rows, in time order
//   make_bench_data --rows 2000000 --single-file F.parquet --row-group-rows 65536
//   ... --csv F.csv       the same rows as CSV in twap_status column order (for psql \copy)
//   ... --manifest F.json what was written, with sample wallets (heavy, median, light)
#include <arrow/api.h>
#include <arrow/io/file.h>
#include <parquet/arrow/writer.h>
#include <parquet/properties.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bench_data.h"
#include "fills_data.h"

namespace {

using namespace bench;  // NOLINT: the generators' shared vocabulary

constexpr std::array<int32_t, 10> kCommonMinutes = {5, 10, 15, 30, 60, 120, 240, 480, 720, 1440};

enum class TwapStatus : uint8_t { kActivated, kFinished, kTerminated, kError };

const char* StatusName(TwapStatus s) {
  switch (s) {
    case TwapStatus::kActivated: return "activated";
    case TwapStatus::kFinished: return "finished";
    case TwapStatus::kTerminated: return "terminated";
    case TwapStatus::kError: return "error";
  }
  return "";
}

struct Row {
  int64_t time_ns;  // status event time
  int64_t twap_id;
  int64_t created_ms;  // state_timestamp
  uint32_t wallet;     // index into the wallet table
  int32_t minutes;
  uint8_t coin;
  TwapStatus status;
  bool buy;
  bool reduce_only;
  bool randomize;
  Text sz, executed_sz, executed_ntl;
};

struct Options {
  int64_t rows = 0;
  double days = 0;
  std::string out_dir;
  std::string single_file;
  std::string csv_path;
  std::string manifest_path;
  std::string csv_key_prefix;  // s3_object_key in the CSV is this prefix + the file name
  uint64_t seed = 42;
  int64_t rows_per_file = 0;  // 0: one file per hour
  int64_t row_group_rows = 65536;
  int64_t twaps_per_day = 3000;
  std::string start = "2022-01-01";
  unsigned threads = std::thread::hardware_concurrency();
  bool quiet = false;
};

struct FileTask {
  std::string path;
  std::vector<Row> rows;
};

struct WalletStats {
  uint32_t twaps = 0;
  int64_t first_ns = 0;
  int64_t last_ns = 0;
};

class Generator {
 public:
  explicit Generator(const Options& o) : opts_(o), rng_(o.seed) {
    twaps_ = opts_.rows > 0
                 ? (opts_.rows + 1) / 2
                 : static_cast<int64_t>(opts_.days * static_cast<double>(opts_.twaps_per_day));
    max_rows_ = opts_.rows > 0 ? opts_.rows : 2 * twaps_;
    // Wallets grow with the data; a Zipf exponent of 0.8 gives the heaviest wallets tens of
    // thousands of TWAPs at the default scale and most wallets a handful.
    const int64_t wallets = std::max<int64_t>(50, twaps_ / 20);
    zipf_cdf_.resize(static_cast<size_t>(wallets));
    double sum = 0;
    for (int64_t r = 0; r < wallets; ++r) {
      sum += std::pow(static_cast<double>(r + 1), -0.8);
      zipf_cdf_[static_cast<size_t>(r)] = sum;
    }
    for (double& c : zipf_cdf_) c /= sum;
    wallet_stats_.resize(zipf_cdf_.size());
    wallet_hex_.resize(zipf_cdf_.size());
    Random hex_rng(opts_.seed ^ 0x5bd1e9955bd1e995ULL);
    static constexpr char kHex[] = "0123456789abcdef";
    for (auto& w : wallet_hex_) {
      w[0] = '0';
      w[1] = 'x';
      for (size_t i = 2; i < w.size(); i += 16) {
        uint64_t bits = hex_rng.Next();
        for (size_t j = i; j < std::min(w.size(), i + 16); ++j, bits >>= 4) w[j] = kHex[bits & 15];
      }
    }
    double total_weight = 0;
    for (const auto& c : kCoins) total_weight += c.weight;
    double acc = 0;
    for (size_t i = 0; i < kCoins.size(); ++i) {
      acc += kCoins[i].weight / total_weight;
      coin_cdf_[i] = acc;
    }
    int y = 0;
    unsigned m = 0, d = 0;
    if (std::sscanf(opts_.start.c_str(), "%d-%u-%u", &y, &m, &d) != 3) {
      throw std::runtime_error("--start must be YYYY-MM-DD");
    }
    start_ns_ = DaysFromCivil(y, m, d) * kNanosPerDay;
  }

  ~Generator() { (void)JoinWorkers(); }
  Generator(const Generator&) = delete;
  Generator& operator=(const Generator&) = delete;

  int64_t twaps() const { return twaps_; }
  int64_t start_ns() const { return start_ns_; }

  // The TWAPs that Run() writes (the same ones for the same options), those created before
  // `until_ns`, with what their slice fills need; instead of Run().
  std::vector<bench::TwapWindow> TwapWindows(int64_t until_ns) {
    std::vector<bench::TwapWindow> windows;
    for (int64_t k = 0; k < twaps_; ++k) {
      const int64_t created_ns = CreatedAt(k);
      if (created_ns >= until_ns) break;
      const Row activated = MakeTwap(k, created_ns);
      const Row terminal = MakeTerminal(activated);
      windows.push_back({activated.twap_id, activated.time_ns, terminal.time_ns, exec_units_,
                         wallet_hex_[activated.wallet].data(), activated.coin, activated.buy});
    }
    return windows;
  }
  int64_t rows_written() const { return rows_written_; }
  int64_t files_written() const { return files_written_; }
  int64_t csv_bytes() const { return csv_bytes_; }

  arrow::Status Run() {
    for (const std::string& path : {opts_.csv_path, opts_.manifest_path, opts_.single_file}) {
      const auto parent = std::filesystem::path(path).parent_path();
      if (!path.empty() && !parent.empty()) std::filesystem::create_directories(parent);
    }
    if (!opts_.csv_path.empty()) {
      csv_ = std::fopen(opts_.csv_path.c_str(), "wb");
      if (csv_ == nullptr) return arrow::Status::IOError("cannot write ", opts_.csv_path);
    }
    if (!opts_.single_file.empty()) {
      ARROW_ASSIGN_OR_RAISE(auto sink, arrow::io::FileOutputStream::Open(opts_.single_file));
      ARROW_ASSIGN_OR_RAISE(
          single_writer_, parquet::arrow::FileWriter::Open(*Schema(), arrow::default_memory_pool(),
                                                           sink, WriterProperties()));
    } else {
      std::filesystem::create_directories(opts_.out_dir);
    }

    int64_t rows = 0;
    for (int64_t k = 0; k < twaps_; ++k) {
      const int64_t created_ns = CreatedAt(k);
      // Every row still pending belongs to an hour before this TWAP's hour is complete.
      ARROW_RETURN_NOT_OK(FlushHoursBefore(created_ns / kNanosPerHour));
      Row activated = MakeTwap(k, created_ns);
      Row terminal = MakeTerminal(activated);
      Pending(activated.time_ns).push_back(activated);
      ++rows;
      if (rows < max_rows_) {
        Pending(terminal.time_ns).push_back(terminal);
        ++rows;
      }
    }
    ARROW_RETURN_NOT_OK(FlushHoursBefore(INT64_MAX));
    ARROW_RETURN_NOT_OK(FlushFileRows(/*final=*/true));
    ARROW_RETURN_NOT_OK(JoinWorkers());
    if (single_writer_) ARROW_RETURN_NOT_OK(single_writer_->Close());
    if (csv_ != nullptr) {
      FlushCsv();
      if (std::fclose(csv_) != 0) return arrow::Status::IOError("writing ", opts_.csv_path);
    }
    if (!opts_.manifest_path.empty()) ARROW_RETURN_NOT_OK(WriteManifest());
    return arrow::Status::OK();
  }

 private:
  // The k-th TWAP's creation time: evenly spread, jittered.
  int64_t CreatedAt(int64_t k) {
    const double spacing_ns =
        static_cast<double>(kNanosPerDay) / static_cast<double>(opts_.twaps_per_day);
    return start_ns_ + static_cast<int64_t>((static_cast<double>(k) + rng_.Uniform()) * spacing_ns);
  }

  Row MakeTwap(int64_t k, int64_t created_ns) {
    Row r{};
    r.time_ns = created_ns;
    r.created_ms = created_ns / 1'000'000;
    r.twap_id = 100000 + k;
    r.wallet = static_cast<uint32_t>(
        std::upper_bound(zipf_cdf_.begin(), zipf_cdf_.end() - 1, rng_.Uniform()) -
        zipf_cdf_.begin());
    r.coin = static_cast<uint8_t>(
        std::upper_bound(coin_cdf_.begin(), coin_cdf_.end() - 1, rng_.Uniform()) -
        coin_cdf_.begin());
    r.buy = rng_.Uniform() < 0.52;
    r.reduce_only = rng_.Uniform() < 0.1;
    r.randomize = rng_.Uniform() < 0.3;
    r.minutes = rng_.Uniform() < 0.8 ? kCommonMinutes[static_cast<size_t>(rng_.Below(10))]
                                     : static_cast<int32_t>(1 + rng_.Below(1440));
    r.status = TwapStatus::kActivated;
    // Notional log-uniform between $20 and $500k, in whole size units of the coin.
    const Coin& coin = kCoins[r.coin];
    const double notional = 20.0 * std::exp(rng_.Uniform() * std::log(25000.0));
    const double scale = std::pow(10.0, coin.sz_decimals);
    const auto sz_units = std::max<int64_t>(1, static_cast<int64_t>(notional / coin.price * scale));
    r.sz = FormatDecimal(sz_units, coin.sz_decimals);
    r.executed_sz = FormatDecimal(0, 0);
    r.executed_ntl = FormatDecimal(0, 0);
    auto& ws = wallet_stats_[r.wallet];
    if (ws.twaps++ == 0) ws.first_ns = created_ns;
    ws.last_ns = created_ns;
    sz_units_ = sz_units;
    return r;
  }

  Row MakeTerminal(const Row& activated) {
    Row r = activated;
    const double u = rng_.Uniform();
    const int64_t run_ns = int64_t{activated.minutes} * 60 * kNanosPerSecond;
    double fraction = 1.0;
    if (u < 0.70) {
      r.status = TwapStatus::kFinished;
      r.time_ns += run_ns + rng_.Below(2 * kNanosPerSecond);
    } else if (u < 0.95) {
      r.status = TwapStatus::kTerminated;
      fraction = rng_.Uniform();
      r.time_ns += static_cast<int64_t>(fraction * static_cast<double>(run_ns)) + kNanosPerSecond;
    } else {
      r.status = TwapStatus::kError;
      fraction = 0;
      r.time_ns += kNanosPerSecond + rng_.Below(4 * kNanosPerSecond);
    }
    const Coin& coin = kCoins[activated.coin];
    const auto exec_units = static_cast<int64_t>(fraction * static_cast<double>(sz_units_));
    exec_units_ = exec_units;
    // Average fill within 2% of the coin's price; notional kept to 1e-4 USD.
    const double px = coin.price * (0.98 + 0.04 * rng_.Uniform());
    const auto ntl_units = static_cast<int64_t>(static_cast<double>(exec_units) /
                                                std::pow(10.0, coin.sz_decimals) * px * 1e4);
    r.executed_sz = FormatDecimal(exec_units, coin.sz_decimals);
    r.executed_ntl = FormatDecimal(ntl_units, 4);
    return r;
  }

  std::vector<Row>& Pending(int64_t time_ns) {
    const int64_t hour = time_ns / kNanosPerHour;
    if (pending_.empty()) first_pending_hour_ = hour;
    while (first_pending_hour_ + static_cast<int64_t>(pending_.size()) <= hour) {
      pending_.emplace_back();
    }
    return pending_[static_cast<size_t>(hour - first_pending_hour_)];
  }

  arrow::Status FlushHoursBefore(int64_t hour) {
    while (!pending_.empty() && first_pending_hour_ < hour) {
      auto& rows = pending_.front();
      std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
        return a.time_ns != b.time_ns ? a.time_ns < b.time_ns : a.twap_id < b.twap_id;
      });
      if (!rows.empty()) ARROW_RETURN_NOT_OK(EmitHour(first_pending_hour_, rows));
      pending_.pop_front();
      ++first_pending_hour_;
    }
    return arrow::Status::OK();
  }

  arrow::Status EmitHour(int64_t hour, const std::vector<Row>& rows) {
    if (!opts_.single_file.empty() || opts_.rows_per_file > 0) {
      file_rows_.insert(file_rows_.end(), rows.begin(), rows.end());
      return FlushFileRows(/*final=*/false);
    }
    return WriteFile(HourFileName(hour * kNanosPerHour), rows.data(),
                     static_cast<int64_t>(rows.size()));
  }

  arrow::Status FlushFileRows(bool final) {
    const int64_t chunk = !opts_.single_file.empty() ? opts_.row_group_rows : opts_.rows_per_file;
    if (chunk <= 0) return arrow::Status::OK();
    size_t done = 0;
    while (file_rows_.size() - done >= static_cast<size_t>(chunk) ||
           (final && done < file_rows_.size())) {
      const int64_t n = std::min<int64_t>(chunk, static_cast<int64_t>(file_rows_.size() - done));
      if (single_writer_) {
        ARROW_ASSIGN_OR_RAISE(auto table, MakeTable(file_rows_.data() + done, n));
        ARROW_RETURN_NOT_OK(single_writer_->WriteTable(*table, n));
        WriteCsv(file_rows_.data() + done, n,
                 std::filesystem::path(opts_.single_file).filename().string());
        rows_written_ += n;
        if (files_written_ == 0) files_written_ = 1;
      } else {
        char name[32];
        std::snprintf(name, sizeof(name), "part-%06lld.parquet",
                      static_cast<long long>(files_written_));
        ARROW_RETURN_NOT_OK(WriteFile(name, file_rows_.data() + done, n));
      }
      done += static_cast<size_t>(n);
    }
    file_rows_.erase(file_rows_.begin(), file_rows_.begin() + static_cast<ptrdiff_t>(done));
    return arrow::Status::OK();
  }

  // Hands the file to a writer thread: encoding parquet is most of the cost, and files are
  // independent. The CSV is written here, in order.
  arrow::Status WriteFile(const std::string& name, const Row* rows, int64_t n) {
    WriteCsv(rows, n, name);
    rows_written_ += n;
    ++files_written_;
    if (!opts_.quiet && files_written_ % 5000 == 0) {
      std::cerr << "make_bench_data: " << files_written_ << " files, " << rows_written_
                << " rows\n";
    }
    FileTask task{(std::filesystem::path(opts_.out_dir) / name).string(),
                  std::vector<Row>(rows, rows + n)};
    std::unique_lock lock(mutex_);
    if (workers_.empty()) {
      const unsigned threads = std::max(1u, std::min(opts_.threads, 16u));
      for (unsigned i = 0; i < threads; ++i) workers_.emplace_back([this] { WorkerLoop(); });
    }
    queue_space_.wait(lock, [this] { return queue_.size() < 64 || !worker_error_.ok(); });
    if (!worker_error_.ok()) return worker_error_;
    queue_.push_back(std::move(task));
    queue_ready_.notify_one();
    return arrow::Status::OK();
  }

  void WorkerLoop() {
    while (true) {
      FileTask task;
      {
        std::unique_lock lock(mutex_);
        queue_ready_.wait(lock, [this] { return !queue_.empty() || closing_; });
        if (queue_.empty()) return;
        task = std::move(queue_.front());
        queue_.pop_front();
        queue_space_.notify_one();
      }
      const arrow::Status st = WriteParquet(task);
      if (!st.ok()) {
        std::lock_guard lock(mutex_);
        if (worker_error_.ok()) worker_error_ = st.WithMessage(task.path, ": ", st.message());
        queue_space_.notify_all();
      }
    }
  }

  // Waits for every queued file to be written.
  arrow::Status JoinWorkers() {
    {
      std::lock_guard lock(mutex_);
      closing_ = true;
      queue_ready_.notify_all();
    }
    for (auto& t : workers_) t.join();
    workers_.clear();
    return worker_error_;
  }

  arrow::Status WriteParquet(const FileTask& task) {
    ARROW_ASSIGN_OR_RAISE(auto table,
                          MakeTable(task.rows.data(), static_cast<int64_t>(task.rows.size())));
    ARROW_ASSIGN_OR_RAISE(auto sink, arrow::io::FileOutputStream::Open(task.path));
    ARROW_RETURN_NOT_OK(parquet::arrow::WriteTable(*table, arrow::default_memory_pool(), sink,
                                                   opts_.row_group_rows, WriterProperties()));
    return sink->Close();
  }

  static std::shared_ptr<arrow::Schema> Schema() {
    static const auto schema = arrow::schema({
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
    return schema;
  }

  arrow::Result<std::shared_ptr<arrow::Table>> MakeTable(const Row* rows, int64_t n) {
    arrow::StringBuilder time, coin, user, side, sz, executed_sz, executed_ntl, status;
    arrow::Int64Builder twap_id, minutes, state_timestamp;
    arrow::BooleanBuilder reduce_only, randomize;
    for (arrow::ArrayBuilder* b : std::vector<arrow::ArrayBuilder*>{
             &time, &twap_id, &coin, &user, &side, &sz, &executed_sz, &executed_ntl, &minutes,
             &reduce_only, &randomize, &state_timestamp, &status}) {
      ARROW_RETURN_NOT_OK(b->Reserve(n));
    }
    ARROW_RETURN_NOT_OK(time.ReserveData(n * 29));
    ARROW_RETURN_NOT_OK(user.ReserveData(n * 42));
    for (int64_t i = 0; i < n; ++i) {
      const Row& r = rows[i];
      char buf[40];
      const char* end = FormatTime(r.time_ns, 'T', 9, buf);
      time.UnsafeAppend(std::string_view(buf, static_cast<size_t>(end - buf)));
      twap_id.UnsafeAppend(r.twap_id);
      ARROW_RETURN_NOT_OK(coin.Append(kCoins[r.coin].name));
      user.UnsafeAppend(std::string_view(wallet_hex_[r.wallet].data(), 42));
      ARROW_RETURN_NOT_OK(side.Append(r.buy ? "B" : "A"));
      ARROW_RETURN_NOT_OK(sz.Append(r.sz.view()));
      ARROW_RETURN_NOT_OK(executed_sz.Append(r.executed_sz.view()));
      ARROW_RETURN_NOT_OK(executed_ntl.Append(r.executed_ntl.view()));
      minutes.UnsafeAppend(r.minutes);
      reduce_only.UnsafeAppend(r.reduce_only);
      randomize.UnsafeAppend(r.randomize);
      state_timestamp.UnsafeAppend(r.created_ms);
      ARROW_RETURN_NOT_OK(status.Append(StatusName(r.status)));
    }
    std::vector<std::shared_ptr<arrow::Array>> columns;
    for (arrow::ArrayBuilder* b : std::vector<arrow::ArrayBuilder*>{
             &time, &twap_id, &coin, &user, &side, &sz, &executed_sz, &executed_ntl, &minutes,
             &reduce_only, &randomize, &state_timestamp, &status}) {
      std::shared_ptr<arrow::Array> a;
      ARROW_RETURN_NOT_OK(b->Finish(&a));
      columns.push_back(std::move(a));
    }
    return arrow::Table::Make(Schema(), columns, n);
  }

  // twap_id, wallet, ts, asset, side, size_requested, size_executed, notional_executed, status,
  // duration_minutes, s3_object_key, raw_payload, created_at: what the ETL stores for the row.
  void WriteCsv(const Row* rows, int64_t n, const std::string& object_key) {
    if (csv_ == nullptr) return;
    for (int64_t i = 0; i < n; ++i) {
      const Row& r = rows[i];
      const std::string_view wallet(wallet_hex_[r.wallet].data(), 42);
      const char* coin = kCoins[r.coin].name;
      const char* side = r.buy ? "B" : "A";
      const char* status = StatusName(r.status);
      char event[40];
      const char* event_end = FormatTime(r.time_ns, 'T', 9, event);
      const std::string_view event_iso(event, static_cast<size_t>(event_end - event));
      char ts[40];
      char* ts_end = FormatTime(r.time_ns, ' ', 6, ts);
      std::memcpy(ts_end, "+00", 3);
      ts_end += 3;
      char created[40];
      char* created_end = FormatTime(r.created_ms * 1'000'000, ' ', 3, created);
      std::memcpy(created_end, "+00", 3);
      created_end += 3;
      Out(std::to_string(r.twap_id));
      Out(",");
      Out(wallet);
      Out(",");
      Out(std::string_view(ts, static_cast<size_t>(ts_end - ts)));
      Out(",");
      Out(coin);
      Out(",");
      Out(side);
      Out(",");
      Out(r.sz.view());
      Out(",");
      Out(r.executed_sz.view());
      Out(",");
      Out(r.executed_ntl.view());
      Out(",");
      Out(status);
      Out(",");
      Out(std::to_string(r.minutes));
      Out(",");
      Out(opts_.csv_key_prefix);
      Out(object_key);
      // raw_payload: the source row as JSON, quotes doubled for CSV.
      Out(",\"{\"\"time\"\":\"\"");
      Out(event_iso);
      Out("\"\",\"\"twap_id\"\":");
      Out(std::to_string(r.twap_id));
      Out(",\"\"state_coin\"\":\"\"");
      Out(coin);
      Out("\"\",\"\"state_user\"\":\"\"");
      Out(wallet);
      Out("\"\",\"\"state_side\"\":\"\"");
      Out(side);
      Out("\"\",\"\"state_sz\"\":\"\"");
      Out(r.sz.view());
      Out("\"\",\"\"state_executedSz\"\":\"\"");
      Out(r.executed_sz.view());
      Out("\"\",\"\"state_executedNtl\"\":\"\"");
      Out(r.executed_ntl.view());
      Out("\"\",\"\"state_minutes\"\":");
      Out(std::to_string(r.minutes));
      Out(",\"\"state_reduceOnly\"\":");
      Out(r.reduce_only ? "true" : "false");
      Out(",\"\"state_randomize\"\":");
      Out(r.randomize ? "true" : "false");
      Out(",\"\"state_timestamp\"\":");
      Out(std::to_string(r.created_ms));
      Out(",\"\"status\"\":\"\"");
      Out(status);
      Out("\"\"}\",");
      Out(std::string_view(created, static_cast<size_t>(created_end - created)));
      Out("\n");
    }
    if (csv_buffer_.size() > (1 << 22)) FlushCsv();
  }

  void Out(std::string_view s) { csv_buffer_.append(s); }

  void FlushCsv() {
    std::fwrite(csv_buffer_.data(), 1, csv_buffer_.size(), csv_);
    csv_bytes_ += static_cast<int64_t>(csv_buffer_.size());
    csv_buffer_.clear();
  }

  // What was written and sample wallets across the distribution, for the API benchmark.
  arrow::Status WriteManifest() {
    std::vector<uint32_t> by_count;
    for (uint32_t i = 0; i < wallet_stats_.size(); ++i) {
      if (wallet_stats_[i].twaps > 0) by_count.push_back(i);
    }
    std::stable_sort(by_count.begin(), by_count.end(), [&](uint32_t a, uint32_t b) {
      return wallet_stats_[a].twaps > wallet_stats_[b].twaps;
    });
    std::vector<std::pair<std::string, uint32_t>> picks;  // (class, wallet)
    for (size_t i = 0; i < std::min<size_t>(3, by_count.size()); ++i) {
      picks.emplace_back("heavy", by_count[i]);
    }
    // Rank quantiles of wallets that hold at least one TWAP: median and light (90th percentile
    // of rank, i.e. among the smallest wallets).
    for (const auto& [cls, q] : std::vector<std::pair<std::string, double>>{{"median", 0.5},
                                                                            {"median", 0.52},
                                                                            {"median", 0.48},
                                                                            {"light", 0.9},
                                                                            {"light", 0.92},
                                                                            {"light", 0.95}}) {
      if (by_count.empty()) break;
      picks.emplace_back(
          cls, by_count[static_cast<size_t>(q * static_cast<double>(by_count.size() - 1))]);
    }
    FILE* f = std::fopen(opts_.manifest_path.c_str(), "wb");
    if (f == nullptr) return arrow::Status::IOError("cannot write ", opts_.manifest_path);
    std::fprintf(f,
                 "{\n  \"rows\": %lld,\n  \"twaps\": %lld,\n  \"files\": %lld,\n  \"wallets\": "
                 "%zu,\n  \"seed\": %llu,\n  \"start\": \"%s\",\n  \"end\": \"%s\",\n",
                 static_cast<long long>(rows_written_), static_cast<long long>(twaps_),
                 static_cast<long long>(files_written_), by_count.size(),
                 static_cast<unsigned long long>(opts_.seed), IsoTime(start_ns_).c_str(),
                 IsoTime(last_hour_end_ns()).c_str());
    std::fprintf(f, "  \"sample_wallets\": [\n");
    for (size_t i = 0; i < picks.size(); ++i) {
      const auto& ws = wallet_stats_[picks[i].second];
      std::fprintf(f,
                   "    {\"class\": \"%s\", \"wallet\": \"%.42s\", \"twaps\": %u, \"first\": "
                   "\"%s\", \"last\": \"%s\"}%s\n",
                   picks[i].first.c_str(), wallet_hex_[picks[i].second].data(), ws.twaps,
                   IsoTime(ws.first_ns).c_str(), IsoTime(ws.last_ns).c_str(),
                   i + 1 < picks.size() ? "," : "");
    }
    std::fprintf(f, "  ]\n}\n");
    if (std::fclose(f) != 0) return arrow::Status::IOError("writing ", opts_.manifest_path);
    return arrow::Status::OK();
  }

  int64_t last_hour_end_ns() const { return first_pending_hour_ * kNanosPerHour; }

  Options opts_;
  Random rng_;
  int64_t twaps_ = 0;
  int64_t max_rows_ = 0;
  int64_t start_ns_ = 0;
  std::vector<double> zipf_cdf_;
  std::array<double, kCoins.size()> coin_cdf_{};
  std::vector<std::array<char, 42>> wallet_hex_;
  std::vector<WalletStats> wallet_stats_;
  int64_t sz_units_ = 0;                  // the size of the TWAP being made, in the coin's units
  int64_t exec_units_ = 0;                // and its executed size
  std::deque<std::vector<Row>> pending_;  // rows by hour, from first_pending_hour_ on
  int64_t first_pending_hour_ = 0;
  std::vector<Row> file_rows_;  // rows waiting for a full file or row group
  std::unique_ptr<parquet::arrow::FileWriter> single_writer_;
  FILE* csv_ = nullptr;
  std::string csv_buffer_;
  int64_t csv_bytes_ = 0;
  int64_t rows_written_ = 0;
  int64_t files_written_ = 0;
  std::mutex mutex_;  // guards the queue, closing_ and worker_error_
  std::condition_variable queue_ready_;
  std::condition_variable queue_space_;
  std::deque<FileTask> queue_;
  bool closing_ = false;
  arrow::Status worker_error_;
  std::vector<std::thread> workers_;
};

// --fills: the fills of the TWAPs that the same options would write as status data.
int WriteFills(const Options& opts, bench::FillsOptions fills, int64_t first_hour) {
  const auto started = std::chrono::steady_clock::now();
  Generator gen(opts);
  fills.out_dir = opts.out_dir;
  fills.single_file = opts.single_file;
  fills.manifest_path = opts.manifest_path;
  fills.start_ns = gen.start_ns() + first_hour * kNanosPerHour;
  fills.row_group_rows = opts.row_group_rows;
  fills.seed = opts.seed;
  fills.quiet = opts.quiet;
  const auto twaps = gen.TwapWindows(fills.start_ns + fills.hours * kNanosPerHour);
  bench::FillsSummary summary;
  const auto st = bench::WriteFills(fills, twaps, &summary);
  if (!st.ok()) {
    std::cerr << "make_bench_data: " << st.ToString() << "\n";
    return 1;
  }
  if (!opts.quiet) {
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::cerr << "make_bench_data: " << summary.rows << " fill rows (" << summary.slice_rows
              << " TWAP slices) in " << summary.files << " files, " << secs << " s\n";
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options opts;
  CLI::App app{"Writes TWAP status parquet files shaped like the real data, for benchmarks"};
  auto* rows = app.add_option("--rows", opts.rows, "Rows to write (2 per TWAP)");
  auto* days = app.add_option("--days", opts.days, "Days of data to write (3,000 TWAPs a day)");
  rows->excludes(days);
  auto* out = app.add_option("--out", opts.out_dir, "Directory for the parquet files");
  auto* single = app.add_option("--single-file", opts.single_file,
                                "Write every row into this one parquet file instead");
  out->excludes(single);
  app.add_option("--rows-per-file", opts.rows_per_file,
                 "Rows per file (files named part-NNNNNN.parquet); 0: one file per hour")
      ->capture_default_str();
  app.add_option("--row-group-rows", opts.row_group_rows, "Rows per row group")
      ->capture_default_str();
  app.add_option("--csv", opts.csv_path,
                 "Also write the rows as CSV in twap_status column order (psql \\copy)");
  app.add_option("--csv-key-prefix", opts.csv_key_prefix,
                 "Put this before the file name in the CSV's s3_object_key (file:///dir/)");
  app.add_option("--manifest", opts.manifest_path, "Write a JSON summary with sample wallets");
  app.add_option("--seed", opts.seed, "Random seed")->capture_default_str();
  app.add_option("--twaps-per-day", opts.twaps_per_day, "TWAPs created per day")
      ->capture_default_str();
  app.add_option("--start", opts.start, "First day, YYYY-MM-DD (UTC)")->capture_default_str();
  app.add_option("--threads", opts.threads, "Threads encoding parquet files")
      ->capture_default_str();
  app.add_flag("--quiet", opts.quiet, "No progress lines");
  bool fills = false;
  bench::FillsOptions fills_opts;
  auto* fills_flag = app.add_flag(
      "--fills", fills,
      "Write node fills instead: slices of the TWAPs that these --rows/--days, --seed, --start "
      "and --twaps-per-day write, and other users' fills");
  int64_t first_hour = 24;
  app.add_option("--hours", fills_opts.hours, "Hours of fills (a file each)")
      ->capture_default_str()
      ->needs(fills_flag);
  app.add_option("--first-hour", first_hour,
                 "First hour of fills, counted from --start (by the second day TWAPs of every "
                 "duration are running)")
      ->capture_default_str()
      ->needs(fills_flag);
  app.add_option("--rows-per-hour", fills_opts.rows_per_hour,
                 "Fill rows per hour (the default makes files of about 25 MB)")
      ->capture_default_str()
      ->needs(fills_flag);
  app.add_option("--twap-share", fills_opts.twap_share, "Share of fill rows that are TWAP slices")
      ->capture_default_str()
      ->needs(fills_flag);
  CLI11_PARSE(app, argc, argv);
  if (opts.rows <= 0 && opts.days <= 0) {
    std::cerr << "make_bench_data: give --rows N or --days N\n";
    return 2;
  }
  if (opts.out_dir.empty() && opts.single_file.empty()) {
    std::cerr << "make_bench_data: give --out DIR or --single-file PATH\n";
    return 2;
  }
  if (opts.row_group_rows <= 0 || opts.twaps_per_day <= 0 || opts.rows_per_file < 0 ||
      fills_opts.hours <= 0 || fills_opts.rows_per_hour <= 0) {
    std::cerr << "make_bench_data: sizes must be positive\n";
    return 2;
  }
  if (fills && (!opts.csv_path.empty() || opts.rows_per_file > 0)) {
    std::cerr << "make_bench_data: --csv and --rows-per-file are for status data, not --fills\n";
    return 2;
  }
  try {
    if (fills) return WriteFills(opts, fills_opts, first_hour);
    const auto started = std::chrono::steady_clock::now();
    Generator gen(opts);
    const auto st = gen.Run();
    if (!st.ok()) {
      std::cerr << "make_bench_data: " << st.ToString() << "\n";
      return 1;
    }
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (!opts.quiet) {
      std::cerr << "make_bench_data: " << gen.rows_written() << " rows (" << gen.twaps()
                << " TWAPs) in " << gen.files_written() << " files, " << secs << " s ("
                << static_cast<int64_t>(static_cast<double>(gen.rows_written()) / secs)
                << " rows/s)\n";
    }
  } catch (const std::exception& e) {
    std::cerr << "make_bench_data: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
