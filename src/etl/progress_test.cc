#include "etl/progress.h"

#include <gtest/gtest.h>

namespace hltwap {
namespace {

TEST(Progress, SummaryIsOneLineWithEveryCount) {
  EtlSummary s;
  s.objects_ok = 40;
  s.objects_failed = 1;
  s.objects_skipped = 3;
  s.objects_busy = 2;
  s.rows_read = 10000;
  s.rows_inserted = 9990;
  s.rows_rejected = 10;
  s.rows_skipped = 70;
  s.bytes = 1234567;
  s.seconds = 3.21;
  s.notes.collapsed = 2;
  s.notes.values_nulled = 5;
  s.notes.raw_values_truncated = 1;
  s.notes.rejected_by_reason = {{"unusable time", 3}, {"missing state_user", 7}};
  EXPECT_EQ(FormatSummary(s),
            "etl: 46 objects (40 ok, 1 failed, 3 skipped, 2 busy), 10000 rows read, 9990 "
            "inserted, 10 rejected, 70 skipped, 2 collapsed, 5 values nulled, 1 raw values "
            "truncated, 1234567 bytes, 3.2 s; rejected: 7 missing state_user, 3 unusable time; 2 "
            "busy: another process holds them; run again later");
}

TEST(Progress, CountsEveryReportedObject) {
  Progress progress(/*interactive=*/false, 4, 300);
  progress.AddSkipped(5);
  auto report = [](std::string key, ObjectOutcome outcome) {
    ObjectReport r;
    r.key = std::move(key);
    r.outcome = outcome;
    return r;
  };
  ObjectReport ok = report("a.parquet", ObjectOutcome::kOk);
  ok.rows_read = 100;
  ok.rows_inserted = 8;
  ok.rows_rejected = 2;
  ok.rows_skipped = 90;
  ok.first_rejection = "row 3: missing state_user";
  ok.notes.collapsed = 1;
  ok.notes.rejected_by_reason = {{"missing state_user", 2}};
  ok.bytes = 100;
  progress.Report(ok);
  ObjectReport failed = report("b.parquet", ObjectOutcome::kFailed);
  failed.bytes = 200;
  failed.message = "corrupt";
  progress.Report(failed);
  progress.Report(report("c.parquet", ObjectOutcome::kBusy));
  progress.Report(report("d.parquet", ObjectOutcome::kSkipped));
  progress.Finish();
  const EtlSummary s = progress.Summary();
  EXPECT_EQ(s.objects_ok, 1);
  EXPECT_EQ(s.objects_failed, 1);
  EXPECT_EQ(s.objects_busy, 1);
  EXPECT_EQ(s.objects_skipped, 6);
  EXPECT_EQ(s.objects(), 9);
  EXPECT_EQ(s.rows_read, 100);
  EXPECT_EQ(s.rows_inserted, 8);
  EXPECT_EQ(s.rows_rejected, 2);
  EXPECT_EQ(s.rows_skipped, 90);
  EXPECT_EQ(s.notes.collapsed, 1);
  EXPECT_EQ(s.notes.rejected_by_reason,
            (std::map<std::string, int64_t>{{"missing state_user", 2}}));
  EXPECT_EQ(s.bytes, 300);
  EXPECT_GE(s.seconds, 0);
}

}  // namespace
}  // namespace hltwap
