#include "store/fault_injecting_store.h"

#include "base/clock.h"
#include "status_matchers.h"
#include "store/memory_store.h"

namespace tarn::testing {
namespace {

using ::testing::HasSubstr;

class FaultInjectingStoreTest : public ::testing::Test {
 protected:
  std::shared_ptr<MemoryStore> base_ = std::make_shared<MemoryStore>();
  ManualClock clock_{1'700'000'000'000'000};
  FaultInjectingStore store_{base_, /*seed=*/1234, &clock_};
};

TEST_F(FaultInjectingStoreTest, FailsExactlyTheNthCallBeforeItRuns) {
  store_.FailNth(StoreOp::kPut, 2);
  TARN_EXPECT_OK(store_.Put("a", "1"));
  EXPECT_THAT(store_.Put("b", "2"),
              StatusIs(StatusCode::kUnavailable, HasSubstr("injected fault on put call 2 ('b')")));
  TARN_EXPECT_OK(store_.Put("c", "3"));
  EXPECT_THAT(base_->Stat("b"), StatusIs(StatusCode::kNotFound));
  EXPECT_EQ(store_.calls(StoreOp::kPut), 3);
}

TEST_F(FaultInjectingStoreTest, FailAfterAppliesTheCallThenReportsFailure) {
  store_.FailNth(StoreOp::kPut, 1, FaultTiming::kAfter, StatusCode::kDeadlineExceeded);
  EXPECT_THAT(store_.Put("k", "v"), StatusIs(StatusCode::kDeadlineExceeded));
  EXPECT_EQ(base_->Get("k").value_or("?"), "v");  // the lost acknowledgement case
}

TEST_F(FaultInjectingStoreTest, OneInNIsReplayableFromTheSeed) {
  auto pattern = [](uint64_t seed) {
    auto base = std::make_shared<MemoryStore>();
    FaultInjectingStore store(base, seed);
    store.FailOneIn(StoreOp::kRead, 3);
    TARN_EXPECT_OK(base->Put("k", "v"));
    std::string failures;
    for (int i = 0; i < 60; ++i) failures += store.Get("k").ok() ? '.' : 'x';
    return failures;
  };
  std::string first = pattern(99);
  EXPECT_EQ(first, pattern(99));
  EXPECT_NE(first.find('x'), std::string::npos);
  EXPECT_NE(first.find('.'), std::string::npos);
  EXPECT_NE(first, pattern(100));
}

TEST_F(FaultInjectingStoreTest, LatencyWaitsOnTheClock) {
  store_.AddLatency(StoreOp::kStat, 2500);
  TARN_ASSERT_OK(base_->Put("k", "v"));
  TARN_EXPECT_OK(store_.Stat("k"));
  TARN_EXPECT_OK(store_.Stat("k"));
  EXPECT_EQ(clock_.slept_micros(), 5000);
}

TEST_F(FaultInjectingStoreTest, CrashDropsUnfinishedWritesAndFailsUntilRestart) {
  TARN_ASSERT_OK_AND_ASSIGN(auto writer, store_.OpenWriter("big"));
  TARN_ASSERT_OK(writer->Append("part one"));
  store_.Crash();
  EXPECT_THAT(writer->Append("part two"), StatusIs(StatusCode::kUnavailable, HasSubstr("crash")));
  EXPECT_THAT(writer->Close(), StatusIs(StatusCode::kUnavailable));
  EXPECT_THAT(store_.Put("x", "1"), StatusIs(StatusCode::kUnavailable, HasSubstr("crashed")));
  store_.Restart();
  EXPECT_THAT(base_->Stat("big"), StatusIs(StatusCode::kNotFound));
  TARN_EXPECT_OK(store_.Put("x", "1"));
}

TEST_F(FaultInjectingStoreTest, CrashAtNthWriteStepStopsBeforeThatStep) {
  store_.CrashAtNth(StoreOp::kWrite, 3);  // open = 1, append = 2, close = 3
  TARN_ASSERT_OK_AND_ASSIGN(auto writer, store_.OpenWriter("obj"));
  TARN_ASSERT_OK(writer->Append("data"));
  EXPECT_THAT(writer->Close(), StatusIs(StatusCode::kUnavailable));
  EXPECT_TRUE(store_.crashed());
  store_.Restart();
  EXPECT_THAT(store_.Stat("obj"), StatusIs(StatusCode::kNotFound));
}

TEST_F(FaultInjectingStoreTest, RulesArePerOperationKind) {
  store_.FailNth(StoreOp::kDelete, 1);
  TARN_EXPECT_OK(store_.Put("k", "v"));
  TARN_EXPECT_OK(store_.Get("k").status());
  EXPECT_THAT(store_.Delete("k"), StatusIs(StatusCode::kUnavailable));
  TARN_EXPECT_OK(store_.Delete("k"));
}

}  // namespace
}  // namespace tarn::testing
