// How the S3 store retries, gives up and times out, against scripted HTTP responses.
#include "base/clock.h"
#include "canned_http_server.h"
#include "status_matchers.h"
#include "store/s3/s3_store.h"

namespace tarn::testing {
namespace {

using ::testing::HasSubstr;

std::string ErrorBody(const std::string& code, const std::string& message) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>" +
         message + "</Message></Error>";
}

class S3RetryTest : public ::testing::Test {
 protected:
  std::unique_ptr<S3Store> Open(int max_attempts = 4) {
    S3Options options;
    options.endpoint = server_.endpoint();
    options.addressing = S3Addressing::kPath;
    options.credentials = {"AKID", Secret("secret"), Secret()};
    options.max_attempts = max_attempts;
    options.clock = &clock_;
    options.http.stall_timeout_ms = 1000;
    return std::move(S3Store::Open("s3://bucket", options)).value();
  }
  CannedHttpServer server_;
  ManualClock clock_{1'700'000'000'000'000};
};

TEST_F(S3RetryTest, ServerErrorsAndThrottlingAreRetriedUntilSuccess) {
  server_.Push({503, ErrorBody("SlowDown", "Reduce your request rate.")});
  server_.Push({500, ErrorBody("InternalError", "We encountered an internal error.")});
  server_.Push({429, ""});
  server_.Push({200, "payload"});
  auto store = Open();
  EXPECT_EQ(store->Get("k").value_or("?"), "payload");
  EXPECT_EQ(server_.requests(), 4);
  EXPECT_EQ(store->counters().retries.load(), 3);
  // Full jitter: each wait is at most 100 ms, 200 ms, 400 ms.
  EXPECT_LE(clock_.slept_micros(), 700'000);
}

TEST_F(S3RetryTest, GivesUpAfterMaxAttemptsNamingTheLastError) {
  server_.Push({503, ErrorBody("SlowDown", "Reduce your request rate.")});
  auto store = Open(3);
  EXPECT_THAT(store->Get("k"),
              StatusIs(StatusCode::kUnavailable,
                       "S3 GET s3://bucket/k: server error (SlowDown: Reduce your request rate.); "
                       "gave up after 3 attempts"));
  EXPECT_EQ(server_.requests(), 3);
}

TEST_F(S3RetryTest, ClientErrorsAreNotRetried) {
  server_.Push({400, ErrorBody("InvalidArgument", "Bad part number")});
  auto store = Open();
  EXPECT_THAT(store->Put("k", "v"),
              StatusIs(StatusCode::kInvalidArgument,
                       "S3 PUT s3://bucket/k: request refused (InvalidArgument: Bad part number)"));
  EXPECT_EQ(server_.requests(), 1);
  EXPECT_EQ(clock_.slept_micros(), 0);
}

TEST_F(S3RetryTest, StalledTransferIsDeadlineExceeded) {
  server_.Push({200, "", /*stall=*/true});
  auto store = Open(1);
  EXPECT_THAT(store->Get("k"),
              StatusIs(StatusCode::kDeadlineExceeded,
                       HasSubstr("cannot reach S3 endpoint " + server_.endpoint())));
}

class S3MultipartFailureTest : public S3RetryTest {
 protected:
  std::unique_ptr<S3Store> OpenSmallParts() {
    S3Options options;
    options.endpoint = server_.endpoint();
    options.addressing = S3Addressing::kPath;
    options.credentials = {"AKID", Secret("secret"), Secret()};
    options.part_size = 1024;
    options.max_attempts = 1;
    options.clock = &clock_;
    return std::move(S3Store::Open("s3://bucket", options)).value();
  }
  const CannedResponse kStarted{200,
                                "<InitiateMultipartUploadResult><UploadId>u1</UploadId>"
                                "</InitiateMultipartUploadResult>"};
};

TEST_F(S3MultipartFailureTest, ErrorInsideA200CompleteIsAFailureAndAborts) {
  auto store = OpenSmallParts();
  server_.Push(kStarted);
  server_.Push({200, "", false, "ETag: \"p1\"\r\n"});
  server_.Push({200, "", false, "ETag: \"p2\"\r\n"});
  server_.Push({200, ErrorBody("InternalError", "Please try again.")});  // complete
  server_.Push({204, ""});                                               // abort
  EXPECT_THAT(store->Put("big", std::string(2048, 'x')),
              StatusIs(StatusCode::kUnavailable,
                       "S3 PUT s3://bucket/big (complete): InternalError: Please try again."));
  EXPECT_EQ(server_.requests(), 5);
  EXPECT_EQ(store->counters().multipart_uploads.load(), 0);
}

TEST_F(S3MultipartFailureTest, PartWithoutETagAbortsTheUpload) {
  auto store = OpenSmallParts();
  server_.Push(kStarted);
  server_.Push({200, ""});  // part 1, without an ETag header
  server_.Push({204, ""});  // abort
  EXPECT_THAT(store->Put("big", std::string(2048, 'x')),
              StatusIs(StatusCode::kCorruption, HasSubstr("the response has no ETag")));
  EXPECT_EQ(server_.requests(), 3);  // start, part, abort
}

}  // namespace
}  // namespace tarn::testing
