#include "api/coverage.h"

#include <fmt/format.h>

#include <algorithm>

#include "api/json_writer.h"
#include "common/text.h"
#include "common/time_util.h"

namespace hltwap::api {
namespace {

constexpr std::string_view kLocalFileScheme = "file://";
constexpr std::string_view kHiveDate = "date=";
constexpr std::string_view kHiveHour = "hour=";

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// An hour of the day written with one or two digits.
std::optional<int64_t> Hour(std::string_view s) {
  if (s.size() > 2 || !AllDigits(s)) return std::nullopt;
  const int value = s.size() == 1 ? s[0] - '0' : (s[0] - '0') * 10 + (s[1] - '0');
  if (value > 23) return std::nullopt;
  return value;
}

// Midnight UTC of a calendar date given as digit groups; nullopt for an impossible date.
std::optional<int64_t> DayStart(std::string_view year, std::string_view month,
                                std::string_view day) {
  if (year.size() != 4 || month.size() != 2 || day.size() != 2 || !AllDigits(year) ||
      !AllDigits(month) || !AllDigits(day)) {
    return std::nullopt;
  }
  auto midnight = ParseTimestampUtc(fmt::format("{}-{}-{}", year, month, day));
  if (!midnight.ok() || *midnight < kMinTimestampMicros) return std::nullopt;
  return *midnight;
}

// How a layout matched the folders at one position.
enum class Match {
  kNone,     // no date here
  kInvalid,  // a date here, but its date or hour is impossible or cannot be read
  kFound,
};

struct Found {
  Match match = Match::kNone;
  KeyHours hours;
};

Found Invalid() {
  return {Match::kInvalid, {}};
}

// What an hour in any layout looks like: a number, or Hive's hour=.
bool LooksLikeHour(std::string_view s) {
  return AllDigits(s) || StartsWith(s, kHiveHour);
}

// The date at midnight `day`, followed by `next` (a folder when `next_is_folder`, else the file's
// name up to its first dot): the hour `hour_of` reads from a folder, or else the whole day unless
// `next` looks like an hour without being one in this layout.
template <typename HourOf>
Found DateThen(int64_t day, std::string_view next, bool next_is_folder, HourOf hour_of) {
  if (next_is_folder) {
    if (const auto h = hour_of(next)) return {Match::kFound, {day + *h * kHourMicros, 1}};
  }
  if (LooksLikeHour(next)) return Invalid();
  return {Match::kFound, {day, 24}};
}

// The layouts of ParseKeyHours at folder `i` of `folders`; `stem` is the file's name up to its
// first dot.
Found MatchAt(const std::vector<std::string_view>& folders, size_t i, std::string_view stem) {
  const auto next = [&](size_t at) {
    return at < folders.size() ? std::pair{folders[at], true} : std::pair{stem, false};
  };
  const std::string_view first = folders[i];
  // YYYY/MM/DD/[HH/]
  if (first.size() == 4 && AllDigits(first) && i + 2 < folders.size() &&
      AllDigits(folders[i + 1]) && AllDigits(folders[i + 2])) {
    const auto day = DayStart(first, folders[i + 1], folders[i + 2]);
    if (!day) return Invalid();
    const auto [after, is_folder] = next(i + 3);
    return DateThen(*day, after, is_folder, Hour);
  }
  // date=YYYY-MM-DD/[hour=HH/]
  if (StartsWith(first, kHiveDate)) {
    const std::string_view date = first.substr(kHiveDate.size());
    if (date.size() != 10 || date[4] != '-' || date[7] != '-') return Invalid();
    const auto day = DayStart(date.substr(0, 4), date.substr(5, 2), date.substr(8, 2));
    if (!day) return Invalid();
    const auto [after, is_folder] = next(i + 1);
    return DateThen(*day, after, is_folder, [](std::string_view s) {
      return StartsWith(s, kHiveHour) ? Hour(s.substr(kHiveHour.size())) : std::nullopt;
    });
  }
  // YYYYMMDD/H.parquet or YYYYMMDD/H/: only with its hour is an eight-digit folder a date.
  if (first.size() == 8 && AllDigits(first)) {
    const auto day = DayStart(first.substr(0, 4), first.substr(4, 2), first.substr(6, 2));
    const auto [after, is_folder] = next(i + 1);
    const auto hour = Hour(after);
    if (!day || !hour) return {};
    return {Match::kFound, {*day + *hour * kHourMicros, 1}};
  }
  return {};
}

int64_t FloorHour(int64_t micros) {
  return micros - ((micros % kHourMicros) + kHourMicros) % kHourMicros;
}

// The dataset of `key`: the longest configured prefix that starts it (the first of equals).
std::optional<size_t> DatasetOf(const std::vector<CoverageDatasetSpec>& datasets,
                                std::string_view key) {
  std::optional<size_t> best;
  for (size_t d = 0; d < datasets.size(); ++d) {
    if (!StartsWith(key, datasets[d].prefix)) continue;
    if (!best || datasets[d].prefix.size() > datasets[*best].prefix.size()) best = d;
  }
  return best;
}

// The first `limit` keys of `objects` in byte order.
std::vector<const LoggedObject*> FirstByKey(std::vector<const LoggedObject*> objects,
                                            size_t limit) {
  const auto by_key = [](const LoggedObject* a, const LoggedObject* b) { return a->key < b->key; };
  const size_t n = std::min(limit, objects.size());
  std::partial_sort(objects.begin(), objects.begin() + static_cast<std::ptrdiff_t>(n),
                    objects.end(), by_key);
  objects.resize(n);
  return objects;
}

std::vector<std::string> Keys(const std::vector<const LoggedObject*>& objects) {
  std::vector<std::string> keys;
  for (const auto* object : objects) keys.emplace_back(object->key);
  return keys;
}

// The hours of [begin, end) that no interval of `present` covers, as ranges.
void AddMissing(DatasetCoverage& c, int64_t begin, int64_t end,
                std::vector<std::pair<int64_t, int64_t>>& present) {
  std::sort(present.begin(), present.end());
  const auto gap = [&](int64_t from, int64_t to) {
    const int64_t hours = (to - from) / kHourMicros;
    c.missing_hours += hours;
    ++c.missing_range_count;
    if (c.missing_ranges.size() < kMaxListedRanges) {
      c.missing_ranges.push_back({from, to - kHourMicros, hours});
    }
  };
  int64_t cursor = begin;
  for (const auto& [from, to] : present) {
    if (cursor >= end) break;
    if (from > cursor) gap(cursor, std::min(from, end));
    cursor = std::max(cursor, to);
  }
  if (cursor < end) gap(cursor, end);
}

void OptionalTime(JsonWriter& w, std::optional<int64_t> micros) {
  if (micros) {
    w.String(FormatTimestampUtc(*micros));
  } else {
    w.Null();
  }
}

void StringArray(JsonWriter& w, const std::vector<std::string>& values) {
  w.BeginArray();
  for (const auto& value : values) w.String(value);
  w.EndArray();
}

// `text` safe to print on a terminal: valid UTF-8, with every C0 and C1 control character and
// DEL written as \xNN (keys may hold anything S3 allows, escape sequences included).
std::string Printable(std::string_view text) {
  const std::string valid = SanitizeUtf8(text);
  std::string out;
  for (size_t i = 0; i < valid.size(); ++i) {
    const auto byte = static_cast<unsigned char>(valid[i]);
    const bool c1 = byte == 0xC2 && i + 1 < valid.size() &&
                    static_cast<unsigned char>(valid[i + 1]) >= 0x80 &&
                    static_cast<unsigned char>(valid[i + 1]) <= 0x9F;
    if (byte < 0x20 || byte == 0x7F) {
      out += fmt::format("\\x{:02x}", byte);
    } else if (c1) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(valid[++i]));
    } else {
      out += valid[i];
    }
  }
  return out;
}

std::string Hours(int64_t n) {
  return fmt::format("{} hour{}", n, n == 1 ? "" : "s");
}

std::string TimeOrNone(std::optional<int64_t> micros) {
  return micros ? FormatTimestampUtc(*micros) : std::string("none");
}

}  // namespace

std::optional<KeyHours> ParseKeyHours(std::string_view path) {
  std::vector<std::string_view> folders;
  for (size_t slash; (slash = path.find('/')) != std::string_view::npos;) {
    folders.push_back(path.substr(0, slash));
    path.remove_prefix(slash + 1);
  }
  const std::string_view stem = path.substr(0, path.find('.'));
  std::optional<KeyHours> found;
  for (size_t i = 0; i < folders.size(); ++i) {
    const Found here = MatchAt(folders, i, stem);
    if (here.match == Match::kInvalid) return std::nullopt;
    if (here.match == Match::kNone) continue;
    if (found) return std::nullopt;  // two dates
    found = here.hours;
  }
  return found;
}

CoverageReport BuildCoverage(const CoverageOptions& options,
                             std::span<const LoggedObject> objects) {
  CoverageReport report;
  report.start_micros = options.start_micros;
  report.end_micros = options.end_micros;
  const bool windowed = options.start_micros && options.end_micros;
  // The window's hours, [first, end): from the hour of `start` to the hour of `end`, inclusive,
  // within the years every time of the API is written in (an offset can reach past them).
  const int64_t window_first =
      windowed ? FloorHour(std::max(*options.start_micros, kMinTimestampMicros)) : 0;
  const int64_t window_end =
      windowed ? FloorHour(std::min(*options.end_micros, kMaxTimestampMicros)) + kHourMicros : 0;

  struct Pending {
    std::vector<std::pair<int64_t, int64_t>> present;  // [begin, end) of ingested objects
    std::vector<const LoggedObject*> failed;
    std::vector<const LoggedObject*> unknown;
  };
  std::vector<Pending> pending(options.datasets.size());
  for (const auto& spec : options.datasets) {
    DatasetCoverage& c = report.datasets.emplace_back();
    c.dataset = spec.name;
    c.prefix = spec.prefix;
  }
  std::vector<const LoggedObject*> other;

  for (const LoggedObject& object : objects) {
    const bool ok = !object.error_text;
    const auto d = StartsWith(object.key, kLocalFileScheme)
                       ? std::nullopt
                       : DatasetOf(options.datasets, object.key);
    if (!d) {
      ++report.other.objects;
      report.other.local_files += StartsWith(object.key, kLocalFileScheme) ? 1 : 0;
      report.other.failed_objects += ok ? 0 : 1;
      other.push_back(&object);
      continue;
    }
    DatasetCoverage& c = report.datasets[*d];
    Pending& p = pending[*d];
    if (ok && object.ingested_at_micros) {
      c.last_success_micros = std::max(c.last_success_micros.value_or(*object.ingested_at_micros),
                                       *object.ingested_at_micros);
    }
    const auto hours = ParseKeyHours(object.key.substr(options.datasets[*d].prefix.size()));
    if (!hours) {
      ++c.unknown_layout;
      p.unknown.push_back(&object);
      if (!ok) {
        ++c.failed_objects;
        p.failed.push_back(&object);
      }
      continue;
    }
    const int64_t begin = hours->first_hour_micros;
    const int64_t end = begin + hours->hours * kHourMicros;
    if (ok) {
      c.first_hour_micros = std::min(c.first_hour_micros.value_or(begin), begin);
      c.last_hour_micros =
          std::max(c.last_hour_micros.value_or(end - kHourMicros), end - kHourMicros);
    }
    if (windowed && (end <= window_first || begin >= window_end)) continue;
    if (ok) {
      ++c.objects_ingested;
      p.present.emplace_back(begin, end);
    } else {
      ++c.failed_objects;
      p.failed.push_back(&object);
    }
  }

  for (size_t d = 0; d < report.datasets.size(); ++d) {
    DatasetCoverage& c = report.datasets[d];
    Pending& p = pending[d];
    if (windowed) {
      AddMissing(c, window_first, window_end, p.present);
    } else if (c.first_hour_micros) {
      AddMissing(c, *c.first_hour_micros, *c.last_hour_micros + kHourMicros, p.present);
    }
    // Nothing ingested is not a complete record of anything.
    c.complete =
        c.missing_hours == 0 && c.failed_objects == 0 && (windowed || c.objects_ingested > 0);
    for (const auto* object : FirstByKey(std::move(p.failed), kMaxListedFailures)) {
      c.failures.push_back(
          {std::string(object->key), std::string(*object->error_text), object->ingested_at_micros});
    }
    c.unknown_layout_keys = Keys(FirstByKey(std::move(p.unknown), kMaxListedKeys));
  }
  report.other.keys = Keys(FirstByKey(std::move(other), kMaxListedKeys));
  return report;
}

std::string CoverageJson(const CoverageReport& report) {
  JsonWriter w;
  w.BeginObject();
  w.Key("start");
  OptionalTime(w, report.start_micros);
  w.Key("end");
  OptionalTime(w, report.end_micros);
  w.Key("datasets").BeginArray();
  for (const DatasetCoverage& c : report.datasets) {
    w.BeginObject();
    w.Key("dataset").String(c.dataset);
    w.Key("prefix").String(c.prefix);
    w.Key("first_hour");
    OptionalTime(w, c.first_hour_micros);
    w.Key("last_hour");
    OptionalTime(w, c.last_hour_micros);
    w.Key("objects_ingested").Int(c.objects_ingested);
    w.Key("complete").Bool(c.complete);
    w.Key("missing_hours").Int(c.missing_hours);
    w.Key("missing_range_count").Int(c.missing_range_count);
    w.Key("missing_ranges").BeginArray();
    for (const MissingRange& r : c.missing_ranges) {
      w.BeginObject();
      w.Key("start").String(FormatTimestampUtc(r.start_micros));
      w.Key("end").String(FormatTimestampUtc(r.last_micros));
      w.Key("hours").Int(r.hours);
      w.EndObject();
    }
    w.EndArray();
    w.Key("failed_objects").Int(c.failed_objects);
    w.Key("failures").BeginArray();
    for (const FailedObject& f : c.failures) {
      w.BeginObject().Key("key").String(f.key).Key("error").String(f.error).Key("at");
      OptionalTime(w, f.at_micros);
      w.EndObject();
    }
    w.EndArray();
    w.Key("unknown_layout").Int(c.unknown_layout);
    w.Key("unknown_layout_keys");
    StringArray(w, c.unknown_layout_keys);
    w.Key("last_success_at");
    OptionalTime(w, c.last_success_micros);
    w.EndObject();
  }
  w.EndArray();
  w.Key("other_objects").BeginObject();
  w.Key("objects").Int(report.other.objects);
  w.Key("local_files").Int(report.other.local_files);
  w.Key("failed_objects").Int(report.other.failed_objects);
  w.Key("keys");
  StringArray(w, report.other.keys);
  w.EndObject();
  w.EndObject();
  return w.Take();
}

std::string CoverageText(const CoverageReport& report) {
  std::string out;
  if (report.start_micros && report.end_micros) {
    out += fmt::format("coverage from {} to {}\n", FormatTimestampUtc(*report.start_micros),
                       FormatTimestampUtc(*report.end_micros));
  } else {
    out += "coverage of every ingested hour\n";
  }
  for (const DatasetCoverage& c : report.datasets) {
    out += fmt::format("\n{} ({}): {}\n", c.dataset, Printable(c.prefix),
                       c.complete ? "complete" : "INCOMPLETE");
    out += c.first_hour_micros ? fmt::format("  hours ingested: {} to {}\n",
                                             FormatTimestampUtc(*c.first_hour_micros),
                                             FormatTimestampUtc(*c.last_hour_micros))
                               : std::string("  hours ingested: none\n");
    out += fmt::format("  objects ingested: {}, last success: {}\n", c.objects_ingested,
                       TimeOrNone(c.last_success_micros));
    out += fmt::format("  missing: {} in {} range{}\n", Hours(c.missing_hours),
                       c.missing_range_count, c.missing_range_count == 1 ? "" : "s");
    for (const MissingRange& r : c.missing_ranges) {
      out += fmt::format("    {} to {} ({})\n", FormatTimestampUtc(r.start_micros),
                         FormatTimestampUtc(r.last_micros), Hours(r.hours));
    }
    if (c.missing_ranges.size() < static_cast<size_t>(c.missing_range_count)) {
      out += fmt::format("    … and {} more ranges\n",
                         c.missing_range_count - static_cast<int64_t>(c.missing_ranges.size()));
    }
    out += fmt::format("  failed objects: {}\n", c.failed_objects);
    for (const FailedObject& f : c.failures) {
      out += fmt::format("    {} ({}): {}\n", Printable(f.key), TimeOrNone(f.at_micros),
                         Printable(f.error));
    }
    if (c.failures.size() < static_cast<size_t>(c.failed_objects)) {
      out += fmt::format("    … and {} more\n",
                         c.failed_objects - static_cast<int64_t>(c.failures.size()));
    }
    out += fmt::format("  objects of unknown layout: {}\n", c.unknown_layout);
    for (const auto& key : c.unknown_layout_keys) out += fmt::format("    {}\n", Printable(key));
  }
  out += fmt::format("\nother objects: {} ({} local files, {} failed)\n", report.other.objects,
                     report.other.local_files, report.other.failed_objects);
  for (const auto& key : report.other.keys) out += fmt::format("  {}\n", Printable(key));
  return out;
}

}  // namespace hltwap::api
