#include "api/coverage.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <string>
#include <vector>

#include "common/time_util.h"

namespace hltwap::api {
namespace {

namespace json = boost::json;

int64_t At(std::string_view iso) {
  return ParseTimestampUtc(iso).value();
}

KeyHours HourOf(std::string_view iso) {
  return {At(iso), 1};
}

KeyHours DayOf(std::string_view date) {
  return {At(date), 24};
}

TEST(ParseKeyHours, KnownLayouts) {
  const struct {
    std::string_view path;
    KeyHours hours;
  } cases[] = {
      {"2025/07/27/13/fills.parquet", HourOf("2025-07-27T13:00:00Z")},
      {"2025/07/27/13/a/b/part-0.parquet", HourOf("2025-07-27T13:00:00Z")},
      {"2025/07/27/7/x.parquet", HourOf("2025-07-27T07:00:00Z")},
      {"2025/07/27/00/x.parquet", HourOf("2025-07-27T00:00:00Z")},
      {"nested/deeper/2025/07/27/23/x.parquet", HourOf("2025-07-27T23:00:00Z")},
      {"2025/11/03/part-0.parquet", DayOf("2025-11-03")},
      {"2025/11/03/part=1/x.parquet", DayOf("2025-11-03")},
      {"2024/02/29/x.parquet", DayOf("2024-02-29")},
      {"date=2025-07-27/hour=13/x.parquet", HourOf("2025-07-27T13:00:00Z")},
      {"date=2025-07-27/hour=3/x.parquet", HourOf("2025-07-27T03:00:00Z")},
      {"date=2025-07-27/part+1.parquet", DayOf("2025-07-27")},
      {"date=2025-07-27/minute=5/x.parquet", DayOf("2025-07-27")},
      {"20250727/13.parquet", HourOf("2025-07-27T13:00:00Z")},
      {"20251101/8.parquet", HourOf("2025-11-01T08:00:00Z")},
      {"20251101/8.lz4.parquet", HourOf("2025-11-01T08:00:00Z")},
      {"20250727/13/x.parquet", HourOf("2025-07-27T13:00:00Z")},
      {"9999/12/31/23/x.parquet", HourOf("9999-12-31T23:00:00Z")},
      {"0001/01/01/x.parquet", DayOf("0001-01-01")},
      // An eight-digit folder without an hour after it is not a date, so it does not clash.
      {"12345678/2025/07/27/x.parquet", DayOf("2025-07-27")},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(ParseKeyHours(c.path), std::optional(c.hours)) << c.path;
  }
}

TEST(ParseKeyHours, EverythingElseIsUnknown) {
  for (std::string_view path :
       {"", "x.parquet", "2025/07/x.parquet", "2025/07/27",  // no date folders
        "2025-07-27.parquet", "part-20250727.parquet", "2025/13/01/x.parquet",
        "2025/02/30/x.parquet", "2023/02/29/x.parquet", "0000/01/01/x.parquet",
        "2025/07/27/24/x.parquet", "2025/07/27/123/x.parquet",
        "2025/07/27/13.parquet",  // an hour or a part number: not guessed
        "2025/07/27/hour=13/x.parquet", "2025/7/27/x.parquet", "25/07/27/x.parquet",
        "date=2025-7-27/x.parquet", "date=2025-02-30/x.parquet", "date=20250727/x.parquet",
        "date=2025-07-27/hour=24/x.parquet", "date=2025-07-27/hour=/x.parquet",
        "date=2025-07-27/hour=13.parquet", "date=2025-07-27/13/x.parquet",
        "20250727/part-0.parquet", "20250727/24.parquet", "20251301/8.parquet",
        "20250727/x/8.parquet",
        // Two dates.
        "2025/07/27/13/2025/07/28/x.parquet", "2025/07/27/date=2025-07-27/x.parquet",
        "date=2025-07-27/20250727/13.parquet", "2025/07/27/20250727/13.parquet",
        "2025//07/27/x.parquet", "２０２５/07/27/x.parquet"}) {
    EXPECT_EQ(ParseKeyHours(path), std::nullopt) << path;
  }
}

LoggedObject Ok(std::string_view key, std::string_view ingested_at = "2025-08-01T00:00:00Z") {
  return {key, std::nullopt, At(ingested_at)};
}

LoggedObject Failed(std::string_view key, std::string_view error,
                    std::string_view at = "2025-08-01T00:00:00Z") {
  return {key, error, At(at)};
}

CoverageOptions Options() {
  return {{{"twap_statuses", "raw/twap_statuses/"}, {"fills", "raw/node_fills/hourly/"}},
          std::nullopt,
          std::nullopt};
}

TEST(BuildCoverage, MissingHoursFailuresUnknownLayoutsAndOtherObjects) {
  const std::vector<LoggedObject> log = {
      Ok("raw/node_fills/hourly/2025/07/27/10/a.parquet", "2025-08-01T00:00:01Z"),
      Ok("raw/node_fills/hourly/2025/07/27/11/a.parquet", "2025-08-01T00:00:03Z"),
      // 12 and 13 missing; 14 failed, so missing as well.
      Failed("raw/node_fills/hourly/2025/07/27/14/a.parquet", "parquet: bad magic"),
      Ok("raw/node_fills/hourly/date=2025-07-27/hour=15/a.parquet", "2025-08-01T00:00:02Z"),
      Ok("raw/node_fills/hourly/20250727/16.parquet"),
      // Two objects of one hour.
      Ok("raw/node_fills/hourly/2025/07/27/16/b.parquet"),
      Ok("raw/node_fills/hourly/notes.parquet", "2025-08-02T00:00:00Z"),
      Failed("raw/node_fills/hourly/broken.parquet", "S3 GET: 403"),
      Ok("raw/twap_statuses/2025/07/26/part-0.parquet"),
      Ok("raw/twap_statuses/2025/07/27/part-0.parquet"),
      Ok("file:///srv/sample_twap.parquet"),
      Failed("file:///srv/bad.parquet", "no such file"),
      Ok("old/prefix/2025/07/27/x.parquet"),
  };
  const CoverageReport r = BuildCoverage(Options(), log);
  ASSERT_EQ(r.datasets.size(), 2u);

  const DatasetCoverage& statuses = r.datasets[0];
  EXPECT_EQ(statuses.dataset, "twap_statuses");
  EXPECT_EQ(statuses.first_hour_micros, At("2025-07-26T00:00:00Z"));
  EXPECT_EQ(statuses.last_hour_micros, At("2025-07-27T23:00:00Z"));
  EXPECT_EQ(statuses.objects_ingested, 2);
  EXPECT_TRUE(statuses.complete);
  EXPECT_EQ(statuses.missing_hours, 0);

  const DatasetCoverage& fills = r.datasets[1];
  EXPECT_EQ(fills.prefix, "raw/node_fills/hourly/");
  EXPECT_EQ(fills.first_hour_micros, At("2025-07-27T10:00:00Z"));
  EXPECT_EQ(fills.last_hour_micros, At("2025-07-27T16:00:00Z"));
  EXPECT_EQ(fills.objects_ingested, 5);
  EXPECT_FALSE(fills.complete);
  EXPECT_EQ(fills.missing_hours, 3);
  EXPECT_EQ(fills.missing_range_count, 1);
  ASSERT_EQ(fills.missing_ranges.size(), 1u);
  EXPECT_EQ(fills.missing_ranges[0].start_micros, At("2025-07-27T12:00:00Z"));
  EXPECT_EQ(fills.missing_ranges[0].last_micros, At("2025-07-27T14:00:00Z"));
  EXPECT_EQ(fills.missing_ranges[0].hours, 3);
  EXPECT_EQ(fills.failed_objects, 2);
  ASSERT_EQ(fills.failures.size(), 2u);
  EXPECT_EQ(fills.failures[0].key, "raw/node_fills/hourly/2025/07/27/14/a.parquet");
  EXPECT_EQ(fills.failures[0].error, "parquet: bad magic");
  EXPECT_EQ(fills.failures[1].key, "raw/node_fills/hourly/broken.parquet");
  EXPECT_EQ(fills.unknown_layout, 2);
  EXPECT_EQ(fills.unknown_layout_keys,
            (std::vector<std::string>{"raw/node_fills/hourly/broken.parquet",
                                      "raw/node_fills/hourly/notes.parquet"}));
  EXPECT_EQ(fills.last_success_micros, At("2025-08-02T00:00:00Z"));

  EXPECT_EQ(r.other.objects, 3);
  EXPECT_EQ(r.other.local_files, 2);
  EXPECT_EQ(r.other.failed_objects, 1);
  EXPECT_EQ(r.other.keys,
            (std::vector<std::string>{"file:///srv/bad.parquet", "file:///srv/sample_twap.parquet",
                                      "old/prefix/2025/07/27/x.parquet"}));
}

TEST(BuildCoverage, WindowCountsItsHoursOnly) {
  const std::vector<LoggedObject> log = {
      Ok("raw/node_fills/hourly/2025/07/27/10/a.parquet"),
      Ok("raw/node_fills/hourly/2025/07/27/12/a.parquet"),
      Failed("raw/node_fills/hourly/2025/07/27/20/a.parquet", "outside the window"),
      Ok("raw/twap_statuses/2025/07/27/part-0.parquet"),
  };
  CoverageOptions options = Options();
  // Hours 09 to 13: 09, 11 and 13 missing; the window's instants need not be whole hours.
  options.start_micros = At("2025-07-27T09:30:00Z");
  options.end_micros = At("2025-07-27T13:00:00Z");
  const CoverageReport r = BuildCoverage(options, log);
  EXPECT_EQ(r.start_micros, options.start_micros);
  const DatasetCoverage& fills = r.datasets[1];
  EXPECT_EQ(fills.objects_ingested, 2);
  EXPECT_EQ(fills.missing_hours, 3);
  EXPECT_EQ(fills.missing_range_count, 3);
  ASSERT_EQ(fills.missing_ranges.size(), 3u);
  EXPECT_EQ(fills.missing_ranges[0].start_micros, At("2025-07-27T09:00:00Z"));
  EXPECT_EQ(fills.missing_ranges[1].start_micros, At("2025-07-27T11:00:00Z"));
  EXPECT_EQ(fills.missing_ranges[2].start_micros, At("2025-07-27T13:00:00Z"));
  EXPECT_EQ(fills.missing_ranges[2].last_micros, At("2025-07-27T13:00:00Z"));
  EXPECT_EQ(fills.failed_objects, 0) << "the failure is outside the window";
  EXPECT_FALSE(fills.complete);
  // The extent is the dataset's own, whatever the window.
  EXPECT_EQ(fills.last_hour_micros, At("2025-07-27T12:00:00Z"));
  // A day's object covers a window inside its day.
  EXPECT_TRUE(r.datasets[0].complete);
  EXPECT_EQ(r.datasets[0].objects_ingested, 1);

  // A window where nothing was ingested is all missing, as one range.
  options.start_micros = At("2024-01-01T00:00:00Z");
  options.end_micros = At("2024-12-31T23:59:59.999999Z");
  const CoverageReport empty = BuildCoverage(options, log);
  for (const auto& c : empty.datasets) {
    EXPECT_FALSE(c.complete);
    EXPECT_EQ(c.objects_ingested, 0);
    EXPECT_EQ(c.missing_hours, 366 * 24) << c.dataset;
    ASSERT_EQ(c.missing_ranges.size(), 1u);
    EXPECT_EQ(c.missing_ranges[0].last_micros, At("2024-12-31T23:00:00Z"));
  }
}

TEST(BuildCoverage, HugeWindowCostsNothingPerHour) {
  CoverageOptions options = Options();
  options.start_micros = kMinTimestampMicros;
  options.end_micros = kMaxTimestampMicros;
  const std::vector<LoggedObject> log = {Ok("raw/node_fills/hourly/2025/07/27/10/a.parquet")};
  const CoverageReport r = BuildCoverage(options, log);
  const int64_t all_hours = (kMaxTimestampMicros - kMinTimestampMicros + 1) / kHourMicros;
  EXPECT_EQ(r.datasets[1].missing_hours, all_hours - 1);
  EXPECT_EQ(r.datasets[1].missing_range_count, 2);
  EXPECT_EQ(r.datasets[0].missing_hours, all_hours);
  EXPECT_EQ(r.datasets[0].missing_ranges[0].last_micros, At("9999-12-31T23:00:00Z"));

  // Times an offset takes past those years count from their edges.
  options.start_micros = At("0000-12-31T23:00:00Z");
  options.end_micros = At("9999-12-31T23:00:00-05:00");
  const CoverageReport beyond = BuildCoverage(options, log);
  EXPECT_EQ(beyond.datasets[0].missing_hours, all_hours);
  EXPECT_EQ(beyond.datasets[0].missing_ranges[0].start_micros, kMinTimestampMicros);
}

TEST(BuildCoverage, NothingIngestedIsNotComplete) {
  const CoverageReport r = BuildCoverage(Options(), {});
  for (const auto& c : r.datasets) {
    EXPECT_FALSE(c.complete);
    EXPECT_EQ(c.first_hour_micros, std::nullopt);
    EXPECT_EQ(c.last_success_micros, std::nullopt);
    EXPECT_EQ(c.missing_hours, 0);
  }
  EXPECT_EQ(json::parse(CoverageJson(r)), json::parse(R"({"start": null, "end": null,
    "datasets": [
      {"dataset": "twap_statuses", "prefix": "raw/twap_statuses/", "first_hour": null,
       "last_hour": null, "objects_ingested": 0, "complete": false, "missing_hours": 0,
       "missing_range_count": 0, "missing_ranges": [], "failed_objects": 0, "failures": [],
       "unknown_layout": 0, "unknown_layout_keys": [], "last_success_at": null},
      {"dataset": "fills", "prefix": "raw/node_fills/hourly/", "first_hour": null,
       "last_hour": null, "objects_ingested": 0, "complete": false, "missing_hours": 0,
       "missing_range_count": 0, "missing_ranges": [], "failed_objects": 0, "failures": [],
       "unknown_layout": 0, "unknown_layout_keys": [], "last_success_at": null}],
    "other_objects": {"objects": 0, "local_files": 0, "failed_objects": 0, "keys": []}})"));
}

TEST(BuildCoverage, TheLongestPrefixOwnsAKey) {
  CoverageOptions options;
  options.datasets = {{"twap_statuses", "raw/"}, {"fills", "raw/fills/"}};
  const std::vector<LoggedObject> log = {Ok("raw/fills/2025/07/27/10/a.parquet"),
                                         Ok("raw/2025/07/27/x.parquet")};
  const CoverageReport r = BuildCoverage(options, log);
  EXPECT_EQ(r.datasets[0].objects_ingested, 1);
  EXPECT_EQ(r.datasets[0].first_hour_micros, At("2025-07-27T00:00:00Z"));
  EXPECT_EQ(r.datasets[1].objects_ingested, 1);
  EXPECT_EQ(r.datasets[1].first_hour_micros, At("2025-07-27T10:00:00Z"));
  EXPECT_EQ(r.other.objects, 0);
}

TEST(BuildCoverage, ListsAreBoundedAndCountsExact) {
  std::vector<std::string> keys;
  // Every other hour of 300 ingested: 299 gaps of one hour; 150 failed objects; 30 unknown.
  for (int h = 0; h < 600; h += 2) {
    keys.push_back(FormatTimestampUtc(At("2025-01-01T00:00:00Z") + h * kHourMicros));
  }
  std::vector<std::string> storage;
  for (const auto& iso : keys) {
    storage.push_back(fmt::format("raw/node_fills/hourly/{}/{}/{}/{}/a.parquet", iso.substr(0, 4),
                                  iso.substr(5, 2), iso.substr(8, 2), iso.substr(11, 2)));
  }
  for (int i = 0; i < 150; ++i) {
    storage.push_back(fmt::format("raw/node_fills/hourly/2026/01/01/00/f{:03}.parquet", i));
  }
  for (int i = 0; i < 30; ++i) storage.push_back(fmt::format("raw/node_fills/hourly/u{:02}", i));
  std::vector<LoggedObject> log;
  for (const auto& key : storage) {
    log.push_back(key.find("/f") != std::string::npos ? Failed(key, "bad") : Ok(key));
  }
  // Backwards, so nothing relies on the order of the log.
  std::reverse(log.begin(), log.end());
  const DatasetCoverage c = BuildCoverage(Options(), log).datasets[1];
  EXPECT_EQ(c.missing_range_count, 299);
  EXPECT_EQ(c.missing_hours, 299);
  EXPECT_EQ(c.missing_ranges.size(), kMaxListedRanges);
  EXPECT_EQ(c.missing_ranges.front().start_micros, At("2025-01-01T01:00:00Z"));
  EXPECT_EQ(c.failed_objects, 150);
  ASSERT_EQ(c.failures.size(), kMaxListedFailures);
  EXPECT_EQ(c.failures.front().key, "raw/node_fills/hourly/2026/01/01/00/f000.parquet");
  EXPECT_EQ(c.failures.back().key, "raw/node_fills/hourly/2026/01/01/00/f099.parquet");
  EXPECT_EQ(c.unknown_layout, 30);
  ASSERT_EQ(c.unknown_layout_keys.size(), kMaxListedKeys);
  EXPECT_EQ(c.unknown_layout_keys.front(), "raw/node_fills/hourly/u00");
  EXPECT_EQ(c.objects_ingested, 300);
  // The failed hour lies after the last ingested hour; without a window it still counts.
  EXPECT_EQ(c.last_hour_micros, At("2025-01-25T22:00:00Z"));
  EXPECT_FALSE(c.complete);
}

TEST(BuildCoverage, JsonAndTextOfOneReport) {
  const std::vector<LoggedObject> log = {
      Ok("raw/node_fills/hourly/2025/07/27/10/a.parquet", "2025-08-01T00:00:01.5Z"),
      Ok("raw/node_fills/hourly/2025/07/27/13/a.parquet"),
      Failed("raw/node_fills/hourly/2025/07/27/11/a\x1b[31m.parquet", "bad \"magic\""),
      {"raw/node_fills/hourly/odd\n.parquet", std::nullopt, std::nullopt},
  };
  const CoverageReport r = BuildCoverage(Options(), log);
  const auto body = json::parse(CoverageJson(r));
  EXPECT_EQ(body.at("datasets").at(1), json::parse(R"({
      "dataset": "fills", "prefix": "raw/node_fills/hourly/",
      "first_hour": "2025-07-27T10:00:00Z", "last_hour": "2025-07-27T13:00:00Z",
      "objects_ingested": 2, "complete": false, "missing_hours": 2, "missing_range_count": 1,
      "missing_ranges": [{"start": "2025-07-27T11:00:00Z", "end": "2025-07-27T12:00:00Z",
                          "hours": 2}],
      "failed_objects": 1,
      "failures": [{"key": "raw/node_fills/hourly/2025/07/27/11/a\u001b[31m.parquet",
                    "error": "bad \"magic\"", "at": "2025-08-01T00:00:00Z"}],
      "unknown_layout": 1, "unknown_layout_keys": ["raw/node_fills/hourly/odd\n.parquet"],
      "last_success_at": "2025-08-01T00:00:01.500000Z"})"));

  const std::string text = CoverageText(r);
  EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
  EXPECT_NE(text.find("fills (raw/node_fills/hourly/): INCOMPLETE"), std::string::npos) << text;
  EXPECT_NE(text.find("2025-07-27T11:00:00Z to 2025-07-27T12:00:00Z (2 hours)"), std::string::npos)
      << text;
  EXPECT_NE(text.find("a\\x1b[31m.parquet (2025-08-01T00:00:00Z): bad \"magic\""),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("odd\\x0a.parquet"), std::string::npos) << text;
  EXPECT_NE(text.find("twap_statuses (raw/twap_statuses/): INCOMPLETE\n  hours ingested: none\n"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace hltwap::api
