#include "api/docs.h"

#include <array>
#include <fstream>
#include <sstream>

namespace hltwap::api {
namespace {

// The Swagger UI files DocsHtml uses, and nothing else.
constexpr std::array<StaticFileSpec, 5> kAssets = {{
    {"swagger-ui.css", kCssType},
    {"swagger-ui-bundle.js", kJavaScriptType},
    {"swagger-ui-standalone-preset.js", kJavaScriptType},
    {"favicon-32x32.png", "image/png"},
    {"favicon-16x16.png", "image/png"},
}};

// Relative links, so the page also works behind a reverse proxy that adds a path prefix. No
// inline script: its Content-Security-Policy allows scripts from the server only.
constexpr std::string_view kDocsHtml = R"html(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>hyperliquid-twap API - Swagger UI</title>
<link rel="icon" type="image/png" href="docs/favicon-32x32.png" sizes="32x32">
<link rel="icon" type="image/png" href="docs/favicon-16x16.png" sizes="16x16">
<link rel="stylesheet" type="text/css" href="docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="docs/swagger-ui-bundle.js"></script>
<script src="web/docs.js"></script>
</body>
</html>
)html";

constexpr std::string_view kIndexHtml = R"html(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>hyperliquid-twap API</title>
</head>
<body>
<h1>hyperliquid-twap API</h1>
<p>Hyperliquid TWAP orders by wallet and time range, grouped by <code>twap_id</code>.
Decimals are exact strings; timestamps are UTC. The explorer's files are missing on this
server (see its log), so this page only lists the API's own pages.</p>
<ul>
<li><a href="docs">/docs</a> &mdash; interactive documentation (Swagger UI)</li>
<li><a href="openapi.json">/openapi.json</a> &mdash; OpenAPI 3.1 document</li>
<li><a href="healthz">/healthz</a> &mdash; database status and the last ingested S3 object</li>
<li><a href="metrics">/metrics</a> &mdash; Prometheus metrics</li>
<li><a href="api/v1/twaps?wallet=0x8c2a5f3e1b7d4c6a9e0f1d2c3b4a5968778695a4&amp;start=2025-11-01T00:00:00Z&amp;end=2025-11-04T00:00:00Z">/api/v1/twaps?wallet=0x8c2a&hellip;95a4&amp;start=2025-11-01T00:00:00Z&amp;end=2025-11-04T00:00:00Z</a> &mdash; example query (the sample data)</li>
<li><a href="api/v1/twaps/568722">/api/v1/twaps/568722</a> &mdash; every row of one TWAP</li>
</ul>
</body>
</html>
)html";

}  // namespace

std::string DocsAssets::DefaultDirectory() {
  return HLTWAP_DEFAULT_ASSETS_DIR;
}

void ReadListedFiles(const std::string& dir, std::span<const StaticFileSpec> specs,
                     StaticFiles& files) {
  for (const auto& spec : specs) {
    std::ifstream in(dir + "/" + std::string(spec.name), std::ios::binary);
    if (!in) continue;
    std::ostringstream body;
    body << in.rdbuf();
    files.insert_or_assign(std::string(spec.name),
                           StaticFile{std::string(spec.content_type), std::move(body).str()});
  }
}

DocsAssets DocsAssets::Load(const std::string& dir) {
  DocsAssets assets;
  assets.directory_ = dir;
  ReadListedFiles(dir, kAssets, assets.files_);
  return assets;
}

const StaticFile* DocsAssets::Find(std::string_view name) const {
  const auto it = files_.find(name);
  return it == files_.end() ? nullptr : &it->second;
}

bool DocsAssets::complete() const {
  return files_.size() == kAssets.size();
}

std::string_view DocsHtml() {
  return kDocsHtml;
}

std::string_view IndexHtml() {
  return kIndexHtml;
}

void AddPageHeaders(Response& response) {
  response.headers.emplace_back("Content-Security-Policy", std::string(kPageCsp));
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  response.headers.emplace_back("Cache-Control", "no-cache");
}

}  // namespace hltwap::api
