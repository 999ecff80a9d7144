// The explorer: an HTML page at / (a wallet's TWAPs) and /twap/{twap_id} (one TWAP), our own
// scripts and styles from web/ and uPlot's two dist files, served at /web/<file>. As for /docs,
// only a fixed list of files is served, read once at start; no request path reaches the file
// system. docs/design.md, "Explorer", gives the page's asset and CSP rules.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "api/docs.h"

namespace hltwap::api {

struct ExplorerDirs {
  std::string web;    // the page, scripts and styles (web/ of the source tree)
  std::string uplot;  // uPlot's dist folder
};

class ExplorerAssets {
 public:
  // The source tree's web/ and node_modules/uplot/dist: where the files are when
  // HLTWAP_WEB_DIR and HLTWAP_UPLOT_DIR are unset.
  static ExplorerDirs DefaultDirectories();
  // Reads the whitelisted files found in the two folders; missing ones are left out.
  static ExplorerAssets Load(const ExplorerDirs& dirs);

  // A file served at /web/<name>, or null.
  const StaticFile* Find(std::string_view name) const;
  // The page for a path `depth` segments below the root (0: "/", 1: "/twap/{twap_id}"), its
  // links made relative to it; empty when index.html is missing.
  std::string_view Page(int depth) const;
  // The listed files that were not found, as paths; empty when the explorer can render.
  const std::vector<std::string>& missing() const { return missing_; }

 private:
  StaticFiles files_;
  std::string root_page_;
  std::string nested_page_;
  std::vector<std::string> missing_;
};

// GET / and /twap/{twap_id}: the page with its security headers (when the explorer's files are
// missing: the plain index at /, 404 below it); GET /web/{asset}: the file, or 404.
Response ExplorerPageResponse(const ExplorerAssets& assets, int depth);
Response ExplorerAssetResponse(const ExplorerAssets& assets, std::string_view name);

}  // namespace hltwap::api
