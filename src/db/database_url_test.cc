#include "db/database_url.h"

#include <gtest/gtest.h>

#include "common/log.h"
#include "db/connection.h"

namespace hltwap {
namespace {

TEST(DatabaseUrl, TranslatesEveryAcceptedForm) {
  EXPECT_EQ(*ToLibpqConninfo("postgresql+psycopg://u:p@db:5432/hl"), "postgresql://u:p@db:5432/hl");
  EXPECT_EQ(*ToLibpqConninfo("postgresql+asyncpg://u:p@db/hl"), "postgresql://u:p@db/hl");
  EXPECT_EQ(*ToLibpqConninfo("postgres://u@db/hl?sslmode=disable"),
            "postgresql://u@db/hl?sslmode=disable");
  EXPECT_EQ(*ToLibpqConninfo("postgresql:///hl"), "postgresql:///hl");
  EXPECT_EQ(*ToLibpqConninfo("host=/tmp dbname=hl"), "host=/tmp dbname=hl");
}

TEST(DatabaseUrl, RejectsWhatLibpqCannotUse) {
  for (const char* bad : {"mysql://u:p@h/db", "sqlite:///x.db", "just-a-word",
                          "host=db bogus_key=1", "postgresql://u:p@h:notaport/db?x=%zz"}) {
    auto r = ToLibpqConninfo(bad);
    EXPECT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find("DATABASE_URL"), std::string::npos) << bad;
  }
}

TEST(DatabaseUrl, ConninfoOfTheConfigurationMasksItsPassword) {
  Config config;
  config.database_url = "postgresql+psycopg://user:conninfo-secret@db:5432/hyperliquid";
  auto conninfo = DatabaseConninfo(config);
  ASSERT_TRUE(conninfo.ok()) << conninfo.status().message();
  EXPECT_EQ(*conninfo, "postgresql://user:conninfo-secret@db:5432/hyperliquid");
  EXPECT_EQ(log::MaskSecrets("conninfo-secret"), "***");

  config.database_url = "mysql://u:secretpw@h/db";
  auto bad = DatabaseConninfo(config);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().kind(), ErrorKind::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("DATABASE_URL"), std::string::npos);
  EXPECT_EQ(bad.status().message().find("secretpw"), std::string::npos);
  EXPECT_EQ(bad.status().message().find('\n'), std::string::npos);
}

TEST(DatabaseUrl, ReadUrlsSplitBetweenUrlsNotInsideThem) {
  using V = std::vector<std::string>;
  EXPECT_EQ(SplitUrlList(""), V{});
  EXPECT_EQ(SplitUrlList(" postgresql://a/db ,postgres://b:5433/db, "),
            (V{"postgresql://a/db", "postgres://b:5433/db"}));
  // libpq's multi-host URL keeps its commas.
  EXPECT_EQ(SplitUrlList("postgresql://h1:5432,h2:5432/db,postgresql+psycopg://c/db"),
            (V{"postgresql://h1:5432,h2:5432/db", "postgresql+psycopg://c/db"}));
  EXPECT_EQ(SplitUrlList("postgresql://postgres:5432,postgres-2:5432/db"),
            V{"postgresql://postgres:5432,postgres-2:5432/db"});
}

TEST(DatabaseUrl, ReadUrlsAreCheckedNamedAndMasked) {
  Config config;
  config.database_read_urls = "postgresql://r:read-secret@s1/hl,postgres://s2:5433/hl";
  auto conninfos = DatabaseReadConninfos(config);
  ASSERT_TRUE(conninfos.ok()) << conninfos.status().message();
  EXPECT_EQ(conninfos->size(), 2u);
  EXPECT_EQ(log::MaskSecrets("read-secret"), "***");

  config.database_read_urls = "postgresql://s1/hl,postgres://u:pw-secret@h/db?x=%zz";
  auto bad = DatabaseReadConninfos(config);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("DATABASE_READ_URLS entry 2"), std::string::npos)
      << bad.status().message();
  EXPECT_EQ(bad.status().message().find("pw-secret"), std::string::npos);
}

TEST(DatabaseUrl, DescribesWithoutThePassword) {
  const std::string conninfo = "postgresql://u:topsecret@db.example:6543/hl";
  EXPECT_EQ(DescribeConninfo(conninfo), "db.example:6543/hl");
  RegisterSecretsOfConninfo(conninfo);
  EXPECT_EQ(log::MaskSecrets("password is topsecret"), "password is ***");
}

TEST(PgErrors, SqlStateClassesMapToKinds) {
  EXPECT_EQ(ErrorKindFromSqlState("08006"), ErrorKind::kConnection);
  EXPECT_EQ(ErrorKindFromSqlState("57P01"), ErrorKind::kConnection);
  EXPECT_EQ(ErrorKindFromSqlState("40001"), ErrorKind::kRetryable);
  EXPECT_EQ(ErrorKindFromSqlState("40P01"), ErrorKind::kRetryable);
  EXPECT_EQ(ErrorKindFromSqlState("22P02"), ErrorKind::kData);
  EXPECT_EQ(ErrorKindFromSqlState("23505"), ErrorKind::kData);
  EXPECT_EQ(ErrorKindFromSqlState("28P01"), ErrorKind::kPermission);
  EXPECT_EQ(ErrorKindFromSqlState("42P01"), ErrorKind::kInvalidArgument);
  EXPECT_EQ(ErrorKindFromSqlState("XX000"), ErrorKind::kInternal);
}

TEST(PgErrors, UnreachableServerIsAConnectionErrorWithoutPassword) {
  auto conn = PgConnection::Connect("postgresql://u:hunter22@127.0.0.1:1/db", 2);
  ASSERT_FALSE(conn.ok());
  EXPECT_EQ(conn.status().kind(), ErrorKind::kConnection);
  EXPECT_EQ(conn.status().message().find("hunter22"), std::string::npos);
  EXPECT_EQ(conn.status().message().find('\n'), std::string::npos);
  EXPECT_NE(conn.status().message().find("127.0.0.1:1/db"), std::string::npos);
}

}  // namespace
}  // namespace hltwap
