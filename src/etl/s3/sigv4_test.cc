#include "etl/s3/sigv4.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/time_util.h"
#include "tests/support/subprocess.h"

namespace hltwap::s3 {
namespace {

namespace fs = std::filesystem;

// The official vectors, copied with their LICENSE and NOTICE.
const fs::path kVectorDir = fs::path(testing::SourceDir()) / "tests" / "data" / "sigv4";
// Cases in the suite (aws-c-auth tests/aws-signing-test-suite/v4), each with four header-*
// files.
constexpr size_t kSuiteCases = 38;
constexpr size_t kHeaderFilesPerCase = 4;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<std::string> CaseNames() {
  std::vector<std::string> names;
  if (!fs::is_directory(kVectorDir)) return names;
  for (const auto& entry : fs::directory_iterator(kVectorDir)) {
    if (entry.is_directory() && fs::exists(entry.path() / "header-signature.txt")) {
      names.push_back(entry.path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string PercentDecode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// A vector's request.txt: request line, header lines (indented lines continue the previous
// header), an optional blank line and body.
struct RawRequest {
  std::vector<std::string> head_lines;
  std::string body;
  SigningRequest request;
};

RawRequest ParseRequestFile(const std::string& text) {
  RawRequest raw;
  const size_t blank = text.find("\n\n");
  const std::string head = text.substr(0, blank);
  if (blank != std::string::npos) raw.body = text.substr(blank + 2);
  std::istringstream lines(head);
  std::string line;
  while (std::getline(lines, line)) raw.head_lines.push_back(line);

  const std::string& request_line = raw.head_lines.at(0);
  const size_t first_space = request_line.find(' ');
  const size_t last_space = request_line.rfind(' ');
  raw.request.method = request_line.substr(0, first_space);
  const std::string target = request_line.substr(first_space + 1, last_space - first_space - 1);
  const size_t question = target.find('?');
  raw.request.path = PercentDecode(target.substr(0, question));
  if (question != std::string::npos) {
    std::istringstream params(target.substr(question + 1));
    std::string param;
    while (std::getline(params, param, '&')) {
      const size_t eq = param.find('=');
      raw.request.query.emplace_back(
          PercentDecode(param.substr(0, eq)),
          eq == std::string::npos ? std::string() : PercentDecode(param.substr(eq + 1)));
    }
  }
  for (size_t i = 1; i < raw.head_lines.size(); ++i) {
    const std::string& header = raw.head_lines[i];
    if (!header.empty() && (header[0] == ' ' || header[0] == '\t')) {
      raw.request.headers.back().second += "\n" + header;
      continue;
    }
    const size_t colon = header.find(':');
    raw.request.headers.emplace_back(header.substr(0, colon), header.substr(colon + 1));
  }
  raw.request.payload_hash = Sha256Hex(raw.body);
  return raw;
}

class SigV4VectorTest : public ::testing::TestWithParam<std::string> {};

TEST_P(SigV4VectorTest, ReproducesEveryHeaderFile) {
  const fs::path dir = kVectorDir / GetParam();
  const boost::json::object context =
      boost::json::parse(ReadFile(dir / "context.json")).as_object();
  const auto& credentials = context.at("credentials").as_object();
  SigningKey key;
  key.access_key_id = std::string(credentials.at("access_key_id").as_string());
  key.secret_access_key = std::string(credentials.at("secret_access_key").as_string());
  if (const auto* token = credentials.if_contains("token")) {
    key.session_token = std::string(token->as_string());
  }
  SigningOptions options;
  options.region = std::string(context.at("region").as_string());
  options.service = std::string(context.at("service").as_string());
  auto time = ParseTimestampUtc(std::string(context.at("timestamp").as_string()));
  ASSERT_TRUE(time.ok());
  options.time_micros = *time;
  options.normalize_path = context.at("normalize").as_bool();
  options.add_content_sha256_header = context.at("sign_body").as_bool();
  if (const auto* omit = context.if_contains("omit_session_token")) {
    options.sign_session_token = !omit->as_bool();
  }

  const RawRequest raw = ParseRequestFile(ReadFile(dir / "request.txt"));
  const SignedRequest signed_request = SignRequest(raw.request, key, options);

  EXPECT_EQ(signed_request.canonical_request, ReadFile(dir / "header-canonical-request.txt"));
  EXPECT_EQ(signed_request.string_to_sign, ReadFile(dir / "header-string-to-sign.txt"));
  EXPECT_EQ(signed_request.signature, ReadFile(dir / "header-signature.txt"));
  std::string signed_text;
  for (const auto& line : raw.head_lines) signed_text += line + "\n";
  for (const auto& [name, value] : signed_request.added_headers) {
    signed_text += name + ":" + value + "\n";
  }
  signed_text += "\n" + raw.body;
  EXPECT_EQ(signed_text, ReadFile(dir / "header-signed-request.txt"));
}

INSTANTIATE_TEST_SUITE_P(Suite, SigV4VectorTest, ::testing::ValuesIn(CaseNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(SigV4Test, FindsEveryHeaderCaseOfTheSuite) {
  const auto names = CaseNames();
  EXPECT_EQ(names.size(), kSuiteCases) << "vectors in " << kVectorDir;
  size_t header_files = 0;
  for (const auto& name : names) {
    for (const auto& entry : fs::directory_iterator(kVectorDir / name)) {
      if (entry.path().filename().string().rfind("header-", 0) == 0) ++header_files;
    }
  }
  EXPECT_EQ(header_files, kSuiteCases * kHeaderFilesPerCase);
  EXPECT_TRUE(fs::exists(kVectorDir / "LICENSE"));
  EXPECT_TRUE(fs::exists(kVectorDir / "NOTICE"));
}

// The two worked examples of the Amazon S3 API reference ("Signature Calculations for the
// Authorization Header: Transferring Payload in a Single Chunk").
TEST(SigV4Test, MatchesTheS3DocumentationExamples) {
  const SigningKey key{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
  SigningOptions options;
  options.time_micros = *ParseTimestampUtc("2013-05-24T00:00:00Z");

  SigningRequest get_object;
  get_object.method = "GET";
  get_object.path = "/test.txt";
  get_object.headers = {{"Host", "examplebucket.s3.amazonaws.com"}, {"Range", "bytes=0-9"}};
  const SignedRequest object = SignRequest(get_object, key, options);
  EXPECT_EQ(object.signature, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  EXPECT_EQ(object.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/"
            "aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");

  SigningRequest list;
  list.method = "GET";
  list.path = "/";
  list.query = {{"prefix", "J"}, {"max-keys", "2"}};
  list.headers = {{"Host", "examplebucket.s3.amazonaws.com"}};
  EXPECT_EQ(SignRequest(list, key, options).signature,
            "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST(SigV4Test, S3RequestsSignRequestPayerTokenAndPayloadHash) {
  const SigningKey key{"AKIDEXAMPLE", "secret", "session-token-value"};
  SigningOptions options;
  options.time_micros = *ParseTimestampUtc("2025-11-03T12:00:00Z");
  SigningRequest request;
  request.method = "GET";
  request.path = "/bucket/raw/a b=c+d%e/./x/../\xc3\xa9t\xc3\xa9.parquet";
  request.query = {{"prefix", "raw/a b+=%"}, {"list-type", "2"}};
  request.headers = {{"host", "127.0.0.1:5000"}, {"x-amz-request-payer", "requester"}};
  request.payload_hash = std::string(kUnsignedPayload);
  const SignedRequest s = SignRequest(request, key, options);

  // S3 signs the path as sent: no dot-segment removal, every reserved byte encoded once.
  EXPECT_EQ(s.canonical_request,
            "GET\n"
            "/bucket/raw/a%20b%3Dc%2Bd%25e/./x/../%C3%A9t%C3%A9.parquet\n"
            "list-type=2&prefix=raw%2Fa%20b%2B%3D%25\n"
            "host:127.0.0.1:5000\n"
            "x-amz-content-sha256:UNSIGNED-PAYLOAD\n"
            "x-amz-date:20251103T120000Z\n"
            "x-amz-request-payer:requester\n"
            "x-amz-security-token:session-token-value\n"
            "\n"
            "host;x-amz-content-sha256;x-amz-date;x-amz-request-payer;x-amz-security-token\n"
            "UNSIGNED-PAYLOAD");
  EXPECT_NE(s.authorization.find("SignedHeaders=host;x-amz-content-sha256;x-amz-date;"
                                 "x-amz-request-payer;x-amz-security-token, Signature="),
            std::string::npos);
  const HeaderList expected_added = {{"X-Amz-Security-Token", "session-token-value"},
                                     {"X-Amz-Date", "20251103T120000Z"},
                                     {"x-amz-content-sha256", "UNSIGNED-PAYLOAD"},
                                     {"Authorization", s.authorization}};
  EXPECT_EQ(s.added_headers, expected_added);
  EXPECT_EQ(EncodePath(request.path), "/bucket/raw/a%20b%3Dc%2Bd%25e/./x/../%C3%A9t%C3%A9.parquet");
}

}  // namespace
}  // namespace hltwap::s3
