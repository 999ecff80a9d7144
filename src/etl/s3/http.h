// libcurl plumbing shared by the S3 client and the credential providers.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace hltwap::s3 {

// curl_global_init, once per process, before any handle is made.
void EnsureCurlInitialized();

struct SmallHttpResponse {
  long status = 0;
  std::string body;
};

// One short request on a fresh handle (credential endpoints): the body is kept in memory, up to
// 1 MiB. `timeout_ms` bounds connecting and the whole exchange. A transport failure is a
// kConnection error naming `url`; any HTTP status is returned as is.
[[nodiscard]] Result<SmallHttpResponse> SmallHttpRequest(const std::string& method,
                                                         const std::string& url,
                                                         const std::vector<std::string>& headers,
                                                         long timeout_ms);

}  // namespace hltwap::s3
