#include "etl/raw_json_writer.h"

#include <arrow/api.h>
#include <arrow/extension_type.h>
#include <arrow/util/float16.h>
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

void AppendDate(int64_t days, std::string& out) {
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

RawJsonWriter::Node MakeNode(const arrow::Array* array, std::shared_ptr<arrow::Array> owned) {
  RawJsonWriter::Node node;
  node.array = array;
  node.owned = std::move(owned);
  switch (array->type_id()) {
    case arrow::Type::DICTIONARY:
      node.children.push_back(
          MakeNode(static_cast<const arrow::DictionaryArray&>(*array).dictionary().get(), {}));
      break;
    case arrow::Type::EXTENSION:
      node.children.push_back(
          MakeNode(static_cast<const arrow::ExtensionArray&>(*array).storage().get(), {}));
      break;
    case arrow::Type::LIST:
    case arrow::Type::LARGE_LIST:
    case arrow::Type::LIST_VIEW:
    case arrow::Type::LARGE_LIST_VIEW:
    case arrow::Type::FIXED_SIZE_LIST: {
      auto values = arrow::MakeArray(array->data()->child_data[0]);
      node.children.push_back(MakeNode(values.get(), values));
      break;
    }
    case arrow::Type::MAP: {
      const auto& map = static_cast<const arrow::MapArray&>(*array);
      node.children.push_back(MakeNode(map.keys().get(), {}));
      node.children.push_back(MakeNode(map.items().get(), {}));
      break;
    }
    case arrow::Type::STRUCT: {
      const auto& st = static_cast<const arrow::StructArray&>(*array);
      for (int k = 0; k < st.num_fields(); ++k) {
        auto field = st.field(k);
        node.children.push_back(MakeNode(field.get(), field));
        node.keys.push_back(ObjectKey(st.struct_type()->field(k)->name()));
      }
      break;
    }
    default: break;
  }
  return node;
}

template <typename ListArrayType>
void AppendList(const RawJsonWriter::Node& node, int64_t row, std::string& out);
void AppendMap(const RawJsonWriter::Node& node, int64_t row, std::string& out);

void AppendValue(const RawJsonWriter::Node& node, int64_t row, std::string& out) {
  const arrow::Array& array = *node.array;
  const auto type = array.type_id();
  if (type != arrow::Type::SPARSE_UNION && type != arrow::Type::DENSE_UNION &&
      type != arrow::Type::RUN_END_ENCODED && array.IsNull(row)) {
    out += "null";
    return;
  }
  switch (type) {
    case arrow::Type::NA: out += "null"; return;
    case arrow::Type::BOOL:
      out += static_cast<const arrow::BooleanArray&>(array).Value(row) ? "true" : "false";
      return;
    case arrow::Type::INT8:
      AppendNumber(static_cast<const arrow::Int8Array&>(array).Value(row), out);
      return;
    case arrow::Type::INT16:
      AppendNumber(static_cast<const arrow::Int16Array&>(array).Value(row), out);
      return;
    case arrow::Type::INT32:
      AppendNumber(static_cast<const arrow::Int32Array&>(array).Value(row), out);
      return;
    case arrow::Type::INT64:
      AppendNumber(static_cast<const arrow::Int64Array&>(array).Value(row), out);
      return;
    case arrow::Type::UINT8:
      AppendNumber(static_cast<const arrow::UInt8Array&>(array).Value(row), out);
      return;
    case arrow::Type::UINT16:
      AppendNumber(static_cast<const arrow::UInt16Array&>(array).Value(row), out);
      return;
    case arrow::Type::UINT32:
      AppendNumber(static_cast<const arrow::UInt32Array&>(array).Value(row), out);
      return;
    case arrow::Type::UINT64:
      AppendNumber(static_cast<const arrow::UInt64Array&>(array).Value(row), out);
      return;
    case arrow::Type::HALF_FLOAT:
      AppendFloat(arrow::util::Float16::FromBits(
                      static_cast<const arrow::HalfFloatArray&>(array).Value(row))
                      .ToFloat(),
                  out);
      return;
    case arrow::Type::FLOAT:
      AppendFloat(static_cast<const arrow::FloatArray&>(array).Value(row), out);
      return;
    case arrow::Type::DOUBLE:
      AppendFloat(static_cast<const arrow::DoubleArray&>(array).Value(row), out);
      return;
    case arrow::Type::STRING:
    case arrow::Type::LARGE_STRING:
    case arrow::Type::STRING_VIEW: AppendJsonString(*StringCell({&array, row}), out); return;
    case arrow::Type::BINARY:
      AppendHex(static_cast<const arrow::BinaryArray&>(array).GetView(row), out);
      return;
    case arrow::Type::LARGE_BINARY:
      AppendHex(static_cast<const arrow::LargeBinaryArray&>(array).GetView(row), out);
      return;
    case arrow::Type::BINARY_VIEW:
      AppendHex(static_cast<const arrow::BinaryViewArray&>(array).GetView(row), out);
      return;
    case arrow::Type::FIXED_SIZE_BINARY:
      AppendHex(static_cast<const arrow::FixedSizeBinaryArray&>(array).GetView(row), out);
      return;
    case arrow::Type::DECIMAL32:
      AppendJsonString(static_cast<const arrow::Decimal32Array&>(array).FormatValue(row), out);
      return;
    case arrow::Type::DECIMAL64:
      AppendJsonString(static_cast<const arrow::Decimal64Array&>(array).FormatValue(row), out);
      return;
    case arrow::Type::DECIMAL128:
      AppendJsonString(static_cast<const arrow::Decimal128Array&>(array).FormatValue(row), out);
      return;
    case arrow::Type::DECIMAL256:
      AppendJsonString(static_cast<const arrow::Decimal256Array&>(array).FormatValue(row), out);
      return;
    case arrow::Type::TIMESTAMP: {
      const int64_t value = static_cast<const arrow::TimestampArray&>(array).Value(row);
      const auto unit = static_cast<const arrow::TimestampType&>(*array.type()).unit();
      const auto micros = ArrowTimestampToMicros(value, unit);
      if (!micros) {
        AppendNumber(value, out);  // beyond the microsecond range: keep the stored number
        return;
      }
      out += '"';
      out += FormatTimestampUtc(*micros);
      out += '"';
      return;
    }
    case arrow::Type::DATE32:
      AppendDate(static_cast<const arrow::Date32Array&>(array).Value(row), out);
      return;
    case arrow::Type::DATE64: {
      const int64_t millis = static_cast<const arrow::Date64Array&>(array).Value(row);
      AppendDate(millis >= 0 ? millis / 86'400'000 : (millis - 86'399'999) / 86'400'000, out);
      return;
    }
    case arrow::Type::DURATION:
      AppendNumber(static_cast<const arrow::DurationArray&>(array).Value(row), out);
      return;
    case arrow::Type::DICTIONARY:
      AppendValue(node.children[0],
                  static_cast<const arrow::DictionaryArray&>(array).GetValueIndex(row), out);
      return;
    case arrow::Type::EXTENSION: AppendValue(node.children[0], row, out); return;
    case arrow::Type::LIST: AppendList<arrow::ListArray>(node, row, out); return;
    case arrow::Type::LARGE_LIST: AppendList<arrow::LargeListArray>(node, row, out); return;
    case arrow::Type::LIST_VIEW: AppendList<arrow::ListViewArray>(node, row, out); return;
    case arrow::Type::LARGE_LIST_VIEW:
      AppendList<arrow::LargeListViewArray>(node, row, out);
      return;
    case arrow::Type::FIXED_SIZE_LIST:
      AppendList<arrow::FixedSizeListArray>(node, row, out);
      return;
    case arrow::Type::MAP: AppendMap(node, row, out); return;
    case arrow::Type::STRUCT: {
      out += '{';
      for (size_t k = 0; k < node.children.size(); ++k) {
        if (k > 0) out += ',';
        out += node.keys[k];
        AppendValue(node.children[k], row, out);
      }
      out += '}';
      return;
    }
    default: {
      auto scalar = array.GetScalar(row);
      if (!scalar.ok() || !(*scalar)->is_valid) {
        out += "null";
        return;
      }
      AppendJsonString((*scalar)->ToString(), out);
      return;
    }
  }
}

template <typename ListArrayType>
void AppendList(const RawJsonWriter::Node& node, int64_t row, std::string& out) {
  const auto& list = static_cast<const ListArrayType&>(*node.array);
  const int64_t begin = list.value_offset(row);
  const int64_t end = begin + list.value_length(row);
  out += '[';
  for (int64_t i = begin; i < end; ++i) {
    if (i > begin) out += ',';
    AppendValue(node.children[0], i, out);
  }
  out += ']';
}

void AppendMap(const RawJsonWriter::Node& node, int64_t row, std::string& out) {
  const auto& map = static_cast<const arrow::MapArray&>(*node.array);
  const int64_t begin = map.value_offset(row);
  const int64_t end = begin + map.value_length(row);
  out += '{';
  for (int64_t i = begin; i < end; ++i) {
    if (i > begin) out += ',';
    const size_t key_start = out.size();
    AppendValue(node.children[0], i, out);
    if (out[key_start] != '"') {  // a number, boolean or structure: quote its JSON text
      std::string text = out.substr(key_start);
      out.resize(key_start);
      AppendJsonString(text, out);
    }
    out += ':';
    AppendValue(node.children[1], i, out);
  }
  out += '}';
}

}  // namespace

RawJsonWriter::RawJsonWriter(const arrow::RecordBatch& batch) {
  for (int c = 0; c < batch.num_columns(); ++c) {
    keys_.push_back(ObjectKey(batch.schema()->field(c)->name()));
    const auto& column = batch.column(c);
    columns_.push_back(MakeNode(column.get(), column));
  }
}

void RawJsonWriter::AppendRow(int64_t row, std::string& out) const {
  out += '{';
  for (size_t c = 0; c < columns_.size(); ++c) {
    if (c > 0) out += ',';
    out += keys_[c];
    AppendValue(columns_[c], row, out);
  }
  out += '}';
}

}  // namespace hltwap
