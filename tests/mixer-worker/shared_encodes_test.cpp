// Shared encodes in the AudioEngine (docs/adr/0006): one encode per group of identical mixes,
// per-listener packets, merging back after the stable ticks with continuous audio, and a
// newcomer's fade-in.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include <gtest/gtest.h>

#include "mixer-worker/audio_engine.h"
#include "mixer-worker/opus_codec.h"
#include "tests/mixer-worker/audio_room.h"

namespace jamfleet::mixer {
namespace {

using testing::audio_format;
using testing::AudioRoom;
using testing::Sent;

// The ≈3 s fade-in of 128-sample clients is 1125 ticks; then 32 stable ticks to merge.
constexpr int kSettled = 1200;

AudioEngineSettings settings(int max_channels, bool shared) {
    AudioEngineSettings s;
    s.max_channels = max_channels;
    s.shared_encodes = shared;
    s.merge_after_ticks = 32;
    return s;
}

const Sent* sent_to(const std::vector<Sent>& sent, int id) {
    for (const auto& s : sent) {
        if (s.to == id) {
            return &s;
        }
    }
    return nullptr;
}

TEST(SharedEncodes, ListenersOnDefaultFadersShareOneEncodePerFormatWithTheirOwnPackets) {
    AudioEngine engine(settings(5, true));
    AudioRoom room({&engine});
    const auto stereo = audio_format(128, 2, 71);
    room.join(0, stereo, 300);
    room.join(1, stereo, 500);
    room.join(3, audio_format(128, 2, 71, 2), 900); // same coded frames, two per datagram
    room.join(4, audio_format(128, 1, 45), 1100);   // mono: a group of its own
    for (int t = 0; t < 5; ++t) {
        (void)room.tick();
    }
    room.join(2, stereo, 700); // 5 frames later: its sequence numbers lag by 5
    for (int t = 0; t < kSettled; ++t) {
        (void)room.tick();
    }
    std::vector<std::uint8_t> previous_frame;
    for (int t = 0; t < 40; ++t) {
        const auto encoded_before = engine.stats().frames_encoded;
        const auto sent = room.tick().front();
        EXPECT_EQ(engine.stats().frames_encoded - encoded_before, 2u);
        EXPECT_EQ(engine.stats().encode_groups, 2u);
        const Sent* a = sent_to(sent, 0);
        const Sent* b = sent_to(sent, 1);
        const Sent* c = sent_to(sent, 2);
        ASSERT_TRUE(a && b && c && sent_to(sent, 4));
        ASSERT_EQ(a->bytes.size(), 72u);
        const std::vector<std::uint8_t> frame(a->bytes.begin(), a->bytes.begin() + 71);
        EXPECT_TRUE(std::equal(frame.begin(), frame.end(), b->bytes.begin()));
        EXPECT_TRUE(std::equal(frame.begin(), frame.end(), c->bytes.begin()));
        EXPECT_EQ(a->bytes[71], b->bytes[71]);
        EXPECT_EQ(static_cast<std::uint8_t>(a->bytes[71] - c->bytes[71]), 5);
        // The factor-2 listener gets this tick's and last tick's frame in one datagram.
        if (const Sent* d = sent_to(sent, 3); d != nullptr && !previous_frame.empty()) {
            ASSERT_EQ(d->bytes.size(), 144u);
            EXPECT_TRUE(std::equal(previous_frame.begin(), previous_frame.end(), d->bytes.begin()));
            EXPECT_TRUE(std::equal(frame.begin(), frame.end(), d->bytes.begin() + 72));
        }
        previous_frame = frame;
    }
}

TEST(SharedEncodes, TurnedOffEveryListenerIsEncodedOnItsOwn) {
    AudioEngine engine(settings(3, false));
    AudioRoom room({&engine});
    for (int id = 0; id < 3; ++id) {
        room.join(id, audio_format(128, 2, 71), 300 + 200 * id);
    }
    for (int t = 0; t < kSettled; ++t) {
        (void)room.tick();
    }
    const auto encoded_before = engine.stats().frames_encoded;
    (void)room.tick();
    EXPECT_EQ(engine.stats().frames_encoded - encoded_before, 3u);
    EXPECT_EQ(engine.stats().encode_groups, 3u);
}

// Decodes one listener's datagrams as its client would.
class ListenerDecoder {
public:
    explicit ListenerDecoder(const proto::AudioFormat& f)
        : format_(f), mode_(std::move(OpusMode::create(f.frame_samples)).value()),
          decoder_(std::move(OpusDecoder::create(mode_, f.channels)).value()) {}

    std::vector<std::int16_t> decode(const Sent& sent) {
        std::vector<std::int16_t> pcm(
            static_cast<std::size_t>(format_.frame_samples * format_.channels));
        EXPECT_TRUE(decoder_.decode(proto::coded_frame(format_, sent.bytes, 0), pcm));
        return pcm;
    }

private:
    proto::AudioFormat format_;
    OpusMode mode_;
    OpusDecoder decoder_;
};

TEST(SharedEncodes, AListenerRejoinsItsGroupAfterTheStableTicksWithoutAClick) {
    AudioEngine shared(settings(3, true));
    AudioEngine reference(settings(3, false));
    AudioRoom room({&shared, &reference});
    const auto f = audio_format(128, 2, 71);
    for (int id = 0; id < 3; ++id) {
        room.join(id, f, 300 + 200 * id);
    }
    ListenerDecoder via_shared(f);
    ListenerDecoder via_reference(f);
    int merge_tick = -1;
    double max_difference_after_merge = 0;
    double peak = 0;
    for (int t = 0; t < kSettled + 200; ++t) {
        if (t == kSettled) {
            shared.set_gain(1, 2, 0.3f); // listener 1 splits off
            reference.set_gain(1, 2, 0.3f);
        } else if (t == kSettled + 100) {
            shared.set_gain(1, 2, 1.0f); // and comes back: same mix as 0 and 2 again
            reference.set_gain(1, 2, 1.0f);
        }
        const auto encoded_before = shared.stats().frames_encoded;
        const auto sent = room.tick();
        const auto encodes = shared.stats().frames_encoded - encoded_before;
        if (t == kSettled - 1 || t == kSettled + 150) {
            EXPECT_EQ(encodes, 1u) << "tick " << t;
        }
        if (t >= kSettled && t < kSettled + 132) {
            EXPECT_EQ(encodes, 2u) << "tick " << t; // split at once; no merge before 32 ticks
        }
        if (merge_tick < 0 && t >= kSettled + 100 && encodes == 1) {
            merge_tick = t;
        }
        const auto a = via_shared.decode(*sent_to(sent[0], 1));
        const auto b = via_reference.decode(*sent_to(sent[1], 1));
        if (merge_tick < 0) {
            ASSERT_EQ(a, b) << "tick " << t; // splits continue the stream bit-exactly
        } else if (t < merge_tick + 10) {
            for (std::size_t i = 0; i < a.size(); ++i) {
                max_difference_after_merge =
                    std::max(max_difference_after_merge, std::abs(double(a[i]) - double(b[i])));
                peak = std::max(peak, std::abs(double(b[i])));
            }
        }
    }
    EXPECT_EQ(merge_tick, kSettled + 132);
    ASSERT_GT(peak, 10000.0); // three 6000-peak sines
    // The encoders had converged: the switch is inaudible next to the signal (a fresh encoder
    // produces an error of the order of the signal itself; see OpusStreamSwitch below).
    EXPECT_LT(max_difference_after_merge / peak, 0.05) << max_difference_after_merge;
}

TEST(SharedEncodes, ANewcomerIsItsOwnGroupUntilItsFadeInEndsThenMerges) {
    AudioEngine engine(settings(4, true));
    AudioRoom room({&engine});
    const auto f = audio_format(128, 2, 71);
    for (int id = 0; id < 3; ++id) {
        room.join(id, f, 300 + 200 * id);
    }
    for (int t = 0; t < kSettled; ++t) {
        (void)room.tick();
    }
    EXPECT_EQ(engine.stats().encode_groups, 1u);
    room.join(3, f, 900);
    int merged_at = -1;
    for (int t = 0; t < 1300 && merged_at < 0; ++t) {
        (void)room.tick();
        if (engine.stats().encode_groups == 1) {
            merged_at = t;
        } else {
            EXPECT_EQ(engine.stats().encode_groups, 2u) << "tick " << t;
        }
    }
    // Fade-in: 1125 datagrams, then 32 stable ticks.
    EXPECT_GE(merged_at, 1125 + 32 - 2);
    EXPECT_LE(merged_at, 1125 + 32 + 2);
}

TEST(SharedEncodes, ALeaderThatLeavesHandsItsStreamToAFollower) {
    AudioEngine shared(settings(4, true));
    AudioEngine reference(settings(4, false));
    AudioRoom room({&shared, &reference});
    const auto f = audio_format(128, 2, 71);
    // Same mixes from the first tick: fresh encoders fed the same audio stay identical, so
    // every output matches the reference even across these merges.
    room.join(0, f, 300);
    room.join(1, f, 500);
    room.join(2, f, 700);
    for (int t = 0; t < kSettled + 50; ++t) {
        if (t == kSettled) {
            room.leave(0);
        }
        const auto sent = room.tick();
        ASSERT_EQ(sent[0], sent[1]) << "tick " << t;
    }
    EXPECT_EQ(shared.stats().encode_groups, 1u);
}

} // namespace
} // namespace jamfleet::mixer
