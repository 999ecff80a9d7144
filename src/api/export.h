// Exports (docs/design.md, API contract: exports): a wallet's fills or TWAPs in a window as one
// CSV file, read through a cursor in batches inside one read-only REPEATABLE READ transaction on
// one pooled connection held for the export. Memory is bounded by one batch, and the whole file
// is one snapshot. The same source feeds the HTTP session and `hltwap export`, so both write the
// same bytes.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/errors.h"
#include "api/export_query.h"
#include "api/http_types.h"
#include "db/pool.h"

namespace hltwap::api {

// Bounds the exports streaming at once, so that long downloads cannot hold every pooled
// connection and starve the JSON endpoints.
class ExportSlots {
 public:
  explicit ExportSlots(size_t max) : max_(max) {}
  // A slot, held until the returned object is destroyed; null when all are taken.
  std::shared_ptr<void> TryTake();
  size_t max() const { return max_; }

 private:
  // Shared with the slots, which may outlive this object in a session still finishing.
  std::shared_ptr<std::atomic<size_t>> in_use_ = std::make_shared<std::atomic<size_t>>(0);
  size_t max_;
};

// The CSV of an open export cursor: the header (the result's column names), then the rows,
// one batch per piece. Ends the transaction when the rows are out, rolls it back on Close()
// before that; a source dropped mid-transaction without Close() has its connection discarded.
class ExportSource final : public BodySource {
 public:
  explicit ExportSource(PgPool::Lease lease) : lease_(std::move(lease)) {}
  ExportSource(const ExportSource&) = delete;
  ExportSource& operator=(const ExportSource&) = delete;

  // Runs one statement of the export's transaction.
  boost::asio::awaitable<Result<PgResult>> Run(std::string_view sql,
                                               const std::vector<PgParam>& params);
  // Declares the cursor and fetches its first batch, so that a failing query fails before the
  // first byte of the file.
  boost::asio::awaitable<Status> Open(std::string_view declare_sql,
                                      const std::vector<PgParam>& params);

  boost::asio::awaitable<Result<bool>> Next(std::string& piece) override;
  boost::asio::awaitable<void> Close() override;
  // Keeps `slot` (an ExportSlots slot) until the source is destroyed.
  void Hold(std::shared_ptr<void> slot) { slot_ = std::move(slot); }

 private:
  PgPool::Lease lease_;
  std::shared_ptr<void> slot_;
  std::optional<PgResult> batch_;
  bool header_written_ = false;
  bool in_transaction_ = true;
  bool done_ = false;
};

struct ExportPlan {
  ExportLayout layout = ExportLayout::kCsvFills;
  std::string file_name;
  // Non-empty: the export is refused (422) and there is no source.
  std::vector<ValidationIssue> issues;
  std::shared_ptr<ExportSource> source;
};

// Everything that can fail before the first byte: a connection, the transaction, the choice of
// layout (an Awaken export of a window with perpetual and spot fills is refused), the cursor
// and its first batch. Errors are the pool's: kConnection / kRetryable while the database is
// unavailable, anything else an internal error.
boost::asio::awaitable<Result<ExportPlan>> StartExport(PgPool& pool, const ExportQuery& query);

}  // namespace hltwap::api
