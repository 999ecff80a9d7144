#include "etl/raw_json_writer.h"

#include <arrow/api.h>
#include <arrow/extension_type.h>
#include <arrow/util/float16.h>
#include <arrow/visit_array_inline.h>
#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <cmath>
#include <iterator>

#include "common/text.h"
#include "common/time_util.h"
#include "etl/parquet_values.h"

namespace hltwap {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

template <typename T>
void AppendNumber(T value, std::string& out) {
  char buf[64];
  const auto result = std::to_chars(buf, buf + sizeof(buf), value);
  out.append(buf, result.ptr);
}

template <typename T>
void AppendFloat(T value, std::string& out) {
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  AppendNumber(value, out);
}

void AppendHex(std::string_view bytes, std::string& out) {
  out += "\"0x";
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out += kHexDigits[b >> 4];
    out += kHexDigits[b & 0xF];
  }
  out += '"';
}

// A date as "YYYY-MM-DD"; outside the usable years, which ISO text cannot show, the stored
// number.
template <typename T>
void AppendDate(int64_t days, T stored, std::string& out) {
  if (!EpochDaysToMicros(days)) {
    AppendNumber(stored, out);
    return;
  }
  const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{days}}};
  fmt::format_to(std::back_inserter(out), "\"{:04}-{:02}-{:02}\"", static_cast<int>(ymd.year()),
                 static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

std::string ObjectKey(std::string_view name) {
  std::string key;
  AppendJsonString(name, key);
  key += ':';
  return key;
}

// Visit's result for the lists written as JSON arrays (a map, a list of pairs, is an object).
template <typename ArrayType>
using IfList =
    arrow::enable_if_t<arrow::is_var_length_list_like_type<typename ArrayType::TypeClass>::value ||
                           arrow::is_fixed_size_list_type<typename ArrayType::TypeClass>::value,
                       arrow::Status>;

// The child arrays of a nested array, built once per batch.
struct ChildMaker {
  RawJsonWriter::Node& node;

  void Add(const arrow::Array* array, std::shared_ptr<arrow::Array> owned);

  arrow::Status Visit(const arrow::DictionaryArray& array) {
    Add(array.dictionary().get(), {});
    return arrow::Status::OK();
  }
  arrow::Status Visit(const arrow::ExtensionArray& array) {
    Add(array.storage().get(), {});
    return arrow::Status::OK();
  }
  arrow::Status Visit(const arrow::MapArray& array) {
    Add(array.keys().get(), {});
    Add(array.items().get(), {});
    return arrow::Status::OK();
  }
  arrow::Status Visit(const arrow::StructArray& array) {
    for (int k = 0; k < array.num_fields(); ++k) {
      auto field = array.field(k);
      Add(field.get(), field);
      node.keys.push_back(ObjectKey(array.struct_type()->field(k)->name()));
    }
    return arrow::Status::OK();
  }
  template <typename ListArrayType>
  IfList<ListArrayType> Visit(const ListArrayType& array) {
    auto values = arrow::MakeArray(array.data()->child_data[0]);
    Add(values.get(), values);
    return arrow::Status::OK();
  }
  arrow::Status Visit(const arrow::Array&) { return arrow::Status::OK(); }
};

RawJsonWriter::Node MakeNode(const arrow::Array* array, std::shared_ptr<arrow::Array> owned) {
  RawJsonWriter::Node node;
  node.array = array;
  node.owned = std::move(owned);
  ChildMaker maker{node};
  (void)arrow::VisitArrayInline(*array, &maker);
  return node;
}

void ChildMaker::Add(const arrow::Array* array, std::shared_ptr<arrow::Array> owned) {
  node.children.push_back(MakeNode(array, std::move(owned)));
}

// What one row may still write: it is over once `out` passes `limit`.
struct RowBudget {
  size_t limit = 0;
  bool over = false;
  int64_t truncated = 0;  // values replaced by a marker
};

void AppendValue(const RawJsonWriter::Node& node, int64_t row, std::string& out, RowBudget& budget);

// Appends one non-null value of `node` in its JSON form (see the header for each type's).
struct ValueWriter {
  const RawJsonWriter::Node& node;
  int64_t row;
  std::string& out;
  RowBudget& budget;

  // The marker of a value of `bytes` bytes too large to write.
  void AppendMarker(size_t bytes) {
    fmt::format_to(std::back_inserter(out), R"({{"truncated":true,"bytes":{}}})", bytes);
    ++budget.truncated;
  }

  // A text value as a JSON string, or its marker when too large.
  void AppendText(std::string_view text) {
    if (text.size() > kMaxRawValueBytes) return AppendMarker(text.size());
    AppendJsonString(text, out);
  }

  arrow::Status Visit(const arrow::NullArray&) { return Append("null"); }
  arrow::Status Visit(const arrow::BooleanArray& array) {
    return Append(array.Value(row) ? "true" : "false");
  }
  template <typename ArrayType>
  arrow::enable_if_integer<typename ArrayType::TypeClass, arrow::Status> Visit(
      const ArrayType& array) {
    AppendNumber(array.Value(row), out);
    return arrow::Status::OK();
  }
  arrow::Status Visit(const arrow::HalfFloatArray& array) {
    AppendFloat(arrow::util::Float16::FromBits(array.Value(row)).ToFloat(), out);
    return arrow::Status::OK();
  }
  template <typename ArrayType>
  arrow::enable_if_t<std::is_same_v<typename ArrayType::TypeClass, arrow::FloatType> ||
                         std::is_same_v<typename ArrayType::TypeClass, arrow::DoubleType>,
                     arrow::Status>
  Visit(const ArrayType& array) {
    AppendFloat(array.Value(row), out);
    return arrow::Status::OK();
  }
  template <typename ArrayType>
  arrow::enable_if_t<arrow::is_string_like_type<typename ArrayType::TypeClass>::value ||
                         arrow::is_string_view_type<typename ArrayType::TypeClass>::value,
                     arrow::Status>
  Visit(const ArrayType& array) {
    AppendText(array.GetView(row));
    return arrow::Status::OK();
  }
  template <typename ArrayType>
  arrow::enable_if_t<arrow::is_binary_type<typename ArrayType::TypeClass>::value ||
                         arrow::is_binary_view_type<typename ArrayType::TypeClass>::value ||
                         std::is_same_v<typename ArrayType::TypeClass, arrow::FixedSizeBinaryType>,
                     arrow::Status>
  Visit(const ArrayType& array) {
    const std::string_view bytes = array.GetView(row);
    if (bytes.size() * 2 > kMaxRawValueBytes) {  // as hex, twice as long
      AppendMarker(bytes.size());
      return arrow::Status::OK();
    }
    AppendHex(bytes, out);
    return arrow::Status::OK();
  }
  template <typename ArrayType>
  arrow::enable_if_decimal<typename ArrayType::TypeClass, arrow::Status> Visit(
      const ArrayType& array) {
    AppendJsonString(array.FormatValue(row), out);
    return arrow::Status::OK();
  }
  arrow::Status Visit(const arrow::TimestampArray& array) {
    const int64_t value = array.Value(row);
    const auto unit = static_cast<const arrow::TimestampType&>(*array.type()).unit();
    const auto micros = ArrowTimestampToMicros(value, unit);
    if (!micros) {
      AppendNumber(value, out);  // beyond the usable years: keep the stored number
      return arrow::Status::OK();
    }
    out += '"';
    out += FormatTimestampUtc(*micros);
    out += '"';
    return arrow::Status::OK();
  }
  arrow::Status Visit(const arrow::Date32Array& array) {
    AppendDate(array.Value(row), array.Value(row), out);
    return arrow::Status::OK();
  }
  arrow::Status Visit(const arrow::Date64Array& array) {
    const int64_t millis = array.Value(row);
    AppendDate(millis >= 0 ? millis / 86'400'000 : (millis - 86'399'999) / 86'400'000, millis, out);
    return arrow::Status::OK();
  }
  arrow::Status Visit(const arrow::DurationArray& array) {
    AppendNumber(array.Value(row), out);
    return arrow::Status::OK();
  }
  arrow::Status Visit(const arrow::DictionaryArray& array) {
    AppendValue(node.children[0], array.GetValueIndex(row), out, budget);
    return arrow::Status::OK();
  }
  arrow::Status Visit(const arrow::ExtensionArray&) {
    AppendValue(node.children[0], row, out, budget);
    return arrow::Status::OK();
  }
  template <typename ListArrayType>
  IfList<ListArrayType> Visit(const ListArrayType& list) {
    const int64_t begin = list.value_offset(row);
    const int64_t end = begin + list.value_length(row);
    out += '[';
    for (int64_t i = begin; i < end && !budget.over; ++i) {
      if (i > begin) out += ',';
      AppendValue(node.children[0], i, out, budget);
    }
    out += ']';
    return arrow::Status::OK();
  }
  arrow::Status Visit(const arrow::MapArray& map) {
    const int64_t begin = map.value_offset(row);
    const int64_t end = begin + map.value_length(row);
    out += '{';
    for (int64_t i = begin; i < end && !budget.over; ++i) {
      if (i > begin) out += ',';
      const size_t key_start = out.size();
      AppendValue(node.children[0], i, out, budget);
      if (out[key_start] != '"') {  // a number, boolean or structure: quote its JSON text
        std::string text = out.substr(key_start);
        out.resize(key_start);
        AppendJsonString(text, out);
      }
      out += ':';
      AppendValue(node.children[1], i, out, budget);
    }
    out += '}';
    return arrow::Status::OK();
  }
  arrow::Status Visit(const arrow::StructArray&) {
    out += '{';
    for (size_t k = 0; k < node.children.size() && !budget.over; ++k) {
      if (k > 0) out += ',';
      out += node.keys[k];
      AppendValue(node.children[k], row, out, budget);
    }
    out += '}';
    return arrow::Status::OK();
  }
  // Anything else (time, interval, union, run-end encoded): Arrow's own text for the value.
  arrow::Status Visit(const arrow::Array& array) {
    auto scalar = array.GetScalar(row);
    if (!scalar.ok() || !(*scalar)->is_valid) return Append("null");
    AppendText((*scalar)->ToString());
    return arrow::Status::OK();
  }

  arrow::Status Append(std::string_view text) {
    out += text;
    return arrow::Status::OK();
  }
};

void AppendValue(const RawJsonWriter::Node& node, int64_t row, std::string& out,
                 RowBudget& budget) {
  if (budget.over) return;
  const arrow::Array& array = *node.array;
  const auto type = array.type_id();
  // Unions and run-end encoded arrays have no validity bitmap of their own; their scalar says.
  if (type != arrow::Type::SPARSE_UNION && type != arrow::Type::DENSE_UNION &&
      type != arrow::Type::RUN_END_ENCODED && array.IsNull(row)) {
    out += "null";
  } else {
    ValueWriter writer{node, row, out, budget};
    (void)arrow::VisitArrayInline(array, &writer);
  }
  if (out.size() > budget.limit) budget.over = true;
}

}  // namespace

RawJsonWriter::RawJsonWriter(const arrow::RecordBatch& batch) {
  for (int c = 0; c < batch.num_columns(); ++c) {
    keys_.push_back(ObjectKey(batch.schema()->field(c)->name()));
    const auto& column = batch.column(c);
    columns_.push_back(MakeNode(column.get(), column));
  }
}

int64_t RawJsonWriter::AppendRow(int64_t row, std::string& out) const {
  const size_t start = out.size();
  RowBudget budget{start + kMaxRawRowBytes};
  out += '{';
  for (size_t c = 0; c < columns_.size() && !budget.over; ++c) {
    if (c > 0) out += ',';
    out += keys_[c];
    AppendValue(columns_[c], row, out, budget);
  }
  out += '}';
  if (out.size() <= budget.limit) return budget.truncated;
  out.resize(start);
  out.shrink_to_fit();
  fmt::format_to(std::back_inserter(out), R"({{"truncated":true,"limit":{}}})", kMaxRawRowBytes);
  return 1;
}

}  // namespace hltwap
