// AWS Signature Version 4 for S3, written from the AWS specification ("Authenticating Requests:
// Using the Authorization Header" and "Using Query Parameters"). Pure functions: the time is an
// argument, so results are checked against AWS's published examples.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/secret.h"

namespace tarn {

struct AwsCredentials {
  std::string access_key_id;
  Secret secret_access_key;
  Secret session_token;  // empty unless temporary credentials
};

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;
using QueryParams = std::vector<std::pair<std::string, std::string>>;  // raw, not yet encoded

// RFC 3986 unreserved characters stay; everything else becomes %XX. '/' stays when
// `keep_slash` (object key paths), else becomes %2F (query values).
std::string UriEncode(std::string_view text, bool keep_slash);
// "a=1&b=2" with keys sorted and both sides encoded, as the signature and the URL need.
std::string CanonicalQueryString(const QueryParams& query);

struct SignedRequestParts {
  std::string method;        // "GET"
  std::string host;          // "bucket.s3.amazonaws.com" or "127.0.0.1:9000"
  std::string encoded_path;  // "/bucket/key%20with%20space", already UriEncode'd
  QueryParams query;
  HttpHeaders headers;         // extra headers to sign (range, content-md5, if-none-match, ...)
  std::string payload_sha256;  // hex digest of the body, or "UNSIGNED-PAYLOAD"
};

// Returns the headers to send: the caller's, plus host, x-amz-date, x-amz-content-sha256,
// x-amz-security-token (when set) and authorization.
HttpHeaders SignRequest(const SignedRequestParts& request, const AwsCredentials& credentials,
                        std::string_view region, int64_t now_micros);

// The query string of a presigned URL (everything after '?'), signing only the host header.
std::string PresignQuery(std::string_view method, std::string_view host,
                         std::string_view encoded_path, const AwsCredentials& credentials,
                         std::string_view region, int64_t now_micros, int64_t expires_seconds);

}  // namespace tarn
