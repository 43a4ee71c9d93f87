// Proves that the linked libopus encodes and decodes Jamulus's custom-mode frames
// (64 and 128 samples, mono and stereo): Debian 12's libopus 1.3.1 aborts on 128.
#include "mixer-worker/opus_codec.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

#include <gtest/gtest.h>

namespace jamfleet::mixer {
namespace {

constexpr double kPi = 3.14159265358979323846;

struct Case {
    int frame_samples;
    int channels;
    int coded_bytes;
};

// Sine at `hz`, amplitude 0.5 full scale, interleaved over `channels`.
std::vector<std::int16_t> sine(int frame_samples, int channels, long start, double hz) {
    std::vector<std::int16_t> pcm(static_cast<std::size_t>(frame_samples * channels));
    for (int i = 0; i < frame_samples; ++i) {
        const double t = static_cast<double>(start + i) / kSampleRate;
        const auto v = static_cast<std::int16_t>(16384.0 * std::sin(2 * kPi * hz * t));
        for (int c = 0; c < channels; ++c) {
            pcm[static_cast<std::size_t>(i * channels + c)] = v;
        }
    }
    return pcm;
}

// Correlation of the decoded signal with the reference at `hz` over a whole block,
// scanning delays: Opus custom low-delay mode adds a small fixed delay.
double best_correlation(const std::vector<double>& out, double hz) {
    double best = 0;
    for (int delay = 0; delay < 400; ++delay) {
        double num = 0, den_a = 0, den_b = 0;
        for (std::size_t i = 2000; i < out.size(); ++i) {
            const double ref =
                std::sin(2 * kPi * hz * static_cast<double>(i - static_cast<std::size_t>(delay)) /
                         kSampleRate);
            num += out[i] * ref;
            den_a += out[i] * out[i];
            den_b += ref * ref;
        }
        if (den_a > 0) {
            best = std::max(best, num / std::sqrt(den_a * den_b));
        }
    }
    return best;
}

class OpusRoundTrip : public ::testing::TestWithParam<Case> {};

TEST_P(OpusRoundTrip, DecodesASineItEncoded) {
    const Case c = GetParam();
    auto mode = OpusMode::create(c.frame_samples);
    ASSERT_TRUE(mode.ok()) << mode.error();
    auto enc = OpusEncoder::create(*mode, c.channels, c.coded_bytes);
    ASSERT_TRUE(enc.ok()) << enc.error();
    auto dec = OpusDecoder::create(*mode, c.channels);
    ASSERT_TRUE(dec.ok()) << dec.error();

    std::vector<double> left;
    std::vector<double> right;
    std::vector<std::uint8_t> packet(static_cast<std::size_t>(c.coded_bytes));
    std::vector<std::int16_t> decoded(static_cast<std::size_t>(c.frame_samples * c.channels));
    const int frames = 48000 / 5 / c.frame_samples; // 200 ms
    for (int f = 0; f < frames; ++f) {
        const auto pcm = sine(c.frame_samples, c.channels, long{f} * c.frame_samples, 440.0);
        ASSERT_EQ(enc->encode(pcm, packet), static_cast<std::size_t>(c.coded_bytes));
        ASSERT_TRUE(dec->decode(packet, decoded));
        for (int i = 0; i < c.frame_samples; ++i) {
            left.push_back(decoded[static_cast<std::size_t>(i * c.channels)]);
            right.push_back(decoded[static_cast<std::size_t>(i * c.channels + c.channels - 1)]);
        }
    }
    EXPECT_GT(best_correlation(left, 440.0), 0.9);
    EXPECT_GT(best_correlation(right, 440.0), 0.9);
    // The level survives too: RMS of a 0.5 sine is 0.354 full scale.
    double sum = 0;
    for (std::size_t i = 2000; i < left.size(); ++i) {
        sum += left[i] * left[i];
    }
    const double rms = std::sqrt(sum / static_cast<double>(left.size() - 2000)) / 32768.0;
    EXPECT_NEAR(rms, 0.354, 0.06);
}

INSTANTIATE_TEST_SUITE_P(JamulusFormats, OpusRoundTrip,
                         ::testing::Values(Case{128, 1, 45}, Case{128, 2, 71}, Case{128, 2, 165},
                                           Case{128, 1, 25}, Case{64, 1, 22}, Case{64, 2, 35},
                                           Case{64, 2, 73}, Case{64, 1, 12}));

TEST(OpusDecoder, ConcealsALossBeforeAnyPacketWithSilence) {
    auto mode = OpusMode::create(128);
    ASSERT_TRUE(mode.ok());
    auto dec = OpusDecoder::create(*mode, 2);
    ASSERT_TRUE(dec.ok());
    std::vector<std::int16_t> pcm(256, 123);
    EXPECT_TRUE(dec->decode({}, pcm));
    EXPECT_EQ(std::count(pcm.begin(), pcm.end(), 0), 256);
}

TEST(OpusDecoder, ConcealsALossAfterAudioWithAQuieterContinuation) {
    auto mode = OpusMode::create(128);
    ASSERT_TRUE(mode.ok());
    auto enc = OpusEncoder::create(*mode, 1, 45);
    auto dec = OpusDecoder::create(*mode, 1);
    ASSERT_TRUE(enc.ok() && dec.ok());
    std::vector<std::uint8_t> packet(45);
    std::vector<std::int16_t> pcm(128);
    double good_energy = 0;
    for (int f = 0; f < 20; ++f) {
        ASSERT_EQ(enc->encode(sine(128, 1, f * 128L, 440.0), packet), 45u);
        ASSERT_TRUE(dec->decode(packet, pcm));
    }
    for (auto v : pcm) {
        good_energy += double(v) * v;
    }
    ASSERT_TRUE(dec->decode({}, pcm));
    double lost_energy = 0;
    for (auto v : pcm) {
        lost_energy += double(v) * v;
    }
    EXPECT_GT(lost_energy, 0.0);
    EXPECT_LT(lost_energy, good_energy);
}

TEST(OpusEncoder, CloneContinuesTheStreamBitIdentically) {
    auto mode = OpusMode::create(128);
    ASSERT_TRUE(mode.ok());
    auto enc = OpusEncoder::create(*mode, 2, 71);
    ASSERT_TRUE(enc.ok());
    std::vector<std::uint8_t> a(71), b(71);
    for (int f = 0; f < 10; ++f) {
        ASSERT_EQ(enc->encode(sine(128, 2, f * 128L, 300.0), a), 71u);
    }
    OpusEncoder copy = enc->clone();
    bool any_difference_from_fresh = false;
    auto fresh = OpusEncoder::create(*mode, 2, 71);
    ASSERT_TRUE(fresh.ok());
    std::vector<std::uint8_t> c(71);
    for (int f = 10; f < 30; ++f) {
        const auto pcm = sine(128, 2, f * 128L, 300.0);
        ASSERT_EQ(enc->encode(pcm, a), 71u);
        ASSERT_EQ(copy.encode(pcm, b), 71u);
        ASSERT_EQ(fresh->encode(pcm, c), 71u);
        EXPECT_EQ(a, b) << "frame " << f;
        any_difference_from_fresh = any_difference_from_fresh || a != c;
    }
    // The clone carries history: a fresh encoder would produce different bytes.
    EXPECT_TRUE(any_difference_from_fresh);
}

class OpusStateCopy : public ::testing::TestWithParam<Case> {};

// What shared encodes rely on (docs/adr/0006): with the libopus we ship (1.5.2), an encoder
// that copies another's state mid-stream continues that stream byte for byte, even after it
// encoded different audio of its own; without the copy it would not.
TEST_P(OpusStateCopy, ContinuesTheOtherStreamBitIdentically) {
    const Case c = GetParam();
    auto mode = OpusMode::create(c.frame_samples);
    ASSERT_TRUE(mode.ok());
    auto leader = OpusEncoder::create(*mode, c.channels, c.coded_bytes);
    auto follower = OpusEncoder::create(*mode, c.channels, c.coded_bytes);
    ASSERT_TRUE(leader.ok() && follower.ok());
    const auto bytes = static_cast<std::size_t>(c.coded_bytes);
    std::vector<std::uint8_t> a(bytes), b(bytes);
    for (int f = 0; f < 40; ++f) {
        const long t = long{f} * c.frame_samples;
        ASSERT_EQ(leader->encode(sine(c.frame_samples, c.channels, t, 300.0), a), bytes);
        ASSERT_EQ(follower->encode(sine(c.frame_samples, c.channels, t, 770.0), b), bytes);
    }
    auto uncopied = follower->clone();
    follower->copy_state_from(*leader);
    bool uncopied_differs = false;
    for (int f = 40; f < 200; ++f) {
        const auto pcm = sine(c.frame_samples, c.channels, long{f} * c.frame_samples, 300.0);
        ASSERT_EQ(leader->encode(pcm, a), bytes);
        ASSERT_EQ(follower->encode(pcm, b), bytes);
        ASSERT_EQ(a, b) << "frame " << f;
        std::vector<std::uint8_t> u(bytes);
        ASSERT_EQ(uncopied.encode(pcm, u), bytes);
        uncopied_differs = uncopied_differs || u != a;
    }
    EXPECT_TRUE(uncopied_differs);
}

INSTANTIATE_TEST_SUITE_P(JamulusFormats, OpusStateCopy,
                         ::testing::Values(Case{128, 1, 45}, Case{128, 2, 71}, Case{64, 1, 22},
                                           Case{64, 2, 35}));

// Why merges wait for stable ticks (docs/adr/0006), and the bound the engine's merge test
// uses: a client switched to another encoder that saw the same audio for 32 frames decodes
// (almost) what its own encoder would have given; switched to a fresh encoder it clicks.
TEST(OpusStreamSwitch, AConvergedEncoderIsSeamlessAFreshOneIsNot) {
    auto mode = OpusMode::create(128);
    ASSERT_TRUE(mode.ok());
    auto group = OpusEncoder::create(*mode, 2, 71);
    auto own = OpusEncoder::create(*mode, 2, 71);
    ASSERT_TRUE(group.ok() && own.ok());
    auto d_own = OpusDecoder::create(*mode, 2);
    auto d_merged = OpusDecoder::create(*mode, 2);
    auto d_fresh = OpusDecoder::create(*mode, 2);
    ASSERT_TRUE(d_own.ok() && d_merged.ok() && d_fresh.ok());
    // Two tones; the listener's own mix had the second one at 0.3 until frame 100.
    auto mix = [](long f, float second) {
        auto a = sine(128, 2, f * 128, 300.0);
        const auto b = sine(128, 2, f * 128, 700.0);
        for (std::size_t i = 0; i < a.size(); ++i) {
            a[i] = static_cast<std::int16_t>(0.5f * a[i] + 0.5f * second * b[i]);
        }
        return a;
    };
    std::vector<std::uint8_t> pg(71), po(71), pf(71);
    std::vector<std::int16_t> out_own(256), out_merged(256), out_fresh(256);
    std::optional<OpusEncoder> fresh;
    double merged_error = 0;
    double fresh_error = 0;
    double peak = 0;
    for (long f = 0; f < 142; ++f) {
        ASSERT_EQ(group->encode(mix(f, 1.0f), pg), 71u);
        ASSERT_EQ(own->encode(mix(f, f < 100 ? 0.3f : 1.0f), po), 71u);
        if (f < 132) {
            ASSERT_TRUE(d_own->decode(po, out_own) && d_merged->decode(po, out_merged) &&
                        d_fresh->decode(po, out_fresh));
            continue;
        }
        if (!fresh) {
            fresh.emplace(std::move(OpusEncoder::create(*mode, 2, 71)).value());
        }
        ASSERT_EQ(fresh->encode(mix(f, 1.0f), pf), 71u);
        ASSERT_TRUE(d_own->decode(po, out_own) && d_merged->decode(pg, out_merged) &&
                    d_fresh->decode(pf, out_fresh));
        for (std::size_t i = 0; i < out_own.size(); ++i) {
            merged_error = std::max(merged_error, std::abs(double(out_merged[i]) - out_own[i]));
            fresh_error = std::max(fresh_error, std::abs(double(out_fresh[i]) - out_own[i]));
            peak = std::max(peak, std::abs(double(out_own[i])));
        }
    }
    ASSERT_GT(peak, 8000.0);
    EXPECT_LT(merged_error / peak, 0.05) << merged_error;
    EXPECT_GT(fresh_error / peak, 0.05) << fresh_error;
}

TEST(OpusEncoder, CopyStateIgnoresAnEncoderOfAnotherShape) {
    auto mode = OpusMode::create(128);
    ASSERT_TRUE(mode.ok());
    auto mono = OpusEncoder::create(*mode, 1, 45);
    auto stereo = OpusEncoder::create(*mode, 2, 71);
    ASSERT_TRUE(mono.ok() && stereo.ok());
    auto reference = stereo->clone();
    stereo->copy_state_from(*mono); // refused: the stereo stream goes on untouched
    std::vector<std::uint8_t> a(71), b(71);
    for (int f = 0; f < 5; ++f) {
        const auto pcm = sine(128, 2, f * 128L, 300.0);
        ASSERT_EQ(stereo->encode(pcm, a), 71u);
        ASSERT_EQ(reference.encode(pcm, b), 71u);
        EXPECT_EQ(a, b);
    }
}

} // namespace
} // namespace jamfleet::mixer
