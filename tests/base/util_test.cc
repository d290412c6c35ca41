// Hashing, time formats, randomness, the clock, logging setup and ParallelFor.
#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "base/clock.h"
#include "base/hash.h"
#include "base/logging.h"
#include "base/parallel.h"
#include "base/random.h"
#include "base/time_util.h"
#include "status_matchers.h"

namespace tarn::testing {
namespace {

TEST(HashTest, KnownDigests) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // RFC 4231 test case 2.
  EXPECT_EQ(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(HexEncode(Md5("")), "d41d8cd98f00b204e9800998ecf8427e");
}

TEST(HashTest, Base64FollowsRfc4648) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
}

TEST(TimeTest, FormatsAndParsesUtc) {
  int64_t t = ParseIso8601("2026-11-21T10:04:05.123Z").value();
  EXPECT_EQ(t, int64_t{1795255445} * 1000000 + 123000);
  EXPECT_EQ(FormatIso8601(t), "2026-11-21T10:04:05.123Z");
  EXPECT_EQ(FormatUtc(t, "%Y%m%dT%H%M%SZ"), "20261121T100405Z");
  EXPECT_EQ(ParseHttpDate("Sat, 21 Nov 2026 10:04:05 GMT").value(), int64_t{1795255445} * 1000000);
  EXPECT_THAT(ParseIso8601("yesterday"), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseIso8601("2026-11-21T10:04:05+02:00"), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_EQ(FormatIso8601(-1000), "1969-12-31T23:59:59.999Z");
}

TEST(TimeTest, DurationsHaveOneUnit) {
  EXPECT_EQ(ParseDuration("90s").value(), 90000000);
  EXPECT_EQ(ParseDuration("15m").value(), int64_t{15} * 60 * 1000000);
  EXPECT_EQ(ParseDuration("1d").value(), int64_t{86400} * 1000000);
  EXPECT_EQ(ParseDuration("2w").value(), int64_t{14} * 86400 * 1000000);
  EXPECT_EQ(ParseDuration("0s").value(), 0);
  for (const char* bad : {"", "s", "1", "1.5h", "-1d", "1x", "99999999999999999d", "1 d"}) {
    EXPECT_THAT(ParseDuration(bad),
                StatusIs(StatusCode::kInvalidArgument, ::testing::HasSubstr("is not a duration")))
        << bad;
  }
  EXPECT_EQ(FormatDuration(int64_t{86400} * 1000000), "1d");
  EXPECT_EQ(FormatDuration(int64_t{90} * 1000000), "90s");
  EXPECT_EQ(FormatDuration(int64_t{36} * 3600 * 1000000), "36h");
}

TEST(RandomTest, UuidsAreVersion4AndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string id = RandomUuid();
    ASSERT_EQ(id.size(), 36u);
    EXPECT_EQ(id[14], '4');
    EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos);
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 100u);
  EXPECT_EQ(RandomHex(5).size(), 10u);
}

TEST(ClockTest, ManualClockMovesOnlyWhenTold) {
  ManualClock clock(1000);
  EXPECT_EQ(clock.NowMicros(), 1000);
  clock.SleepForMicros(500);
  clock.Advance(100);
  EXPECT_EQ(clock.NowMicros(), 1600);
  EXPECT_EQ(clock.slept_micros(), 500);
  EXPECT_GT(Clock::Real()->NowMillis(), int64_t{1'600'000'000'000});
}

TEST(LoggingTest, RejectsUnknownLevelsAndFormats) {
  TARN_EXPECT_OK(ConfigureLogging("debug", "json"));
  TARN_EXPECT_OK(ConfigureLogging("info", "text"));
  EXPECT_THAT(ConfigureLogging("loud", "text"),
              StatusIs(StatusCode::kInvalidArgument,
                       "log level 'loud' is not one of trace, debug, info, warn, error, off"));
  EXPECT_THAT(ConfigureLogging("info", "xml"),
              StatusIs(StatusCode::kInvalidArgument, "log format 'xml' is not one of text, json"));
}

TEST(ParallelForTest, RunsEachPieceOnceOnSeveralThreads) {
  std::vector<std::atomic<int>> calls(1000);
  std::mutex mu;
  std::set<std::thread::id> threads;
  TARN_ASSERT_OK(ParallelFor(calls.size(), 4, [&](size_t i) {
    ++calls[i];
    std::lock_guard<std::mutex> lock(mu);
    threads.insert(std::this_thread::get_id());
    return Status::OK();
  }));
  for (const std::atomic<int>& c : calls) EXPECT_EQ(c.load(), 1);
  EXPECT_LE(threads.size(), 4u);
  TARN_EXPECT_OK(ParallelFor(0, 4, [](size_t) { return Status::Internal("never called"); }));
}

TEST(ParallelForTest, StopsAfterAFailureAndReportsTheLowestIndex) {
  std::atomic<int> started{0};
  Status status = ParallelFor(10000, 3, [&](size_t i) {
    ++started;
    if (i == 5 || i == 6) return Status::InvalidArgument("piece " + std::to_string(i));
    return Status::OK();
  });
  EXPECT_THAT(status, StatusIs(StatusCode::kInvalidArgument, "piece 5"));
  EXPECT_LT(started.load(), 10000);
}

}  // namespace
}  // namespace tarn::testing
