// Token buckets with a fake clock: burst, refill, disabled limits, the bounded
// per-key table and its shared overflow bucket.
#include <gtest/gtest.h>

#include "base/token_bucket.h"

namespace jamfleet::base {
namespace {

using namespace std::chrono_literals;

TEST(TokenBucket, AllowsTheBurstThenRefillsAtTheRate) {
    FakeClock clock;
    TokenBucket bucket({.rate_per_s = 2, .burst = 3}, clock.now());
    EXPECT_TRUE(bucket.take(clock.now()));
    EXPECT_TRUE(bucket.take(clock.now()));
    EXPECT_TRUE(bucket.take(clock.now()));
    EXPECT_FALSE(bucket.take(clock.now()));
    clock.advance(499ms);
    EXPECT_FALSE(bucket.take(clock.now()));
    clock.advance(1ms);
    EXPECT_TRUE(bucket.take(clock.now()));
    EXPECT_FALSE(bucket.idle(clock.now()));
    clock.advance(10s);
    EXPECT_TRUE(bucket.idle(clock.now()));
}

TEST(TokenBucket, ARateOfZeroDisablesTheLimit) {
    TokenBucket bucket({.rate_per_s = 0, .burst = 0}, TimePoint{});
    for (int i = 0; i < 1000; ++i) {
        EXPECT_TRUE(bucket.take(TimePoint{}));
    }
}

TEST(KeyedBuckets, EachKeyHasItsOwnBucket) {
    FakeClock clock;
    KeyedBuckets buckets({.rate_per_s = 1, .burst = 1}, 16);
    EXPECT_TRUE(buckets.take(1, clock.now()));
    EXPECT_FALSE(buckets.take(1, clock.now()));
    EXPECT_TRUE(buckets.take(2, clock.now()));
    EXPECT_EQ(buckets.tracked(), 2u);
}

TEST(KeyedBuckets, AFullTableSharesOneOverflowBucketAndPrunesIdleKeys) {
    FakeClock clock;
    KeyedBuckets buckets({.rate_per_s = 1, .burst = 2}, 4);
    for (std::uint64_t k = 0; k < 4; ++k) {
        EXPECT_TRUE(buckets.take(k, clock.now()));
    }
    // New keys beyond the bound share the overflow bucket (burst 2).
    EXPECT_TRUE(buckets.take(100, clock.now()));
    EXPECT_TRUE(buckets.take(101, clock.now()));
    EXPECT_FALSE(buckets.take(102, clock.now()));
    EXPECT_EQ(buckets.tracked(), 4u);
    // Once the tracked buckets are full again they are pruned and new keys get their own.
    clock.advance(5s);
    EXPECT_TRUE(buckets.take(103, clock.now()));
    EXPECT_EQ(buckets.tracked(), 1u);
}

} // namespace
} // namespace jamfleet::base
