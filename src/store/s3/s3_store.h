// S3Store: an ObjectStore on any S3-compatible service, over libcurl with our own SigV4.
//
// Retries: transport failures, timeouts, HTTP 5xx and throttling (429, SlowDown) are retried
// with full-jitter exponential backoff, up to `max_attempts` in all, then reported as
// kUnavailable (or kDeadlineExceeded). HTTP 403 is kPermissionDenied naming the S3 error code
// and the key. Objects larger than one part go up as multipart uploads, aborted on failure.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "base/clock.h"
#include "store/object_store.h"
#include "store/s3/http_client.h"
#include "store/s3/sigv4.h"

namespace tarn {

enum class S3Addressing {
  kAuto,     // virtual-hosted for AWS's own endpoints, path-style for any other endpoint
  kPath,     // https://endpoint/bucket/key
  kVirtual,  // https://bucket.endpoint/key
};

struct S3Options {
  std::string
      endpoint;        // "https://host[:port]"; empty means AWS: https://s3.<region>.amazonaws.com
  std::string region;  // empty means us-east-1
  S3Addressing addressing = S3Addressing::kAuto;
  AwsCredentials credentials;
  int max_attempts = 4;
  int64_t retry_base_delay_ms = 100;
  int64_t retry_max_delay_ms = 5000;
  uint64_t part_size = 8 << 20;  // multipart part size; S3 needs at least 5 MiB except the last
  HttpOptions http;
  Clock* clock = Clock::Real();
};

// Fills what `options` leaves empty from the standard variables: AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION (or AWS_DEFAULT_REGION) and
// AWS_ENDPOINT_URL_S3 (or AWS_ENDPOINT_URL).
void ApplyAwsEnvironment(S3Options* options);

// What a store has sent since it opened; for metrics and tests. Thread-safe.
struct S3Counters {
  std::atomic<int64_t> requests{0};           // HTTP exchanges, retries included
  std::atomic<int64_t> retries{0};            // attempts after the first
  std::atomic<int64_t> multipart_uploads{0};  // completed multipart uploads
  std::atomic<int64_t> parts{0};              // parts uploaded
};

class S3Store final : public ObjectStore {
 public:
  // `uri` is "s3://bucket" or "s3://bucket/prefix". No request is made here.
  // kInvalidArgument for a malformed URI or endpoint; kFailedPrecondition without credentials.
  static Result<std::unique_ptr<S3Store>> Open(std::string_view uri, S3Options options);

  std::string Uri(std::string_view key) const override;
  Result<ObjectInfo> Stat(std::string_view key) override;
  Result<std::string> ReadRange(std::string_view key, uint64_t offset, uint64_t length) override;
  Status Put(std::string_view key, std::string_view data) override;
  Status PutIfAbsent(std::string_view key, std::string_view data) override;
  Result<std::unique_ptr<ObjectWriter>> OpenWriter(std::string_view key) override;
  Result<ListPage> List(std::string_view prefix, std::string_view page_token,
                        int max_keys) override;
  Status Delete(std::string_view key) override;
  Status DeleteMany(const std::vector<std::string>& keys) override;
  Result<std::string> PresignGet(std::string_view key, int64_t expires_seconds) override;

  const S3Counters& counters() const { return counters_; }

 private:
  friend class S3Writer;
  struct Call {
    std::string method;
    std::string object;  // full key in the bucket; empty for bucket-level requests
    QueryParams query;
    HttpHeaders headers;
    std::string_view body;
    std::string what;  // "GET s3://bucket/key", for messages
  };

  S3Store(S3Options options, std::string scheme, std::string endpoint_host, std::string bucket,
          std::string prefix, bool virtual_hosted);

  // Sends `call`, retrying transient failures. Returns 2xx responses and any status in `pass`;
  // other statuses become a Status.
  Result<HttpResponse> Execute(const Call& call, std::initializer_list<long> pass = {});
  Status ErrorFromResponse(const Call& call, const HttpResponse& response) const;
  std::string Host() const;
  std::string EncodedPath(std::string_view object) const;
  std::string What(std::string_view method, std::string_view key) const;
  Status PutOnce(const std::string& object, std::string_view data, HttpHeaders headers,
                 const std::string& what);

  S3Options options_;
  std::string scheme_;         // "http" or "https"
  std::string endpoint_host_;  // "host[:port]"
  std::string bucket_;
  std::string prefix_;  // "" or ending in '/'
  bool virtual_hosted_;
  HttpClient http_;
  S3Counters counters_;
};

}  // namespace tarn
