#include "etl/etl_command.h"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/command.h"
#include "common/log.h"
#include "common/time_util.h"
#include "etl/etl_run.h"
#include "etl/etl_summary.h"

namespace hltwap {
namespace {

// The most memory this process has held resident, in KiB (VmHWM: since exec, unlike getrusage,
// which counts the process it was forked from); nullopt where /proc does not say.
std::optional<int64_t> PeakResidentKib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::strtoll(line.c_str() + 6, nullptr, 10);
  }
  return std::nullopt;
}

struct EtlFlags {
  bool incremental = false;
  std::string since;
  std::string object_key;
  std::string local_file;
  bool reprocess = false;
  bool dry_run = false;
  unsigned jobs = 0;
  std::vector<std::string> datasets;
};

// The four ways of choosing objects exclude each other; the rest combine with any of them.
Result<EtlOptions> ToOptions(const EtlFlags& f, const CLI::App& cmd) {
  std::vector<std::string> sources;
  if (f.incremental) sources.emplace_back("--incremental");
  if (cmd.count("--since") > 0) sources.emplace_back("--since");
  if (cmd.count("--object-key") > 0) sources.emplace_back("--object-key");
  if (cmd.count("--local-file") > 0) sources.emplace_back("--local-file");
  if (sources.size() > 1) {
    return Status::InvalidArgument(
        fmt::format("{} and {} cannot be used together", sources[0], sources[1]));
  }
  EtlOptions o;
  o.reprocess = f.reprocess;
  o.dry_run = f.dry_run;
  o.jobs = cmd.count("--jobs") > 0 ? f.jobs : DefaultJobs();
  if (o.jobs == 0) return Status::InvalidArgument("--jobs must be at least 1");
  if (cmd.count("--since") > 0) {
    auto since = ParseTimestampUtc(f.since);
    if (!since.ok()) {
      return Status::InvalidArgument(
          fmt::format("--since '{}': expected an ISO-8601 date or time", f.since));
    }
    o.source = EtlSource::kSince;
    o.since = *since;
  } else if (cmd.count("--object-key") > 0) {
    if (f.object_key.empty()) return Status::InvalidArgument("--object-key needs a key");
    o.source = EtlSource::kObjectKey;
    o.object_key = f.object_key;
  } else if (cmd.count("--local-file") > 0) {
    if (f.local_file.empty()) return Status::InvalidArgument("--local-file needs a path");
    o.source = EtlSource::kLocalFile;
    o.local_path = f.local_file;
  }
  return o;
}

int RunEtlCommand(const EtlFlags& flags, const CLI::App& cmd) {
  auto options = ToOptions(flags, cmd);
  if (!options.ok()) return ReportFailure(options.status());
  // A dry run of explicitly named objects does not read the ingest log.
  const bool need_database = !(options->dry_run && options->source != EtlSource::kIncremental &&
                               options->source != EtlSource::kSince);
  auto config = LoadCommandConfig(need_database);
  if (!config.ok()) return ReportFailure(config.status());
  const bool flagged = cmd.count("--dataset") > 0;
  auto datasets = ParseDatasets(flagged ? flags.datasets : config->etl_datasets,
                                flagged ? "--dataset" : "ETL_DATASETS");
  if (!datasets.ok()) return ReportFailure(datasets.status());
  options->datasets = std::move(*datasets);
  auto summary = RunEtl(*config, *options);
  if (!summary.ok()) return ReportFailure(summary.status().WithContext("etl"));
  if (options->dry_run) return kExitOk;
  if (const auto peak = PeakResidentKib()) log::Debug("peak resident memory {} KiB", *peak);
  const std::string line = FormatSummary(*summary);
  // A busy object was not loaded: the run did not do its job.
  if (summary->objects_failed > 0 || summary->objects_busy > 0) {
    log::Error("{}", line);
    return kExitFailure;
  }
  log::Info("{}", line);
  return kExitOk;
}

}  // namespace

void AddEtlCommand(CLI::App& app, int& exit_code) {
  auto* etl = app.add_subcommand(
      "etl",
      "Ingest parquet files (S3 objects, or local files) into PostgreSQL: TWAP statuses (under "
      "AWS_S3_PREFIX, into twap_status) and TWAP slice fills (node fills under "
      "AWS_S3_FILLS_PREFIX, into twap_fill). Each object loads in one transaction together "
      "with its etl_s3_ingest_log row; "
      "runs are incremental and idempotent, and several may run at once. Exit status 0 when "
      "every selected object succeeded, 1 when one failed or stayed locked by another process, 2 "
      "for "
      "usage errors.");
  auto flags = std::make_shared<EtlFlags>();
  etl->add_option("--dataset", flags->datasets,
                  "What to load: twap_statuses or fills, or both comma-separated (in that order); "
                  "overrides ETL_DATASETS (default twap_statuses)")
      ->delimiter(',')
      ->type_name("NAME");
  etl->add_flag("--incremental", flags->incremental,
                "Load every .parquet object under the datasets' prefixes that is new, changed "
                "upstream (newer LastModified) or failed before (the default)");
  etl->add_option("--since", flags->since,
                  "Like --incremental, limited to objects whose LastModified is at or after this "
                  "ISO-8601 time (a bare date is its midnight UTC)")
      ->type_name("ISO");
  etl->add_option("--object-key", flags->object_key,
                  "Load this one S3 object (found with HeadObject), even when already done")
      ->type_name("KEY");
  etl->add_option("--local-file", flags->local_file,
                  "Load a local parquet file, or every *.parquet file of a directory, even when "
                  "already done; logged as file://<absolute path> with the file's mtime")
      ->type_name("PATH");
  etl->add_flag("--reprocess", flags->reprocess,
                "Load the selected objects even when etl_s3_ingest_log says they are done");
  etl->add_flag("--dry-run", flags->dry_run,
                "Print what would be loaded (key, size, LastModified; one per line) to stdout "
                "and stop: nothing is downloaded or written");
  etl->add_option("--jobs", flags->jobs,
                  fmt::format("Objects loaded in parallel, each worker with its own S3 "
                              "connection and database connection (default: one per core, at "
                              "most 8; here {})",
                              DefaultJobs()))
      ->type_name("N");
  etl->callback([flags, etl, &exit_code] { exit_code = RunEtlCommand(*flags, *etl); });
}

}  // namespace hltwap
