// The documentation pages: Swagger UI from local files (no CDN, so /docs works offline) and a
// small HTML index for when the explorer's files are missing. Only a fixed list of files is ever
// served, read once at start, so no request path reaches the file system.
#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>

#include "api/http_types.h"

namespace hltwap::api {

struct StaticFile {
  std::string content_type;
  std::string body;
};

// One whitelisted file: served under `name`, read from <dir>/<name>.
struct StaticFileSpec {
  std::string_view name;
  std::string_view content_type;
};

using StaticFiles = std::map<std::string, StaticFile, std::less<>>;

// Reads the listed files found in `dir` into `files`; missing ones are left out.
void ReadListedFiles(const std::string& dir, std::span<const StaticFileSpec> specs,
                     StaticFiles& files);

inline constexpr std::string_view kCssType = "text/css; charset=utf-8";
inline constexpr std::string_view kJavaScriptType = "text/javascript; charset=utf-8";

class DocsAssets {
 public:
  // <source dir>/node_modules/swagger-ui-dist: where the files are when HLTWAP_ASSETS_DIR is unset.
  static std::string DefaultDirectory();
  // Reads the whitelisted Swagger UI files found in `dir`; missing ones are left out.
  static DocsAssets Load(const std::string& dir);

  const StaticFile* Find(std::string_view name) const;
  // True when every file /docs needs is there.
  bool complete() const;
  const std::string& directory() const { return directory_; }

 private:
  std::string directory_;
  StaticFiles files_;
};

// The Swagger UI page for /docs (its assets at /docs/<file>, its start script at web/docs.js,
// the document at /openapi.json).
std::string_view DocsHtml();
// The page for / when the explorer's files are missing: links to the rest.
std::string_view IndexHtml();

// The Content-Security-Policy of every HTML page of the server (/docs and the explorer): no
// inline script or style, nothing from another origin, no framing.
inline constexpr std::string_view kPageCsp =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
// Adds kPageCsp and the other headers of an HTML page.
void AddPageHeaders(Response& response);

}  // namespace hltwap::api
