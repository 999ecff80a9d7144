// The documentation pages: Swagger UI from local files (no CDN, so /docs works offline) and a
// small HTML index. Only a fixed list of files is ever served, read once at start, so no request
// path reaches the file system.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace hltwap::api {

struct StaticFile {
  std::string content_type;
  std::string body;
};

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
  std::map<std::string, StaticFile, std::less<>> files_;
};

// The Swagger UI page for /docs (its assets at /docs/<file>, the document at /openapi.json).
std::string_view DocsHtml();
// The page for /.
std::string_view IndexHtml();

}  // namespace hltwap::api
