#include "api/twap_list_body.h"

#include <algorithm>
#include <memory>

#include "api/cursor.h"
#include "api/queries.h"
#include "api/twap_json.h"
#include "common/time_util.h"

namespace hltwap::api {
namespace {

TwapCursor CursorAt(const PgResult& result, int row) {
  return {IntColumn(result, row, kColTsMicros), std::string(result.Get(row, kColTwapId))};
}

}  // namespace

TwapListBody::TwapListBody(const TwapsQuery& q, PgResult result, size_t piece_bytes)
    : result_(std::move(result)), latest_per_twap_(q.latest_per_twap), piece_bytes_(piece_bytes) {
  const PgResult& r = result_;
  if (latest_per_twap_) {
    for (int row = 0; row < r.rows(); ++row) twaps_.emplace_back(row, row + 1);
  } else {
    // Rows arrive grouped by TWAP in page order, ascending by ts within a TWAP.
    for (int row = 0; row < r.rows(); ++row) {
      if (twaps_.empty() || r.Get(row, kColTwapId) != r.Get(twaps_.back().first, kColTwapId)) {
        twaps_.emplace_back(row, row + 1);
      } else {
        twaps_.back().second = row + 1;
      }
    }
  }
  // The statement returns one TWAP beyond the page when another page follows.
  const size_t count = std::min(twaps_.size(), static_cast<size_t>(q.limit));
  if (twaps_.size() > count) {
    next_cursor_ = EncodeCursor(CursorAt(r, twaps_[count - 1].second - 1));
    twaps_.resize(count);
  }
  w_.BeginObject();
  w_.Key("wallet").String(q.wallet);
  w_.Key("start").String(FormatTimestampUtc(q.start_micros));
  w_.Key("end").String(FormatTimestampUtc(q.end_micros));
  w_.Key("twaps").BeginArray();
}

void TwapListBody::WriteTwap(size_t index) {
  const auto [begin, end] = twaps_[index];
  w_.BeginObject();
  WriteTwapMembers(w_, result_, end - 1);
  if (!latest_per_twap_) {
    w_.Key("rows").BeginArray();
    for (int row = begin; row < end; ++row) WriteTwapRow(w_, result_, row);
    w_.EndArray();
  }
  w_.EndObject();
}

void TwapListBody::Fill() {
  while (!complete_ && w_.str().size() < piece_bytes_) {
    if (written_ < twaps_.size()) {
      WriteTwap(written_++);
      continue;
    }
    WritePageEnd(w_, next_cursor_);
    complete_ = true;
  }
}

Result<bool> TwapListBody::NextPiece(std::string& piece) {
  Fill();
  // The caller's buffer, already sent, becomes the next one written: a piece's capacity is
  // allocated once.
  w_.TakeInto(piece);
  return !piece.empty();
}

std::optional<std::string> TwapListBody::TakeIfOnePiece() {
  Fill();
  if (!complete_) return std::nullopt;
  return w_.Take();
}

Response TwapListResponse(const TwapsQuery& q, PgResult result) {
  auto body = std::make_shared<TwapListBody>(q, std::move(result));
  if (auto whole = body->TakeIfOnePiece()) return JsonResponse(200, std::move(*whole));
  Response response;
  response.stream = std::move(body);
  return response;
}

}  // namespace hltwap::api
