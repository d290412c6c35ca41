// The XML bodies of the S3 REST API that the store reads and writes. Internal to store/.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/object_store.h"

namespace tarn {

struct S3Error {
  std::string code;     // "NoSuchKey", "SignatureDoesNotMatch", ...; empty if the body had none
  std::string message;  // the server's explanation
};

// Reads <Error><Code/><Message/></Error>; an empty or foreign body gives an empty S3Error.
S3Error ParseS3Error(std::string_view body);

struct S3ListResult {
  std::vector<ObjectInfo> objects;  // keys as the server sent them (with the store prefix)
  std::string next_continuation_token;
  bool truncated = false;
};
// Decodes %XX escapes and '+' (as S3 encodes keys under encoding-type=url).
Result<std::string> UrlDecode(std::string_view text);

// ListObjectsV2's <ListBucketResult>, decoding keys when it says <EncodingType>url.
// kCorruption when the body is not one.
Result<S3ListResult> ParseListObjectsV2(std::string_view body);

// InitiateMultipartUpload's <UploadId>. kCorruption when missing.
Result<std::string> ParseUploadId(std::string_view body);

// DeleteObjects: the request body, and the keys the server failed to delete ("key (Code)").
std::string BuildDeleteBody(const std::vector<std::string>& keys);
Result<std::vector<std::string>> ParseDeleteErrors(std::string_view body);

// CompleteMultipartUpload: the request body listing parts 1..N with their ETags.
std::string BuildCompleteBody(const std::vector<std::string>& etags);

}  // namespace tarn
