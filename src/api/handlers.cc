#include "api/handlers.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "api/cursor.h"
#include "api/errors.h"
#include "api/json_writer.h"
#include "api/queries.h"
#include "api/twap_json.h"
#include "api/twap_list_body.h"
#include "common/log.h"
#include "common/time_util.h"

namespace hltwap::api {
namespace {

// A database that takes longer than this for /healthz's one-row query counts as unavailable,
// so the answer stays within about two seconds (a connect takes at most DB_CONNECT_TIMEOUT).
constexpr std::chrono::milliseconds kHealthQueryTimeout{1000};

bool IsUnavailable(const Status& status) {
  return status.kind() == ErrorKind::kConnection || status.kind() == ErrorKind::kRetryable;
}

}  // namespace

// 503 while the database cannot be reached; any other failure is a 500 that says nothing
// about its cause (the log line has it, masked).
Response DatabaseFailure(const Status& status, std::string_view what) {
  if (IsUnavailable(status)) {
    log::Warn("{}: database unavailable: {}", what, status.message());
    return JsonResponse(503, DetailBody("Database unavailable"));
  }
  log::Error("{}: {}", what, status.message());
  return JsonResponse(500, DetailBody("Internal Server Error"));
}

// The database cannot hold NUL in text, so a value with one matches nothing.
bool HasNul(std::string_view text) {
  return text.find('\0') != std::string_view::npos;
}

std::string SqlTimestamp(int64_t micros) {
  return FormatTimestampUtc(std::clamp(micros, kMinTimestampMicros, kMaxTimestampMicros));
}

namespace {

Response TwapNotFound(std::string_view twap_id) {
  return JsonResponse(404, DetailBody("TWAP " + std::string(twap_id) + " not found"));
}

}  // namespace

boost::asio::awaitable<Response> HandleListTwaps(PgCluster& cluster, const QueryParams& params) {
  auto parsed = ParseTwapsQuery(params);
  if (auto* issues = std::get_if<std::vector<ValidationIssue>>(&parsed)) {
    co_return JsonResponse(422, ValidationErrorBody(*issues));
  }
  const TwapsQuery& q = std::get<TwapsQuery>(parsed);
  if (HasNul(q.wallet) || (q.asset && HasNul(*q.asset))) {
    co_return TwapListResponse(q, PgResult());
  }

  const std::string start = SqlTimestamp(q.start_micros);
  const std::string end = SqlTimestamp(q.end_micros);
  const std::string after_ts = q.cursor ? SqlTimestamp(q.cursor->latest_ts_micros) : "";
  const std::string row_limit = std::to_string(q.limit + 1);
  std::vector<PgParam> sql_params = {
      q.wallet,
      start,
      end,
      q.asset ? PgParam(*q.asset) : std::nullopt,
      q.cursor ? PgParam(after_ts) : std::nullopt,
      q.cursor ? PgParam(q.cursor->twap_id) : std::nullopt,
      row_limit,
  };
  auto result =
      co_await cluster.Read(q.latest_per_twap ? kTwapsLatestName : kTwapsWithRowsName, sql_params);
  if (!result.ok()) co_return DatabaseFailure(result.status(), "GET /api/v1/twaps");
  co_return TwapListResponse(q, std::move(*result));
}

boost::asio::awaitable<Response> HandleGetTwap(PgCluster& cluster, std::string_view twap_id) {
  if (HasNul(twap_id)) co_return TwapNotFound(twap_id);
  const std::vector<PgParam> sql_params = {twap_id};
  auto result = co_await cluster.Read(kTwapRowsName, sql_params);
  if (!result.ok()) co_return DatabaseFailure(result.status(), "GET /api/v1/twaps/{twap_id}");
  const PgResult& r = *result;
  if (r.rows() == 0) co_return TwapNotFound(twap_id);
  JsonWriter w;
  w.BeginObject().Key("twap_id").String(twap_id).Key("rows").BeginArray();
  for (int row = 0; row < r.rows(); ++row) WriteTwapRow(w, r, row);
  w.EndArray();
  // Reconciled against the TWAP's latest row, the last one.
  w.Key("fills_summary");
  WriteFillsSummary(w, r, r.rows() - 1);
  w.EndObject();
  co_return JsonResponse(200, w.Take());
}

boost::asio::awaitable<Response> HandleTwapFills(PgCluster& cluster, std::string_view twap_id,
                                                 const QueryParams& params) {
  auto parsed = ParseFillsQuery(params);
  if (auto* issues = std::get_if<std::vector<ValidationIssue>>(&parsed)) {
    co_return JsonResponse(422, ValidationErrorBody(*issues));
  }
  const FillsQuery& q = std::get<FillsQuery>(parsed);
  if (HasNul(twap_id)) co_return TwapNotFound(twap_id);

  const std::string after_time = q.cursor ? SqlTimestamp(q.cursor->time_micros) : "";
  const std::string row_limit = std::to_string(q.limit + 1);
  const std::vector<PgParam> sql_params = {
      twap_id,
      q.cursor ? PgParam(after_time) : std::nullopt,
      q.cursor ? PgParam(q.cursor->tid) : std::nullopt,
      q.cursor ? PgParam(q.cursor->wallet) : std::nullopt,
      row_limit,
  };
  auto result = co_await cluster.Read(kTwapFillsName, sql_params);
  if (!result.ok()) co_return DatabaseFailure(result.status(), "GET /api/v1/twaps/{twap_id}/fills");
  const PgResult& r = *result;
  // No row: an unknown TWAP; one row of NULLs: a known TWAP with no fill on this page.
  if (r.rows() == 0) co_return TwapNotFound(twap_id);
  const int count = r.IsNull(0, kFillTimeMicros) ? 0 : std::min(r.rows(), q.limit);

  JsonWriter w;
  w.BeginObject().Key("twap_id").String(twap_id).Key("fills").BeginArray();
  for (int row = 0; row < count; ++row) WriteFill(w, r, row);
  std::optional<std::string> next;
  if (r.rows() > q.limit) {
    const int last = count - 1;
    next = EncodeFillCursor(FillCursor{IntColumn(r, last, kFillTimeMicros),
                                       std::string(r.Get(last, kFillTid)),
                                       std::string(r.Get(last, kFillWallet))});
  }
  WritePageEnd(w, next);
  co_return JsonResponse(200, w.Take());
}

boost::asio::awaitable<Response> HandleHealth(PgCluster& cluster) {
  // The primary answers for itself; the standbys as their last health check found them.
  const std::vector<PgParam> no_params;
  auto primary = co_await cluster.ReadPrimary(kLastIngestedName, no_params, kHealthQueryTimeout);
  std::string_view database = "ok";
  if (!primary.ok()) {
    database = IsUnavailable(primary.status()) ? "unreachable" : "error";
    log::Warn("GET /healthz: primary database {}: {}", database, primary.status().message());
  }
  const auto states = cluster.States();
  const bool standby_serving = std::any_of(states.begin(), states.end(), [](const auto& s) {
    return s.standby_target && s.in_rotation;
  });
  // Without the primary, a standby in rotation still answers reads: degraded, not down.
  Result<PgResult> last = std::move(primary);
  if (!last.ok() && standby_serving) last = co_await cluster.Read(kLastIngestedName, no_params);
  const std::string_view status = database == "ok" ? "ok" : last.ok() ? "degraded" : "unavailable";

  JsonWriter w;
  w.BeginObject().Key("status").String(status).Key("database").String(database);
  w.Key("last_ingested");
  if (!last.ok() || last->rows() == 0) {
    w.Null();
  } else {
    const PgResult& r = *last;
    w.BeginObject();
    w.Key("s3_object_key").String(r.Get(0, 0));
    w.Key("last_modified").String(FormatTimestampUtc(IntColumn(r, 0, 1)));
    w.Key("ingested_at");
    if (r.IsNull(0, 2)) {
      w.Null();
    } else {
      w.String(FormatTimestampUtc(IntColumn(r, 0, 2)));
    }
    w.Key("rows_ingested");
    if (r.IsNull(0, 3)) {
      w.Null();
    } else {
      w.Int(IntColumn(r, 0, 3));
    }
    w.EndObject();
  }
  w.Key("databases").BeginArray();
  for (const DbTargetState& s : states) {
    w.BeginObject().Key("name").String(s.name).Key("role").String(DbRoleName(s.role));
    w.Key("status");
    if (!s.standby_target) {
      w.String(database);
    } else if (!s.checked) {
      w.String("unchecked");
    } else if (!s.reachable) {
      w.String("unreachable");
    } else {
      w.String(s.in_rotation ? "ok" : "lagging");
    }
    // The primary serves reads whenever it answers.
    w.Key("in_rotation").Bool(s.standby_target ? s.in_rotation : database == "ok");
    w.Key("lag_seconds");
    if (s.lag_seconds) {
      w.Raw(fmt::format("{:.3f}", *s.lag_seconds));
    } else {
      w.Null();
    }
    w.Key("queries").Int(static_cast<int64_t>(s.queries));
    w.EndObject();
  }
  w.EndArray().EndObject();
  co_return JsonResponse(status == "unavailable" ? 503 : 200, w.Take());
}

}  // namespace hltwap::api
