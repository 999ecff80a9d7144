#include "db/copy_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <vector>

namespace hltwap {
namespace {

// PGCOPY binary header: signature, flags, header extension length.
constexpr char kSignature[] = "PGCOPY\n\377\r\n";  // plus the terminating NUL: 11 bytes
constexpr size_t kSignatureSize = 11;

// Chunks of this size keep libpq's send buffer busy without holding much memory.
constexpr size_t kFlushBytes = 256 * 1024;

// PostgreSQL's timestamp epoch is 2000-01-01 00:00:00 UTC.
constexpr int64_t kPostgresEpochMicros = 946684800LL * 1000000LL;

// NUMERIC internals (src/backend/utils/adt/numeric.c).
constexpr int kNumericBaseDigits = 4;  // one base-10000 digit holds four decimal digits
constexpr uint16_t kNumericPositive = 0x0000;
constexpr uint16_t kNumericNegative = 0x4000;
constexpr int kNumericMaxExponent = 1000;  // NUMERIC_MAX_PRECISION, numeric_in's limit
constexpr int kNumericMaxDscale = 0x3FFF;  // NUMERIC_DSCALE_MAX

void PutInt16(std::string& out, uint16_t v) {
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v & 0xFF));
}

// Floor division for possibly negative numerators.
int FloorDiv(int a, int b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

}  // namespace

Status AppendNumericBinary(std::string_view text, std::string& out) {
  auto invalid = [&] {
    return Status::Data(fmt::format("'{}' is not a decimal number", text.substr(0, 64)));
  };
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  // All mantissa digits, and how many of them stand before the point.
  std::string digits;
  int int_digits = 0;
  int frac_digits = 0;
  auto is_digit = [&](size_t at) { return at < text.size() && text[at] >= '0' && text[at] <= '9'; };
  for (; is_digit(i); ++i, ++int_digits) digits += text[i];
  if (i < text.size() && text[i] == '.') {
    for (++i; is_digit(i); ++i, ++frac_digits) digits += text[i];
  }
  if (digits.empty()) return invalid();
  int exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    const bool exp_negative = i < text.size() && text[i] == '-';
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    const char* begin = text.data() + i;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(begin, end, exponent);
    if (ec != std::errc() || ptr != end || begin == end || exponent > kNumericMaxExponent) {
      return Status::Data(fmt::format("'{}' is not a decimal NUMERIC accepts", text.substr(0, 64)));
    }
    if (exp_negative) exponent = -exponent;
    i = text.size();
  }
  if (i != text.size()) return invalid();

  // The display scale numeric_in gives: fraction digits less the exponent, never negative.
  const int dscale = std::max(0, frac_digits - exponent);
  if (dscale > kNumericMaxDscale) {
    return Status::Data(fmt::format("'{}' has too many fraction digits", text.substr(0, 64)));
  }
  // The decimal point stands after `point` digits of `digits` (may lie outside it).
  int point = int_digits + exponent;
  const size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) {
    // Zero (of any sign, as in PostgreSQL) keeps only its display scale.
    PutInt16(out, 0);
    PutInt16(out, 0);
    PutInt16(out, kNumericPositive);
    PutInt16(out, static_cast<uint16_t>(dscale));
    return Status::Ok();
  }
  digits.erase(0, first);
  point -= static_cast<int>(first);
  digits.erase(digits.find_last_not_of('0') + 1);

  // Digit k has the decimal power point-1-k; base-10000 digit g covers powers 4g..4g+3.
  const int n = static_cast<int>(digits.size());
  const int weight = FloorDiv(point - 1, kNumericBaseDigits);
  const int last_group = FloorDiv(point - n, kNumericBaseDigits);
  const int ndigits = weight - last_group + 1;
  if (weight > INT16_MAX || last_group < INT16_MIN || ndigits > INT16_MAX) {
    return Status::Data(fmt::format("'{}' overflows NUMERIC", text.substr(0, 64)));
  }
  std::vector<uint16_t> groups(static_cast<size_t>(ndigits), 0);
  static constexpr uint16_t kPowers[] = {1, 10, 100, 1000};
  for (int k = 0; k < n; ++k) {
    const int power = point - 1 - k;
    const int group = FloorDiv(power, kNumericBaseDigits);
    const int within = power - group * kNumericBaseDigits;
    groups[static_cast<size_t>(weight - group)] +=
        static_cast<uint16_t>((digits[static_cast<size_t>(k)] - '0') * kPowers[within]);
  }
  PutInt16(out, static_cast<uint16_t>(ndigits));
  PutInt16(out, static_cast<uint16_t>(static_cast<int16_t>(weight)));
  PutInt16(out, negative ? kNumericNegative : kNumericPositive);
  PutInt16(out, static_cast<uint16_t>(dscale));
  for (const uint16_t g : groups) PutInt16(out, g);
  return Status::Ok();
}

CopyWriter::CopyWriter(PgConnection& conn) : conn_(&conn) {}

CopyWriter::CopyWriter(CopyWriter&& other) noexcept
    : conn_(other.conn_),
      buffer_(std::move(other.buffer_)),
      row_start_(other.row_start_),
      columns_(other.columns_),
      fields_in_row_(other.fields_in_row_),
      rows_(other.rows_),
      active_(other.active_) {
  other.active_ = false;
}

CopyWriter::~CopyWriter() {
  if (active_) Abort("COPY abandoned");
}

Result<CopyWriter> CopyWriter::Begin(PgConnection& conn, std::string_view table,
                                     const std::vector<std::string>& columns) {
  if (columns.empty() || columns.size() > INT16_MAX) {
    return Status::Internal("COPY needs between 1 and 32767 columns");
  }
  std::string sql = fmt::format("COPY {} (", table);
  for (size_t c = 0; c < columns.size(); ++c) {
    if (c > 0) sql += ", ";
    sql += columns[c];
  }
  sql += ") FROM STDIN (FORMAT binary)";
  PgResult r(PQexec(conn.get(), sql.c_str()));
  if (PQresultStatus(r.get()) != PGRES_COPY_IN) return conn.LastError(r.get());

  CopyWriter writer(conn);
  writer.active_ = true;
  writer.columns_ = static_cast<int16_t>(columns.size());
  writer.buffer_.reserve(kFlushBytes + 64 * 1024);
  writer.buffer_.append(kSignature, kSignatureSize);
  writer.AppendInt32(0);  // flags
  writer.AppendInt32(0);  // header extension length
  return writer;
}

void CopyWriter::AppendInt16(int16_t v) {
  PutInt16(buffer_, static_cast<uint16_t>(v));
}

void CopyWriter::AppendInt32(int32_t v) {
  const auto u = static_cast<uint32_t>(v);
  const char bytes[4] = {static_cast<char>(u >> 24), static_cast<char>(u >> 16),
                         static_cast<char>(u >> 8), static_cast<char>(u)};
  buffer_.append(bytes, 4);
}

void CopyWriter::AppendInt64(int64_t v) {
  const auto u = static_cast<uint64_t>(v);
  AppendInt32(static_cast<int32_t>(u >> 32));
  AppendInt32(static_cast<int32_t>(u & 0xFFFFFFFFu));
}

void CopyWriter::StartRow() {
  row_start_ = buffer_.size();
  AppendInt16(columns_);
  fields_in_row_ = 0;
}

void CopyWriter::AddNull() {
  AppendInt32(-1);
  ++fields_in_row_;
}

void CopyWriter::AddText(std::string_view value) {
  AppendInt32(static_cast<int32_t>(value.size()));
  buffer_.append(value);
  ++fields_in_row_;
}

void CopyWriter::AddBool(bool value) {
  AppendInt32(1);
  buffer_.push_back(value ? '\1' : '\0');
  ++fields_in_row_;
}

void CopyWriter::AddInt32(int32_t value) {
  AppendInt32(4);
  AppendInt32(value);
  ++fields_in_row_;
}

void CopyWriter::AddInt64(int64_t value) {
  AppendInt32(8);
  AppendInt64(value);
  ++fields_in_row_;
}

void CopyWriter::AddTimestamptz(int64_t micros_since_epoch) {
  AppendInt32(8);
  AppendInt64(micros_since_epoch - kPostgresEpochMicros);
  ++fields_in_row_;
}

void CopyWriter::AddJsonb(std::string_view json) {
  // jsonb's binary format is a version byte (1) followed by the JSON text.
  AppendInt32(static_cast<int32_t>(json.size() + 1));
  buffer_.push_back('\1');
  buffer_.append(json);
  ++fields_in_row_;
}

Status CopyWriter::AddNumeric(std::string_view decimal_text) {
  // The length is known only after encoding: reserve it, then fill it in.
  const size_t length_at = buffer_.size();
  AppendInt32(0);
  const Status st = AppendNumericBinary(decimal_text, buffer_);
  if (!st.ok()) {
    buffer_.resize(length_at);
    return st;
  }
  const auto length = static_cast<uint32_t>(buffer_.size() - length_at - 4);
  buffer_[length_at] = static_cast<char>(length >> 24);
  buffer_[length_at + 1] = static_cast<char>(length >> 16);
  buffer_[length_at + 2] = static_cast<char>(length >> 8);
  buffer_[length_at + 3] = static_cast<char>(length);
  ++fields_in_row_;
  return Status::Ok();
}

Status CopyWriter::EndRow() {
  if (fields_in_row_ != columns_) {
    return Status::Internal(
        fmt::format("COPY row has {} fields, expected {}", fields_in_row_, columns_));
  }
  ++rows_;
  if (buffer_.size() >= kFlushBytes) return Flush();
  return Status::Ok();
}

void CopyWriter::CancelRow() {
  buffer_.resize(row_start_);
  fields_in_row_ = 0;
}

Status CopyWriter::Flush() {
  if (buffer_.empty()) return Status::Ok();
  if (PQputCopyData(conn_->get(), buffer_.data(), static_cast<int>(buffer_.size())) != 1) {
    active_ = false;
    return conn_->LastError(nullptr).WithContext("sending COPY data");
  }
  buffer_.clear();
  return Status::Ok();
}

Result<int64_t> CopyWriter::DrainResults() {
  Status status = Status::Ok();
  int64_t stored = 0;
  bool seen = false;
  while (PGresult* raw = PQgetResult(conn_->get())) {
    PgResult r(raw);
    if (seen) continue;
    seen = true;
    if (PQresultStatus(r.get()) == PGRES_COMMAND_OK) {
      stored = r.AffectedRows();
    } else {
      status = conn_->LastError(r.get());
    }
  }
  if (!seen) return conn_->LastError(nullptr);
  if (!status.ok()) return status;
  return stored;
}

Result<int64_t> CopyWriter::Finish() {
  if (!active_) return Status::Internal("COPY is not in progress");
  AppendInt16(-1);  // file trailer
  HLTWAP_RETURN_IF_ERROR(Flush());
  active_ = false;
  if (PQputCopyEnd(conn_->get(), nullptr) != 1) {
    return conn_->LastError(nullptr).WithContext("ending COPY");
  }
  return DrainResults();
}

void CopyWriter::Abort(std::string_view reason) {
  if (!active_) return;
  active_ = false;
  buffer_.clear();
  const std::string why(reason);
  if (PQputCopyEnd(conn_->get(), why.c_str()) == 1) (void)DrainResults();
}

}  // namespace hltwap
