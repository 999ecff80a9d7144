#include "api/explorer.h"

#include <array>

#include "api/errors.h"

namespace hltwap::api {
namespace {

// Our own files in web/ (index.html is the page itself, not a file served at /web/).
constexpr std::array<StaticFileSpec, 8> kWebFiles = {{
    {"explorer.css", kCssType},
    {"explorer.js", kJavaScriptType},
    {"api.js", kJavaScriptType},
    {"dom.js", kJavaScriptType},
    {"list.js", kJavaScriptType},
    {"twap.js", kJavaScriptType},
    {"charts.js", kJavaScriptType},
    {"docs.js", kJavaScriptType},
}};
constexpr std::array<StaticFileSpec, 2> kUplotFiles = {{
    {"uPlot.iife.min.js", kJavaScriptType},
    {"uPlot.min.css", kCssType},
}};
constexpr std::string_view kPageFile = "index.html";

// index.html writes every link to the server as `="./…"`, relative to the root; a page one
// segment down needs `="../…"`. Relative links keep the page working behind a path prefix.
std::string RelativeTo(std::string page, int depth) {
  constexpr std::string_view kRootLink = "=\"./";
  std::string up;
  for (int i = 0; i < depth; ++i) up += "../";
  if (up.empty()) return page;
  const std::string replacement = "=\"" + up;
  for (size_t at = page.find(kRootLink); at != std::string::npos;
       at = page.find(kRootLink, at + replacement.size())) {
    page.replace(at, kRootLink.size(), replacement);
  }
  return page;
}

void NoteMissing(const std::string& dir, std::span<const StaticFileSpec> specs,
                 const StaticFiles& files, std::vector<std::string>& missing) {
  for (const auto& spec : specs) {
    if (files.find(spec.name) == files.end()) missing.push_back(dir + "/" + std::string(spec.name));
  }
}

}  // namespace

ExplorerDirs ExplorerAssets::DefaultDirectories() {
  return {HLTWAP_DEFAULT_WEB_DIR, HLTWAP_DEFAULT_UPLOT_DIR};
}

ExplorerAssets ExplorerAssets::Load(const ExplorerDirs& dirs) {
  ExplorerAssets assets;
  ReadListedFiles(dirs.web, kWebFiles, assets.files_);
  ReadListedFiles(dirs.uplot, kUplotFiles, assets.files_);
  NoteMissing(dirs.web, kWebFiles, assets.files_, assets.missing_);
  NoteMissing(dirs.uplot, kUplotFiles, assets.files_, assets.missing_);

  StaticFiles page;
  constexpr std::array<StaticFileSpec, 1> kPage = {{{kPageFile, "text/html; charset=utf-8"}}};
  ReadListedFiles(dirs.web, kPage, page);
  NoteMissing(dirs.web, kPage, page, assets.missing_);
  if (const auto it = page.find(kPageFile); it != page.end()) {
    assets.root_page_ = RelativeTo(it->second.body, 0);
    assets.nested_page_ = RelativeTo(std::move(it->second.body), 1);
  }
  return assets;
}

const StaticFile* ExplorerAssets::Find(std::string_view name) const {
  const auto it = files_.find(name);
  return it == files_.end() ? nullptr : &it->second;
}

std::string_view ExplorerAssets::Page(int depth) const {
  return depth == 0 ? root_page_ : nested_page_;
}

Response ExplorerPageResponse(const ExplorerAssets& assets, int depth) {
  // Without its files the page cannot run: the plain index still leads to the rest.
  const bool usable = assets.missing().empty();
  if (!usable && depth > 0) return JsonResponse(404, DetailBody("Not Found"));
  Response r;
  r.content_type = "text/html; charset=utf-8";
  r.static_body = usable ? assets.Page(depth) : IndexHtml();
  AddPageHeaders(r);
  return r;
}

Response ExplorerAssetResponse(const ExplorerAssets& assets, std::string_view name) {
  const StaticFile* file = assets.Find(name);
  if (file == nullptr) return JsonResponse(404, DetailBody("Not Found"));
  Response r;
  r.content_type = file->content_type;
  r.static_body = file->body;
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  // Read once at start: a new version arrives with a restart, so revalidate rather than cache.
  r.headers.emplace_back("Cache-Control", "no-cache");
  return r;
}

}  // namespace hltwap::api
