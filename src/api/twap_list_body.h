// The page of GET /api/v1/twaps written from its statement's result. A page of a few TWAPs is
// answered with one buffer; a larger one (up to kMaxLimit TWAPs with every row and raw payload,
// tens of MiB) is sent in pieces of about kTwapListPieceBytes as they are written, so the only
// copy of the page held at once is the result itself.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/http_types.h"
#include "api/json_writer.h"
#include "api/query_params.h"
#include "db/connection.h"

namespace hltwap::api {

inline constexpr size_t kTwapListPieceBytes = 64 * 1024;

// One encoder for both ways of sending: the bytes do not depend on where pieces end.
class TwapListBody : public BodySource {
 public:
  // `result` holds the rows of twaps_latest.sql (latest_per_twap) or twaps_with_rows.sql for
  // `q`, including the one beyond the page that says another page follows; an empty PgResult is
  // a page that matches nothing.
  TwapListBody(const TwapsQuery& q, PgResult result, size_t piece_bytes = kTwapListPieceBytes);

  // Pieces of at least piece_bytes (whole TWAPs), the last one shorter. Made from the result
  // alone: nothing here waits.
  Result<bool> NextPiece(std::string& piece);
  boost::asio::awaitable<Result<bool>> Next(std::string& piece) override {
    co_return NextPiece(piece);
  }
  // The whole page when it fits in one piece; otherwise nullopt, and NextPiece() still starts at
  // the beginning of the page.
  std::optional<std::string> TakeIfOnePiece();

 private:
  // Writes TWAPs until a piece is full or the page is complete.
  void Fill();
  void WriteTwap(size_t index);

  PgResult result_;
  bool latest_per_twap_;
  // Result rows of each TWAP of the page, [begin, end) in page order.
  std::vector<std::pair<int, int>> twaps_;
  std::optional<std::string> next_cursor_;
  size_t piece_bytes_;
  JsonWriter w_;
  size_t written_ = 0;  // TWAPs written
  bool complete_ = false;
};

// 200 with the page: buffered when it fits in one piece, else streamed (chunked).
Response TwapListResponse(const TwapsQuery& q, PgResult result);

}  // namespace hltwap::api
