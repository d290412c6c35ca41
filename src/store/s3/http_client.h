// A small blocking HTTP client over libcurl for the S3 store. Connections are kept alive and
// reused through a pool of curl handles. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/s3/sigv4.h"

namespace tarn {

struct HttpRequest {
  std::string method;  // GET, HEAD, PUT, POST, DELETE
  std::string url;
  HttpHeaders headers;
  std::string_view body;
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
};

struct HttpOptions {
  int64_t connect_timeout_ms = 5000;
  // A transfer slower than 1 KiB/s for this long is abandoned (a stalled connection).
  int64_t stall_timeout_ms = 30000;
};

class HttpClient {
 public:
  explicit HttpClient(HttpOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Any HTTP status is a successful exchange. Transport failures: kDeadlineExceeded for
  // timeouts, kUnavailable for everything else (refused, reset, DNS), with curl's description.
  Result<HttpResponse> Send(const HttpRequest& request);

 private:
  void* Acquire();
  void Release(void* handle);

  HttpOptions options_;
  std::mutex mu_;
  std::vector<void*> idle_;  // CURL* handles
};

}  // namespace tarn
