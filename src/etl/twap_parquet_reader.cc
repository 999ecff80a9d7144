#include "etl/twap_parquet_reader.h"

#include <arrow/api.h>
#include <arrow/io/file.h>
#include <parquet/arrow/reader.h>
#include <parquet/exception.h>

#include <exception>
#include <utility>

namespace hltwap {

struct TwapParquetReader::Impl {
  ParquetReadOptions options;
  ParquetReadStats stats;
  std::unique_ptr<parquet::arrow::FileReader> file;
  std::unique_ptr<arrow::RecordBatchReader> batches;
};

TwapParquetReader::TwapParquetReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TwapParquetReader::~TwapParquetReader() = default;

Result<std::unique_ptr<TwapParquetReader>> TwapParquetReader::Open(const std::string& path,
                                                                   ParquetReadOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  try {
    auto file = arrow::io::ReadableFile::Open(path);
    if (!file.ok()) return Status::Data(path + ": " + file.status().message());
    auto reader = parquet::arrow::OpenFile(*file, arrow::default_memory_pool());
    if (!reader.ok()) return Status::Data(path + ": " + reader.status().message());
    impl->file = std::move(*reader);
  } catch (const std::exception& e) {
    return Status::Data(path + ": " + e.what());
  }
  return std::unique_ptr<TwapParquetReader>(new TwapParquetReader(std::move(impl)));
}

Result<bool> TwapParquetReader::Next(std::vector<TwapRow>& rows) {
  rows.clear();
  return false;
}

const ParquetReadStats& TwapParquetReader::stats() const {
  return impl_->stats;
}

}  // namespace hltwap
