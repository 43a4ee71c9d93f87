// Shared encodes change no byte: an engine with grouping (serial, and with a 2-worker pool
// forced parallel) sends exactly what an engine encoding every listener alone sends, through
// fader moves that split a member and the leader off, mixed formats and delay panning.
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "mixer-worker/audio_engine.h"
#include "tests/mixer-worker/audio_room.h"

namespace jamfleet::mixer {
namespace {

using testing::audio_format;
using testing::AudioRoom;

struct ExactCase {
    bool delay_pan;
    int server_frame_samples;
};

class SharedEncodesExact : public ::testing::TestWithParam<ExactCase> {};

AudioEngineSettings make(const ExactCase& c, bool shared, int threads, TickParallelism p) {
    AudioEngineSettings s;
    s.server_frame_samples = c.server_frame_samples;
    s.delay_pan = c.delay_pan;
    s.max_channels = 6;
    s.shared_encodes = shared;
    s.merge_after_ticks = 32;
    s.threads = threads;
    s.parallelism = p;
    return s;
}

TEST_P(SharedEncodesExact, EveryDatagramEqualsTheUnsharedEngines) {
    const ExactCase c = GetParam();
    AudioEngine reference(make(c, false, 1, TickParallelism::Serial));
    AudioEngine shared(make(c, true, 1, TickParallelism::Serial));
    AudioEngine parallel(make(c, true, 2, TickParallelism::Parallel));
    AudioRoom room({&reference, &shared, &parallel});
    const auto stereo = audio_format(128, 2, 71);
    // Ticks per 128-sample frame: the fade-in and the phases scale with the server frame.
    const int scale = 128 / c.server_frame_samples;
    room.join(0, stereo, 300);
    room.join(1, stereo, 500);
    room.join(2, audio_format(128, 2, 71, 2), 700); // same stream, two frames per datagram
    room.join(3, audio_format(128, 1, 45), 900);    // mono
    room.join(4, audio_format(64, 2, 35), 1100);    // 64-sample frames
    room.join(5, stereo, 1300);
    const int settled = 1200 * scale;
    std::uint64_t groups_before_split = 0;
    std::uint64_t groups_after_split = 0;
    std::uint64_t groups_after_leader_moved = 0;
    for (int t = 0; t < settled + 200 * scale; ++t) {
        if (t == settled) {
            for (auto* e : {&reference, &shared, &parallel}) {
                e->set_gain(1, 3, 0.5f); // a member splits off
            }
        } else if (t == settled + 60 * scale) {
            for (auto* e : {&reference, &shared, &parallel}) {
                e->set_pan(0, 4, 0.2f); // the leader of the rest moves away
            }
        } else if (t == settled + 120 * scale) {
            for (auto* e : {&reference, &shared, &parallel}) {
                e->set_gain(5, 0, 0.0f); // and another member mutes a source
            }
        }
        const auto sent = room.tick();
        ASSERT_EQ(sent[1], sent[0]) << "shared, tick " << t;
        ASSERT_EQ(sent[2], sent[0]) << "parallel, tick " << t;
        if (t == settled - 1) {
            groups_before_split = shared.stats().encode_groups;
        } else if (t == settled + 30 * scale) {
            groups_after_split = shared.stats().encode_groups;
        } else if (t == settled + 90 * scale) {
            groups_after_leader_moved = shared.stats().encode_groups;
        }
    }
    // The scenario really grouped and split: {0,1,2,5} mono 64-sample.
    EXPECT_EQ(groups_before_split, 3u);
    EXPECT_EQ(groups_after_split, 4u);
    EXPECT_EQ(groups_after_leader_moved, 5u);
    EXPECT_EQ(shared.stats().encode_groups, 6u);
    EXPECT_EQ(reference.stats().encode_groups, 6u);
    // Every tick once the first client had started the pool.
    EXPECT_EQ(parallel.stats().parallel_ticks, parallel.stats().ticks);
    EXPECT_EQ(shared.stats().parallel_ticks, 0u);
    EXPECT_LT(shared.stats().frames_encoded, reference.stats().frames_encoded);
    EXPECT_EQ(parallel.stats().frames_encoded, shared.stats().frames_encoded);
    EXPECT_EQ(parallel.stats().frames_decoded, reference.stats().frames_decoded);
}

TEST(TickParallelism, SwitchesUpAbove45PercentAndDownBelow25PercentOfThePeriod) {
    constexpr std::int64_t kPeriod = 2'666'666;                           // 128 samples at 48 kHz
    EXPECT_FALSE(tick_runs_parallel(false, kPeriod * 40 / 100, kPeriod)); // between: stays
    EXPECT_TRUE(tick_runs_parallel(false, kPeriod / 2, kPeriod));
    EXPECT_TRUE(tick_runs_parallel(true, kPeriod * 30 / 100, kPeriod)); // between: stays
    EXPECT_FALSE(tick_runs_parallel(false, kPeriod / 5, kPeriod));
    EXPECT_FALSE(tick_runs_parallel(true, kPeriod / 5, kPeriod));
}

INSTANTIATE_TEST_SUITE_P(Servers, SharedEncodesExact,
                         ::testing::Values(ExactCase{false, 128}, ExactCase{true, 128},
                                           ExactCase{false, 64}));

} // namespace
} // namespace jamfleet::mixer
