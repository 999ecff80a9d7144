#include "etl/s3/sigv4.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <ctime>
#include <map>

#include "common/text.h"

namespace hltwap::s3 {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

std::string ToHex(const unsigned char* data, size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) {
    out += kDigits[data[i] >> 4];
    out += kDigits[data[i] & 0x0f];
  }
  return out;
}

// RFC 3986 dot-segment removal plus collapsing of empty segments; keeps a trailing slash.
std::string NormalizePath(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t pos = 0;
  while (pos <= path.size()) {
    const size_t slash = path.find('/', pos);
    const size_t end = slash == std::string_view::npos ? path.size() : slash;
    const std::string_view segment = path.substr(pos, end - pos);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  if (segments.empty()) return "/";
  std::string out;
  for (const auto segment : segments) {
    out += '/';
    out += segment;
  }
  if (path.back() == '/') out += '/';
  return out;
}

std::string CredentialScope(std::string_view date, const SigningOptions& options) {
  return fmt::format("{}/{}/{}/aws4_request", date, options.region, options.service);
}

}  // namespace

std::string UriEncode(std::string_view bytes, bool keep_slash) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size() * 3);
  for (const char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
                            c == '~' || (keep_slash && c == '/');
    if (unreserved) {
      out += ch;
    } else {
      out += '%';
      out += kDigits[c >> 4];
      out += kDigits[c & 0x0f];
    }
  }
  return out;
}

std::string CanonicalQuery(const std::vector<std::pair<std::string, std::string>>& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query) {
    encoded.emplace_back(UriEncode(name, false), UriEncode(value, false));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out += '&';
    out += name;
    out += '=';
    out += value;
  }
  return out;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr);
  return ToHex(digest, size);
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  size_t size = 0;
  EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(),
            reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, sizeof(mac),
            &size);
  return std::string(reinterpret_cast<const char*>(mac), size);
}

std::string AmzDate(int64_t time_micros) {
  const std::time_t seconds = static_cast<std::time_t>(
      time_micros >= 0 ? time_micros / 1'000'000 : (time_micros - 999'999) / 1'000'000);
  std::tm tm{};
  ::gmtime_r(&seconds, &tm);
  return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

SignedRequest SignRequest(const SigningRequest& request, const SigningKey& key,
                          const SigningOptions& options) {
  const std::string amz_date = AmzDate(options.time_micros);
  const std::string date = amz_date.substr(0, 8);
  const std::string payload_hash =
      request.payload_hash.empty() ? std::string(kEmptyPayloadHash) : request.payload_hash;

  SignedRequest out;
  HeaderList signed_extra;
  if (!key.session_token.empty()) {
    out.added_headers.emplace_back("X-Amz-Security-Token", key.session_token);
    if (options.sign_session_token)
      signed_extra.emplace_back("x-amz-security-token", key.session_token);
  }
  out.added_headers.emplace_back("X-Amz-Date", amz_date);
  signed_extra.emplace_back("x-amz-date", amz_date);
  if (options.add_content_sha256_header) {
    out.added_headers.emplace_back("x-amz-content-sha256", payload_hash);
    signed_extra.emplace_back("x-amz-content-sha256", payload_hash);
  }

  // Name -> values in the order given; std::map sorts the names.
  std::map<std::string, std::vector<std::string>> headers;
  for (const auto& [name, value] : request.headers) {
    // The canonical value is trimmed, every inner run of whitespace folded into one space.
    headers[ToLower(name)].push_back(OneLine(value));
  }
  for (const auto& [name, value] : signed_extra) headers[name].push_back(value);

  std::string canonical_headers;
  std::string signed_headers;
  for (const auto& [name, values] : headers) {
    canonical_headers += name;
    canonical_headers += ':';
    for (size_t i = 0; i < values.size(); ++i) {
      if (i > 0) canonical_headers += ',';
      canonical_headers += values[i];
    }
    canonical_headers += '\n';
    if (!signed_headers.empty()) signed_headers += ';';
    signed_headers += name;
  }

  const std::string path = options.normalize_path ? NormalizePath(request.path) : request.path;
  out.canonical_request =
      fmt::format("{}\n{}\n{}\n{}\n{}\n{}", request.method, UriEncode(path, true),
                  CanonicalQuery(request.query), canonical_headers, signed_headers, payload_hash);

  const std::string scope = CredentialScope(date, options);
  out.string_to_sign =
      fmt::format("{}\n{}\n{}\n{}", kAlgorithm, amz_date, scope, Sha256Hex(out.canonical_request));

  const std::string k_date = HmacSha256("AWS4" + key.secret_access_key, date);
  const std::string k_region = HmacSha256(k_date, options.region);
  const std::string k_service = HmacSha256(k_region, options.service);
  const std::string k_signing = HmacSha256(k_service, "aws4_request");
  const std::string mac = HmacSha256(k_signing, out.string_to_sign);
  out.signature = ToHex(reinterpret_cast<const unsigned char*>(mac.data()), mac.size());

  out.authorization = fmt::format("{} Credential={}/{}, SignedHeaders={}, Signature={}", kAlgorithm,
                                  key.access_key_id, scope, signed_headers, out.signature);
  out.added_headers.emplace_back("Authorization", out.authorization);
  return out;
}

}  // namespace hltwap::s3
