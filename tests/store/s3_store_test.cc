// The S3 store against a real, signature-checking S3 server on loopback (s3rver).
#include "store/s3/s3_store.h"

#include <atomic>

#include "base/clock.h"
#include "object_store_conformance.h"
#include "s3_server.h"
#include "server_environment.h"
#include "status_matchers.h"
#include "store/s3/http_client.h"
#include "subprocess.h"

namespace tarn::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

const auto* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new ServerEnvironment<S3Server>);
S3Server* Server() { return ServerEnvironment<S3Server>::server(); }

// Every store gets a fresh prefix in the shared bucket, so tests never see each other's keys.
std::string FreshLocation() {
  static std::atomic<int> counter{0};
  return std::string("s3://") + S3Server::kBucket + "/t" + std::to_string(++counter);
}

std::shared_ptr<ObjectStore> MakeS3(S3Addressing addressing) {
  S3Options options = Server()->Options();
  options.addressing = addressing;
  if (addressing == S3Addressing::kVirtual) {
    // BUCKET.s3.localhost resolves to loopback; s3rver treats it as a virtual-hosted request.
    options.endpoint = "http://s3.localhost:" + std::to_string(Server()->port());
  }
  return std::move(S3Store::Open(FreshLocation(), options)).value();
}

// Path-style only: s3rver checks V4 signatures of virtual-hosted requests against a canonical
// URI with the bucket prepended (the V2 rule), so a correct V4 signature fails there. Our
// virtual-hosted signing is checked against AWS's own (virtual-hosted) example in sigv4_test.
INSTANTIATE_TEST_SUITE_P(S3, ObjectStoreConformance,
                         ::testing::Values(StoreFactory{
                             "PathStyle", [] { return MakeS3(S3Addressing::kPath); }}),
                         FactoryName);

TEST(S3StoreTest, AddressingPutsTheBucketInThePathOrTheHost) {
  auto path = MakeS3(S3Addressing::kPath);
  auto vhost = MakeS3(S3Addressing::kVirtual);
  std::string port = std::to_string(Server()->port());
  EXPECT_THAT(path->PresignGet("a b.txt", 60).value_or(""),
              StartsWith("http://127.0.0.1:" + port + "/tarn-test/t"));
  EXPECT_THAT(vhost->PresignGet("a b.txt", 60).value_or(""),
              StartsWith("http://tarn-test.s3.localhost:" + port + "/t"));
  EXPECT_THAT(vhost->PresignGet("a b.txt", 60).value_or(""), HasSubstr("/a%20b.txt?X-Amz-"));
}

TEST(S3StoreTest, WrongSecretIsPermissionDeniedNamingCodeAndKey) {
  S3Options options = Server()->Options();
  options.credentials.secret_access_key = Secret("not-the-secret");
  TARN_ASSERT_OK_AND_ASSIGN(auto store, S3Store::Open("s3://tarn-test/wrong", options));
  EXPECT_THAT(store->Put("k.txt", "x"),
              StatusIs(StatusCode::kPermissionDenied,
                       StartsWith("S3 PUT s3://tarn-test/wrong/k.txt: access denied "
                                  "(SignatureDoesNotMatch: ")));
  EXPECT_THAT(store->Stat("k.txt"),
              StatusIs(StatusCode::kPermissionDenied,
                       "S3 HEAD s3://tarn-test/wrong/k.txt: access denied (HTTP 403)"));
}

TEST(S3StoreTest, UnreachableEndpointIsUnavailableAfterRetries) {
  S3Options options = Server()->Options();
  int port = FreePort();
  options.endpoint = "http://127.0.0.1:" + std::to_string(port);
  options.max_attempts = 3;
  ManualClock clock(1'700'000'000'000'000);
  options.clock = &clock;
  TARN_ASSERT_OK_AND_ASSIGN(auto store, S3Store::Open("s3://tarn-test", options));
  EXPECT_THAT(store->Get("k"),
              StatusIs(StatusCode::kUnavailable,
                       "cannot reach S3 endpoint http://127.0.0.1:" + std::to_string(port) +
                           " (S3 GET s3://tarn-test/k): Couldn't connect to server; gave up "
                           "after 3 attempts"));
  EXPECT_LE(clock.slept_micros(), (10 + 20) * 1000);  // full jitter below 10 ms, then 20 ms
  EXPECT_EQ(store->counters().requests.load(), 3);
  EXPECT_EQ(store->counters().retries.load(), 2);
}

TEST(S3StoreTest, MissingBucketIsNotFound) {
  TARN_ASSERT_OK_AND_ASSIGN(auto store, S3Store::Open("s3://no-such-bucket", Server()->Options()));
  EXPECT_THAT(store->Put("k", "v"), StatusIs(StatusCode::kNotFound,
                                             "S3 PUT s3://no-such-bucket/k: bucket "
                                             "'no-such-bucket' does not exist"));
}

TEST(S3StoreTest, LargeObjectsGoUpInParts) {
  S3Options options = Server()->Options();
  options.part_size = 5 << 20;
  TARN_ASSERT_OK_AND_ASSIGN(auto store, S3Store::Open(FreshLocation(), options));
  std::string data(12 << 20, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i % 251);
  TARN_ASSERT_OK(store->Put("multi.bin", data));
  TARN_ASSERT_OK_AND_ASSIGN(ObjectInfo info, store->Stat("multi.bin"));
  EXPECT_EQ(info.size, data.size());
  EXPECT_EQ(store->counters().multipart_uploads.load(), 1);
  EXPECT_EQ(store->counters().parts.load(), 3);  // 5 + 5 + 2 MiB
  TARN_ASSERT_OK_AND_ASSIGN(std::string back, store->ReadRange("multi.bin", (5 << 20) - 3, 6));
  EXPECT_EQ(back, data.substr((5 << 20) - 3, 6));
}

TEST(S3StoreTest, AbortedMultipartUploadLeavesNothing) {
  S3Options options = Server()->Options();
  options.part_size = 5 << 20;
  TARN_ASSERT_OK_AND_ASSIGN(auto store, S3Store::Open(FreshLocation(), options));
  TARN_ASSERT_OK_AND_ASSIGN(auto writer, store->OpenWriter("aborted.bin"));
  TARN_ASSERT_OK(writer->Append(std::string(6 << 20, 'x')));  // one part already uploaded
  EXPECT_EQ(store->counters().parts.load(), 1);
  writer->Abort();
  EXPECT_THAT(store->Stat("aborted.bin"), StatusIs(StatusCode::kNotFound));
  EXPECT_EQ(store->counters().multipart_uploads.load(), 0);
}

TEST(S3StoreTest, PresignedUrlGrantsAccessUntilItExpires) {
  S3Options options = Server()->Options();
  ManualClock clock(Clock::Real()->NowMicros());
  options.clock = &clock;
  TARN_ASSERT_OK_AND_ASSIGN(auto store, S3Store::Open(FreshLocation(), options));
  TARN_ASSERT_OK(store->Put("report.csv", "a,b\n1,2\n"));
  HttpClient http(HttpOptions{});

  TARN_ASSERT_OK_AND_ASSIGN(std::string url, store->PresignGet("report.csv", 300));
  TARN_ASSERT_OK_AND_ASSIGN(HttpResponse ok, http.Send({"GET", url, {}, {}}));
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "a,b\n1,2\n");

  std::string forged = url.substr(0, url.size() - 4) + (url.ends_with("0000") ? "1111" : "0000");
  TARN_ASSERT_OK_AND_ASSIGN(HttpResponse bad, http.Send({"GET", forged, {}, {}}));
  EXPECT_EQ(bad.status, 403);

  clock.Advance(int64_t{-3600} * 1'000'000);  // signed an hour ago, valid for a minute
  TARN_ASSERT_OK_AND_ASSIGN(std::string stale, store->PresignGet("report.csv", 60));
  TARN_ASSERT_OK_AND_ASSIGN(HttpResponse expired, http.Send({"GET", stale, {}, {}}));
  EXPECT_EQ(expired.status, 403);

  EXPECT_THAT(store->PresignGet("report.csv", 8 * 24 * 3600),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("7 days")));
}

TEST(S3StoreTest, OpenValidatesLocationEndpointAndCredentials) {
  S3Options options = Server()->Options();
  EXPECT_THAT(S3Store::Open("s3://Bad_Bucket", options),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("not a valid bucket name")));
  EXPECT_THAT(S3Store::Open("s3://ok-bucket/../x", options),
              StatusIs(StatusCode::kInvalidArgument));
  options.endpoint = "ftp://host";
  EXPECT_THAT(S3Store::Open("s3://ok-bucket", options),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("http(s)://host[:port]")));
  options = Server()->Options();
  options.credentials = {};
  EXPECT_THAT(S3Store::Open("s3://ok-bucket", options),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("AWS_ACCESS_KEY_ID")));
}

}  // namespace
}  // namespace tarn::testing
