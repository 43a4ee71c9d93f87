// Token buckets, per-IP tables and per-source intervals used as abuse limits.
#include "directory/rate_limiter.h"

#include <gtest/gtest.h>

namespace jamfleet::directory {
namespace {

using namespace std::chrono_literals;
base::TimePoint at(base::Duration d) {
    return base::TimePoint{} + d;
}

TEST(TokenBucket, AllowsBurstThenRate) {
    TokenBucket b({2, 3}, at(0s));
    EXPECT_TRUE(b.take(at(0s)));
    EXPECT_TRUE(b.take(at(0s)));
    EXPECT_TRUE(b.take(at(0s)));
    EXPECT_FALSE(b.take(at(0s)));
    EXPECT_FALSE(b.take(at(400ms)));
    EXPECT_TRUE(b.take(at(500ms)));
    EXPECT_FALSE(b.take(at(500ms)));
}

TEST(TokenBucket, ZeroRateMeansUnlimited) {
    TokenBucket b({0, 0}, at(0s));
    for (int i = 0; i < 1000; ++i) {
        ASSERT_TRUE(b.take(at(0s)));
    }
}

TEST(PerIpLimiter, LimitsEachIpSeparately) {
    PerIpLimiter l({1, 2}, 100);
    EXPECT_TRUE(l.allow(1, at(0s)));
    EXPECT_TRUE(l.allow(1, at(0s)));
    EXPECT_FALSE(l.allow(1, at(0s)));
    EXPECT_TRUE(l.allow(2, at(0s)));
    EXPECT_TRUE(l.allow(1, at(1s)));
}

TEST(PerIpLimiter, TableIsBoundedAndOverflowIsStillLimited) {
    PerIpLimiter l({1, 1}, 4);
    for (std::uint32_t ip = 1; ip <= 4; ++ip) {
        ASSERT_TRUE(l.allow(ip, at(0s)));
    }
    // A flood of new sources shares one overflow bucket.
    EXPECT_TRUE(l.allow(1000, at(0s)));
    EXPECT_FALSE(l.allow(1001, at(0s)));
    EXPECT_FALSE(l.allow(1002, at(0s)));
    EXPECT_EQ(l.tracked(), 4u);
    // Once the tracked buckets refilled they are pruned and new IPs get their own.
    EXPECT_TRUE(l.allow(1003, at(10s)));
    EXPECT_LE(l.tracked(), 4u);
}

TEST(PerIpLimiter, FloodOfNewSourcesScansAFullTableAtMostEveryPruneInterval) {
    PerIpLimiter l({1, 1}, 4);
    for (std::uint32_t ip = 1; ip <= 4; ++ip) {
        ASSERT_TRUE(l.allow(ip, at(0s)));
    }
    for (std::uint32_t ip = 1000; ip < 11000; ++ip) {
        (void)l.allow(ip, at(0s));
    }
    EXPECT_EQ(l.prunes(), 1u);
    (void)l.allow(20000, at(kPruneInterval));
    EXPECT_EQ(l.prunes(), 2u);
}

TEST(PerSourceInterval, FloodOfNewSourcesScansAFullTableAtMostEveryPruneInterval) {
    PerSourceInterval p(1s, 2);
    EXPECT_TRUE(p.allow({1, 1}, at(0s)));
    EXPECT_TRUE(p.allow({2, 1}, at(0s)));
    for (std::uint32_t ip = 3; ip < 10000; ++ip) {
        EXPECT_FALSE(p.allow({ip, 1}, at(10ms)));
    }
    EXPECT_EQ(p.prunes(), 1u);
    EXPECT_FALSE(p.allow({3, 1}, at(10ms + kPruneInterval)));
    EXPECT_EQ(p.prunes(), 2u);
}

TEST(PerSourceInterval, OneReplyPerSourcePerInterval) {
    PerSourceInterval p(1s, 100);
    const Address a{1, 1};
    EXPECT_TRUE(p.allow(a, at(0s)));
    EXPECT_FALSE(p.allow(a, at(999ms)));
    EXPECT_TRUE(p.allow({1, 2}, at(999ms)));
    EXPECT_TRUE(p.allow(a, at(1s)));
}

TEST(PerSourceInterval, FullTableRefusesNewSourcesUntilEntriesAge) {
    PerSourceInterval p(1s, 2);
    EXPECT_TRUE(p.allow({1, 1}, at(0s)));
    EXPECT_TRUE(p.allow({2, 1}, at(0s)));
    EXPECT_FALSE(p.allow({3, 1}, at(500ms)));
    EXPECT_TRUE(p.allow({3, 1}, at(1s)));
}

} // namespace
} // namespace jamfleet::directory
