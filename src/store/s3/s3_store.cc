#include "store/s3/s3_store.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>

#include "base/hash.h"
#include "base/random.h"
#include "base/time_util.h"
#include "store/s3/s3_xml.h"
#include "store/store_util.h"

namespace tarn {
namespace {

const std::string kEmptySha256 = Sha256Hex("");
constexpr int64_t kMaxPresignSeconds = int64_t{7} * 24 * 3600;
constexpr size_t kMaxDeleteBatch = 1000;
constexpr size_t kMaxParts = 10000;

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

bool ValidBucketName(std::string_view bucket) {
  if (bucket.size() < 3 || bucket.size() > 63) return false;
  for (char c : bucket) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) return false;
  }
  return bucket.front() != '-' && bucket.front() != '.' && bucket.back() != '-' &&
         bucket.back() != '.';
}

bool IsRetryable(long status, const S3Error& error) {
  return status >= 500 || status == 429 || error.code == "SlowDown" ||
         error.code == "RequestTimeout" || error.code == "RequestTimeTooSkewed";
}

}  // namespace

void ApplyAwsEnvironment(S3Options* options) {
  AwsCredentials& credentials = options->credentials;
  if (credentials.access_key_id.empty()) credentials.access_key_id = Env("AWS_ACCESS_KEY_ID");
  if (credentials.secret_access_key.empty()) {
    credentials.secret_access_key = Secret(Env("AWS_SECRET_ACCESS_KEY"));
  }
  if (credentials.session_token.empty())
    credentials.session_token = Secret(Env("AWS_SESSION_TOKEN"));
  if (options->region.empty()) options->region = Env("AWS_REGION");
  if (options->region.empty()) options->region = Env("AWS_DEFAULT_REGION");
  if (options->endpoint.empty()) options->endpoint = Env("AWS_ENDPOINT_URL_S3");
  if (options->endpoint.empty()) options->endpoint = Env("AWS_ENDPOINT_URL");
}

// Buffers one part at a time; the first full part turns the upload into a multipart upload.
class S3Writer final : public ObjectWriter {
 public:
  S3Writer(S3Store* store, std::string object, std::string what)
      : store_(store), object_(std::move(object)), what_(std::move(what)) {}
  ~S3Writer() override { Abort(); }

  Status Append(std::string_view data) override {
    if (finished_) return Status::FailedPrecondition(what_ + ": append to a finished writer");
    bytes_ += data.size();
    while (!data.empty()) {
      size_t take = std::min<size_t>(data.size(), store_->options_.part_size - buffer_.size());
      buffer_.append(data.substr(0, take));
      data.remove_prefix(take);
      if (buffer_.size() == store_->options_.part_size) {
        Status status = UploadPart();
        if (!status.ok()) {
          Abort();
          return status;
        }
      }
    }
    return Status::OK();
  }

  Status Close() override {
    if (finished_) return Status::FailedPrecondition(what_ + ": close of a finished writer");
    Status status;
    if (upload_id_.empty()) {
      finished_ = true;
      status = store_->PutOnce(object_, buffer_, {}, what_);
    } else {
      if (!buffer_.empty()) status = UploadPart();
      if (status.ok()) status = Complete();
      if (status.ok()) upload_id_.clear();
    }
    Abort();
    return status;
  }

  void Abort() override {
    finished_ = true;
    buffer_.clear();
    buffer_.shrink_to_fit();
    if (upload_id_.empty()) return;
    S3Store::Call call{"DELETE", object_, {{"uploadId", upload_id_}}, {}, {}, what_ + " (abort)"};
    Result<HttpResponse> response = store_->Execute(call, {404});
    if (!response.ok()) {
      spdlog::warn("{}: could not abort multipart upload {}: {}", what_, upload_id_,
                   response.status().ToString());
    }
    upload_id_.clear();
  }

  uint64_t bytes_written() const override { return bytes_; }

 private:
  Status UploadPart() {
    if (upload_id_.empty()) {
      S3Store::Call start{"POST", object_, {{"uploads", ""}}, {}, {}, what_ + " (start upload)"};
      TARN_ASSIGN_OR_RETURN(HttpResponse response, store_->Execute(start));
      TARN_ASSIGN_OR_RETURN(upload_id_, ParseUploadId(response.body));
    }
    if (etags_.size() == kMaxParts) {
      return Status::InvalidArgument(what_ +
                                     ": object needs more than 10000 parts; raise the part size");
    }
    std::string part_number = std::to_string(etags_.size() + 1);
    S3Store::Call call{"PUT", object_, {{"partNumber", part_number}, {"uploadId", upload_id_}},
                       {},    buffer_, what_ + " (part " + part_number + ")"};
    TARN_ASSIGN_OR_RETURN(HttpResponse response, store_->Execute(call));
    auto etag = response.headers.find("etag");
    if (etag == response.headers.end()) {
      return Status::Corruption(call.what + ": the response has no ETag");
    }
    etags_.push_back(etag->second);
    ++store_->counters_.parts;
    buffer_.clear();
    return Status::OK();
  }

  Status Complete() {
    std::string body = BuildCompleteBody(etags_);
    S3Store::Call call{"POST", object_, {{"uploadId", upload_id_}},
                       {},     body,    what_ + " (complete)"};
    TARN_ASSIGN_OR_RETURN(HttpResponse response, store_->Execute(call));
    // S3 may answer 200 and still report an error in the body.
    S3Error error = ParseS3Error(response.body);
    if (!error.code.empty()) {
      return Status::Unavailable(call.what + ": " + error.code + ": " + error.message);
    }
    ++store_->counters_.multipart_uploads;
    return Status::OK();
  }

  S3Store* store_;
  std::string object_;
  std::string what_;
  std::string buffer_;
  std::string upload_id_;
  std::vector<std::string> etags_;
  uint64_t bytes_ = 0;
  bool finished_ = false;
};

Result<std::unique_ptr<S3Store>> S3Store::Open(std::string_view uri, S3Options options) {
  if (!uri.starts_with("s3://")) {
    return Status::InvalidArgument("S3 location '" + std::string(uri) + "' must start with s3://");
  }
  std::string_view rest = uri.substr(5);
  size_t slash = rest.find('/');
  std::string bucket(rest.substr(0, slash));
  std::string prefix = slash == std::string_view::npos ? "" : std::string(rest.substr(slash + 1));
  if (!ValidBucketName(bucket)) {
    return Status::InvalidArgument("S3 location '" + std::string(uri) + "': '" + bucket +
                                   "' is not a valid bucket name");
  }
  if (!prefix.empty() && prefix.back() != '/') prefix.push_back('/');
  if (Status status = ValidatePrefix(prefix); !status.ok()) {
    return status.WithContext("S3 location '" + std::string(uri) + "'");
  }

  if (options.region.empty()) options.region = "us-east-1";
  bool aws = options.endpoint.empty();
  if (aws) options.endpoint = "https://s3." + options.region + ".amazonaws.com";
  std::string scheme;
  std::string_view endpoint = options.endpoint;
  while (endpoint.ends_with('/')) endpoint.remove_suffix(1);
  if (endpoint.starts_with("https://")) {
    scheme = "https";
  } else if (endpoint.starts_with("http://")) {
    scheme = "http";
  }
  std::string host(endpoint.substr(scheme.size() + 3));
  if (scheme.empty() || host.empty() || host.find('/') != std::string::npos) {
    return Status::InvalidArgument("S3 endpoint '" + options.endpoint +
                                   "' must look like http(s)://host[:port]");
  }
  options.endpoint = std::string(endpoint);
  if (options.credentials.access_key_id.empty() || options.credentials.secret_access_key.empty()) {
    return Status::FailedPrecondition(
        "no S3 credentials for '" + std::string(uri) +
        "': set s3.access_key_id and s3.secret_access_key in tarn.yaml, or AWS_ACCESS_KEY_ID and "
        "AWS_SECRET_ACCESS_KEY");
  }
  if (options.part_size < 1024) options.part_size = 1024;
  if (options.max_attempts < 1) options.max_attempts = 1;
  bool virtual_hosted = options.addressing == S3Addressing::kVirtual ||
                        (options.addressing == S3Addressing::kAuto && aws);
  return std::unique_ptr<S3Store>(new S3Store(std::move(options), std::move(scheme),
                                              std::move(host), std::move(bucket), std::move(prefix),
                                              virtual_hosted));
}

S3Store::S3Store(S3Options options, std::string scheme, std::string endpoint_host,
                 std::string bucket, std::string prefix, bool virtual_hosted)
    : options_(std::move(options)),
      scheme_(std::move(scheme)),
      endpoint_host_(std::move(endpoint_host)),
      bucket_(std::move(bucket)),
      prefix_(std::move(prefix)),
      virtual_hosted_(virtual_hosted),
      http_(options_.http) {}

std::string S3Store::Uri(std::string_view key) const {
  return "s3://" + bucket_ + "/" + prefix_ + std::string(key);
}

std::string S3Store::What(std::string_view method, std::string_view key) const {
  return "S3 " + std::string(method) + " " + Uri(key);
}

std::string S3Store::Host() const {
  return virtual_hosted_ ? bucket_ + "." + endpoint_host_ : endpoint_host_;
}

std::string S3Store::EncodedPath(std::string_view object) const {
  std::string path = virtual_hosted_ ? "/" : "/" + bucket_;
  if (!object.empty()) {
    if (!virtual_hosted_) path += "/";
    path += UriEncode(object, /*keep_slash=*/true);
  }
  return path;
}

Status S3Store::ErrorFromResponse(const Call& call, const HttpResponse& response) const {
  S3Error error = ParseS3Error(response.body);
  std::string detail = error.code.empty()
                           ? "HTTP " + std::to_string(response.status)
                           : error.code + (error.message.empty() ? "" : ": " + error.message);
  switch (response.status) {
    case 403:
      return Status::PermissionDenied(call.what + ": access denied (" + detail + ")");
    case 404:
      if (error.code == "NoSuchBucket") {
        return Status::NotFound(call.what + ": bucket '" + bucket_ + "' does not exist");
      }
      return Status::NotFound(call.what + ": not found (" + detail + ")");
    case 409:
      return Status::Aborted(call.what + ": conflict (" + detail + ")");
    case 412:
      return Status::FailedPrecondition(call.what + ": precondition failed (" + detail + ")");
    default:
      break;
  }
  if (response.status >= 500 || response.status == 429) {
    return Status::Unavailable(call.what + ": server error (" + detail + ")");
  }
  return Status::InvalidArgument(call.what + ": request refused (" + detail + ")");
}

Result<HttpResponse> S3Store::Execute(const Call& call, std::initializer_list<long> pass) {
  std::string url = scheme_ + "://" + Host() + EncodedPath(call.object);
  if (!call.query.empty()) url += "?" + CanonicalQueryString(call.query);
  std::string payload_hash = call.body.empty() ? kEmptySha256 : Sha256Hex(call.body);
  Status last;
  for (int attempt = 1;; ++attempt) {
    SignedRequestParts parts{call.method, Host(),       EncodedPath(call.object),
                             call.query,  call.headers, payload_hash};
    HttpRequest request{
        call.method, url,
        SignRequest(parts, options_.credentials, options_.region, options_.clock->NowMicros()),
        call.body};
    ++counters_.requests;
    if (attempt > 1) ++counters_.retries;
    Result<HttpResponse> response = http_.Send(request);
    bool retry = true;
    if (!response.ok()) {
      last =
          Status(response.status().code(), "cannot reach S3 endpoint " + options_.endpoint + " (" +
                                               call.what + "): " + response.status().message());
    } else {
      long status = response->status;
      if ((status >= 200 && status < 300) ||
          std::find(pass.begin(), pass.end(), status) != pass.end()) {
        return response;
      }
      last = ErrorFromResponse(call, *response);
      retry = IsRetryable(status, ParseS3Error(response->body));
    }
    if (!retry) return last;
    if (attempt >= options_.max_attempts) {
      return Status(last.code(), last.message() + "; gave up after " + std::to_string(attempt) +
                                     (attempt == 1 ? " attempt" : " attempts"));
    }
    int64_t cap = std::min(options_.retry_max_delay_ms,
                           options_.retry_base_delay_ms << std::min(attempt - 1, 20));
    int64_t delay_ms =
        cap > 0 ? static_cast<int64_t>(RandomU64() % static_cast<uint64_t>(cap + 1)) : 0;
    spdlog::debug("{} failed ({}); retry {} in {} ms", call.what, last.ToString(), attempt,
                  delay_ms);
    options_.clock->SleepForMicros(delay_ms * 1000);
  }
}

Result<ObjectInfo> S3Store::Stat(std::string_view key) {
  TARN_RETURN_IF_ERROR(ValidateKey(key));
  Call call{"HEAD", prefix_ + std::string(key), {}, {}, {}, What("HEAD", key)};
  TARN_ASSIGN_OR_RETURN(HttpResponse response, Execute(call, {404}));
  if (response.status == 404) return NotFoundError(Uri(key));
  ObjectInfo info{std::string(key), 0, 0, response.headers["etag"]};
  info.size = std::strtoull(response.headers["content-length"].c_str(), nullptr, 10);
  Result<int64_t> modified = ParseHttpDate(response.headers["last-modified"]);
  info.modified_micros = modified.ok() ? *modified : 0;
  return info;
}

Result<std::string> S3Store::ReadRange(std::string_view key, uint64_t offset, uint64_t length) {
  TARN_RETURN_IF_ERROR(ValidateKey(key));
  if (length == 0) {
    TARN_RETURN_IF_ERROR(Stat(key).status());
    return std::string();
  }
  Call call{"GET", prefix_ + std::string(key), {}, {}, {}, What("GET", key)};
  bool ranged = offset > 0 || length != kToEnd;
  if (ranged) {
    std::string range = "bytes=" + std::to_string(offset) + "-";
    if (length != kToEnd && offset + length > offset) range += std::to_string(offset + length - 1);
    call.headers.emplace_back("range", range);
  }
  TARN_ASSIGN_OR_RETURN(HttpResponse response, Execute(call, {404, 416}));
  if (response.status == 404) return NotFoundError(Uri(key));
  if (response.status == 416) return std::string();  // the range starts at or past the end
  if (ranged && response.status == 200) {
    // The server ignored the Range header and sent everything: cut the range ourselves.
    if (offset >= response.body.size()) return std::string();
    return response.body.substr(offset, std::min<uint64_t>(length, response.body.size() - offset));
  }
  return std::move(response.body);
}

Status S3Store::PutOnce(const std::string& object, std::string_view data, HttpHeaders headers,
                        const std::string& what) {
  Call call{"PUT", object, {}, std::move(headers), data, what};
  return Execute(call).status();
}

Status S3Store::Put(std::string_view key, std::string_view data) {
  TARN_RETURN_IF_ERROR(ValidateKey(key));
  if (data.size() <= options_.part_size) {
    return PutOnce(prefix_ + std::string(key), data, {}, What("PUT", key));
  }
  S3Writer writer(this, prefix_ + std::string(key), What("PUT", key));
  TARN_RETURN_IF_ERROR(writer.Append(data));
  return writer.Close();
}

Status S3Store::PutIfAbsent(std::string_view key, std::string_view data) {
  // If-None-Match makes this atomic on servers that honour it (AWS S3 does); the HEAD first
  // gives the right answer on servers that ignore the header, without the atomicity.
  Result<ObjectInfo> existing = Stat(key);
  if (existing.ok()) return AlreadyExistsError(Uri(key));
  if (!existing.status().IsNotFound()) return existing.status();
  Call call{"PUT",           prefix_ + std::string(key), {}, {{"if-none-match", "*"}}, data,
            What("PUT", key)};
  TARN_ASSIGN_OR_RETURN(HttpResponse response, Execute(call, {412}));
  if (response.status == 412) return AlreadyExistsError(Uri(key));
  return Status::OK();
}

Result<std::unique_ptr<ObjectWriter>> S3Store::OpenWriter(std::string_view key) {
  TARN_RETURN_IF_ERROR(ValidateKey(key));
  return std::unique_ptr<ObjectWriter>(
      std::make_unique<S3Writer>(this, prefix_ + std::string(key), What("PUT", key)));
}

Result<ListPage> S3Store::List(std::string_view prefix, std::string_view page_token, int max_keys) {
  TARN_RETURN_IF_ERROR(ValidatePrefix(prefix));
  Call call{"GET",
            "",
            {{"list-type", "2"},
             {"encoding-type", "url"},
             {"prefix", prefix_ + std::string(prefix)},
             {"max-keys", std::to_string(ClampMaxKeys(max_keys))}},
            {},
            {},
            "S3 LIST " + Uri(prefix)};
  if (!page_token.empty()) call.query.emplace_back("continuation-token", std::string(page_token));
  TARN_ASSIGN_OR_RETURN(HttpResponse response, Execute(call));
  Result<S3ListResult> parsed = ParseListObjectsV2(response.body);
  if (!parsed.ok()) return parsed.status().WithContext(call.what);
  ListPage page;
  for (ObjectInfo& info : parsed->objects) {
    if (!info.key.starts_with(prefix_)) continue;
    info.key.erase(0, prefix_.size());
    page.objects.push_back(std::move(info));
  }
  if (parsed->truncated) page.next_page_token = parsed->next_continuation_token;
  return page;
}

Status S3Store::Delete(std::string_view key) {
  TARN_RETURN_IF_ERROR(ValidateKey(key));
  Call call{"DELETE", prefix_ + std::string(key), {}, {}, {}, What("DELETE", key)};
  return Execute(call, {404}).status();
}

Status S3Store::DeleteMany(const std::vector<std::string>& keys) {
  for (const std::string& key : keys) TARN_RETURN_IF_ERROR(ValidateKey(key));
  for (size_t start = 0; start < keys.size(); start += kMaxDeleteBatch) {
    std::vector<std::string> batch;
    for (size_t i = start; i < std::min(keys.size(), start + kMaxDeleteBatch); ++i) {
      batch.push_back(prefix_ + keys[i]);
    }
    std::string body = BuildDeleteBody(batch);
    Call call{"POST",
              "",
              {{"delete", ""}},
              {{"content-md5", Base64Encode(std::string_view(
                                   reinterpret_cast<const char*>(Md5(body).data()), 16))}},
              body,
              "S3 DELETE " + std::to_string(batch.size()) + " objects under " + Uri("")};
    TARN_ASSIGN_OR_RETURN(HttpResponse response, Execute(call));
    Result<std::vector<std::string>> failed = ParseDeleteErrors(response.body);
    if (!failed.ok()) return failed.status().WithContext(call.what);
    if (!failed->empty()) {
      return Status::Unavailable(call.what + ": " + std::to_string(failed->size()) +
                                 " could not be deleted, first " + failed->front());
    }
  }
  return Status::OK();
}

Result<std::string> S3Store::PresignGet(std::string_view key, int64_t expires_seconds) {
  TARN_RETURN_IF_ERROR(ValidateKey(key));
  if (expires_seconds < 1 || expires_seconds > kMaxPresignSeconds) {
    return Status::InvalidArgument("presigned URL expiry of " + std::to_string(expires_seconds) +
                                   " s is outside 1 s to 7 days");
  }
  std::string path = EncodedPath(prefix_ + std::string(key));
  return scheme_ + "://" + Host() + path + "?" +
         PresignQuery("GET", Host(), path, options_.credentials, options_.region,
                      options_.clock->NowMicros(), expires_seconds);
}

}  // namespace tarn
