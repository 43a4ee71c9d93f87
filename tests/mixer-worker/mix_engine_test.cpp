// Personal-mix DSP with exact expected values.
#include "mixer-worker/mix_engine.h"

#include <array>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

namespace jamfleet::mixer {
namespace {

TEST(MixGains, CentrePanIsUnityOnBothSides) {
    float l = 0, r = 0;
    pan_gains(1.0f, 0.5f, l, r);
    EXPECT_FLOAT_EQ(l, 1.0f);
    EXPECT_FLOAT_EQ(r, 1.0f);
    pan_gains(0.5f, 0.0f, l, r); // hard left keeps the gain on the left only
    EXPECT_FLOAT_EQ(l, 0.5f);
    EXPECT_FLOAT_EQ(r, 0.0f);
    pan_gains(1.0f, 0.75f, l, r);
    EXPECT_FLOAT_EQ(l, 0.5f);
    EXPECT_FLOAT_EQ(r, 1.0f);
}

TEST(MixGains, OwnSignalIgnoresTheListenersFade) {
    EXPECT_FLOAT_EQ(effective_gain(1.0f, 0.5f, 0.25f, true), 0.5f);
    EXPECT_FLOAT_EQ(effective_gain(1.0f, 0.5f, 0.25f, false), 0.125f);
}

TEST(MixGains, DelayPanRangeIsPlusMinus63) {
    EXPECT_EQ(delay_pan_samples(0.5f), 0);
    EXPECT_EQ(delay_pan_samples(1.0f), 63);
    EXPECT_EQ(delay_pan_samples(0.0f), -63);
    EXPECT_EQ(delay_pan_samples(0.75f), 32); // round(31.5)
}

TEST(MixPersonal, MonoListenerSumsMonoAndAveragesStereoSources) {
    const std::vector<float> mono(4, 1000.0f);
    const std::vector<float> stereo = {100, 300, 100, 300, 100, 300, 100, 300};
    const std::array<MixInput, 2> inputs = {MixInput{mono, {}, 1, 1.0f},
                                            MixInput{stereo, {}, 2, 1.0f}};
    const std::array<float, 2> gains = {1.0f, 0.5f};
    const std::array<float, 2> pans = {0.0f, 1.0f}; // ignored for mono output
    std::vector<float> acc(4, 0.0f);
    mix_personal(MixSettings{4, 1, false}, inputs, gains, pans, 0, acc);
    for (float v : acc) {
        EXPECT_FLOAT_EQ(v, 1000.0f + 0.5f * 200.0f);
    }
}

TEST(MixPersonal, StereoListenerPansMonoAndStereoSources) {
    const std::vector<float> mono(2, 1000.0f);
    const std::vector<float> stereo = {100, 300, 100, 300};
    const std::array<MixInput, 2> inputs = {MixInput{mono, {}, 1, 1.0f},
                                            MixInput{stereo, {}, 2, 1.0f}};
    const std::array<float, 2> gains = {1.0f, 1.0f};
    const std::array<float, 2> pans = {0.25f, 0.5f};
    std::vector<float> acc(4, 0.0f);
    mix_personal(MixSettings{2, 2, false}, inputs, gains, pans, 1, acc);
    // mono at pan 0.25: L 1000, R 500; stereo centred: L 100, R 300.
    EXPECT_FLOAT_EQ(acc[0], 1100.0f);
    EXPECT_FLOAT_EQ(acc[1], 800.0f);
    EXPECT_FLOAT_EQ(acc[2], 1100.0f);
    EXPECT_FLOAT_EQ(acc[3], 800.0f);
}

TEST(MixPersonal, FadeInScalesOthersButNotSelfTwice) {
    const std::vector<float> a(1, 1000.0f);
    const std::vector<float> b(1, 1000.0f);
    const std::array<MixInput, 2> inputs = {MixInput{a, {}, 1, 0.5f}, MixInput{b, {}, 1, 1.0f}};
    const std::array<float, 2> gains = {1.0f, 1.0f};
    const std::array<float, 2> pans = {0.5f, 0.5f};
    std::vector<float> acc(1, 0.0f);
    mix_personal(MixSettings{1, 1, false}, inputs, gains, pans, 0, acc);
    // self: 1000 × 0.5; other: 1000 × 1.0 × listener fade 0.5.
    EXPECT_FLOAT_EQ(acc[0], 1000.0f);
}

TEST(MixPersonal, DelayPanDelaysTheLeftSideOfARightPannedSource) {
    std::vector<float> previous(128, 0.0f);
    previous[127] = 7.0f;
    std::vector<float> pcm(128, 0.0f);
    pcm[0] = 5.0f;
    const std::array<MixInput, 1> inputs = {MixInput{pcm, previous, 1, 1.0f}};
    const std::array<float, 1> gains = {1.0f};
    const std::array<float, 1> pans = {1.0f}; // d = +63
    std::vector<float> acc(256, 0.0f);
    mix_personal(MixSettings{128, 2, true}, inputs, gains, pans, 0, acc);
    EXPECT_FLOAT_EQ(acc[1], 5.0f);      // right, undelayed, unity gain
    EXPECT_FLOAT_EQ(acc[2 * 63], 5.0f); // left, 63 samples later
    EXPECT_FLOAT_EQ(acc[2 * 62], 7.0f); // last sample of the previous frame
    EXPECT_FLOAT_EQ(acc[0], 0.0f);
}

TEST(MixPersonal, DelayPanLeavesMonoListenersAlone) {
    std::vector<float> pcm(4, 10.0f);
    const std::array<MixInput, 1> inputs = {MixInput{pcm, {}, 1, 1.0f}};
    const std::array<float, 1> gains = {1.0f};
    const std::array<float, 1> pans = {1.0f};
    std::vector<float> acc(4, 0.0f);
    mix_personal(MixSettings{4, 1, true}, inputs, gains, pans, 0, acc);
    EXPECT_FLOAT_EQ(acc[0], 10.0f);
}

TEST(MixPersonal, ZeroGainRemovesASource) {
    std::vector<float> pcm(4, 10.0f);
    const std::array<MixInput, 1> inputs = {MixInput{pcm, {}, 1, 1.0f}};
    const std::array<float, 1> gains = {0.0f};
    const std::array<float, 1> pans = {0.5f};
    std::vector<float> acc(8, 0.0f);
    mix_personal(MixSettings{4, 2, false}, inputs, gains, pans, 0, acc);
    for (float v : acc) {
        EXPECT_EQ(v, 0.0f);
    }
}

TEST(MixConvert, SaturatesAndTruncatesTowardZero) {
    const std::array<float, 6> in = {40000.0f, -40000.0f, 1.9f, -1.9f, 32767.5f, -32768.0f};
    std::array<std::int16_t, 6> out{};
    float_to_int16(in, out);
    EXPECT_EQ(out[0], 32767);
    EXPECT_EQ(out[1], -32768);
    EXPECT_EQ(out[2], 1);
    EXPECT_EQ(out[3], -1);
    EXPECT_EQ(out[4], 32767);
    EXPECT_EQ(out[5], -32768);
}

} // namespace
} // namespace jamfleet::mixer
