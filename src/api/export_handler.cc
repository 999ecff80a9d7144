#include "api/export_handler.h"

#include "api/errors.h"
#include "api/handlers.h"
#include "common/log.h"

namespace hltwap::api {

boost::asio::awaitable<Response> HandleExport(PgPool& pool, ExportSlots& slots,
                                              const QueryParams& params) {
  auto parsed = ParseExportQuery(params);
  if (auto* issues = std::get_if<std::vector<ValidationIssue>>(&parsed)) {
    co_return JsonResponse(422, ValidationErrorBody(*issues));
  }
  auto slot = slots.TryTake();
  if (!slot) {
    log::Warn("GET /api/v1/export: {} exports already in progress", slots.max());
    Response busy = JsonResponse(503, DetailBody("Too many exports in progress; retry later"));
    busy.headers.emplace_back("Retry-After", "5");
    co_return busy;
  }
  auto plan = co_await StartExport(pool, std::get<ExportQuery>(parsed));
  if (!plan.ok()) co_return DatabaseFailure(plan.status(), "GET /api/v1/export");
  if (!plan->issues.empty()) co_return JsonResponse(422, ValidationErrorBody(plan->issues));
  Response r;
  r.content_type = "text/csv; charset=utf-8";
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + plan->file_name + "\"");
  // A wallet's history: no shared cache keeps a copy.
  r.headers.emplace_back("Cache-Control", "no-store");
  plan->source->Hold(std::move(slot));
  r.stream = std::move(plan->source);
  co_return r;
}

}  // namespace hltwap::api
