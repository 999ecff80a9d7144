// AWS Signature Version 4 (header signing), as a pure function of the request, the credentials
// and the time, so that it can be checked against the official test vectors.
//
// The same rules serve S3 and the generic services of the vectors; the differences are options:
// S3 signs the path exactly as sent (no dot-segment removal), and carries the payload hash in an
// `x-amz-content-sha256` header (the hash of the body, or "UNSIGNED-PAYLOAD").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hltwap::s3 {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct SigningRequest {
  std::string method;  // "GET"
  // The path as raw bytes, not percent-encoded ("/bucket/my key.parquet"); it is encoded here,
  // once, and the request must be sent with EncodePath() of the same string.
  std::string path = "/";
  // Query parameters as raw bytes (name, value), in any order; encoded and sorted here.
  std::vector<std::pair<std::string, std::string>> query;
  // The headers the request is sent with, names in any case; must include `host`. Repeated
  // names are joined with commas in order; values are trimmed and inner runs of spaces folded.
  HeaderList headers;
  // Hex SHA-256 of the body, or "UNSIGNED-PAYLOAD". Empty means the hash of an empty body.
  std::string payload_hash;
};

struct SigningKey {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty when the credentials are long-term
};

struct SigningOptions {
  std::string region = "us-east-1";
  std::string service = "s3";
  int64_t time_micros = 0;  // the signing time (UTC), microseconds since the epoch
  // Remove "." and ".." segments and repeated slashes before signing (generic services); S3
  // signs the path as it is.
  bool normalize_path = false;
  // Add and sign `x-amz-content-sha256: <payload hash>` (S3 requires it).
  bool add_content_sha256_header = true;
  // Sign `x-amz-security-token`; when false the token header is still added, after signing
  // (a few services want it so; S3 wants it signed).
  bool sign_session_token = true;
};

struct SignedRequest {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;      // lower-case hex
  std::string authorization;  // the Authorization header value
  // Headers to add to the request, in the order AWS's own signer adds them, Authorization last.
  HeaderList added_headers;
};

// Signs `request`; never fails (every input has a canonical form).
SignedRequest SignRequest(const SigningRequest& request, const SigningKey& key,
                          const SigningOptions& options);

// SigV4 URI encoding: every byte but A-Z a-z 0-9 - . _ ~ becomes %XX (upper-case hex); with
// `keep_slash`, '/' stays (paths).
std::string UriEncode(std::string_view bytes, bool keep_slash);
// The encoded path to put in a URL for `path` (raw bytes), the same one the signature covers.
inline std::string EncodePath(std::string_view path) {
  return UriEncode(path, true);
}
// The canonical query string ("a=1&b=2", encoded and sorted), also usable as the URL's query.
std::string CanonicalQuery(const std::vector<std::pair<std::string, std::string>>& query);

// Hex SHA-256 and raw HMAC-SHA256 (OpenSSL EVP).
std::string Sha256Hex(std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);
// "20150830T123600Z".
std::string AmzDate(int64_t time_micros);

inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
inline constexpr std::string_view kEmptyPayloadHash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

}  // namespace hltwap::s3
