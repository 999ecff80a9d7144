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

// A connection with the export's transaction begun. A connection that went stale while idle is
// replaced, as for every other request (the first statement is where that shows).
Result<std::shared_ptr<ExportSource>> BeginExport(PgPool& pool) {
  for (size_t attempt = 0;; ++attempt) {
    HLTWAP_ASSIGN_OR_RETURN(auto lease, pool.Acquire());
    const bool reused = lease.reused();
    auto source = std::make_shared<ExportSource>(std::move(lease));
    const auto begun = source->Run(sql::kExportBegin);
    if (begun.ok()) return source;
    if (begun.status().kind() != ErrorKind::kConnection || !reused ||
        attempt >= pool.options().max_size) {
      return begun.status();
    }
  }
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

ExportSource::~ExportSource() {
  if (!in_transaction_) return;
  // The export stopped early; a broken connection fails this at once and is discarded.
  const auto rolled_back = Run(sql::kExportRollback);
  if (!rolled_back.ok()) log::Debug("export: rollback failed: {}", rolled_back.status().message());
}

Result<PgResult> ExportSource::Run(std::string_view sql, const std::vector<PgParam>& params) {
  auto result = lease_.Exec(std::string(sql), params);
  // A failed statement aborts the transaction; the destructor's rollback ends it.
  return result;
}

Status ExportSource::Open(std::string_view declare_sql, const std::vector<PgParam>& params) {
  HLTWAP_RETURN_IF_ERROR(Run(declare_sql, params).status());
  HLTWAP_ASSIGN_OR_RETURN(batch_, Run(sql::kExportFetch));
  return Status::Ok();
}

Result<bool> ExportSource::Next(std::string& piece) {
  piece.clear();
  if (done_) return false;
  if (!batch_) {
    HLTWAP_ASSIGN_OR_RETURN(batch_, Run(sql::kExportFetch));
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
    HLTWAP_RETURN_IF_ERROR(Run(sql::kExportCommit).status());
    in_transaction_ = false;
    done_ = true;
    return !piece.empty();
  }
  return true;
}

Result<ExportPlan> StartExport(PgPool& pool, const ExportQuery& q) {
  ExportPlan plan;
  // The database cannot hold NUL in text, so a wallet or asset with one matches nothing: the
  // statement then runs with a NULL wallet, which no row has.
  const bool matches_nothing = HasNul(q.wallet) || (q.asset && HasNul(*q.asset));
  const std::string start = SqlTimestamp(q.start_micros);
  const std::string end = SqlTimestamp(q.end_micros);
  const PgParam wallet = matches_nothing ? PgParam() : PgParam(q.wallet);
  const PgParam asset = q.asset && !matches_nothing ? PgParam(*q.asset) : PgParam();
  std::vector<PgParam> params = {wallet, start, end, asset};

  HLTWAP_ASSIGN_OR_RETURN(auto source, BeginExport(pool));
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
        HLTWAP_ASSIGN_OR_RETURN(const auto kinds, source->Run(sql::kExportMarkets, params));
        const bool has_spot = kinds.Get(0, 0) == "t";
        const bool has_perp = kinds.Get(0, 1) == "t";
        if (has_spot && has_perp) {
          plan.issues.push_back(MixedMarketsIssue());
          return plan;
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
  HLTWAP_RETURN_IF_ERROR(source->Open(DeclareSql(plan.layout), params));
  plan.file_name = ExportFileName(q, plan.layout);
  plan.source = std::move(source);
  return plan;
}

}  // namespace hltwap::api
