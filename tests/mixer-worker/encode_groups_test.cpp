// EncodeGroups on its own: who shares an encode, who copies whose encoder state, and when
// a listener on another stream may switch (docs/adr/0006).
#include "mixer-worker/encode_groups.h"

#include <vector>

#include <gtest/gtest.h>

namespace jamfleet::mixer {
namespace {

constexpr int kMerge = 4;
const std::vector<int> kInputs{0, 1, 2};

// One tick: listener i gets signature {sig[i], sig[i]} (one input's gain and pan).
void tick(EncodeGroups& g, const std::vector<float>& sig, bool shared = true,
          const std::vector<int>& inputs = kInputs) {
    g.begin(inputs);
    for (std::size_t i = 0; i < sig.size(); ++i) {
        auto buf = g.signature_buffer(static_cast<int>(i));
        buf[0] = sig[i];
        buf[1] = sig[i];
        g.add(static_cast<int>(i), 2, EncodeKey{128, 2, 71, 0});
    }
    g.plan(shared);
}

// Runs ticks until three equal listeners have merged into listener 0's group.
void merge_all(EncodeGroups& g) {
    for (int t = 0; t <= kMerge; ++t) {
        tick(g, {1, 1, 1});
    }
    ASSERT_EQ(g.leaders().size(), 1u);
}

TEST(EncodeGroups, FreshListenersWithEqualMixesMergeOnlyAfterTheStableTicks) {
    EncodeGroups g(8, 16, kMerge);
    tick(g, {1, 1, 1});
    EXPECT_EQ(g.leaders().size(), 3u); // three fresh encoders: three streams
    for (int t = 1; t < kMerge; ++t) {
        tick(g, {1, 1, 1});
        EXPECT_EQ(g.leaders().size(), 3u) << "tick " << t;
    }
    tick(g, {1, 1, 1});
    ASSERT_EQ(g.leaders().size(), 1u);
    EXPECT_EQ(g.leaders()[0], 0);
    EXPECT_EQ(g.copy_source(0), -1); // continues its own stream
    EXPECT_EQ(g.leader_of(2), 0);
    EXPECT_EQ(g.stream(2), 0);
}

TEST(EncodeGroups, AMemberWhoseMixChangesSplitsAtOnceFromACopyOfItsStream) {
    EncodeGroups g(8, 16, kMerge);
    merge_all(g);
    tick(g, {1, 1, 0.5f});
    ASSERT_EQ(g.leaders().size(), 2u);
    EXPECT_EQ(g.leader_of(2), 2);
    EXPECT_EQ(g.copy_source(2), 0); // its client decoded 0's stream
    EXPECT_EQ(g.copy_source(0), -1);
    tick(g, {1, 1, 0.5f});
    EXPECT_EQ(g.copy_source(2), -1); // from now on its own stream
}

TEST(EncodeGroups, WhenTheLeaderMovesTheRestContinueItsStreamFromACopy) {
    EncodeGroups g(8, 16, kMerge);
    merge_all(g);
    tick(g, {0.5f, 1, 1});
    ASSERT_EQ(g.leaders().size(), 2u);
    EXPECT_EQ(g.copy_source(0), -1); // keeps its own stream
    EXPECT_EQ(g.leader_of(2), 1);
    EXPECT_EQ(g.copy_source(1), 0);
}

TEST(EncodeGroups, ARejoiningListenerWaitsUntilBothMixesWereStable) {
    EncodeGroups g(8, 16, kMerge);
    merge_all(g);
    tick(g, {1, 1, 0.5f});
    for (int t = 0; t < kMerge; ++t) {
        tick(g, {1, 1, 1});
        EXPECT_EQ(g.leaders().size(), 2u) << "tick " << t;
    }
    tick(g, {1, 1, 1});
    EXPECT_EQ(g.leaders().size(), 1u);
    EXPECT_EQ(g.leader_of(2), 0);
}

TEST(EncodeGroups, EveryoneIsAlone) {
    EncodeGroups g(8, 16, kMerge);
    for (int t = 0; t < 3 * kMerge; ++t) {
        tick(g, {1, 1, 1}, false);
    }
    EXPECT_EQ(g.leaders().size(), 3u);
    EXPECT_EQ(g.copy_source(1), -1);
}

TEST(EncodeGroups, ADifferentFifoPhaseOrFormatIsADifferentGroup) {
    EncodeGroups g(8, 16, 0);
    for (int t = 0; t < 3; ++t) {
        g.begin(kInputs);
        for (int i = 0; i < 3; ++i) {
            auto buf = g.signature_buffer(i);
            buf[0] = 1;
            buf[1] = 1;
        }
        g.add(0, 2, EncodeKey{128, 2, 71, 0});
        g.add(1, 2, EncodeKey{128, 2, 71, 128});
        g.add(2, 2, EncodeKey{128, 1, 45, 0});
        g.plan(true);
    }
    EXPECT_EQ(g.leaders().size(), 3u);
}

TEST(EncodeGroups, HandOverGivesTheStreamToOneFollower) {
    EncodeGroups g(8, 16, kMerge);
    merge_all(g);
    EXPECT_EQ(g.hand_over(0), 1);
    g.reset_stream(0);
    EXPECT_EQ(g.stream(1), 1);
    EXPECT_EQ(g.stream(2), 1);
    tick(g, {1, 1, 1});
    // 0 has a fresh stream now; 1 leads the old one without a further copy.
    EXPECT_EQ(g.leader_of(2), 1);
    EXPECT_EQ(g.copy_source(1), -1);
    EXPECT_EQ(g.leader_of(0), 0);
    EXPECT_EQ(g.hand_over(5), -1);
}

TEST(EncodeGroups, AChangedInputListRestartsTheStableCount) {
    EncodeGroups g(8, 16, kMerge);
    for (int t = 0; t < kMerge; ++t) {
        tick(g, {1, 1, 1});
    }
    EXPECT_EQ(g.stable_ticks(1), kMerge - 1);
    tick(g, {1, 1, 1}, true, {0, 1, 3});
    EXPECT_EQ(g.stable_ticks(1), 0);
    EXPECT_EQ(g.leaders().size(), 3u);
}

} // namespace
} // namespace jamfleet::mixer
