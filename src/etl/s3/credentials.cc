#include "etl/s3/credentials.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include "common/config.h"
#include "common/log.h"
#include "common/text.h"
#include "common/time_util.h"
#include "etl/s3/http.h"

namespace hltwap::s3 {
namespace {

constexpr std::string_view kEcsHost = "http://169.254.170.2";
constexpr std::string_view kImdsDefaultEndpoint = "http://169.254.169.254";
// Off EC2 nothing answers on the metadata address: fail fast, as the AWS CLI does.
constexpr long kImdsTimeoutMs = 1000;
constexpr long kEcsTimeoutMs = 2000;
constexpr int kEcsAttempts = 3;

using IniSection = std::map<std::string, std::string>;
using IniFile = std::map<std::string, IniSection>;

Credentials Registered(Credentials c) {
  log::RegisterSecret(c.secret_access_key);
  log::RegisterSecret(c.session_token);
  return c;
}

// ---- 1. environment ----

Result<std::optional<Credentials>> FromEnvironment() {
  Credentials c;
  c.access_key_id = GetEnv("AWS_ACCESS_KEY_ID");
  c.secret_access_key = GetEnv("AWS_SECRET_ACCESS_KEY");
  c.session_token = GetEnv("AWS_SESSION_TOKEN");
  if (c.access_key_id.empty() && c.secret_access_key.empty()) return std::optional<Credentials>();
  if (c.access_key_id.empty() || c.secret_access_key.empty()) {
    log::RegisterSecret(c.secret_access_key);
    return Status::InvalidArgument(
        "partial AWS credentials in the environment: set both AWS_ACCESS_KEY_ID and "
        "AWS_SECRET_ACCESS_KEY (or neither)");
  }
  c.source = "environment";
  return std::optional<Credentials>(Registered(std::move(c)));
}

// ---- 2. shared files ----

std::string ExpandHome(const std::string& path) {
  if (path.empty() || path[0] != '~') return path;
  return GetEnv("HOME") + path.substr(1);
}

// The INI dialect of the AWS CLI: "[section]", "key = value", comments with # or ; at the start
// of a line. Indented lines (nested s3 settings) are skipped. A missing file is empty.
IniFile ReadIni(const std::string& path) {
  IniFile out;
  std::ifstream in(path);
  std::string line;
  IniSection* section = nullptr;
  while (std::getline(in, line)) {
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) continue;
    const std::string_view view = Trim(line);
    if (view.empty() || view[0] == '#' || view[0] == ';') continue;
    if (view.front() == '[' && view.back() == ']') {
      section = &out[std::string(Trim(view.substr(1, view.size() - 2)))];
      continue;
    }
    const auto eq = view.find('=');
    if (section == nullptr || eq == std::string_view::npos) continue;
    (*section)[ToLower(Trim(view.substr(0, eq)))] = std::string(Trim(view.substr(eq + 1)));
  }
  return out;
}

const IniSection* ConfigProfile(const IniFile& config, const std::string& profile) {
  auto it = config.find("profile " + profile);
  if (it == config.end() && profile == "default") it = config.find("default");
  return it == config.end() ? nullptr : &it->second;
}

Result<std::optional<Credentials>> FromSharedFiles() {
  std::string credentials_path = GetEnv("AWS_SHARED_CREDENTIALS_FILE");
  if (credentials_path.empty()) credentials_path = "~/.aws/credentials";
  std::string config_path = GetEnv("AWS_CONFIG_FILE");
  if (config_path.empty()) config_path = "~/.aws/config";
  std::string profile = GetEnv("AWS_PROFILE");
  if (profile.empty()) profile = GetEnv("AWS_DEFAULT_PROFILE");
  const bool explicit_profile = !profile.empty();
  if (!explicit_profile) profile = "default";

  const IniFile credentials_file = ReadIni(ExpandHome(credentials_path));
  const IniFile config_file = ReadIni(ExpandHome(config_path));
  // The credentials file wins over the config file, key by key.
  IniSection merged;
  bool found = false;
  if (const IniSection* s = ConfigProfile(config_file, profile)) {
    merged = *s;
    found = true;
  }
  if (auto it = credentials_file.find(profile); it != credentials_file.end()) {
    for (const auto& [k, v] : it->second) merged[k] = v;
    found = true;
  }
  if (!found) {
    if (!explicit_profile) return std::optional<Credentials>();
    return Status::InvalidArgument(
        fmt::format("AWS_PROFILE names profile '{}', which is in neither {} nor {}", profile,
                    credentials_path, config_path));
  }

  Credentials c;
  c.access_key_id = merged["aws_access_key_id"];
  c.secret_access_key = merged["aws_secret_access_key"];
  c.session_token = merged["aws_session_token"];
  if (c.access_key_id.empty() && c.secret_access_key.empty()) {
    for (const char* unsupported : {"role_arn", "credential_process", "sso_session",
                                    "sso_start_url", "web_identity_token_file"}) {
      if (merged.count(unsupported) > 0) {
        return Status::InvalidArgument(
            fmt::format("AWS profile '{}' uses {}, which hltwap does not support: give it "
                        "aws_access_key_id/aws_secret_access_key, or export AWS_ACCESS_KEY_ID/"
                        "AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN (e.g. from `aws configure "
                        "export-credentials`)",
                        profile, unsupported));
      }
    }
    return std::optional<Credentials>();  // a profile with settings only (region, ...)
  }
  if (c.access_key_id.empty() || c.secret_access_key.empty()) {
    log::RegisterSecret(c.secret_access_key);
    return Status::InvalidArgument(fmt::format(
        "AWS profile '{}' has only one of aws_access_key_id and aws_secret_access_key", profile));
  }
  c.source = fmt::format("shared files (profile {})", profile);
  return std::optional<Credentials>(Registered(std::move(c)));
}

// ---- 3 and 4: the JSON both container and instance metadata answer with ----

Result<Credentials> ParseCredentialsJson(const std::string& body, const std::string& source) {
  boost::system::error_code ec;
  const boost::json::value doc = boost::json::parse(body, ec);
  if (ec || !doc.is_object()) {
    return Status::Connection(source + ": the answer is not a JSON object");
  }
  const auto& obj = doc.as_object();
  auto text = [&obj](const char* name) -> std::string {
    const auto* v = obj.if_contains(name);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  if (const std::string code = text("Code"); !code.empty() && code != "Success") {
    return Status::Permission(fmt::format("{}: Code {}: {}", source, code, text("Message")));
  }
  Credentials c;
  c.access_key_id = text("AccessKeyId");
  c.secret_access_key = text("SecretAccessKey");
  c.session_token = text("Token");
  log::RegisterSecret(c.secret_access_key);
  log::RegisterSecret(c.session_token);
  if (c.access_key_id.empty() || c.secret_access_key.empty()) {
    return Status::Connection(source + ": the answer has no AccessKeyId/SecretAccessKey");
  }
  if (const std::string expiration = text("Expiration"); !expiration.empty()) {
    auto when = ParseTimestampUtc(expiration);
    if (!when.ok()) return Status::Connection(source + ": bad Expiration '" + expiration + "'");
    c.expires_at = *when;
  }
  c.source = source;
  return c;
}

// ---- 3. ECS container credentials ----

// Plain http is only trusted for the container agent's own addresses and the loopback.
bool IsAllowedContainerUrl(const std::string& url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return false;
  const std::string scheme = ToLower(parsed->scheme());
  if (scheme == "https") return true;
  if (scheme != "http") return false;
  const std::string host = ToLower(parsed->host());
  return host == "localhost" || host.rfind("127.", 0) == 0 || host == "[::1]" ||
         host == "169.254.170.2" || host == "169.254.170.23" || host == "[fd00:ec2::23]";
}

Result<std::optional<Credentials>> FromContainer() {
  const std::string relative = GetEnv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  const std::string full = GetEnv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
  std::string url;
  std::vector<std::string> headers;
  if (!relative.empty()) {
    url = std::string(kEcsHost) + relative;
  } else if (!full.empty()) {
    if (!IsAllowedContainerUrl(full)) {
      return Status::InvalidArgument(
          "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http on a loopback or the ECS/EKS "
          "container agent address (169.254.170.2, 169.254.170.23)");
    }
    url = full;
    std::string token;
    if (const std::string token_file = GetEnv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
        !token_file.empty()) {
      std::ifstream in(token_file);
      if (!in) {
        return Status::InvalidArgument("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE cannot be read: " +
                                       token_file);
      }
      std::stringstream buffer;
      buffer << in.rdbuf();
      token = std::string(Trim(buffer.str()));
    } else {
      token = GetEnv("AWS_CONTAINER_AUTHORIZATION_TOKEN");
    }
    if (!token.empty()) {
      log::RegisterSecret(token);
      headers.push_back("Authorization: " + token);
    }
  } else {
    return std::optional<Credentials>();
  }
  const std::string source = "container credentials (" + url + ")";
  Status last;
  for (int attempt = 1; attempt <= kEcsAttempts; ++attempt) {
    auto response = SmallHttpRequest("GET", url, headers, kEcsTimeoutMs);
    if (!response.ok()) {
      last = response.status();
      continue;
    }
    if (response->status == 200) {
      HLTWAP_ASSIGN_OR_RETURN(Credentials c, ParseCredentialsJson(response->body, source));
      return std::optional<Credentials>(std::move(c));
    }
    last = Status::Connection(fmt::format("{}: HTTP {}", source, response->status));
    if (response->status < 500) break;
  }
  return last;
}

// ---- 4. EC2 instance metadata (IMDSv2) ----

Result<std::optional<Credentials>> FromInstanceMetadata() {
  if (ToLower(GetEnv("AWS_EC2_METADATA_DISABLED")) == "true") {
    return std::optional<Credentials>();
  }
  std::string endpoint = GetEnv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
  if (endpoint.empty()) endpoint = kImdsDefaultEndpoint;
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  const std::string where = "EC2 instance metadata at " + endpoint;

  auto call = [&where](const std::string& method, const std::string& url,
                       const std::vector<std::string>& headers) {
    auto response = SmallHttpRequest(method, url, headers, kImdsTimeoutMs);
    if (!response.ok()) return Result<SmallHttpResponse>(response.status().WithContext(where));
    return response;
  };
  HLTWAP_ASSIGN_OR_RETURN(
      auto token_response,
      call("PUT", endpoint + "/latest/api/token", {"X-aws-ec2-metadata-token-ttl-seconds: 21600"}));
  if (token_response.status != 200 || token_response.body.empty()) {
    return Status::Connection(
        fmt::format("{}: token request answered HTTP {}", where, token_response.status));
  }
  const std::string token(Trim(token_response.body));
  log::RegisterSecret(token);
  const std::vector<std::string> auth = {"X-aws-ec2-metadata-token: " + token};
  const std::string roles_url = endpoint + "/latest/meta-data/iam/security-credentials/";

  HLTWAP_ASSIGN_OR_RETURN(auto roles, call("GET", roles_url, auth));
  if (roles.status == 404) {
    return Status::Permission(where + ": this instance has no IAM role");
  }
  if (roles.status != 200) {
    return Status::Connection(fmt::format("{}: role lookup answered HTTP {}", where, roles.status));
  }
  const std::string role(Trim(std::string_view(roles.body).substr(0, roles.body.find('\n'))));
  if (role.empty()) return Status::Permission(where + ": this instance has no IAM role");

  HLTWAP_ASSIGN_OR_RETURN(auto creds, call("GET", roles_url + role, auth));
  if (creds.status != 200) {
    return Status::Connection(
        fmt::format("{}: credentials for role {} answered HTTP {}", where, role, creds.status));
  }
  HLTWAP_ASSIGN_OR_RETURN(Credentials c,
                          ParseCredentialsJson(creds.body, where + " (role " + role + ")"));
  return std::optional<Credentials>(std::move(c));
}

}  // namespace

Result<Credentials> ResolveCredentials() {
  HLTWAP_ASSIGN_OR_RETURN(auto from_env, FromEnvironment());
  if (from_env) return *std::move(from_env);
  HLTWAP_ASSIGN_OR_RETURN(auto from_files, FromSharedFiles());
  if (from_files) return *std::move(from_files);
  HLTWAP_ASSIGN_OR_RETURN(auto from_container, FromContainer());
  if (from_container) return *std::move(from_container);
  auto from_imds = FromInstanceMetadata();
  if (from_imds.ok() && from_imds.value()) return *std::move(from_imds).value();
  const std::string imds_note = from_imds.ok()
                                    ? "instance metadata disabled (AWS_EC2_METADATA_DISABLED)"
                                    : from_imds.status().message();
  // Nothing configured anywhere: a configuration error (exit status 2), not a refusal.
  return Status::InvalidArgument(fmt::format(
      "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and "
      "AWS_SESSION_TOKEN for temporary keys), or AWS_PROFILE with ~/.aws/credentials; tried the "
      "environment, the shared files, container credentials (not configured) and {}",
      imds_note));
}

}  // namespace hltwap::s3
