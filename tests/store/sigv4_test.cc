#include "store/s3/sigv4.h"

#include <gtest/gtest.h>

#include "base/hash.h"
#include "base/time_util.h"
#include "store/s3/s3_xml.h"

namespace tarn::testing {
namespace {

// The example credentials and time of AWS's "Signature Calculations for the Authorization
// Header" and "Authenticating Requests: Using Query Parameters" pages.
AwsCredentials ExampleCredentials() {
  return {"AKIAIOSFODNN7EXAMPLE", Secret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), Secret()};
}
int64_t ExampleTime() { return ParseIso8601("2013-05-24T00:00:00Z").value(); }

std::string Header(const HttpHeaders& headers, const std::string& name) {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return "";
}

TEST(SigV4Test, MatchesAwsGetObjectExample) {
  SignedRequestParts request{"GET", "examplebucket.s3.amazonaws.com", "/test.txt",
                             {},    {{"range", "bytes=0-9"}},         Sha256Hex("")};
  HttpHeaders headers = SignRequest(request, ExampleCredentials(), "us-east-1", ExampleTime());
  EXPECT_EQ(Header(headers, "authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  EXPECT_EQ(Header(headers, "x-amz-date"), "20130524T000000Z");
}

TEST(SigV4Test, MatchesAwsPresignedUrlExample) {
  std::string query = PresignQuery("GET", "examplebucket.s3.amazonaws.com", "/test.txt",
                                   ExampleCredentials(), "us-east-1", ExampleTime(), 86400);
  EXPECT_EQ(query,
            "X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
            "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
            "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
}

TEST(SigV4Test, SessionTokenIsSentAndSigned) {
  AwsCredentials credentials = ExampleCredentials();
  credentials.session_token = Secret("token/with+chars");
  SignedRequestParts request{"GET", "h", "/k", {}, {}, Sha256Hex("")};
  HttpHeaders headers = SignRequest(request, credentials, "us-east-1", ExampleTime());
  EXPECT_EQ(Header(headers, "x-amz-security-token"), "token/with+chars");
  EXPECT_NE(Header(headers, "authorization").find("x-amz-security-token"), std::string::npos);
}

TEST(SigV4Test, EncodesPathsAndQueriesTheS3Way) {
  EXPECT_EQ(UriEncode("a b/ü+%~._-", true), "a%20b/%C3%BC%2B%25~._-");
  EXPECT_EQ(UriEncode("a/b", false), "a%2Fb");
  EXPECT_EQ(CanonicalQueryString({{"prefix", "x y"}, {"list-type", "2"}, {"delete", ""}}),
            "delete=&list-type=2&prefix=x%20y");
}

TEST(S3XmlTest, ParsesListResultsAndErrors) {
  auto list = ParseListObjectsV2(
      "<?xml version=\"1.0\"?><ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<IsTruncated>true</IsTruncated><NextContinuationToken>tok</NextContinuationToken>"
      "<Contents><Key>a&amp;b</Key><Size>12</Size><LastModified>2020-01-02T03:04:05.000Z"
      "</LastModified><ETag>\"e\"</ETag></Contents></ListBucketResult>");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->objects.size(), 1u);
  EXPECT_EQ(list->objects[0].key, "a&b");
  EXPECT_EQ(list->objects[0].size, 12u);
  EXPECT_EQ(list->objects[0].modified_micros, ParseIso8601("2020-01-02T03:04:05Z").value());
  EXPECT_TRUE(list->truncated);
  EXPECT_EQ(list->next_continuation_token, "tok");

  EXPECT_EQ(ParseListObjectsV2("<html>oops</html>").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(ParseListObjectsV2("<ListBucketResult><IsTruncated>true</IsTruncated>"
                               "</ListBucketResult>")
                .status()
                .code(),
            StatusCode::kCorruption);

  S3Error error = ParseS3Error("<Error><Code>NoSuchKey</Code><Message>gone</Message></Error>");
  EXPECT_EQ(error.code, "NoSuchKey");
  EXPECT_EQ(error.message, "gone");
  EXPECT_EQ(ParseS3Error("not xml").code, "");
  EXPECT_EQ(ParseUploadId("<x/>").status().code(), StatusCode::kCorruption);
}

TEST(S3XmlTest, DecodesUrlEncodedListings) {
  auto list = ParseListObjectsV2(
      "<ListBucketResult><EncodingType>url</EncodingType><IsTruncated>false</IsTruncated>"
      "<Contents><Key>a%26b+c%2Fd%27</Key><Size>1</Size></Contents></ListBucketResult>");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_EQ(list->objects[0].key, "a&b c/d'");
  EXPECT_EQ(ParseListObjectsV2("<ListBucketResult><EncodingType>url</EncodingType>"
                               "<Contents><Key>bad%zz</Key></Contents></ListBucketResult>")
                .status()
                .code(),
            StatusCode::kCorruption);
}

TEST(S3XmlTest, EscapesKeysInRequestBodies) {
  EXPECT_EQ(BuildDeleteBody({"a<b>&'\""}),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete><Quiet>true</Quiet>"
            "<Object><Key>a&lt;b&gt;&amp;&apos;&quot;</Key></Object></Delete>");
  auto failed = ParseDeleteErrors(
      "<DeleteResult><Error><Key>k</Key><Code>AccessDenied</Code></Error></DeleteResult>");
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(*failed, std::vector<std::string>{"k (AccessDenied)"});
}

}  // namespace
}  // namespace tarn::testing
