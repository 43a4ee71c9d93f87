// Receive-side measurements: loss from sequence gaps, lateness from stalls,
// reordering, jitter quantiles.
#include "bench/receive_stats.h"

#include <gtest/gtest.h>

namespace jamfleet::bench {
namespace {

constexpr base::Duration kPeriod = std::chrono::microseconds(2667);

TEST(ReceiveStats, SteadyStreamHasNoLossNoLatenessAndZeroJitter) {
    ReceiveStats stats(kPeriod);
    JitterHistogram jitter;
    base::TimePoint t{};
    for (int i = 0; i < 1000; ++i) {
        stats.on_frame(t, static_cast<std::uint8_t>(250 + i), jitter); // wraps 255 -> 0
        t += kPeriod;
    }
    EXPECT_EQ(stats.frames(), 1000u);
    EXPECT_EQ(stats.lost(), 0u);
    EXPECT_EQ(stats.late(), 0u);
    EXPECT_EQ(stats.reordered(), 0u);
    EXPECT_EQ(jitter.count(), 999u);
    EXPECT_LE(jitter.quantile_us(0.99), 10.0);
}

TEST(ReceiveStats, SequenceGapCountsLostFramesNotLateOnes) {
    ReceiveStats stats(kPeriod);
    JitterHistogram jitter;
    stats.on_frame(base::TimePoint{}, 10, jitter);
    stats.on_frame(base::TimePoint{} + 4 * kPeriod, 14, jitter); // 11..13 lost, on time
    EXPECT_EQ(stats.lost(), 3u);
    EXPECT_EQ(stats.late(), 0u);
    EXPECT_EQ(stats.stalls(), 0u);
}

TEST(ReceiveStats, StallLongerThanTwoPeriodsCountsLateFrames) {
    ReceiveStats stats(kPeriod);
    JitterHistogram jitter;
    stats.on_frame(base::TimePoint{}, 1, jitter);
    stats.on_frame(base::TimePoint{} + 5 * kPeriod, 2, jitter); // 4 periods late
    EXPECT_EQ(stats.lost(), 0u);
    EXPECT_EQ(stats.stalls(), 1u);
    EXPECT_EQ(stats.late(), 4u);
    EXPECT_GE(jitter.max_us(), 4 * 2667 - 1);
}

TEST(ReceiveStats, GapOfTwoPeriodsIsStillOnTime) {
    ReceiveStats stats(kPeriod);
    JitterHistogram jitter;
    stats.on_frame(base::TimePoint{}, 1, jitter);
    stats.on_frame(base::TimePoint{} + 2 * kPeriod, 2, jitter);
    EXPECT_EQ(stats.late(), 0u);
}

TEST(ReceiveStats, DuplicateIsReorderedAndDoesNotMoveTheStream) {
    ReceiveStats stats(kPeriod);
    JitterHistogram jitter;
    stats.on_frame(base::TimePoint{}, 5, jitter);
    stats.on_frame(base::TimePoint{} + kPeriod, 5, jitter);
    stats.on_frame(base::TimePoint{} + kPeriod, 6, jitter);
    EXPECT_EQ(stats.reordered(), 1u);
    EXPECT_EQ(stats.lost(), 0u);
}

TEST(JitterHistogram, QuantilesFollowTheDistribution) {
    JitterHistogram h;
    for (int i = 0; i < 99; ++i) {
        h.add(std::chrono::microseconds(5));
    }
    h.add(std::chrono::milliseconds(3));
    EXPECT_DOUBLE_EQ(h.quantile_us(0.5), 10.0);
    EXPECT_DOUBLE_EQ(h.quantile_us(0.99), 10.0);
    EXPECT_DOUBLE_EQ(h.quantile_us(1.0), 3010.0);
    EXPECT_DOUBLE_EQ(h.max_us(), 3000.0);
}

} // namespace
} // namespace jamfleet::bench
