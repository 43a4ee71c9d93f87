// The real-time path end to end: encoded client audio in, personal mixes out in
// each listener's own format (size, sequence bytes, factor), with real Opus.
#include "mixer-worker/audio_engine.h"

#include <cmath>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "mixer-worker/opus_codec.h"
#include "proto/audio_format.h"
#include "tests/mixer-worker/audio_room.h"

namespace jamfleet::mixer {
namespace {

const io::SocketAddress kA{0x7f000001, 6000};
const io::SocketAddress kB{0x7f000001, 6001};

using testing::audio_format;

// A client that sends a sine (or silence) in its format and decodes what comes back.
class FakeClient {
public:
    FakeClient(const proto::AudioFormat& f, double hz)
        : format_(f), sine_(f, hz, 8000.0),
          mode_(std::move(OpusMode::create(f.frame_samples)).value()),
          decoder_(std::move(OpusDecoder::create(mode_, f.channels)).value()) {}

    std::vector<std::uint8_t> next_packet() { return sine_.next_packet(); }

    // RMS of what the server sent back (decoded), frame by frame.
    double rms_of(std::span<const std::uint8_t> packet) {
        std::vector<std::int16_t> pcm(
            static_cast<std::size_t>(format_.frame_samples * format_.channels));
        double sum = 0;
        std::size_t n = 0;
        for (std::size_t k = 0; k < format_.block_factor; ++k) {
            auto frame = proto::coded_frame(format_, packet, k);
            EXPECT_TRUE(decoder_.decode(frame, pcm));
            for (auto v : pcm) {
                sum += double(v) * v;
                ++n;
            }
        }
        return std::sqrt(sum / static_cast<double>(n));
    }

private:
    proto::AudioFormat format_;
    testing::SineClient sine_;
    OpusMode mode_;
    OpusDecoder decoder_;
};

struct Captured {
    std::vector<std::vector<std::uint8_t>> to_a;
    std::vector<std::vector<std::uint8_t>> to_b;
};

Captured run(AudioEngine& engine, FakeClient& a, FakeClient* b, int ticks, int packets_per_tick_num,
             int packets_per_tick_den) {
    Captured c;
    long budget = 0;
    for (int t = 0; t < ticks; ++t) {
        budget += packets_per_tick_num;
        while (budget >= packets_per_tick_den) {
            budget -= packets_per_tick_den;
            EXPECT_TRUE(engine.on_audio(0, a.next_packet()));
            if (b) {
                EXPECT_TRUE(engine.on_audio(1, b->next_packet()));
            }
        }
        for (const auto& d : engine.tick()) {
            auto& into = d.to == kA ? c.to_a : c.to_b;
            into.emplace_back(d.data.begin(), d.data.end());
        }
    }
    return c;
}

TEST(AudioEngine, MixesAToBInBsFormatWithSequenceBytes) {
    AudioEngine engine({128, false, 4});
    const auto fa = audio_format(128, 1, 45, 1, true);
    const auto fb = audio_format(128, 2, 71, 1, true);
    engine.connect(0, kA);
    engine.connect(1, kB);
    ASSERT_TRUE(engine.set_format(0, fa));
    ASSERT_TRUE(engine.set_format(1, fb));
    engine.set_identified(0);
    engine.set_identified(1);
    engine.set_gain(0, 0, 0.0f); // A does not hear itself
    FakeClient a(fa, 440);
    FakeClient b(fb, 0); // silence
    auto c = run(engine, a, &b, 1600, 1, 1);
    ASSERT_EQ(c.to_b.size(), 1600u);
    ASSERT_EQ(c.to_a.size(), 1600u);
    for (const auto& p : c.to_b) {
        ASSERT_EQ(p.size(), 72u);
    }
    EXPECT_EQ(c.to_a[0].size(), 46u);
    // Sequence bytes count up by one per frame.
    EXPECT_EQ(static_cast<std::uint8_t>(c.to_b[1].back() - c.to_b[0].back()), 1);
    // After the ≈3 s fade-in (1125 datagrams) B hears A at full level (8000 peak
    // sine → RMS ≈ 5657), A hears (almost) nothing.
    double rms_b = 0;
    double rms_a = 0;
    for (std::size_t i = 0; i < c.to_b.size(); ++i) {
        const double rb = b.rms_of(c.to_b[i]);
        const double ra = a.rms_of(c.to_a[i]);
        if (i >= 1300) {
            rms_b += rb / 300.0;
            rms_a += ra / 300.0;
        }
    }
    EXPECT_NEAR(rms_b, 5657, 900);
    EXPECT_LT(rms_a, 300);
}

TEST(AudioEngine, LevelMeterFollowsTheSignal) {
    AudioEngine engine({128, false, 2});
    const auto f = audio_format(128, 1, 45, 1, true);
    engine.connect(0, kA);
    ASSERT_TRUE(engine.set_format(0, f));
    engine.set_identified(0);
    EXPECT_EQ(engine.update_level(0), 0); // nothing decoded yet
    FakeClient loud(f, 440); // 8000 peak ≈ -12 dBFS → ceil((−12.2 + 50) × 8/50) = 7
    (void)run(engine, loud, nullptr, 50, 1, 1);
    EXPECT_EQ(engine.update_level(0), 7);
}

TEST(AudioEngine, SendsNothingToAnUnidentifiedClient) {
    AudioEngine engine({128, false, 2});
    const auto f = audio_format(128, 1, 45, 1, false);
    engine.connect(0, kA);
    ASSERT_TRUE(engine.set_format(0, f));
    FakeClient a(f, 440);
    auto c = run(engine, a, nullptr, 10, 1, 1);
    EXPECT_TRUE(c.to_a.empty());
    engine.set_identified(0);
    c = run(engine, a, nullptr, 10, 1, 1);
    EXPECT_EQ(c.to_a.size(), 10u);
}

TEST(AudioEngine, FactorTwoSendsOneDatagramEveryOtherTick) {
    AudioEngine engine({128, false, 2});
    const auto f = audio_format(128, 1, 45, 2, true);
    engine.connect(0, kA);
    ASSERT_TRUE(engine.set_format(0, f));
    engine.set_identified(0);
    FakeClient a(f, 440);
    auto c = run(engine, a, nullptr, 20, 1, 2);
    ASSERT_EQ(c.to_a.size(), 10u);
    EXPECT_EQ(c.to_a[0].size(), 92u);
    // Sequence byte after each frame: second frame's byte is the first's + 1.
    EXPECT_EQ(static_cast<std::uint8_t>(c.to_a[0][91] - c.to_a[0][45]), 1);
}

TEST(AudioEngine, SixtyFourSampleClientGetsTwoDatagramsPer128SampleTick) {
    AudioEngine engine({128, false, 2});
    const auto f = audio_format(64, 1, 22, 1, true);
    engine.connect(0, kA);
    ASSERT_TRUE(engine.set_format(0, f));
    engine.set_identified(0);
    FakeClient a(f, 440);
    auto c = run(engine, a, nullptr, 10, 2, 1);
    ASSERT_EQ(c.to_a.size(), 20u);
    EXPECT_EQ(c.to_a[0].size(), 23u);
}

TEST(AudioEngine, OneTwentyEightSampleClientOnA64SampleServerGetsOneDatagramPerTwoTicks) {
    AudioEngine engine({64, false, 2});
    const auto f = audio_format(128, 2, 71, 1, true);
    engine.connect(0, kA);
    ASSERT_TRUE(engine.set_format(0, f));
    engine.set_identified(0);
    FakeClient a(f, 440);
    auto c = run(engine, a, nullptr, 20, 1, 2);
    ASSERT_EQ(c.to_a.size(), 10u);
    EXPECT_EQ(c.to_a[0].size(), 72u);
}

TEST(AudioEngine, RejectsAudioOfTheWrongSizeAndUnservableFormats) {
    AudioEngine engine({128, false, 2});
    engine.connect(0, kA);
    std::vector<std::uint8_t> junk(46, 1);
    EXPECT_FALSE(engine.on_audio(0, junk)); // no format yet
    ASSERT_TRUE(engine.set_format(0, audio_format(128, 1, 45, 1, false)));
    EXPECT_FALSE(engine.on_audio(0, junk));
    EXPECT_FALSE(engine.set_format(0, audio_format(128, 1, 2000, 1, false)));
}

TEST(AudioEngine, ReportsAutoJitterSizeChangesOnce) {
    AudioEngine engine({128, false, 2});
    engine.connect(0, kA);
    ASSERT_TRUE(engine.set_format(0, audio_format(128, 1, 45, 1, true)));
    auto first = engine.take_jitter_change(0);
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(*first, 6);
    EXPECT_FALSE(engine.take_jitter_change(0).has_value());
    engine.set_jitter_request(0, 4);
    EXPECT_FALSE(engine.take_jitter_change(0).has_value()); // fixed sizes are not reported
    EXPECT_EQ(engine.jitter_size(0), 4);
}

TEST(AudioEngine, CountsAutoJitterResizesOnTheTickPath) {
    // A client whose audio never arrives: every get misses, the auto size grows.
    AudioEngine engine({128, false, 2});
    engine.connect(0, kA);
    ASSERT_TRUE(engine.set_format(0, audio_format(128, 1, 45, 1, true)));
    engine.set_identified(0);
    const int start = engine.jitter_size(0);
    int changes = 0;
    int last = start;
    for (int i = 0; i < 3000; ++i) {
        (void)engine.tick();
        if (engine.jitter_size(0) != last) {
            last = engine.jitter_size(0);
            ++changes;
        }
    }
    EXPECT_NE(engine.jitter_size(0), start);
    EXPECT_GT(changes, 0);
    EXPECT_EQ(engine.stats().jitter_resizes, static_cast<std::uint64_t>(changes));
}

} // namespace
} // namespace jamfleet::mixer
