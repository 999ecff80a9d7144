// `hltwap etl` against a real S3-compatible server (moto_server over HTTP) and real PostgreSQL.
#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <regex>
#include <thread>

#include "common/time_util.h"
#include "tests/etl_test_files.h"
#include "tests/support/fault_proxy.h"
#include "tests/support/moto_server.h"

namespace hltwap::testing {
namespace {

constexpr const char* kBucket = "hl-twap-test";

EnvOverrides EtlEnv(const MotoServer& moto, const TestDatabase& db, const std::string& prefix) {
  EnvOverrides env = moto.ClientEnv(kBucket, prefix);
  env["DATABASE_URL"] = db.url();
  env["LOG_FORMAT"] = "text";
  env["LOG_LEVEL"] = "info";
  return env;
}

// One small valid file per TWAP id: an activated row and, for even ids, a finished row.
std::string TwapFile(int64_t twap_id) {
  std::vector<StatusRow> rows = {MakeStatusRow(twap_id)};
  if (twap_id % 2 == 0) {
    rows.push_back(MakeStatusRow(twap_id, "finished", "10", "2025-11-01T08:30:00"));
  }
  return StatusParquetBytes(rows);
}

std::string PercentDecode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// GetObject requests by key (a ListObjectsV2 is a GET of the bucket itself, not counted).
std::map<std::string, int> ObjectGets(MotoServer& moto) {
  std::map<std::string, int> gets;
  const std::string bucket_path = std::string("/") + kBucket + "/";
  for (const auto& r : moto.Recording()) {
    if (r.method != "GET" || r.path.rfind(bucket_path, 0) != 0) continue;
    const std::string key = PercentDecode(r.path.substr(bucket_path.size()));
    if (!key.empty()) ++gets[key];
  }
  return gets;
}

// The "N ok" of a run's summary line.
int64_t OkCount(const std::string& log) {
  static const std::regex summary(R"(etl: \d+ objects \((\d+) ok)");
  std::smatch m;
  if (!std::regex_search(log, m, summary)) return -1;
  return std::stoll(m[1]);
}

// An S3 stand-in holding `objects` (key -> bytes) in one bucket, whose GetObject of
// `stalled_key` sends nothing until Release(): the download stays in flight for as long as a
// test looks at the ETL meanwhile. Lists (one page), heads and gets.
class StallingS3 {
 public:
  StallingS3(std::map<std::string, std::string> objects, std::string stalled_key)
      : objects_(std::move(objects)), stalled_key_(std::move(stalled_key)) {
    server_ = std::make_unique<LoopbackHttpServer>(
        [this](const HttpExchange& request) { return Handle(request); });
  }
  // Releases a waiting GetObject before the server (declared last) stops.
  ~StallingS3() { Release(); }

  std::string url() const { return server_->url(); }

  // Waits until the stalled GetObject has arrived; false after a minute without it.
  bool WaitUntilStalled() {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(60), [this] { return stalled_; });
  }

  void Release() {
    {
      std::lock_guard lock(mutex_);
      released_ = true;
    }
    changed_.notify_all();
  }

  EnvOverrides Env(const TestDatabase& db) const {
    return {{"DATABASE_URL", db.url()},    {"AWS_ENDPOINT_URL_S3", url()},
            {"AWS_S3_BUCKET", kBucket},    {"AWS_S3_PREFIX", "raw/"},
            {"AWS_ACCESS_KEY_ID", "test"}, {"AWS_SECRET_ACCESS_KEY", "test"},
            {"AWS_REGION", "us-east-1"},   {"S3_STALL_TIMEOUT_S", "600"},
            {"LOG_FORMAT", "text"},        {"LOG_LEVEL", "info"}};
  }

 private:
  HttpReply Handle(const HttpExchange& request) {
    const std::string bucket_path = std::string("/") + kBucket;
    const std::string path = request.target.substr(0, request.target.find('?'));
    if (path == bucket_path || path == bucket_path + "/") {
      std::string contents;
      for (const auto& [key, bytes] : objects_) {
        contents += fmt::format(
            "<Contents><Key>{}</Key><LastModified>2025-11-01T08:00:00.000Z</LastModified>"
            "<ETag>\"e\"</ETag><Size>{}</Size></Contents>",
            key, bytes.size());
      }
      return MakeReply(200, "<?xml version=\"1.0\"?><ListBucketResult><Name>" +
                                std::string(kBucket) + "</Name>" + contents +
                                "<IsTruncated>false</IsTruncated></ListBucketResult>");
    }
    const std::string key = PercentDecode(path.substr(bucket_path.size() + 1));
    const auto object = objects_.find(key);
    if (object == objects_.end()) return MakeReply(404);
    if (request.method == "GET" && key == stalled_key_) {
      std::unique_lock lock(mutex_);
      stalled_ = true;
      changed_.notify_all();
      changed_.wait_for(lock, std::chrono::seconds(120), [this] { return released_; });
    }
    HttpReply reply = MakeReply(200, request.method == "GET" ? object->second : "");
    reply.headers = {{"Last-Modified", "Sat, 01 Nov 2025 08:00:00 GMT"},
                     {"Content-Length", std::to_string(object->second.size())}};
    return reply;
  }

  const std::map<std::string, std::string> objects_;
  const std::string stalled_key_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool stalled_ = false;
  bool released_ = false;
  std::unique_ptr<LoopbackHttpServer> server_;
};

// What the ETL's database session is doing, as other sessions see it: "state/advisory locks
// held", e.g. "idle/1"; one such pair per hltwap backend.
std::string EtlSession(const TestDatabase& db) {
  return db.Scalar(
      "SELECT coalesce(string_agg(a.state || '/' || (SELECT count(*) FROM pg_locks l WHERE "
      "l.pid = a.pid AND l.locktype = 'advisory' AND l.granted), ' '), '') FROM pg_stat_activity a "
      "WHERE a.datname = current_database() AND a.application_name = 'hltwap' AND "
      "a.pid <> pg_backend_pid()");
}

// No transaction is open while an object downloads: the ETL's session is idle, holding only
// the object's advisory lock (so a concurrent run still leaves the object alone), and the
// object loaded before it has been committed and unlocked.
TEST(EtlS3, NoTransactionIsOpenDuringADownload) {
  TestDatabase db;
  StallingS3 s3({{"raw/a.parquet", TwapFile(1)}, {"raw/b.parquet", TwapFile(2)}}, "raw/b.parquet");
  const std::string log_path = UniqueTempPath("etl.log");
  BackgroundProcess etl({HltwapBinary(), "--env-file", "/nonexistent/.env", "etl", "--jobs", "1"},
                        s3.Env(db), log_path);
  ASSERT_TRUE(s3.WaitUntilStalled()) << ReadFileBytes(log_path);

  EXPECT_EQ(EtlSession(db), "idle/1") << "the download of b holds a transaction open";
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND "
                      "database = (SELECT oid FROM pg_database WHERE datname = "
                      "current_database()) AND ((classid::bigint << 32) | objid::bigint) = "
                      "hashtextextended('raw/b.parquet', 0)"),
            "1")
      << "b's lock is held while it downloads";
  EXPECT_EQ(db.Scalar("SELECT string_agg(s3_object_key || ':' || (error_text IS NULL), ',') FROM "
                      "etl_s3_ingest_log"),
            "raw/a.parquet:true");
  // Another run cannot take b's lock meanwhile (it would wait, then report b busy).
  EXPECT_EQ(db.Scalar("SELECT pg_try_advisory_lock(hashtextextended('raw/b.parquet', 0))"), "f");

  s3.Release();
  EXPECT_EQ(etl.Wait(), 0) << ReadFileBytes(log_path);
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM etl_s3_ingest_log WHERE error_text IS NULL"), "2");
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM twap_status"), "3");
  std::remove(log_path.c_str());
}

// Every *.parquet file under `dir`, as paths relative to it.
std::vector<std::string> ParquetFilesUnder(const std::string& dir) {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.path().extension() == ".parquet") {
      files.push_back(std::filesystem::relative(entry.path(), dir).string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// A run killed with SIGKILL in the middle of a download leaves its temporary file behind; the
// next run removes it, and leaves alone the files of runs still alive.
TEST(EtlS3, TemporaryFilesOfKilledRunsAreRemovedByTheNextRun) {
  TestDatabase db;
  TempDir tmp;
  StallingS3 s3({{"raw/b.parquet", TwapFile(2)}}, "raw/b.parquet");
  EnvOverrides env = s3.Env(db);
  env["TMPDIR"] = tmp.path();
  const std::string own_dir = tmp.File("hltwap-etl-" + std::to_string(::getuid()));
  pid_t killed = -1;
  {
    BackgroundProcess etl(
        {HltwapBinary(), "--env-file", "/nonexistent/.env", "etl", "--object-key", "raw/b.parquet"},
        env);
    ASSERT_TRUE(s3.WaitUntilStalled());
    killed = etl.pid();
    const auto during = ParquetFilesUnder(tmp.path());
    ASSERT_EQ(during.size(), 1u);
    EXPECT_EQ(during[0].rfind(fmt::format("hltwap-etl-{}/{}-", ::getuid(), killed), 0), 0u)
        << during[0];
    etl.Signal(SIGKILL);
    EXPECT_EQ(etl.Wait(), 128 + SIGKILL);
  }
  s3.Release();
  ASSERT_EQ(ParquetFilesUnder(tmp.path()).size(), 1u) << "SIGKILL leaves the file behind";
  // A live process's file (this test's own pid) is another run's download in flight.
  const std::string live = fmt::format("{}/{}-live.parquet", own_dir, ::getpid());
  { std::ofstream(live) << "in flight"; }

  auto next = RunEtlCommand({"--local-file", SourceDir() + "/tests/data/sample_twap.parquet"}, env);
  EXPECT_EQ(next.exit_code, 0) << next.err;
  EXPECT_EQ(ParquetFilesUnder(tmp.path()),
            std::vector<std::string>{
                fmt::format("hltwap-etl-{}/{}-live.parquet", ::getuid(), ::getpid())});
  EXPECT_NE(next.err.find("removed 1 temporary file"), std::string::npos) << next.err;
}

// More than one page of keys (ListObjectsV2 returns at most 1,000), with everything that is not
// work mixed in: non-parquet keys, a folder marker, keys outside the prefix, and two .parquet
// objects that cannot be read.
TEST(EtlS3, BigBucketLoadsEveryParquetObjectOnceAndRetriesFailures) {
  MotoServer moto;
  TestDatabase db;
  moto.CreateBucket(kBucket);
  const std::string prefix = "raw/twap_statuses/";
  constexpr int kValid = 1001;
  for (int i = 0; i < kValid; ++i) {
    moto.PutObject(kBucket, fmt::format("{}2025/11/{:02}/part-{:04}.parquet", prefix, i % 30, i),
                   TwapFile(i));
  }
  moto.PutObject(kBucket, prefix + "_SUCCESS", "");
  moto.PutObject(kBucket, prefix + "x.csv", "a,b\n1,2\n");
  moto.PutObject(kBucket, prefix + "dir/", "");
  moto.PutObject(kBucket, prefix + "corrupt.parquet", "PAR1 garbage, not a parquet file PAR1");
  moto.PutObject(kBucket, prefix + "empty.parquet", "");
  moto.PutObject(kBucket, "raw/other/outside.parquet", TwapFile(5000));
  moto.PutObject(kBucket, "raw/twap_statuses.parquet", TwapFile(5001));
  const auto env = EtlEnv(moto, db, prefix);

  auto first = RunEtlCommand({"--jobs", "4"}, env);
  EXPECT_EQ(first.exit_code, 1) << first.err.substr(
      first.err.size() > 3000 ? first.err.size() - 3000 : 0);
  EXPECT_NE(first.err.find("etl: 1003 objects (1001 ok, 2 failed, 0 skipped, 0 busy), 1502 rows "
                           "read, 1502 inserted, 0 rejected"),
            std::string::npos)
      << first.err.substr(first.err.size() > 3000 ? first.err.size() - 3000 : 0);
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM twap_status"), "1502");
  EXPECT_EQ(db.Scalar("SELECT count(DISTINCT s3_object_key) FROM twap_status"), "1001");
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM etl_s3_ingest_log"), "1003");
  EXPECT_EQ(
      db.Scalar("SELECT count(*) FROM etl_s3_ingest_log WHERE error_text IS NULL AND "
                "rows_ingested = CASE WHEN s3_object_key ~ '[02468][.]parquet$' THEN 2 ELSE 1 "
                "END"),
      "1001");
  EXPECT_EQ(db.Scalar("SELECT string_agg(s3_object_key, ',' ORDER BY s3_object_key) FROM "
                      "etl_s3_ingest_log WHERE error_text IS NOT NULL AND rows_ingested IS NULL"),
            prefix + "corrupt.parquet," + prefix + "empty.parquet");
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM etl_s3_ingest_log WHERE s3_object_key NOT LIKE "
                      "'raw/twap\\_statuses/%.parquet'"),
            "0");

  // Fixed upstream (new bytes, so a LastModified no older than before): retried, and only
  // they are downloaded.
  moto.PutObject(kBucket, prefix + "corrupt.parquet", TwapFile(7001));
  moto.PutObject(kBucket, prefix + "empty.parquet", TwapFile(7003));
  moto.StartRecording();
  auto second = RunEtlCommand({"--jobs", "4"}, env);
  EXPECT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.err.find("etl: 1003 objects (2 ok, 0 failed, 1001 skipped, 0 busy)"),
            std::string::npos)
      << second.err;
  const auto gets = ObjectGets(moto);
  EXPECT_EQ(gets, (std::map<std::string, int>{{prefix + "corrupt.parquet", 1},
                                              {prefix + "empty.parquet", 1}}));
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM etl_s3_ingest_log WHERE error_text IS NULL"), "1003");
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM twap_status"), "1504");

  // Nothing new: nothing is downloaded.
  moto.ClearRecording();
  auto third = RunEtlCommand({"--incremental"}, env);
  EXPECT_EQ(third.exit_code, 0) << third.err;
  EXPECT_TRUE(ObjectGets(moto).empty());
  EXPECT_FALSE(moto.Recording().empty()) << "the listing itself is recorded";
  EXPECT_NE(third.err.find("0 ok, 0 failed, 1003 skipped"), std::string::npos) << third.err;
}

TEST(EtlS3, SelectionFlags) {
  MotoServer moto;
  TestDatabase db;
  moto.CreateBucket(kBucket);
  const std::string prefix = "raw/";
  moto.PutObject(kBucket, "raw/old1.parquet", TwapFile(1));
  moto.PutObject(kBucket, "raw/old2.parquet", TwapFile(2));
  // S3 LastModified has whole seconds: the cutoff is the next second, and the new object is
  // written once it has come.
  const auto now = std::chrono::system_clock::now();
  const auto cutoff = std::chrono::ceil<std::chrono::seconds>(now);
  std::this_thread::sleep_until(cutoff + std::chrono::milliseconds(20));
  moto.PutObject(kBucket, "raw/new1.parquet", TwapFile(3));
  const std::string since = FormatTimestampUtc(
      std::chrono::duration_cast<std::chrono::microseconds>(cutoff.time_since_epoch()).count());
  const auto env = EtlEnv(moto, db, prefix);
  auto log_keys = [&] {
    return db.Scalar(
        "SELECT coalesce(string_agg(s3_object_key, ',' ORDER BY s3_object_key), '') FROM "
        "etl_s3_ingest_log");
  };

  moto.StartRecording();
  auto dry = RunEtlCommand({"--dry-run"}, env);
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("raw/old1.parquet\t"), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("raw/old2.parquet\t"), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("raw/new1.parquet\t"), std::string::npos) << dry.out;
  EXPECT_EQ(std::count(dry.out.begin(), dry.out.end(), '\n'), 3) << dry.out;
  EXPECT_TRUE(ObjectGets(moto).empty());
  EXPECT_EQ(log_keys(), "");
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM twap_status"), "0");

  auto since_run = RunEtlCommand({"--since", since}, env);
  ASSERT_EQ(since_run.exit_code, 0) << since_run.err;
  EXPECT_EQ(log_keys(), "raw/new1.parquet");
  auto since_again = RunEtlCommand({"--since", since, "--dry-run"}, env);
  EXPECT_EQ(since_again.out, "");

  moto.ClearRecording();
  auto one_dry = RunEtlCommand({"--object-key", "raw/old1.parquet", "--dry-run"}, env);
  ASSERT_EQ(one_dry.exit_code, 0) << one_dry.err;
  EXPECT_EQ(one_dry.out.substr(0, one_dry.out.find('\t')), "raw/old1.parquet") << one_dry.out;
  EXPECT_EQ(std::count(one_dry.out.begin(), one_dry.out.end(), '\n'), 1) << one_dry.out;
  EXPECT_TRUE(ObjectGets(moto).empty()) << "a dry run makes no GetObject";
  auto one = RunEtlCommand({"--object-key", "raw/old1.parquet"}, env);
  ASSERT_EQ(one.exit_code, 0) << one.err;
  auto one_again = RunEtlCommand({"--object-key", "raw/old1.parquet"}, env);
  ASSERT_EQ(one_again.exit_code, 0) << one_again.err;
  EXPECT_NE(one_again.err.find("etl: 1 objects (1 ok"), std::string::npos) << one_again.err;
  EXPECT_EQ(ObjectGets(moto), (std::map<std::string, int>{{"raw/old1.parquet", 2}}))
      << "--object-key loads the object even when it is done";
  EXPECT_EQ(log_keys(), "raw/new1.parquet,raw/old1.parquet");

  moto.ClearRecording();
  auto rest = RunEtlCommand({}, env);
  ASSERT_EQ(rest.exit_code, 0) << rest.err;
  EXPECT_EQ(ObjectGets(moto), (std::map<std::string, int>{{"raw/old2.parquet", 1}}));
  EXPECT_NE(rest.err.find("etl: 3 objects (1 ok, 0 failed, 2 skipped"), std::string::npos)
      << rest.err;

  const std::string dump = DumpTwapStatus(db);
  moto.ClearRecording();
  auto reprocess = RunEtlCommand({"--reprocess"}, env);
  ASSERT_EQ(reprocess.exit_code, 0) << reprocess.err;
  EXPECT_EQ(ObjectGets(moto),
            (std::map<std::string, int>{
                {"raw/new1.parquet", 1}, {"raw/old1.parquet", 1}, {"raw/old2.parquet", 1}}));
  EXPECT_NE(reprocess.err.find("etl: 3 objects (3 ok"), std::string::npos) << reprocess.err;
  EXPECT_EQ(DumpTwapStatus(db), dump);

  auto missing = RunEtlCommand({"--object-key", "raw/missing.parquet"}, env);
  EXPECT_EQ(missing.exit_code, 1) << missing.err;
  EXPECT_NE(missing.err.find("raw/missing.parquet"), std::string::npos) << missing.err;
}

// A scheduled run of both datasets, each under its own prefix: every object goes to its table,
// and every request, listings and GETs alike, carries the requester-pays header.
TEST(EtlS3, BothDatasetsLoadFromTheirPrefixesAndEveryRequestPaysAsRequester) {
  MotoServer moto;
  TestDatabase db;
  moto.CreateBucket(kBucket);
  const std::string statuses = "raw/twap_statuses/";
  const std::string fills = "raw/node_fills/hourly/";
  moto.PutObject(kBucket, statuses + "2025/11/01/part-0.parquet", TwapFile(1));
  moto.PutObject(kBucket, statuses + "2025/11/01/part-1.parquet", TwapFile(2));
  TestFill plain = MakeFill(0, 3);
  plain.twap_id = std::nullopt;
  moto.PutObject(kBucket, fills + "2025/11/01/08/fills.parquet",
                 FillParquetBytes({MakeFill(1, 1), plain, MakeFill(2, 2)}));
  moto.PutObject(kBucket, fills + "2025/11/01/09/fills.parquet",
                 FillParquetBytes({MakeFill(2, 4)}));
  auto env = EtlEnv(moto, db, statuses);
  env["AWS_S3_FILLS_PREFIX"] = fills;
  env["ETL_DATASETS"] = "twap_statuses,fills";

  moto.StartRecording();
  auto run = RunEtlCommand({"--jobs", "2"}, env);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("etl: 4 objects (4 ok, 0 failed, 0 skipped, 0 busy), 7 rows read, 6 "
                         "inserted, 0 rejected, 1 skipped"),
            std::string::npos)
      << run.err;
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM twap_status WHERE s3_object_key LIKE "
                      "'raw/twap\\_statuses/%'"),
            "3");
  EXPECT_EQ(db.Scalar("SELECT string_agg(tid || '@' || s3_object_key, ' ' ORDER BY tid) FROM "
                      "twap_fill"),
            "1@" + fills + "2025/11/01/08/fills.parquet 2@" + fills +
                "2025/11/01/08/fills.parquet 4@" + fills + "2025/11/01/09/fills.parquet");
  const auto recording = moto.Recording();
  ASSERT_FALSE(recording.empty());
  for (const auto& r : recording) {
    const auto payer = r.headers.find("x-amz-request-payer");
    ASSERT_NE(payer, r.headers.end()) << r.method << " " << r.path << "?" << r.query;
    EXPECT_EQ(payer->second, "requester");
  }
  const auto gets = ObjectGets(moto);
  EXPECT_EQ(gets.size(), 4u);
  for (const auto& [key, count] : gets) EXPECT_EQ(count, 1) << key;
  auto listed = [&](const std::string& prefix) {
    const std::string param = "prefix=" + std::regex_replace(prefix, std::regex("/"), "%2F");
    int lists = 0;
    for (const auto& r : moto.Recording()) lists += r.query.find(param) != std::string::npos;
    return lists;
  };
  EXPECT_EQ(listed(statuses), 1);
  EXPECT_EQ(listed(fills), 1);

  // --dataset overrides ETL_DATASETS: only the fills are listed, and they are done.
  moto.ClearRecording();
  auto only_fills = RunEtlCommand({"--dataset", "fills"}, env);
  ASSERT_EQ(only_fills.exit_code, 0) << only_fills.err;
  EXPECT_NE(only_fills.err.find("etl: 2 objects (0 ok, 0 failed, 2 skipped"), std::string::npos)
      << only_fills.err;
  EXPECT_EQ(listed(statuses), 0);
  EXPECT_EQ(listed(fills), 1);
  EXPECT_TRUE(ObjectGets(moto).empty());

  // A named object belongs to the dataset of its prefix.
  auto one = RunEtlCommand({"--object-key", fills + "2025/11/01/09/fills.parquet"}, env);
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_NE(one.err.find("etl: 1 objects (1 ok, 0 failed, 0 skipped, 0 busy), 1 rows read, 0 "
                         "inserted"),
            std::string::npos)
      << one.err;
}

// Two processes at once on one bucket and one database: every object is loaded exactly once.
TEST(EtlS3, ConcurrentRunsLoadEveryObjectExactlyOnce) {
  MotoServer moto;
  TestDatabase db;
  moto.CreateBucket(kBucket);
  constexpr int kObjects = 40;
  for (int i = 0; i < kObjects; ++i) {
    moto.PutObject(kBucket, fmt::format("raw/part-{:03}.parquet", i), TwapFile(i));
  }
  const auto env = EtlEnv(moto, db, "raw/");
  moto.StartRecording();
  const std::string log_a = UniqueTempPath("a.log");
  const std::string log_b = UniqueTempPath("b.log");
  const std::vector<std::string> argv = {HltwapBinary(), "--env-file", "/nonexistent/.env",
                                         "etl",          "--jobs",     "2"};
  {
    BackgroundProcess a(argv, env, log_a);
    BackgroundProcess b(argv, env, log_b);
    EXPECT_EQ(a.Wait(), 0) << ReadFileBytes(log_a);
    EXPECT_EQ(b.Wait(), 0) << ReadFileBytes(log_b);
  }
  const std::string out_a = ReadFileBytes(log_a);
  const std::string out_b = ReadFileBytes(log_b);
  EXPECT_EQ(OkCount(out_a) + OkCount(out_b), kObjects) << out_a << "\n" << out_b;
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM etl_s3_ingest_log WHERE error_text IS NULL"),
            std::to_string(kObjects));
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM twap_status"), std::to_string(kObjects * 3 / 2));
  const auto gets = ObjectGets(moto);
  EXPECT_EQ(gets.size(), static_cast<size_t>(kObjects));
  for (const auto& [key, count] : gets) EXPECT_EQ(count, 1) << key;
  std::remove(log_a.c_str());
  std::remove(log_b.c_str());
}

// S3 answering 500 a few times, then recovering: the client retries and the run succeeds.
TEST(EtlS3, TransientServerErrorsAreRetried) {
  MotoServer moto;
  TestDatabase db;
  moto.CreateBucket(kBucket);
  for (int i = 0; i < 3; ++i) {
    moto.PutObject(kBucket, fmt::format("raw/p{}.parquet", i), TwapFile(i));
  }
  FaultProxy proxy(moto.endpoint(), /*failures=*/3, FaultProxy::Fault::kHttp500);
  auto env = EtlEnv(moto, db, "raw/");
  env["AWS_ENDPOINT_URL_S3"] = proxy.endpoint();
  auto run = RunEtlCommand({"--jobs", "1"}, env);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("etl: 3 objects (3 ok"), std::string::npos) << run.err;
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM etl_s3_ingest_log WHERE error_text IS NULL"), "3");
  EXPECT_EQ(proxy.request_count(), proxy.forwarded_count() + 3);
}

// An object that can be listed but not downloaded (the key may list, not read) is recorded as
// failed with the reason, and no secret.
TEST(EtlS3, DownloadFailureIsRecordedWithoutSecrets) {
  MotoServer moto;
  TestDatabase db;
  moto.CreateBucket(kBucket);
  moto.PutObject(kBucket, "raw/p.parquet", TwapFile(1));
  const auto key = moto.CreateUser(
      "lister",
      R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:ListBucket"],)"
      R"( "Resource": "*"}]})");
  moto.RequireAuthentication();
  auto env = EtlEnv(moto, db, "raw/");
  env["AWS_ACCESS_KEY_ID"] = key.access_key_id;
  env["AWS_SECRET_ACCESS_KEY"] = key.secret_access_key;
  auto run = RunEtlCommand({}, env);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.err.find("etl: 1 objects (0 ok, 1 failed"), std::string::npos) << run.err;
  const std::string error =
      db.Scalar("SELECT error_text FROM etl_s3_ingest_log WHERE s3_object_key = 'raw/p.parquet'");
  EXPECT_NE(error, "NULL");
  EXPECT_NE(error.find("403"), std::string::npos) << error;
  EXPECT_EQ(error.find(key.secret_access_key), std::string::npos) << error;
  EXPECT_EQ(run.err.find(key.secret_access_key), std::string::npos) << run.err;
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM twap_status"), "0");
}

// A GetObject whose body never comes: with S3_STALL_TIMEOUT_S each attempt gives up after that
// long without a byte, so the object fails within seconds, not after the request timeout.
TEST(EtlS3, StalledDownloadFailsWithinTheStallTimeout) {
  TestDatabase db;
  LoopbackHttpServer stalling([](const HttpExchange& request) {
    HttpReply reply = MakeReply(200);
    reply.headers = {{"Last-Modified", "Sat, 01 Nov 2025 08:00:00 GMT"}, {"Content-Length", "100"}};
    if (request.method == "GET") std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    return reply;
  });
  EnvOverrides env = {{"DATABASE_URL", db.url()},        {"AWS_ENDPOINT_URL_S3", stalling.url()},
                      {"AWS_S3_BUCKET", kBucket},        {"AWS_ACCESS_KEY_ID", "test"},
                      {"AWS_SECRET_ACCESS_KEY", "test"}, {"AWS_REGION", "us-east-1"},
                      {"S3_STALL_TIMEOUT_S", "1"},       {"LOG_FORMAT", "text"}};
  const auto started = std::chrono::steady_clock::now();
  auto run = RunEtlCommand({"--object-key", "raw/stalled.parquet"}, env);
  const auto seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.err.find("(0 ok, 1 failed"), std::string::npos) << run.err;
  EXPECT_LT(seconds, 60) << run.err;
  EXPECT_NE(db.Scalar("SELECT error_text FROM etl_s3_ingest_log WHERE s3_object_key = "
                      "'raw/stalled.parquet'"),
            "NULL");
}

}  // namespace
}  // namespace hltwap::testing
