// GET /openapi.json: the OpenAPI 3.1 document of the API.
#pragma once

#include <string>
#include <string_view>

namespace hltwap::api {

// The document with info.version set; compact JSON.
std::string OpenApiDocument(std::string_view version);

}  // namespace hltwap::api
