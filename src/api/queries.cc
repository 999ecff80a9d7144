#include "api/queries.h"

namespace hltwap::api {

std::vector<PreparedStatement> ApiStatements() {
  return {
      {std::string(kTwapsLatestName), std::string(sql::kTwapsLatest)},
      {std::string(kTwapsWithRowsName), std::string(sql::kTwapsWithRows)},
      {std::string(kTwapRowsName), std::string(sql::kTwapRows)},
      {std::string(kTwapFillsName), std::string(sql::kTwapFills)},
      {std::string(kLastIngestedName), std::string(sql::kLastIngested)},
      {std::string(kWalletSummaryName), std::string(sql::kWalletSummary)},
      {std::string(kCoverageObjectsName), std::string(sql::kCoverageObjects)},
  };
}

}  // namespace hltwap::api
