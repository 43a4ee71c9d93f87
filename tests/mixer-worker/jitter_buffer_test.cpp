// Jitter buffer: FIFO and sequence-window behaviour and auto sizing.
#include "mixer-worker/jitter_buffer.h"

#include <array>
#include <cstdint>
#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace jamfleet::mixer {
namespace {

std::array<std::uint8_t, 4> block(std::uint8_t v) {
    return {v, v, v, v};
}

TEST(JitterBufferFifo, ReturnsFramesInOrderAndMissingWhenEmpty) {
    JitterBuffer jb;
    jb.configure(4, false, 128);
    jb.set_requested_size(5);
    EXPECT_TRUE(jb.put(block(1)));
    EXPECT_TRUE(jb.put(block(2)));
    std::array<std::uint8_t, 4> out{};
    ASSERT_TRUE(jb.get(out));
    EXPECT_EQ(out[0], 1);
    ASSERT_TRUE(jb.get(out));
    EXPECT_EQ(out[0], 2);
    EXPECT_FALSE(jb.get(out));
}

TEST(JitterBufferFifo, DropsPutsWhenFull) {
    JitterBuffer jb;
    jb.configure(4, false, 128);
    jb.set_requested_size(2);
    EXPECT_TRUE(jb.put(block(1)));
    EXPECT_TRUE(jb.put(block(2)));
    EXPECT_FALSE(jb.put(block(3)));
    EXPECT_EQ(jb.fill(), 2);
}

TEST(JitterBufferFifo, RejectsFramesOfTheWrongSize) {
    JitterBuffer jb;
    jb.configure(4, false, 128);
    const std::array<std::uint8_t, 3> short_block{1, 2, 3};
    EXPECT_FALSE(jb.put(short_block));
}

TEST(JitterBufferFifo, ShrinkingKeepsTheNewestFrames) {
    JitterBuffer jb;
    jb.configure(4, false, 128);
    jb.set_requested_size(10);
    for (std::uint8_t i = 1; i <= 5; ++i) {
        ASSERT_TRUE(jb.put(block(i)));
    }
    jb.set_requested_size(2);
    std::array<std::uint8_t, 4> out{};
    ASSERT_TRUE(jb.get(out));
    EXPECT_EQ(out[0], 4);
    EXPECT_FALSE(jb.auto_mode());
    EXPECT_EQ(jb.size(), 2);
}

TEST(JitterBufferSequence, ReordersFramesBySequenceNumber) {
    JitterBuffer jb;
    jb.configure(4, true, 128);
    jb.set_requested_size(4);
    EXPECT_TRUE(jb.put(block(10), 10));
    EXPECT_TRUE(jb.put(block(12), 12));
    EXPECT_TRUE(jb.put(block(11), 11));
    std::array<std::uint8_t, 4> out{};
    for (std::uint8_t expect : {10, 11, 12}) {
        ASSERT_TRUE(jb.get(out));
        EXPECT_EQ(out[0], expect);
    }
}

TEST(JitterBufferSequence, ReportsAGapAsMissingAndContinues) {
    JitterBuffer jb;
    jb.configure(4, true, 128);
    jb.set_requested_size(4);
    ASSERT_TRUE(jb.put(block(1), 1));
    ASSERT_TRUE(jb.put(block(3), 3));
    std::array<std::uint8_t, 4> out{};
    EXPECT_TRUE(jb.get(out));
    EXPECT_FALSE(jb.get(out)); // seq 2 lost
    ASSERT_TRUE(jb.get(out));
    EXPECT_EQ(out[0], 3);
}

TEST(JitterBufferSequence, WrapsAround255) {
    JitterBuffer jb;
    jb.configure(4, true, 128);
    jb.set_requested_size(4);
    ASSERT_TRUE(jb.put(block(1), 255));
    ASSERT_TRUE(jb.put(block(2), 0));
    std::array<std::uint8_t, 4> out{};
    ASSERT_TRUE(jb.get(out));
    EXPECT_EQ(out[0], 1);
    ASSERT_TRUE(jb.get(out));
    EXPECT_EQ(out[0], 2);
}

TEST(JitterBufferSequence, AFrameBeyondTheWindowMovesItForward) {
    JitterBuffer jb;
    jb.configure(4, true, 128);
    jb.set_requested_size(3);
    ASSERT_TRUE(jb.put(block(1), 1));
    ASSERT_TRUE(jb.put(block(9), 9)); // window becomes 7, 8, 9
    std::array<std::uint8_t, 4> out{};
    EXPECT_FALSE(jb.get(out)); // 7
    EXPECT_FALSE(jb.get(out)); // 8
    ASSERT_TRUE(jb.get(out));
    EXPECT_EQ(out[0], 9);
}

TEST(JitterBufferSequence, ALateFrameMovesTheWindowBack) {
    JitterBuffer jb;
    jb.configure(4, true, 128);
    jb.set_requested_size(4);
    ASSERT_TRUE(jb.put(block(5), 5));
    std::array<std::uint8_t, 4> out{};
    ASSERT_TRUE(jb.get(out));         // read 5, expecting 6
    ASSERT_TRUE(jb.put(block(4), 4)); // late: window now starts at 4
    ASSERT_TRUE(jb.put(block(6), 6));
    ASSERT_TRUE(jb.get(out));
    EXPECT_EQ(out[0], 4);
    EXPECT_FALSE(jb.get(out)); // 5 already played
    ASSERT_TRUE(jb.get(out));
    EXPECT_EQ(out[0], 6);
}

TEST(JitterBufferAuto, StartsAtSixAndFixedRequestsLeaveAutoMode) {
    JitterBuffer jb;
    jb.configure(4, true, 128);
    jb.set_requested_size(kAutoJitterValue);
    EXPECT_TRUE(jb.auto_mode());
    EXPECT_EQ(jb.size(), 6);
    jb.set_requested_size(3);
    EXPECT_FALSE(jb.auto_mode());
    EXPECT_FALSE(jb.update_auto_size().has_value());
    jb.set_requested_size(0); // invalid: ignored
    EXPECT_EQ(jb.size(), 3);
}

// Runs `ticks` of one get per tick while frames arrive with the given jitter
// pattern (in whole ticks), returning the final auto size.
int settle(int max_jitter_ticks, int ticks, unsigned seed) {
    JitterBuffer jb;
    jb.configure(4, false, 128);
    jb.set_requested_size(kAutoJitterValue);
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> jitter(0, max_jitter_ticks);
    std::vector<int> arrivals(static_cast<std::size_t>(ticks + max_jitter_ticks + 1), 0);
    for (int t = 0; t < ticks; ++t) {
        arrivals[static_cast<std::size_t>(t + jitter(rng))] += 1;
    }
    std::array<std::uint8_t, 4> out{};
    for (int t = 0; t < ticks; ++t) {
        for (int k = 0; k < arrivals[static_cast<std::size_t>(t)]; ++k) {
            (void)jb.put(block(1));
        }
        (void)jb.get(out);
        (void)jb.update_auto_size();
    }
    return jb.size();
}

TEST(JitterBufferAuto, ShrinksOnACleanNetworkAndGrowsWithJitter) {
    const int clean = settle(0, 60000, 1);
    const int jittery = settle(4, 60000, 2);
    EXPECT_LT(clean, 6);
    EXPECT_GT(jittery, clean);
    EXPECT_GE(jittery, 5);
}

TEST(JitterSizer, AShadowReCentresAfterAnUnderrun) {
    JitterSizer sizer;
    sizer.configure(128);
    for (int i = 0; i < 10; ++i) {
        sizer.on_get(); // nothing ever arrives
    }
    // Size 2 starts half full: ok, underrun (re-centred to 1), ok, underrun, ...
    EXPECT_NEAR(sizer.error_rate(2), 0.5, 1e-9);
    // Size 11 starts with 5: five good reads, an underrun, four good reads.
    EXPECT_NEAR(sizer.error_rate(11), 0.1, 1e-9);
}

} // namespace
} // namespace jamfleet::mixer

namespace jamfleet::mixer {
namespace {

// Keeps `lead` frames queued ahead of the reader for `reads` reads (one put and one
// get per tick); returns how many frames the buffer holds at the end.
int fill_after(bool with_sequence, int lead, int reads) {
    JitterBuffer jb;
    jb.configure(4, with_sequence, 128);
    jb.set_requested_size(10);
    std::uint8_t seq = 0;
    for (int i = 0; i < lead; ++i) {
        (void)jb.put(block(seq), seq);
        ++seq;
    }
    std::array<std::uint8_t, 4> out{};
    for (int t = 0; t < reads; ++t) {
        (void)jb.put(block(seq), seq);
        ++seq;
        EXPECT_TRUE(jb.get(out)) << "tick " << t;
    }
    return jb.fill();
}

TEST(JitterBufferTrim, DropsAFrameWhenAPeriodAlwaysHadTwoWaiting) {
    // Lead 4: after each read 4 frames wait; each period trims one until 1 is left
    // waiting (trimming stops below two).
    EXPECT_EQ(fill_after(false, 4, kTrimPeriodReads * 6), 1);
    EXPECT_EQ(fill_after(true, 4, kTrimPeriodReads * 6), 1);
}

TEST(JitterBufferTrim, KeepsOneFrameOfMargin) {
    EXPECT_EQ(fill_after(false, 1, kTrimPeriodReads * 4), 1);
    EXPECT_EQ(fill_after(true, 1, kTrimPeriodReads * 4), 1);
}

} // namespace
} // namespace jamfleet::mixer
