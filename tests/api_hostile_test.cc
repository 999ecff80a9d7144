// Hostile input, by kind, against `hltwap api` on the sample rows: every value a user controls
// (query parameters, path parameters, cursors, headers, the HTTP framing itself) tried with
// SQL metacharacters, NUL, invalid UTF-8, extreme numbers and dates, forged cursors, many
// parameters and header bombs. No request may get a 5xx, each kind gets only the statuses it
// allows, every JSON body is checked against the OpenAPI document, and the server answers a
// normal request exactly after each kind. Counts per kind and status are printed.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

#include "tests/api_test_support.h"

namespace hltwap::testing {
namespace {

using std::chrono::milliseconds;

const std::string kWindow = std::string("wallet=") + kAlice + "&start=2025-11-01&end=2025-11-04";

// Hostile spellings of a value, percent-encoded as they travel.
const std::vector<std::string>& HostileValues() {
  static const std::vector<std::string> values = {
      // SQL metacharacters
      "%27", "%27%20OR%20%271%27%3D%271", "1%3BSELECT%20pg_sleep(10)--",
      "%22%3B%20DROP%20TABLE%20twap_status%3B--", "%5C", "%25", "_", "*", "%24%241%24%24",
      "E%27%5Cx00%27", "(SELECT%201)", "%3B%3B%3B",
      // NUL, control characters, invalid and overlong UTF-8, surrogates, BOM
      "%00", "abc%00def", "%0D%0AX-Injected:%201", "%07%08%1B", "%C3%28", "%FF%FE%FD", "%C0%AF",
      "%ED%A0%80", "%F4%90%80%80", "%EF%BB%BF", "%E2%80%AE",
      // numbers
      "-1", "0", "1e308", "-1e308", "NaN", "Infinity", "0x10", "99999999999999999999999999", "%2B5",
      "%205", "5%20", "1.5", "",
      // dates at and past every edge
      "0000-01-01", "0001-01-01", "-0001-01-01", "9999-12-31T23:59:59.999999Z", "10000-01-01",
      "99999-01-01", "2025-02-30", "2025-13-01", "2025-11-01T24:00:00", "2025-12-31T23:59:60Z",
      "2025-11-01T00:00:00%2B99:99", "2025-11-01T00:00:00.0000000000001Z", "1970-01-01",
      "2025-11-01T00:00:00-23:59", "%E2%80%8B2025-11-01",
      // long values (below the 8 KiB header limit)
      std::string(3000, '9'), std::string(3000, 'a'), "0x" + std::string(3000, 'f')};
  return values;
}

class ApiHostile : public ApiSuite {
 protected:
  static void SetUpTestSuite() {
    CreateSampleDatabase();
    server_ = new ApiServer(db_->url(), {{"API_MAX_REQUESTS_PER_CONNECTION", "50"}});
    const auto r = HttpGet(server_->port(), "/api/v1/twaps?" + kWindow);
    ASSERT_EQ(r.status, 200);
    ASSERT_EQ(ParseJson(r.body).at("twaps").as_array().size(), 5u) << r.body;
    baseline_ = new std::string(r.body);
  }
  static void TearDownTestSuite() {
    delete baseline_;
    baseline_ = nullptr;
    ApiSuite::TearDownTestSuite();
  }

  // Sends each target, counts statuses, and expects each in `allowed`; returns the targets
  // whose answer was JSON, for the OpenAPI check.
  static std::vector<std::string> Try(const std::string& kind,
                                      const std::vector<std::string>& targets,
                                      const std::set<int>& allowed) {
    std::map<int, int> counts;
    for (const auto& target : targets) {
      const auto r = HttpGet(server_->port(), target);
      ++counts[r.status];
      EXPECT_TRUE(allowed.count(r.status) == 1)
          << kind << ": " << r.status << " for " << target.substr(0, 200) << "\n"
          << r.body.substr(0, 500);
      EXPECT_LT(r.status, 500) << target.substr(0, 200);
    }
    Report(kind, targets.size(), counts);
    ExpectHealthy();
    return targets;
  }

  static void Report(const std::string& kind, size_t requests, const std::map<int, int>& counts) {
    std::string line = fmt::format("hostile {}: {} requests", kind, requests);
    for (const auto& [status, n] : counts) line += fmt::format(", {}x{}", n, status);
    std::cout << line << "\n";
    ::testing::Test::RecordProperty(kind, line);
  }

  // After each kind, a normal request still gets the answer it got before any.
  static void ExpectHealthy() {
    const auto r = HttpGet(server_->port(), "/api/v1/twaps?" + kWindow);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body, *baseline_);
  }

  static void CheckAgainstOpenApi(const std::vector<std::string>& targets) {
    const auto checked = CheckResponses(server_->port(), targets);
    EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;
  }

  // Raw bytes on one connection; the whole reply up to the server's close.
  static inline std::string* baseline_ = nullptr;

  static std::string Raw(const std::string& bytes) {
    RawConnection c(server_->port());
    EXPECT_TRUE(c.connected());
    c.Send(bytes);
    return c.ReadUntilClosed(milliseconds(10000));
  }
};

TEST_F(ApiHostile, EveryQueryParameterOfEveryEndpoint) {
  // The hostile value replaces one parameter of a valid query, or joins it.
  auto windowed = [](const std::string& path, const std::string& param, const std::string& value) {
    std::map<std::string, std::string> query = {
        {"wallet", kAlice}, {"start", "2025-11-01"}, {"end", "2025-11-04"}};
    query[param] = value;
    std::string target = path + "?";
    for (const auto& [name, v] : query) target += name + "=" + v + "&";
    target.pop_back();
    return target;
  };
  std::vector<std::string> targets;
  for (const auto& value : HostileValues()) {
    for (const char* param :
         {"wallet", "start", "end", "asset", "limit", "cursor", "latest_per_twap"}) {
      targets.push_back(windowed("/api/v1/twaps", param, value));
    }
    for (const char* param : {"wallet", "start", "end", "format", "level", "asset", "market"}) {
      targets.push_back(windowed("/api/v1/export", param, value));
    }
    for (const char* param : {"limit", "cursor"}) {
      targets.push_back("/api/v1/twaps/568722/fills?" + std::string(param) + "=" + value);
    }
  }
  CheckAgainstOpenApi(Try("query parameters", targets, {200, 422}));
}

TEST_F(ApiHostile, PathParameters) {
  std::vector<std::string> targets;
  for (const auto& value : HostileValues()) {
    if (value.empty()) continue;
    targets.push_back("/api/v1/twaps/" + value);
    targets.push_back("/api/v1/twaps/" + value + "/fills");
  }
  for (const char* odd :
       {"..%2F..%2Fetc%2Fpasswd", "%2E%2E", "568722;x", "568722%3Fwallet=x", "%20568722"}) {
    targets.push_back(std::string("/api/v1/twaps/") + odd);
  }
  CheckAgainstOpenApi(Try("path parameters", targets, {200, 404, 422}));
  // The path is decoded before routing, as FastAPI does: an encoded '/' separates segments.
  EXPECT_EQ(HttpGet(server_->port(), "/api/v1/twaps/568722%2Ffills").body,
            HttpGet(server_->port(), "/api/v1/twaps/568722/fills").body);
}

TEST_F(ApiHostile, ForgedAndForeignCursors) {
  // A real cursor of each endpoint, then every way of breaking it.
  const auto page =
      ParseJson(HttpGet(server_->port(), "/api/v1/twaps?" + kWindow + "&limit=1").body);
  const std::string twaps_cursor(page.at("next_cursor").as_string());
  const auto fills = ParseJson(HttpGet(server_->port(), "/api/v1/twaps/568722/fills?limit=1").body);
  ASSERT_TRUE(fills.at("next_cursor").is_string()) << fills;
  const std::string fills_cursor(fills.at("next_cursor").as_string());

  std::mt19937 random(20251101);
  auto random_text = [&](size_t n) {
    static const std::string alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string s;
    for (size_t i = 0; i < n; ++i) s += alphabet[random() % alphabet.size()];
    return s;
  };
  std::vector<std::string> forged;
  for (size_t n : {1, 2, 3, 4, 8, 16, 40, 64, 200, 3000}) forged.push_back(random_text(n));
  for (const std::string& real : {twaps_cursor, fills_cursor}) {
    forged.push_back(real.substr(0, real.size() / 2));
    forged.push_back(real + "A");
    forged.push_back(real + real);
    for (size_t i = 0; i < real.size(); i += 3) {
      std::string flipped = real;
      flipped[i] = flipped[i] == 'A' ? 'B' : 'A';
      forged.push_back(flipped);
    }
  }
  std::vector<std::string> targets;
  for (const auto& cursor : forged) {
    targets.push_back("/api/v1/twaps?" + kWindow + "&cursor=" + cursor);
    targets.push_back("/api/v1/twaps/568722/fills?cursor=" + cursor);
  }
  // Each endpoint's cursor is refused by the other.
  targets.push_back("/api/v1/twaps?" + kWindow + "&cursor=" + fills_cursor);
  targets.push_back("/api/v1/twaps/568722/fills?cursor=" + twaps_cursor);
  // A flipped character may still decode to a valid cursor of another position: 200 then.
  CheckAgainstOpenApi(Try("cursors", targets, {200, 422}));
  EXPECT_EQ(HttpGet(server_->port(), targets.back()).status, 422);
  EXPECT_EQ(HttpGet(server_->port(), targets[targets.size() - 2]).status, 422);
}

TEST_F(ApiHostile, ManyParametersAndRepeatedOnes) {
  std::vector<std::string> targets;
  std::string many = "/api/v1/twaps?" + kWindow;
  for (int i = 0; i < 1500; ++i) many += "&x=1";
  targets.push_back(many);
  std::string repeated = "/api/v1/twaps?" + kWindow;
  for (int i = 0; i < 500; ++i) repeated += "&asset=BTC";
  targets.push_back(repeated);
  targets.push_back("/api/v1/twaps?" + kWindow + "&wallet=" + kBob);
  targets.push_back("/api/v1/twaps?" + kWindow + "&limit=1&limit=5000");
  Try("many parameters", targets, {200, 422});

  // 10,000 parameters cannot fit in the 8 KiB header limit.
  std::string ten_thousand = "/api/v1/twaps?" + kWindow;
  for (int i = 0; i < 10000; ++i) ten_thousand += "&a=" + std::to_string(i % 10);
  Try("10k parameters", {ten_thousand}, {431});
}

TEST_F(ApiHostile, HeaderBombs) {
  std::map<int, int> counts;
  auto send = [&](const HttpHeaders& headers) {
    const auto r = HttpGet(server_->port(), "/healthz", headers);
    ++counts[r.status];
    EXPECT_EQ(r.status, 431) << r.error;
  };
  HttpHeaders many;
  for (int i = 0; i < 1000; ++i) many["X-H" + std::to_string(i)] = "1";
  send(many);
  send({{"X-Big", std::string(9000, 'a')}});
  HttpHeaders medium;
  for (int i = 0; i < 100; ++i) medium["X-M" + std::to_string(i)] = std::string(90, 'm');
  send(medium);
  send({{"Cookie", std::string(8200, 'c')}});
  Report("header bombs", 4, counts);
  ExpectHealthy();
}

TEST_F(ApiHostile, HttpFraming) {
  std::map<int, int> counts;
  auto expect_status = [&](const std::string& bytes, const std::string& status_line) {
    const std::string reply = Raw(bytes);
    const int status = reply.size() >= 12 ? std::atoi(reply.substr(9, 3).c_str()) : 0;
    ++counts[status];
    EXPECT_EQ(reply.rfind(status_line, 0), 0u) << bytes.substr(0, 200) << "\n-> " << reply;
    return reply;
  };
  // HTTP/1.0, without Host, closes after the answer.
  const std::string http10 = expect_status("GET /healthz HTTP/1.0\r\n\r\n", "HTTP/1.0 200 ");
  EXPECT_EQ(http10.find("Connection: keep-alive"), std::string::npos) << http10;
  // A chunked body on a GET is read and ignored; a chunk larger than the body limit is 413.
  expect_status(
      "GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
      "5\r\nhello\r\n0\r\n\r\n",
      "HTTP/1.1 200 ");
  expect_status(
      "GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "FFFFFFF\r\n" +
          std::string(100, 'x'),
      "HTTP/1.1 413 ");
  expect_status("GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n",
                "HTTP/1.1 400 ");
  // Both framings at once, and two lengths, are refused.
  expect_status(
      "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
      "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      "HTTP/1.1 400 ");
  expect_status(
      "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
      "HTTP/1.1 400 ");
  // Odd targets and methods.
  // Only origin-form targets are served; unknown methods are 405 like any other.
  expect_status("GET http://evil.example/healthz HTTP/1.1\r\nConnection: close\r\n\r\n",
                "HTTP/1.1 400 ");
  expect_status("OPTIONS * HTTP/1.1\r\nConnection: close\r\n\r\n", "HTTP/1.1 400 ");
  expect_status("BREW /healthz HTTP/1.1\r\nConnection: close\r\n\r\n", "HTTP/1.1 405 ");
  expect_status("get /healthz HTTP/1.1\r\nConnection: close\r\n\r\n", "HTTP/1.1 405 ");
  expect_status("DELETE /api/v1/twaps/568722 HTTP/1.1\r\nConnection: close\r\n\r\n",
                "HTTP/1.1 405 ");
  expect_status(std::string("GET /healthz\0 HTTP/1.1\r\n\r\n", 27), "HTTP/1.1 400 ");
  // Twenty pipelined requests in one write: answered in order.
  std::string pipelined;
  for (int i = 0; i < 20; ++i) {
    pipelined +=
        "GET /api/v1/twaps/" + std::to_string(568722 + (i % 2)) + " HTTP/1.1\r\nHost: x\r\n\r\n";
  }
  pipelined += "GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n";
  const std::string replies = Raw(pipelined);
  size_t answered = 0;
  for (size_t at = replies.find("HTTP/1.1 200 "); at != std::string::npos;
       at = replies.find("HTTP/1.1 200 ", at + 1)) {
    ++answered;
  }
  EXPECT_EQ(answered, 21u) << replies.substr(0, 2000);
  EXPECT_LT(replies.find("\"twap_id\":\"568722\""), replies.find("\"twap_id\":\"568723\""));
  counts[200] += static_cast<int>(answered);
  Report("http framing", 33, counts);
  ExpectHealthy();
}

}  // namespace
}  // namespace hltwap::testing
