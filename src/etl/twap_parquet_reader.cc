#include "etl/twap_parquet_reader.h"

#include <arrow/api.h>
#include <arrow/io/file.h>
#include <arrow/util/float16.h>
#include <fmt/format.h>
#include <parquet/arrow/reader.h>
#include <parquet/exception.h>
#include <parquet/properties.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <exception>
#include <filesystem>
#include <limits>
#include <system_error>
#include <utility>

#include "common/decimal.h"
#include "common/log.h"
#include "common/text.h"
#include "common/time_util.h"
#include "common/wallet.h"
#include "etl/parquet_values.h"
#include "etl/raw_json_writer.h"

namespace hltwap {
namespace {

constexpr size_t kMaxSamples = 5;
// The instants PostgreSQL and ISO-8601 both write with a four-digit year.
constexpr int64_t kFirstUsableMicros = -62'135'596'800'000'000;  // 0001-01-01T00:00:00Z
constexpr int64_t kEndUsableMicros = 253'402'300'800'000'000;    // 10000-01-01T00:00:00Z

constexpr std::string_view kTwapIdColumn = "twap_id";
constexpr std::string_view kWalletColumn = "state_user";
constexpr std::string_view kEventTimeColumn = "time";
constexpr std::string_view kCreatedAtColumn = "state_timestamp";
constexpr std::string_view kAssetColumn = "state_coin";
constexpr std::string_view kSideColumn = "state_side";
constexpr std::string_view kSizeRequestedColumn = "state_sz";
constexpr std::string_view kSizeExecutedColumn = "state_executedSz";
constexpr std::string_view kNotionalExecutedColumn = "state_executedNtl";
constexpr std::string_view kStatusColumn = "status";
constexpr std::string_view kMinutesColumn = "state_minutes";
constexpr std::string_view kStatusField = "status";  // of a {status, description} struct

// A value that is absent (null, or no such column) is an empty optional; one that is present
// but unusable is an error whose message says why.
template <typename T>
using FieldResult = Result<std::optional<T>>;

Status Unusable(std::string message) {
  return Status::Data(std::move(message));
}

Status UnsupportedType(const ArrowCell& cell) {
  return Unusable(fmt::format("unsupported type {}", cell.array->type()->ToString()));
}

// First column of that name (a duplicated name keeps its first column), -1 when absent.
int FindColumn(const arrow::Schema& schema, std::string_view name) {
  for (int i = 0; i < schema.num_fields(); ++i) {
    if (schema.field(i)->name() == name) return i;
  }
  return -1;
}

template <typename T>
std::string IntegerText(T value) {
  char buf[32];
  const auto result = std::to_chars(buf, buf + sizeof(buf), value);
  return std::string(buf, result.ptr);
}

// "568722", "+00568722", "568722.000" -> "568722": an integer in its one canonical spelling,
// so that the same TWAP gets the same key whichever way a file spelled it.
std::optional<std::string> CanonicalInteger(std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  const size_t point = text.find('.');
  if (point != std::string_view::npos) {
    const std::string_view fraction = text.substr(point + 1);
    if (fraction.find_first_not_of('0') != std::string_view::npos) return std::nullopt;
    text = text.substr(0, point);
  }
  if (text.empty() || text.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  const size_t first = text.find_first_not_of('0');
  if (first == std::string_view::npos) return "0";
  std::string out = negative ? "-" : "";
  out.append(text.substr(first));
  return out;
}

// A whole number held in a float, if it is one and fits int64.
std::optional<int64_t> IntegralDouble(double value) {
  if (!std::isfinite(value) || std::trunc(value) != value) return std::nullopt;
  if (value < -9.2e18 || value > 9.2e18) return std::nullopt;
  return static_cast<int64_t>(value);
}

std::optional<double> FloatingCell(const ArrowCell& cell) {
  switch (cell.array->type_id()) {
    case arrow::Type::HALF_FLOAT:
      return arrow::util::Float16::FromBits(
                 static_cast<const arrow::HalfFloatArray&>(*cell.array).Value(cell.index))
          .ToFloat();
    case arrow::Type::FLOAT:
      return static_cast<const arrow::FloatArray&>(*cell.array).Value(cell.index);
    case arrow::Type::DOUBLE:
      return static_cast<const arrow::DoubleArray&>(*cell.array).Value(cell.index);
    default: return std::nullopt;
  }
}

std::optional<std::string> DecimalCellText(const ArrowCell& cell) {
  const arrow::Array& a = *cell.array;
  switch (a.type_id()) {
    case arrow::Type::DECIMAL32:
      return static_cast<const arrow::Decimal32Array&>(a).FormatValue(cell.index);
    case arrow::Type::DECIMAL64:
      return static_cast<const arrow::Decimal64Array&>(a).FormatValue(cell.index);
    case arrow::Type::DECIMAL128:
      return static_cast<const arrow::Decimal128Array&>(a).FormatValue(cell.index);
    case arrow::Type::DECIMAL256:
      return static_cast<const arrow::Decimal256Array&>(a).FormatValue(cell.index);
    default: return std::nullopt;
  }
}

std::optional<std::string> UInt64Text(const ArrowCell& cell) {
  if (cell.array->type_id() != arrow::Type::UINT64) return std::nullopt;
  return IntegerText(static_cast<const arrow::UInt64Array&>(*cell.array).Value(cell.index));
}

std::string CleanText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  AppendValidUtf8(text, out);
  return out;
}

FieldResult<std::string> TwapIdValue(const ArrowCell& cell) {
  if (const auto text = StringCell(cell)) {
    if (auto id = CanonicalInteger(*text)) return std::optional<std::string>(std::move(*id));
    return Unusable(fmt::format("'{}' is not an integer", CleanText(text->substr(0, 64))));
  }
  if (auto text = UInt64Text(cell)) return std::optional<std::string>(std::move(*text));
  if (const auto value = IntegerCell(cell)) return std::optional<std::string>(IntegerText(*value));
  if (const auto value = FloatingCell(cell)) {
    if (const auto whole = IntegralDouble(*value)) {
      return std::optional<std::string>(IntegerText(*whole));
    }
    return Unusable(fmt::format("{} is not an integer", *value));
  }
  if (const auto text = DecimalCellText(cell)) {
    if (auto id = CanonicalInteger(*text)) return std::optional<std::string>(std::move(*id));
    return Unusable(fmt::format("{} is not an integer", *text));
  }
  return UnsupportedType(cell);
}

FieldResult<std::string> WalletValue(const ArrowCell& cell) {
  const auto text = StringCell(cell);
  if (!text) return UnsupportedType(cell);
  if (text->empty()) return std::optional<std::string>();
  return std::optional<std::string>(NormalizeWallet(CleanText(*text)));
}

FieldResult<std::string> TextValue(const ArrowCell& cell) {
  if (const auto text = StringCell(cell)) return std::optional<std::string>(CleanText(*text));
  if (auto text = UInt64Text(cell)) return std::optional<std::string>(std::move(*text));
  if (const auto value = IntegerCell(cell)) return std::optional<std::string>(IntegerText(*value));
  return UnsupportedType(cell);
}

// Sizes and notionals as exact decimal text. A string that is not a decimal is an error (the
// caller stores NULL and counts it; the row still loads), an empty string is an absent value.
FieldResult<std::string> DecimalValue(const ArrowCell& cell) {
  if (const auto text = StringCell(cell)) {
    if (text->empty()) return std::optional<std::string>();
    if (IsDecimalText(*text)) return std::optional<std::string>(std::string(*text));
    return Unusable(fmt::format("'{}' is not a decimal", CleanText(text->substr(0, 64))));
  }
  if (auto text = DecimalCellText(cell)) return std::optional<std::string>(std::move(*text));
  if (auto text = UInt64Text(cell)) return std::optional<std::string>(std::move(*text));
  if (const auto value = IntegerCell(cell)) return std::optional<std::string>(IntegerText(*value));
  double value = 0;
  switch (cell.array->type_id()) {
    case arrow::Type::DOUBLE:
      value = static_cast<const arrow::DoubleArray&>(*cell.array).Value(cell.index);
      break;
    case arrow::Type::FLOAT:
    case arrow::Type::HALF_FLOAT: {
      // The float's own shortest digits ("0.1" for 0.1f), not those of the double it widens to
      // ("0.10000000149011612"): any text of at most 9 digits reads back into a double that
      // DoubleToDecimalText writes with the same digits.
      const float f = static_cast<float>(*FloatingCell(cell));
      char buf[64];
      const auto written = std::to_chars(buf, buf + sizeof(buf), f);
      if (!std::isfinite(f)) return Unusable(fmt::format("{} is not a decimal", f));
      std::from_chars(buf, written.ptr, value);
      break;
    }
    default: return UnsupportedType(cell);
  }
  if (auto text = DoubleToDecimalText(value)) return std::optional<std::string>(std::move(*text));
  return Unusable(fmt::format("{} is not a decimal", value));
}

FieldResult<int32_t> MinutesValue(const ArrowCell& cell) {
  std::optional<int64_t> value = IntegerCell(cell);
  if (!value) {
    if (const auto f = FloatingCell(cell)) {
      value = IntegralDouble(*f);
      if (!value) return Unusable(fmt::format("{} is not a whole number of minutes", *f));
    } else if (const auto text = StringCell(cell)) {
      const auto canonical = CanonicalInteger(*text);
      int64_t parsed = 0;
      if (!canonical ||
          std::from_chars(canonical->data(), canonical->data() + canonical->size(), parsed).ec !=
              std::errc()) {
        return Unusable(
            fmt::format("'{}' is not a number of minutes", CleanText(text->substr(0, 64))));
      }
      value = parsed;
    } else if (cell.array->type_id() == arrow::Type::UINT64) {
      return Unusable("out of the integer range");
    } else {
      return UnsupportedType(cell);
    }
  }
  if (*value < std::numeric_limits<int32_t>::min() ||
      *value > std::numeric_limits<int32_t>::max()) {
    return Unusable(fmt::format("{} is out of the integer range", *value));
  }
  return std::optional<int32_t>(static_cast<int32_t>(*value));
}

// Timestamps of every form DESIGN §3 names, as UTC microseconds: parquet timestamps of any
// unit and zone (naive means UTC, and Arrow already holds zoned values as UTC), integers as
// epoch milliseconds, ISO-8601 text, dates, and floats as (fractional) epoch milliseconds.
FieldResult<int64_t> TimestampValue(const ArrowCell& cell) {
  std::optional<int64_t> micros;
  const arrow::Array& a = *cell.array;
  switch (a.type_id()) {
    case arrow::Type::TIMESTAMP:
      micros =
          ArrowTimestampToMicros(static_cast<const arrow::TimestampArray&>(a).Value(cell.index),
                                 static_cast<const arrow::TimestampType&>(*a.type()).unit());
      break;
    case arrow::Type::DATE32:
      micros = static_cast<int64_t>(static_cast<const arrow::Date32Array&>(a).Value(cell.index)) *
               86'400'000'000;
      break;
    case arrow::Type::DATE64:
      micros = EpochMillisToMicros(static_cast<const arrow::Date64Array&>(a).Value(cell.index));
      break;
    case arrow::Type::STRING:
    case arrow::Type::LARGE_STRING:
    case arrow::Type::STRING_VIEW: {
      auto parsed = ParseTimestampUtc(*StringCell(cell));
      if (!parsed.ok()) return Unusable(CleanText(parsed.status().message()));
      micros = *parsed;
      break;
    }
    case arrow::Type::HALF_FLOAT:
    case arrow::Type::FLOAT:
    case arrow::Type::DOUBLE: {
      const double millis = *FloatingCell(cell);
      if (std::isfinite(millis) && std::fabs(millis) < 9.2e15) {
        micros = static_cast<int64_t>(std::llround(millis * 1000));
      }
      break;
    }
    default: {
      if (const auto millis = IntegerCell(cell)) {
        micros = EpochMillisToMicros(*millis);
      } else if (a.type_id() != arrow::Type::UINT64) {
        return UnsupportedType(cell);
      }
    }
  }
  if (!micros || *micros < kFirstUsableMicros || *micros >= kEndUsableMicros) {
    return Unusable("out of the range of years 1 to 9999");
  }
  return std::optional<int64_t>(*micros);
}

// The columns of the current batch the row fields come from; null when the file lacks one.
struct BatchColumns {
  const arrow::Array* twap_id = nullptr;
  const arrow::Array* wallet = nullptr;
  const arrow::Array* ts = nullptr;
  const arrow::Array* created_at = nullptr;
  const arrow::Array* asset = nullptr;
  const arrow::Array* side = nullptr;
  const arrow::Array* size_requested = nullptr;
  const arrow::Array* size_executed = nullptr;
  const arrow::Array* notional_executed = nullptr;
  const arrow::Array* status = nullptr;
  // status as a {status, description} struct: the struct (for its nulls) and its field.
  const arrow::Array* status_struct = nullptr;
  std::shared_ptr<arrow::Array> status_field;
  const arrow::Array* minutes = nullptr;
};

}  // namespace

struct TwapParquetReader::Impl {
  std::string path;
  ParquetReadOptions options;
  ParquetReadStats stats;
  std::unique_ptr<parquet::arrow::FileReader> file;
  std::unique_ptr<arrow::RecordBatchReader> batches;
  std::shared_ptr<arrow::Schema> schema;
  std::string ts_column;  // the name ts comes from

  // Column indexes in the schema, -1 when absent.
  int twap_id = -1, wallet = -1, ts = -1, created_at = -1, asset = -1, side = -1,
      size_requested = -1, size_executed = -1, notional_executed = -1, status = -1, minutes = -1;

  std::shared_ptr<arrow::RecordBatch> pending;  // read but not yet fully normalised
  int64_t pending_offset = 0;
  bool done = false;
  size_t raw_size_hint = 256;
  int64_t nulled_logged = 0;

  void ResolveColumns() {
    twap_id = FindColumn(*schema, kTwapIdColumn);
    wallet = FindColumn(*schema, kWalletColumn);
    ts = FindColumn(*schema, ts_column);
    created_at = FindColumn(*schema, kCreatedAtColumn);
    asset = FindColumn(*schema, kAssetColumn);
    side = FindColumn(*schema, kSideColumn);
    size_requested = FindColumn(*schema, kSizeRequestedColumn);
    size_executed = FindColumn(*schema, kSizeExecutedColumn);
    notional_executed = FindColumn(*schema, kNotionalExecutedColumn);
    status = FindColumn(*schema, kStatusColumn);
    minutes = FindColumn(*schema, kMinutesColumn);
  }

  BatchColumns ColumnsOf(const arrow::RecordBatch& batch) const {
    const auto column = [&](int index) -> const arrow::Array* {
      return index < 0 ? nullptr : batch.column(index).get();
    };
    BatchColumns c;
    c.twap_id = column(twap_id);
    c.wallet = column(wallet);
    c.ts = column(ts);
    c.created_at = column(created_at);
    c.asset = column(asset);
    c.side = column(side);
    c.size_requested = column(size_requested);
    c.size_executed = column(size_executed);
    c.notional_executed = column(notional_executed);
    c.minutes = column(minutes);
    c.status = column(status);
    if (c.status && c.status->type_id() == arrow::Type::STRUCT) {
      c.status_struct = c.status;
      c.status_field = static_cast<const arrow::StructArray&>(*c.status).GetFieldByName(
          std::string(kStatusField));
      c.status = c.status_field.get();
    }
    return c;
  }

  void Reject(int64_t file_row, std::string_view why) {
    ++stats.rows_rejected;
    if (stats.sample_rejections.size() >= kMaxSamples) return;
    std::string reason = fmt::format("row {}: {}", file_row, why);
    log::Warn("{}: rejected {}", path, reason);
    stats.sample_rejections.push_back(std::move(reason));
  }

  void Nulled(int64_t file_row, std::string_view column, const Status& why) {
    ++stats.values_nulled;
    if (nulled_logged >= static_cast<int64_t>(kMaxSamples)) return;
    ++nulled_logged;
    log::Warn("{}: row {}: {} {}; stored as NULL", path, file_row, column, why.message());
  }

  // An optional field: absent or unusable gives NULL (the latter counted and logged).
  template <typename T, typename Convert>
  std::optional<T> Optional(const arrow::Array* column, int64_t row, int64_t file_row,
                            std::string_view name, Convert convert) {
    if (column == nullptr) return std::nullopt;
    const ArrowCell cell = ResolveCell(*column, row);
    if (IsNullCell(cell)) return std::nullopt;
    auto value = convert(cell);
    if (!value.ok()) {
      Nulled(file_row, name, value.status());
      return std::nullopt;
    }
    return std::move(*value);
  }

  // A required field: the reason the row is rejected when it is absent or unusable.
  template <typename T, typename Convert>
  std::optional<T> Required(const arrow::Array* column, int64_t row, std::string_view name,
                            Convert convert, std::string& why) {
    std::optional<T> out;
    if (column != nullptr) {
      const ArrowCell cell = ResolveCell(*column, row);
      if (!IsNullCell(cell)) {
        auto value = convert(cell);
        if (!value.ok()) {
          why = fmt::format("unusable {}: {}", name, value.status().message());
          return std::nullopt;
        }
        out = std::move(*value);
      }
    }
    if (!out) why = fmt::format("missing {}", name);
    return out;
  }

  void Normalise(const arrow::RecordBatch& batch, std::vector<TwapRow>& rows) {
    const int64_t first_file_row = stats.rows_read;
    stats.rows_read += batch.num_rows();
    const BatchColumns c = ColumnsOf(batch);
    const RawJsonWriter raw(batch);
    rows.reserve(rows.size() + static_cast<size_t>(batch.num_rows()));
    std::string why;
    for (int64_t i = 0; i < batch.num_rows(); ++i) {
      const int64_t file_row = first_file_row + i;
      auto id = Required<std::string>(c.twap_id, i, kTwapIdColumn, TwapIdValue, why);
      if (!id) {
        Reject(file_row, why);
        continue;
      }
      auto wallet_value = Required<std::string>(c.wallet, i, kWalletColumn, WalletValue, why);
      if (!wallet_value) {
        Reject(file_row, why);
        continue;
      }
      const auto ts_value = Required<int64_t>(c.ts, i, ts_column, TimestampValue, why);
      if (!ts_value) {
        Reject(file_row, why);
        continue;
      }
      TwapRow& row = rows.emplace_back();
      row.twap_id = std::move(*id);
      row.wallet = std::move(*wallet_value);
      row.ts = *ts_value;
      row.created_at =
          Optional<int64_t>(c.created_at, i, file_row, kCreatedAtColumn, TimestampValue);
      row.asset = Optional<std::string>(c.asset, i, file_row, kAssetColumn, TextValue);
      row.side = Optional<std::string>(c.side, i, file_row, kSideColumn, TextValue);
      row.size_requested =
          Optional<std::string>(c.size_requested, i, file_row, kSizeRequestedColumn, DecimalValue);
      row.size_executed =
          Optional<std::string>(c.size_executed, i, file_row, kSizeExecutedColumn, DecimalValue);
      row.notional_executed = Optional<std::string>(c.notional_executed, i, file_row,
                                                    kNotionalExecutedColumn, DecimalValue);
      if (c.status_struct == nullptr || !c.status_struct->IsNull(i)) {
        row.status = Optional<std::string>(c.status, i, file_row, kStatusColumn, TextValue);
      }
      row.duration_minutes =
          Optional<int32_t>(c.minutes, i, file_row, kMinutesColumn, MinutesValue);
      row.raw_payload.reserve(raw_size_hint);
      raw.AppendRow(i, row.raw_payload);
      raw_size_hint = std::max(raw_size_hint, row.raw_payload.size());
    }
  }

  // The next batch from the file into `pending`; false when the file is done.
  Result<bool> ReadBatch() {
    try {
      std::shared_ptr<arrow::RecordBatch> batch;
      const arrow::Status st = batches->ReadNext(&batch);
      if (!st.ok()) return Status::Data(fmt::format("reading {}: {}", path, st.message()));
      pending = std::move(batch);
      pending_offset = 0;
      return pending != nullptr;
    } catch (const std::exception& e) {
      return Status::Data(fmt::format("reading {}: {}", path, e.what()));
    }
  }
};

TwapParquetReader::TwapParquetReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TwapParquetReader::~TwapParquetReader() = default;

Result<std::unique_ptr<TwapParquetReader>> TwapParquetReader::Open(const std::string& path,
                                                                   ParquetReadOptions options) {
  if (options.batch_rows <= 0) {
    return Status::InvalidArgument(
        fmt::format("batch_rows must be positive, not {}", options.batch_rows));
  }
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) {
    if (ec == std::errc::no_such_file_or_directory) {
      return Status::NotFound(fmt::format("no such file: {}", path));
    }
    return Status::Data(fmt::format("cannot read {}: {}", path, ec.message()));
  }
  if (size == 0)
    return Status::Data(fmt::format("{} is empty (0 bytes), not a parquet file", path));

  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->options = std::move(options);
  try {
    auto file = arrow::io::ReadableFile::Open(path);
    if (!file.ok()) {
      return Status::Data(fmt::format("cannot open {}: {}", path, file.status().message()));
    }
    parquet::ArrowReaderProperties properties;
    properties.set_batch_size(impl->options.batch_rows);
    properties.set_use_threads(false);
    // Pre-buffering fetches the column chunks of every selected row group up front, which
    // would hold the whole file in memory.
    properties.set_pre_buffer(false);
    parquet::arrow::FileReaderBuilder builder;
    arrow::Status st = builder.Open(*file);
    if (st.ok()) st = builder.properties(properties)->Build(&impl->file);
    if (!st.ok()) {
      return Status::Data(fmt::format("{} is not a readable parquet file: {}", path, st.message()));
    }
    // Batch by batch, row group after row group: memory follows the batch, not the file.
    auto batches = impl->file->GetRecordBatchReader();
    if (!batches.ok()) {
      return Status::Data(
          fmt::format("{} is not a readable parquet file: {}", path, batches.status().message()));
    }
    impl->batches = std::move(*batches);
    impl->schema = impl->batches->schema();
  } catch (const std::exception& e) {
    return Status::Data(fmt::format("{} is not a readable parquet file: {}", path, e.what()));
  }

  if (!impl->options.ts_column.empty()) {
    impl->ts_column = impl->options.ts_column;
    if (FindColumn(*impl->schema, impl->ts_column) < 0) {
      return Status::InvalidArgument(fmt::format(
          "TWAP_TS_COLUMN names '{}', which is not a column of {}", impl->ts_column, path));
    }
  } else {
    impl->ts_column = std::string(
        FindColumn(*impl->schema, kEventTimeColumn) >= 0 ? kEventTimeColumn : kCreatedAtColumn);
  }
  impl->ResolveColumns();
  return std::unique_ptr<TwapParquetReader>(new TwapParquetReader(std::move(impl)));
}

Result<bool> TwapParquetReader::Next(std::vector<TwapRow>& rows) {
  rows.clear();
  Impl& r = *impl_;
  while (true) {
    if (!r.pending || r.pending_offset >= r.pending->num_rows()) {
      if (r.done) return false;
      HLTWAP_ASSIGN_OR_RETURN(const bool more, r.ReadBatch());
      if (!more) {
        r.done = true;
        return false;
      }
      continue;
    }
    const int64_t n = std::min(r.options.batch_rows, r.pending->num_rows() - r.pending_offset);
    const auto slice = (r.pending_offset == 0 && n == r.pending->num_rows())
                           ? r.pending
                           : r.pending->Slice(r.pending_offset, n);
    r.pending_offset += n;
    try {
      r.Normalise(*slice, rows);
    } catch (const std::exception& e) {
      return Status::Data(fmt::format("reading {}: {}", r.path, e.what()));
    }
    if (!rows.empty()) return true;
  }
}

const ParquetReadStats& TwapParquetReader::stats() const {
  return impl_->stats;
}

}  // namespace hltwap
