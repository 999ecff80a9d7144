#include "api/queries.h"

namespace hltwap::api {

std::vector<PreparedStatement> ApiStatements() {
  return {
      {std::string(kTwapsLatestName), std::string(kTwapsLatestSql)},
      {std::string(kTwapsWithRowsName), std::string(kTwapsWithRowsSql)},
      {std::string(kTwapRowsName), std::string(kTwapRowsSql)},
      {std::string(kLastIngestedName), std::string(kLastIngestedSql)},
  };
}

}  // namespace hltwap::api
