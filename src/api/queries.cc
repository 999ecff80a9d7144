#include "api/queries.h"

namespace hltwap::api {

std::vector<PreparedStatement> ApiStatements() {
  // Long: a window over a wallet's history or the whole ingest log. Short: one TWAP by id, and
  // the health probe's single row.
  constexpr auto kLong = StatementCost::kLong;
  constexpr auto kShort = StatementCost::kShort;
  return {
      {std::string(kTwapsLatestName), std::string(sql::kTwapsLatest), kLong},
      {std::string(kTwapsWithRowsName), std::string(sql::kTwapsWithRows), kLong},
      {std::string(kTwapRowsName), std::string(sql::kTwapRows), kShort},
      {std::string(kTwapFillsName), std::string(sql::kTwapFills), kShort},
      {std::string(kLastIngestedName), std::string(sql::kLastIngested), kShort},
      {std::string(kWalletSummaryName), std::string(sql::kWalletSummary), kLong},
      {std::string(kCoverageObjectsName), std::string(sql::kCoverageObjects), kLong},
  };
}

}  // namespace hltwap::api
