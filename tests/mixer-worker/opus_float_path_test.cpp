// The float entry points the mixer's tick uses (decode into and encode from floats in int16
// units) against the int16 ones: same stream, same bytes, same concealment.
#include "mixer-worker/opus_codec.h"

#include <cmath>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

namespace jamfleet::mixer {
namespace {

struct FloatCase {
    int frame_samples;
    int channels;
    int coded_bytes;
};

// A two-tone signal at about half full scale, interleaved, in int16 units.
std::vector<std::int16_t> frame_of(const FloatCase& c, long frame) {
    std::vector<std::int16_t> pcm(static_cast<std::size_t>(c.frame_samples * c.channels));
    for (int i = 0; i < c.frame_samples; ++i) {
        const double t = static_cast<double>(frame * c.frame_samples + i) / kSampleRate;
        for (int ch = 0; ch < c.channels; ++ch) {
            const double v = 12000.0 * std::sin(2 * 3.14159265358979 * (440.0 + 300.0 * ch) * t) +
                             3000.0 * std::sin(2 * 3.14159265358979 * 2000.0 * t);
            pcm[static_cast<std::size_t>(i * c.channels + ch)] = static_cast<std::int16_t>(v);
        }
    }
    return pcm;
}

class OpusFloatPath : public ::testing::TestWithParam<FloatCase> {};

// libopus's int16 entry point scales by 1/32768 into its float one, so int16-valued floats
// must give the very same bytes: proof that the float path's scaling is right.
TEST_P(OpusFloatPath, EncodingInt16ValuedFloatsGivesTheInt16PathsBytes) {
    const FloatCase c = GetParam();
    auto mode = OpusMode::create(c.frame_samples);
    ASSERT_TRUE(mode.ok());
    auto via_int16 = OpusEncoder::create(*mode, c.channels, c.coded_bytes);
    auto via_float = OpusEncoder::create(*mode, c.channels, c.coded_bytes);
    ASSERT_TRUE(via_int16.ok() && via_float.ok());
    const auto bytes = static_cast<std::size_t>(c.coded_bytes);
    std::vector<std::uint8_t> a(bytes);
    std::vector<std::uint8_t> b(bytes);
    for (long f = 0; f < 200; ++f) {
        const auto pcm = frame_of(c, f);
        const std::vector<float> floats(pcm.begin(), pcm.end());
        ASSERT_EQ(via_int16->encode(pcm, a), bytes);
        ASSERT_EQ(via_float->encode(std::span<const float>(floats), b), bytes);
        ASSERT_EQ(a, b) << "frame " << f;
    }
}

// Out-of-range mix samples are clamped like the int16 conversion clamps them.
TEST_P(OpusFloatPath, EncodingClampsOverloadedFloatsToTheInt16Range) {
    const FloatCase c = GetParam();
    auto mode = OpusMode::create(c.frame_samples);
    ASSERT_TRUE(mode.ok());
    auto clamped = OpusEncoder::create(*mode, c.channels, c.coded_bytes);
    auto overloaded = OpusEncoder::create(*mode, c.channels, c.coded_bytes);
    ASSERT_TRUE(clamped.ok() && overloaded.ok());
    const auto bytes = static_cast<std::size_t>(c.coded_bytes);
    std::vector<std::uint8_t> a(bytes);
    std::vector<std::uint8_t> b(bytes);
    for (long f = 0; f < 50; ++f) {
        const auto pcm = frame_of(c, f);
        std::vector<float> loud(pcm.size());
        std::vector<float> limit(pcm.size());
        for (std::size_t i = 0; i < pcm.size(); ++i) {
            loud[i] = static_cast<float>(pcm[i]) * 8.0f; // far beyond full scale
            limit[i] = loud[i] > 32767.0f ? 32767.0f : (loud[i] < -32768.0f ? -32768.0f : loud[i]);
        }
        ASSERT_EQ(clamped->encode(std::span<const float>(limit), a), bytes);
        ASSERT_EQ(overloaded->encode(std::span<const float>(loud), b), bytes);
        ASSERT_EQ(a, b) << "frame " << f;
    }
}

// Decoding the same packets both ways: within one int16 step (the int16 path rounds).
TEST_P(OpusFloatPath, DecodingIntoFloatsMatchesTheInt16PathWithinOneStep) {
    const FloatCase c = GetParam();
    auto mode = OpusMode::create(c.frame_samples);
    ASSERT_TRUE(mode.ok());
    auto enc = OpusEncoder::create(*mode, c.channels, c.coded_bytes);
    auto to_int16 = OpusDecoder::create(*mode, c.channels);
    auto to_float = OpusDecoder::create(*mode, c.channels);
    ASSERT_TRUE(enc.ok() && to_int16.ok() && to_float.ok());
    std::vector<std::uint8_t> packet(static_cast<std::size_t>(c.coded_bytes));
    const std::size_t n = static_cast<std::size_t>(c.frame_samples * c.channels);
    std::vector<std::int16_t> ints(n);
    std::vector<float> floats(n);
    double energy = 0;
    for (long f = 0; f < 100; ++f) {
        ASSERT_EQ(enc->encode(frame_of(c, f), packet), packet.size());
        // Every tenth frame is lost: both conceal by repeating the last packet, halved.
        const std::span<const std::uint8_t> data =
            f % 10 == 9 ? std::span<const std::uint8_t>() : std::span<const std::uint8_t>(packet);
        ASSERT_TRUE(to_int16->decode(data, ints));
        ASSERT_TRUE(to_float->decode(data, std::span<float>(floats)));
        for (std::size_t i = 0; i < n; ++i) {
            ASSERT_NEAR(floats[i], static_cast<float>(ints[i]), 1.0f)
                << "frame " << f << " sample " << i;
            energy += static_cast<double>(floats[i]) * floats[i];
        }
    }
    EXPECT_GT(energy / (100.0 * static_cast<double>(n)), 1e6) << "decoded silence";
}

INSTANTIATE_TEST_SUITE_P(JamulusFormats, OpusFloatPath,
                         ::testing::Values(FloatCase{128, 1, 45}, FloatCase{128, 2, 165},
                                           FloatCase{64, 1, 22}, FloatCase{64, 2, 73}));

} // namespace
} // namespace jamfleet::mixer
