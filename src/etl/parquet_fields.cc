#include "etl/parquet_fields.h"

#include <arrow/api.h>
#include <arrow/extension_type.h>
#include <arrow/io/file.h>
#include <fmt/format.h>
#include <parquet/arrow/reader.h>
#include <parquet/exception.h>
#include <parquet/properties.h>

#include <exception>
#include <filesystem>
#include <optional>
#include <system_error>
#include <utility>

#include "common/log.h"
#include "common/text.h"
#include "etl/raw_json_writer.h"

namespace hltwap {
namespace {

constexpr size_t kMaxSamples = 5;
// The most a raw_payload reserves ahead for a row: rows are far smaller, and a row's reserve
// stays with it until it is loaded.
constexpr size_t kMaxRawSizeHint = 4096;

// A column name compared ignoring case and underscores: camelCase and snake_case meet.
std::string Folded(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (const char c : name) {
    if (c != '_') out += c;
  }
  return ToLower(out);
}

// Where one field comes from in the file, decided once per file.
struct Binding {
  int column = -1;
  std::string name;                  // the file's column name, else the preferred name
  int member = -1;                   // of a struct column, the member holding the value
  ValueConverter convert = nullptr;  // null when the column's type has no reading
  std::string unsupported;           // why, then
};

// The arrays of one field in the current batch.
struct FieldArrays {
  const arrow::Array* values = nullptr;
  const arrow::Array* parent = nullptr;  // the struct whose member `values` is
  std::shared_ptr<arrow::Array> owned;
};

// Looks through dictionary and extension arrays to the array holding the value of `index`.
ArrowCell ResolveCell(const arrow::Array& array, int64_t index) {
  const arrow::Array* current = &array;
  while (true) {
    switch (current->type_id()) {
      case arrow::Type::DICTIONARY: {
        const auto& dict = static_cast<const arrow::DictionaryArray&>(*current);
        if (dict.IsNull(index)) return {current, index};
        index = dict.GetValueIndex(index);
        current = dict.dictionary().get();
        break;
      }
      case arrow::Type::EXTENSION:
        current = static_cast<const arrow::ExtensionArray&>(*current).storage().get();
        break;
      default: return {current, index};
    }
  }
}

// The type of the values ResolveCell finds in an array of `type`.
const arrow::DataType& ValueType(const arrow::DataType& type) {
  switch (type.id()) {
    case arrow::Type::DICTIONARY:
      return ValueType(*static_cast<const arrow::DictionaryType&>(type).value_type());
    case arrow::Type::EXTENSION:
      return ValueType(*static_cast<const arrow::ExtensionType&>(type).storage_type());
    default: return type;
  }
}

}  // namespace

int FindColumn(const arrow::Schema& schema, std::span<const std::string_view> names) {
  for (const std::string_view name : names) {
    if (name.empty()) continue;
    for (int i = 0; i < schema.num_fields(); ++i) {
      if (schema.field(i)->name() == name) return i;
    }
  }
  for (const std::string_view name : names) {
    if (name.empty()) continue;
    const std::string key = Folded(name);
    for (int i = 0; i < schema.num_fields(); ++i) {
      if (Folded(schema.field(i)->name()) == key) return i;
    }
  }
  return -1;
}

struct ParquetFieldReader::Impl {
  std::string path;
  std::span<const FieldSpec> fields;
  int64_t batch_rows = 0;
  ParquetReadStats stats;
  std::unique_ptr<parquet::arrow::FileReader> file;
  std::unique_ptr<arrow::RecordBatchReader> batches;
  std::shared_ptr<arrow::Schema> schema;
  std::vector<Binding> bindings;

  std::shared_ptr<arrow::RecordBatch> pending;  // read from the file, not yet handed out
  int64_t pending_offset = 0;
  bool done = false;
  std::shared_ptr<arrow::RecordBatch> current;  // handed out by NextBatch
  int64_t current_first_row = 0;
  std::vector<FieldArrays> arrays;   // per field, of `current`
  std::optional<RawJsonWriter> raw;  // of `current`, prepared for its first raw row
  size_t raw_size_hint = 256;        // the largest raw row so far, up to kMaxRawSizeHint
  int64_t nulled_logged = 0;

  void Bind(int f, int column, std::string_view preferred) {
    const FieldSpec& spec = fields[f];
    Binding b;
    b.column = column;
    b.name = column >= 0 ? schema->field(column)->name() : std::string(preferred);
    if (column >= 0) {
      const arrow::DataType* type = schema->field(column)->type().get();
      if (!spec.member.empty() && type->id() == arrow::Type::STRUCT) {
        b.member =
            static_cast<const arrow::StructType&>(*type).GetFieldIndex(std::string(spec.member));
        type = b.member < 0 ? nullptr : type->field(b.member)->type().get();
      }
      if (type != nullptr) {
        b.convert = ConverterFor(spec.kind, ValueType(*type));
        if (b.convert == nullptr) {
          b.unsupported = fmt::format("unsupported type {}", ValueType(*type).ToString());
          log::Warn("{}: column {} is {}, which gives no value of this field", path, b.name,
                    type->ToString());
        }
      }
    }
    bindings[f] = std::move(b);
  }

  void BindArrays() {
    for (size_t f = 0; f < bindings.size(); ++f) {
      const Binding& b = bindings[f];
      FieldArrays& a = arrays[f];
      a = {};
      if (b.column < 0) continue;
      const auto& column = current->column(b.column);
      if (fields[f].member.empty() || column->type_id() != arrow::Type::STRUCT) {
        a.values = column.get();
      } else if (b.member >= 0) {
        a.parent = column.get();
        a.owned = static_cast<const arrow::StructArray&>(*column).field(b.member);
        a.values = a.owned.get();
      }
    }
  }

  // The value of field `f` in `row`: monostate when there is none, an error when unusable.
  // A string longer than its kind allows is unusable before anything is copied (`too_long`
  // says so).
  Result<FieldValue> Convert(size_t f, int64_t row, bool* too_long = nullptr) const {
    const FieldArrays& a = arrays[f];
    if (a.values == nullptr || (a.parent != nullptr && a.parent->IsNull(row))) {
      return FieldValue();
    }
    const ArrowCell cell = ResolveCell(*a.values, row);
    if (cell.array->IsNull(cell.index)) return FieldValue();
    const Binding& b = bindings[f];
    if (b.convert == nullptr) return Status::Data(b.unsupported);
    const size_t max_bytes = MaxStringBytes(fields[f].kind);
    if (const auto text = StringCell(cell); text && text->size() > max_bytes) {
      if (too_long != nullptr) *too_long = true;
      return Status::Data(fmt::format("{} bytes, more than {}", text->size(), max_bytes));
    }
    return b.convert(cell);
  }

  void Reject(int64_t file_row, std::string_view reason, std::string why) {
    ++stats.rows_rejected;
    ++stats.rejected_by_reason[std::string(reason)];
    if (stats.sample_rejections.size() >= kMaxSamples) return;
    std::string sample = fmt::format("row {}: {}", file_row, why);
    log::Warn("{}: rejected {}", path, sample);
    stats.sample_rejections.push_back(std::move(sample));
  }

  void Nulled(int64_t file_row, std::string_view column, const Status& why) {
    ++stats.values_nulled;
    if (nulled_logged >= static_cast<int64_t>(kMaxSamples)) return;
    ++nulled_logged;
    log::Warn("{}: row {}: {} {}; stored as NULL", path, file_row, column, why.message());
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

  Status OpenFile() {
    try {
      auto input = arrow::io::ReadableFile::Open(path);
      if (!input.ok()) {
        return Status::Data(fmt::format("cannot open {}: {}", path, input.status().message()));
      }
      parquet::ArrowReaderProperties properties;
      properties.set_batch_size(batch_rows);
      properties.set_use_threads(false);
      // Pre-buffering fetches the column chunks of every selected row group up front, which
      // would hold the whole file in memory.
      properties.set_pre_buffer(false);
      parquet::arrow::FileReaderBuilder builder;
      arrow::Status st = builder.Open(*input);
      if (st.ok()) st = builder.properties(properties)->Build(&file);
      if (!st.ok()) {
        return Status::Data(
            fmt::format("{} is not a readable parquet file: {}", path, st.message()));
      }
      // Batch by batch, row group after row group: memory follows the batch, not the file.
      auto reader = file->GetRecordBatchReader();
      if (!reader.ok()) {
        return Status::Data(
            fmt::format("{} is not a readable parquet file: {}", path, reader.status().message()));
      }
      batches = std::move(*reader);
      schema = batches->schema();
      return Status::Ok();
    } catch (const std::exception& e) {
      return Status::Data(fmt::format("{} is not a readable parquet file: {}", path, e.what()));
    }
  }
};

ParquetFieldReader::ParquetFieldReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ParquetFieldReader::~ParquetFieldReader() = default;

Result<std::unique_ptr<ParquetFieldReader>> ParquetFieldReader::Open(
    const std::string& path, std::span<const FieldSpec> fields, int64_t batch_rows) {
  if (batch_rows <= 0) {
    return Status::InvalidArgument(fmt::format("batch_rows must be positive, not {}", batch_rows));
  }
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) {
    if (ec == std::errc::no_such_file_or_directory) {
      return Status::NotFound(fmt::format("no such file: {}", path));
    }
    return Status::Data(fmt::format("cannot read {}: {}", path, ec.message()));
  }
  if (size == 0) {
    return Status::Data(fmt::format("{} is empty (0 bytes), not a parquet file", path));
  }
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->fields = fields;
  impl->batch_rows = batch_rows;
  HLTWAP_RETURN_IF_ERROR(impl->OpenFile());
  impl->bindings.resize(fields.size());
  impl->arrays.resize(fields.size());
  for (size_t f = 0; f < fields.size(); ++f) {
    impl->Bind(static_cast<int>(f), FindColumn(*impl->schema, fields[f].names), fields[f].names[0]);
  }
  return std::unique_ptr<ParquetFieldReader>(new ParquetFieldReader(std::move(impl)));
}

const std::string& ParquetFieldReader::path() const {
  return impl_->path;
}

const arrow::Schema& ParquetFieldReader::schema() const {
  return *impl_->schema;
}

bool ParquetFieldReader::Rebind(int field, std::span<const std::string_view> names) {
  const int column = FindColumn(*impl_->schema, names);
  impl_->Bind(field, column, names.empty() ? std::string_view() : names.front());
  return column >= 0;
}

Result<bool> ParquetFieldReader::NextBatch() {
  Impl& r = *impl_;
  while (!r.pending || r.pending_offset >= r.pending->num_rows()) {
    if (r.done) return false;
    HLTWAP_ASSIGN_OR_RETURN(const bool more, r.ReadBatch());
    if (!more) {
      r.done = true;
      return false;
    }
  }
  r.raw.reset();
  const int64_t n = std::min(r.batch_rows, r.pending->num_rows() - r.pending_offset);
  r.current = (r.pending_offset == 0 && n == r.pending->num_rows())
                  ? r.pending
                  : r.pending->Slice(r.pending_offset, n);
  r.pending_offset += n;
  r.current_first_row = r.stats.rows_read;
  r.stats.rows_read += n;
  r.BindArrays();
  return true;
}

const arrow::RecordBatch& ParquetFieldReader::batch() const {
  return *impl_->current;
}

int64_t ParquetFieldReader::batch_size() const {
  return impl_->current ? impl_->current->num_rows() : 0;
}

Status ParquetFieldReader::Guarded(const std::function<void()>& body) const {
  try {
    body();
    return Status::Ok();
  } catch (const std::exception& e) {
    return Status::Data(fmt::format("reading {}: {}", impl_->path, e.what()));
  }
}

void ParquetFieldReader::AppendRawRow(int64_t row, std::string& out) {
  Impl& r = *impl_;
  if (!r.raw) r.raw.emplace(*r.current);
  const size_t before = out.size();
  out.reserve(before + r.raw_size_hint);
  r.stats.raw_values_truncated += r.raw->AppendRow(row, out);
  // Capped: one large row must not make every later row of the batch reserve as much.
  r.raw_size_hint = std::clamp(out.size() - before, r.raw_size_hint, kMaxRawSizeHint);
}

bool ParquetFieldReader::ReadRow(int64_t row, std::span<FieldValue> values) {
  Impl& r = *impl_;
  const int64_t file_row = r.current_first_row + row;
  for (const FieldSpec& spec : r.fields) {  // required fields first: a rejection stops there
    if (spec.presence != Presence::kRequired) continue;
    bool too_long = false;
    auto value = r.Convert(spec.id, row, &too_long);
    const std::string& name = r.bindings[spec.id].name;
    if (!value.ok()) {
      const std::string reason =
          too_long ? fmt::format("{} too long", name) : fmt::format("unusable {}", name);
      r.Reject(file_row, reason, fmt::format("{}: {}", reason, value.status().message()));
      return false;
    }
    if (std::holds_alternative<std::monostate>(*value)) {
      const std::string reason = fmt::format("missing {}", name);
      r.Reject(file_row, reason, reason);
      return false;
    }
    values[spec.id] = std::move(*value);
  }
  for (const FieldSpec& spec : r.fields) {
    if (spec.presence != Presence::kOptional) continue;
    auto value = r.Convert(spec.id, row);
    if (value.ok()) {
      values[spec.id] = std::move(*value);
    } else {
      r.Nulled(file_row, r.bindings[spec.id].name, value.status());
      values[spec.id] = FieldValue();
    }
  }
  return true;
}

Result<FieldValue> ParquetFieldReader::ReadField(int field, int64_t row) const {
  return impl_->Convert(static_cast<size_t>(field), row);
}

void ParquetFieldReader::Reject(int64_t row, std::string_view reason, std::string why) {
  impl_->Reject(impl_->current_first_row + row, reason, std::move(why));
}

void ParquetFieldReader::Skip() {
  ++impl_->stats.rows_skipped;
}

const ParquetReadStats& ParquetFieldReader::stats() const {
  return impl_->stats;
}

std::optional<std::string> TakeText(FieldValue& value) {
  if (auto* text = std::get_if<std::string>(&value)) return std::move(*text);
  return std::nullopt;
}

std::optional<int64_t> NumberOf(const FieldValue& value) {
  if (const auto* number = std::get_if<int64_t>(&value)) return *number;
  return std::nullopt;
}

std::optional<bool> BoolOf(const FieldValue& value) {
  if (const auto* flag = std::get_if<bool>(&value)) return *flag;
  return std::nullopt;
}

}  // namespace hltwap
