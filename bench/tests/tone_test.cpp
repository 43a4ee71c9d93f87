// Tone loops survive Opus encoding and the tone check finds exactly the tones
// that are present (and fails when one is missing).
#include <gtest/gtest.h>

#include "bench/opus_custom_codec.h"
#include "bench/tone_check.h"
#include "bench/tone_loop.h"

namespace jamfleet::bench {
namespace {

// Decodes `frames` frames of each loop and mixes them like a server would.
std::vector<float> decode_mix(const std::vector<ToneLoop>& loops, int frame_samples, int channels,
                              std::size_t frames) {
    std::vector<float> mix(frames * static_cast<std::size_t>(frame_samples), 0.0f);
    std::vector<std::int16_t> pcm(static_cast<std::size_t>(frame_samples * channels));
    for (const auto& loop : loops) {
        auto codec =
            OpusCustomCodec::create(frame_samples, channels, static_cast<int>(loop.coded_bytes()));
        EXPECT_TRUE(codec.has_value());
        for (std::size_t f = 0; f < frames; ++f) {
            EXPECT_TRUE(codec->decode(loop.frame(f), pcm));
            for (int s = 0; s < frame_samples; ++s) {
                mix[f * static_cast<std::size_t>(frame_samples) + static_cast<std::size_t>(s)] +=
                    pcm[static_cast<std::size_t>(s * channels)] / 32768.0f;
            }
        }
    }
    return mix;
}

TEST(ToneLoop, EncodesOneSecondOfFixedSizeFrames) {
    const auto loop = encode_tone_loop(64, 2, 73, tone_frequency_hz(0), 0.25);
    ASSERT_TRUE(loop.has_value());
    EXPECT_EQ(loop->frames(), 750u);
    EXPECT_EQ(loop->coded_bytes(), 73u);
    EXPECT_EQ(loop->frame(750).data(), loop->frame(0).data()); // wraps around
}

TEST(ToneCheck, FindsEveryToneOfAThreeClientMix) {
    std::vector<ToneLoop> loops;
    for (std::size_t k = 0; k < 3; ++k) {
        loops.push_back(*encode_tone_loop(128, 2, 165, tone_frequency_hz(k), tone_amplitude(3)));
    }
    const auto mix = decode_mix(loops, 128, 2, 375 * 2); // 2 s, across the loop seam
    const auto check = check_tones(mix, 3, 0, tone_amplitude(3));
    EXPECT_EQ(check.blocks, 20u);
    EXPECT_TRUE(check.own_tone_detected);
    EXPECT_EQ(check.tones_checked, 2u);
    EXPECT_EQ(check.tones_detected, 2u);
    EXPECT_FALSE(check.absent_tone_detected);
    EXPECT_GT(check.min_margin_db, kDetectMarginDb);
    EXPECT_NEAR(check.median_level_db, 0.0, 3.0);
}

TEST(ToneCheck, ReportsAClientWhoseToneIsMissing) {
    std::vector<ToneLoop> loops;
    for (std::size_t k : {0u, 1u}) { // client 2 is silent
        loops.push_back(*encode_tone_loop(128, 1, 82, tone_frequency_hz(k), tone_amplitude(3)));
    }
    const auto mix = decode_mix(loops, 128, 1, 375);
    const auto check = check_tones(mix, 3, 0, tone_amplitude(3));
    EXPECT_EQ(check.tones_checked, 2u);
    EXPECT_EQ(check.tones_detected, 1u);
    ASSERT_EQ(check.missing.size(), 1u);
    EXPECT_EQ(check.missing[0], 2u);
}

TEST(ToneCheck, SilenceHasNoTones) {
    const std::vector<float> silence(48000, 0.0f);
    const auto check = check_tones(silence, 4, 0, tone_amplitude(4));
    EXPECT_FALSE(check.own_tone_detected);
    EXPECT_EQ(check.tones_detected, 0u);
}

} // namespace
} // namespace jamfleet::bench
