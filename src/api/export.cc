#include "api/export.h"

#include <algorithm>

#include "api/csv_writer.h"
#include "api/handlers.h"
#include "api/sql.h"
#include "common/log.h"

namespace hltwap::api {
namespace {

std::string_view DeclareSql(ExportLayout layout) {
  switch (layout) {
    case ExportLayout::kCsvFills: return sql::kExportFillsCsv;
    case ExportLayout::kCsvTwaps: return sql::kExportTwapsCsv;
    case ExportLayout::kAwakenPerp: return sql::kExportAwakenPerp;
    case ExportLayout::kAwakenSpot: return sql::kExportAwakenSpot;
    case ExportLayout::kKoinly: return sql::kExportKoinly;
  }
  return sql::kExportFillsCsv;
}

const std::vector<PgParam> kNoParams;

// A connection with the export's transaction begun. A connection that went stale while idle is
// replaced, as for every other request (the first statement is where that shows).
boost::asio::awaitable<Result<std::shared_ptr<ExportSource>>> BeginExport(PgPool& pool) {
  const std::string begin(sql::kExportBegin);
  HLTWAP_CO_ASSIGN_OR_RETURN(
      auto started, co_await pool.AcquireAndRun(
                        StatementCost::kLong,
                        [&](PgPool::Lease& lease) -> boost::asio::awaitable<Result<PgResult>> {
                          co_return co_await lease.Exec(begin, kNoParams);
                        }));
  co_return std::make_shared<ExportSource>(std::move(started.lease));
}

// The layout and the open cursor of an export, on `source`'s transaction. Issues in the plan
// refuse the export.
boost::asio::awaitable<Result<ExportPlan>> PlanExport(ExportSource& source, const ExportQuery& q) {
  ExportPlan plan;
  // The database cannot hold NUL in text, so a wallet or asset with one matches nothing: the
  // statement then runs with a NULL wallet, which no row has.
  const bool matches_nothing = HasNul(q.wallet) || (q.asset && HasNul(*q.asset));
  const std::string start = SqlTimestamp(q.start_micros);
  const std::string end = SqlTimestamp(q.end_micros);
  const PgParam wallet = matches_nothing ? PgParam() : PgParam(q.wallet);
  const PgParam asset = q.asset && !matches_nothing ? PgParam(*q.asset) : PgParam();
  std::vector<PgParam> params = {wallet, start, end, asset};

  switch (q.format) {
    case ExportFormat::kCsv:
      plan.layout =
          q.level == ExportLevel::kTwap ? ExportLayout::kCsvTwaps : ExportLayout::kCsvFills;
      break;
    case ExportFormat::kKoinly: plan.layout = ExportLayout::kKoinly; break;
    case ExportFormat::kAwaken: {
      std::optional<Market> market = q.market;
      if (!market && q.asset) market = MarketOf(*q.asset);
      if (!market) {
        HLTWAP_CO_ASSIGN_OR_RETURN(const auto kinds,
                                   co_await source.Run(sql::kExportMarkets, params));
        const bool has_spot = kinds.Get(0, 0) == "t";
        const bool has_perp = kinds.Get(0, 1) == "t";
        if (has_spot && has_perp) {
          plan.issues.push_back(MixedMarketsIssue());
          co_return plan;
        }
        market = has_spot ? Market::kSpot : Market::kPerp;
      }
      plan.layout =
          *market == Market::kSpot ? ExportLayout::kAwakenSpot : ExportLayout::kAwakenPerp;
      break;
    }
  }
  // The Awaken statements choose their market themselves; the others take it as $5.
  if (plan.layout != ExportLayout::kAwakenPerp && plan.layout != ExportLayout::kAwakenSpot) {
    params.push_back(!q.market ? PgParam() : PgParam(*q.market == Market::kSpot ? "spot" : "perp"));
  }
  HLTWAP_CO_RETURN_IF_ERROR(co_await source.Open(DeclareSql(plan.layout), params));
  plan.file_name = ExportFileName(q, plan.layout);
  co_return plan;
}

}  // namespace

std::shared_ptr<void> ExportSlots::TryTake() {
  size_t used = in_use_->load();
  do {
    if (used >= max_) return nullptr;
  } while (!in_use_->compare_exchange_weak(used, used + 1));
  // Any non-null pointer marks a slot; the deleter gives it back.
  return std::shared_ptr<void>(in_use_.get(), [in_use = in_use_](void*) { in_use->fetch_sub(1); });
}

boost::asio::awaitable<void> ExportSource::Close() {
  if (!in_transaction_) co_return;
  in_transaction_ = false;
  // The export stopped early; a broken connection fails this at once and is discarded.
  const auto rolled_back = co_await Run(sql::kExportRollback, kNoParams);
  if (!rolled_back.ok()) log::Debug("export: rollback failed: {}", rolled_back.status().message());
}

boost::asio::awaitable<Result<PgResult>> ExportSource::Run(std::string_view sql,
                                                           const std::vector<PgParam>& params) {
  // A failed statement aborts the transaction; Close() rolls it back.
  const std::string statement(sql);
  co_return co_await lease_.Exec(statement, params);
}

boost::asio::awaitable<Status> ExportSource::Open(std::string_view declare_sql,
                                                  const std::vector<PgParam>& params) {
  HLTWAP_CO_RETURN_IF_ERROR((co_await Run(declare_sql, params)).status());
  HLTWAP_CO_ASSIGN_OR_RETURN(batch_, co_await Run(sql::kExportFetch, kNoParams));
  co_return Status::Ok();
}

boost::asio::awaitable<Result<bool>> ExportSource::Next(std::string& piece) {
  piece.clear();
  if (done_) co_return false;
  if (!batch_) {
    HLTWAP_CO_ASSIGN_OR_RETURN(batch_, co_await Run(sql::kExportFetch, kNoParams));
  }
  const PgResult& batch = *batch_;
  CsvWriter w(piece);
  if (!header_written_) {
    for (int col = 0; col < batch.columns(); ++col) w.Field(PQfname(batch.get(), col));
    w.EndRow();
    header_written_ = true;
  }
  // NULL is PQgetvalue's empty string: an empty field.
  for (int row = 0; row < batch.rows(); ++row) {
    for (int col = 0; col < batch.columns(); ++col) w.Field(batch.Get(row, col));
    w.EndRow();
  }
  const bool last = batch.rows() == 0;
  batch_.reset();
  if (last) {
    HLTWAP_CO_RETURN_IF_ERROR((co_await Run(sql::kExportCommit, kNoParams)).status());
    in_transaction_ = false;
    done_ = true;
    co_return !piece.empty();
  }
  co_return true;
}

boost::asio::awaitable<Result<ExportPlan>> StartExport(PgPool& pool, const ExportQuery& q) {
  HLTWAP_CO_ASSIGN_OR_RETURN(auto source, co_await BeginExport(pool));
  auto plan = co_await PlanExport(*source, q);
  if (!plan.ok() || !plan->issues.empty()) {
    // Ends the transaction, so the connection goes back to the pool usable.
    co_await source->Close();
    co_return plan;
  }
  plan->source = std::move(source);
  co_return plan;
}

}  // namespace hltwap::api
