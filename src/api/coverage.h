// Data coverage: which data hours of each dataset the ingest log holds, which are missing, which
// objects failed (docs/design.md, Coverage). Everything here is pure: the ingest log's rows in,
// a report out, written as the JSON body of GET /api/v1/coverage (which `hltwap coverage
// --format json` prints byte for byte) or as text for a terminal.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hltwap::api {

inline constexpr int64_t kHourMicros = 3'600'000'000;

// What a report lists at most of each kind; the counts beside the lists are always exact.
inline constexpr size_t kMaxListedRanges = 100;
inline constexpr size_t kMaxListedFailures = 100;
inline constexpr size_t kMaxListedKeys = 20;

// The data hours an object's key names: `hours` hours from the start of `first_hour_micros`.
struct KeyHours {
  int64_t first_hour_micros = 0;
  int64_t hours = 0;  // 1 for an hour's object, 24 for a day's

  bool operator==(const KeyHours&) const = default;
};

// The hours `path` (an object key below its dataset's prefix) names, or nullopt when its layout
// is unknown. Exactly one date must appear among its folders, in one of the layouts
//   YYYY/MM/DD/HH/…          an hour; YYYY/MM/DD/<not a number>… is the whole day
//   date=YYYY-MM-DD/hour=HH/… an hour; date=YYYY-MM-DD/<anything else> is the whole day
//   YYYYMMDD/H.parquet, YYYYMMDD/H/…   an hour (Hyperliquid's node-data layout)
// where an hour is one or two digits, 0-23, and the date a real calendar date. Anything else
// (no date, two dates, an impossible date or hour, a number where the hour would be that is not
// one) is unknown: an object's hours are read from its key, never guessed.
std::optional<KeyHours> ParseKeyHours(std::string_view path);

// One row of etl_s3_ingest_log.
struct LoggedObject {
  std::string_view key;
  std::optional<std::string_view> error_text;  // set when the latest attempt failed
  std::optional<int64_t> ingested_at_micros;
};

struct CoverageDatasetSpec {
  std::string name;    // "twap_statuses", "fills"
  std::string prefix;  // the configured key prefix
};

struct CoverageOptions {
  // A key belongs to the dataset whose prefix starts it, the longest prefix winning, as the ETL
  // assigns objects; `file://` keys (local files) and keys under no prefix are "other objects".
  std::vector<CoverageDatasetSpec> datasets;
  // The window, both or neither (inclusive instants). Without one, each dataset's own first to
  // last ingested hour.
  std::optional<int64_t> start_micros;
  std::optional<int64_t> end_micros;
};

// Hours with no ingested object: `hours` hours from `start_micros`; `last_micros` is the start of
// the last of them (inclusive).
struct MissingRange {
  int64_t start_micros = 0;
  int64_t last_micros = 0;
  int64_t hours = 0;
};

struct FailedObject {
  std::string key;
  std::string error;
  std::optional<int64_t> at_micros;  // when the failure was logged
};

struct DatasetCoverage {
  std::string dataset;
  std::string prefix;
  // The first and last hour any ingested object of the dataset covers, whatever the window.
  std::optional<int64_t> first_hour_micros;
  std::optional<int64_t> last_hour_micros;
  int64_t objects_ingested = 0;  // ingested objects whose hours meet the window
  bool complete = false;
  int64_t missing_hours = 0;
  int64_t missing_range_count = 0;
  std::vector<MissingRange> missing_ranges;  // the first kMaxListedRanges, in time order
  // Failed objects whose hours meet the window, and failed objects of unknown layout (they may
  // hold any hour).
  int64_t failed_objects = 0;
  std::vector<FailedObject> failures;  // the first kMaxListedFailures by key
  int64_t unknown_layout = 0;          // every object of unknown layout, whatever the window
  std::vector<std::string> unknown_layout_keys;  // the first kMaxListedKeys by key
  // The latest ingested_at of an object of the dataset loaded without error.
  std::optional<int64_t> last_success_micros;
};

// Objects that belong to no dataset: local files (`--local-file`) and keys under no configured
// prefix (a prefix changed since they were loaded).
struct OtherObjects {
  int64_t objects = 0;
  int64_t local_files = 0;
  int64_t failed_objects = 0;
  std::vector<std::string> keys;  // the first kMaxListedKeys by key
};

struct CoverageReport {
  std::optional<int64_t> start_micros;
  std::optional<int64_t> end_micros;
  std::vector<DatasetCoverage> datasets;
  OtherObjects other;
};

// The report of `objects` (in any order). Memory and time grow with the number of objects, never
// with the number of hours in the window.
CoverageReport BuildCoverage(const CoverageOptions& options, std::span<const LoggedObject> objects);

// The JSON body (openapi.cc, schema Coverage).
std::string CoverageJson(const CoverageReport& report);
// The same for a person: one block per dataset.
std::string CoverageText(const CoverageReport& report);

}  // namespace hltwap::api
