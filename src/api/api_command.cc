#include "api/api_command.h"

#include <fmt/ranges.h>

#include <memory>

#include "api/coverage_handler.h"
#include "api/docs.h"
#include "api/explorer.h"
#include "api/metrics.h"
#include "api/queries.h"
#include "api/router.h"
#include "api/server.h"
#include "common/command.h"
#include "common/log.h"
#include "db/cluster.h"
#include "db/database_url.h"

namespace hltwap {
namespace {

struct ApiFlags {
  std::string host;
  int port = 0;
};

int RunApi(const ApiFlags& flags) {
  auto config = LoadCommandConfig(/*need_database=*/true);
  if (!config.ok()) return ReportFailure(config.status());
  if (!flags.host.empty()) config->api_host = flags.host;
  if (flags.port != 0) config->api_port = static_cast<uint16_t>(flags.port);

  const auto server_options = api::ServerOptionsFromConfig(*config);
  auto conninfo = DatabaseConninfo(*config);
  if (!conninfo.ok()) return ReportFailure(conninfo.status());
  auto pool_options =
      api::PoolOptionsFromConfig(*config, std::move(conninfo).value(), server_options.threads);
  pool_options.statements = api::ApiStatements();

  const auto assets = api::DocsAssets::Load(
      config->assets_dir.empty() ? api::DocsAssets::DefaultDirectory() : config->assets_dir);
  if (!assets.complete()) {
    log::Warn(
        "Swagger UI files are missing in {} (run `make deps`, or set HLTWAP_ASSETS_DIR); "
        "/docs will not render",
        assets.directory());
  }
  auto explorer_dirs = api::ExplorerAssets::DefaultDirectories();
  if (!config->web_dir.empty()) explorer_dirs.web = config->web_dir;
  if (!config->uplot_dir.empty()) explorer_dirs.uplot = config->uplot_dir;
  const auto explorer = api::ExplorerAssets::Load(explorer_dirs);
  if (!explorer.missing().empty()) {
    log::Warn(
        "explorer files are missing: {} (run `make deps`, or set HLTWAP_WEB_DIR and "
        "HLTWAP_UPLOT_DIR); / serves a plain index and /docs will not render",
        fmt::join(explorer.missing(), ", "));
  }
  auto standbys = DatabaseReadConninfos(*config);
  if (!standbys.ok()) return ReportFailure(standbys.status());
  std::string detail = fmt::format("database {}, pool of up to {} connections",
                                   DescribeConninfo(pool_options.conninfo), pool_options.max_size);
  for (const auto& standby : *standbys) {
    detail += fmt::format(", read standby {}", DescribeConninfo(standby));
  }
  PgClusterOptions cluster_options;
  cluster_options.primary = std::move(pool_options);
  cluster_options.standby_conninfos = std::move(standbys).value();
  cluster_options.max_replica_lag = config->db_max_replica_lag;
  PgCluster cluster(std::move(cluster_options));
  api::Metrics metrics;
  const api::Router router(cluster, metrics, assets, explorer,
                           {config->cors_origins, HLTWAP_VERSION, api::CoverageDatasets(*config)});
  const Status served = api::RunServer(server_options, router, metrics, detail);
  if (!served.ok()) return ReportFailure(served);
  return kExitOk;
}

}  // namespace

void AddApiCommand(CLI::App& app, int& exit_code) {
  auto* api = app.add_subcommand(
      "api",
      "Serve the HTTP JSON API (GET /api/v1/twaps, /api/v1/twaps/{twap_id}, "
      "/api/v1/wallets/{wallet}/summary, /api/v1/coverage, /api/v1/export, /healthz, /metrics, "
      "/openapi.json, /docs) and the explorer page at /");
  auto flags = std::make_shared<ApiFlags>();
  api->add_option("--host", flags->host, "Address to listen on (default: API_HOST, else 0.0.0.0)");
  api->add_option("--port", flags->port, "Port to listen on (default: API_PORT, else 8000)")
      ->check(CLI::Range(1, 65535));
  api->callback([&exit_code, flags] { exit_code = RunApi(*flags); });
}

}  // namespace hltwap
