// AWS credentials, found the way the AWS CLI finds them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/status.h"

namespace hltwap::s3 {

struct Credentials {
  std::string access_key_id, secret_access_key, session_token;
  std::optional<int64_t> expires_at;  // micros since the epoch (UTC); unset: long-term
  std::string source;  // where they came from ("environment", "shared files (profile x)", ...)
};

// The AWS CLI's chain, first match wins:
//  1. AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN;
//  2. the shared files: AWS_SHARED_CREDENTIALS_FILE (default ~/.aws/credentials, sections
//     "[name]") and AWS_CONFIG_FILE (default ~/.aws/config, "[default]" and "[profile name]"),
//     profile AWS_PROFILE (default "default"); a named profile that exists nowhere is an error;
//  3. ECS container credentials: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI on 169.254.170.2, or
//     AWS_CONTAINER_CREDENTIALS_FULL_URI with AWS_CONTAINER_AUTHORIZATION_TOKEN[_FILE];
//  4. EC2 instance metadata, IMDSv2 (token, role, credentials) on 169.254.169.254 or
//     AWS_EC2_METADATA_SERVICE_ENDPOINT; skipped when AWS_EC2_METADATA_DISABLED=true; 1 s
//     timeouts, so it fails fast off EC2.
// Every secret found is registered with log::RegisterSecret. When nothing is found the error is
// kInvalidArgument (a configuration error) naming the places that were tried; a source that is
// configured but fails keeps its own kind.
[[nodiscard]] Result<Credentials> ResolveCredentials();

}  // namespace hltwap::s3
