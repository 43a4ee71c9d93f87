// Stream rates from the packet sizes the mixer exchanges, against the table
// Jamulus publishes for server operators (jamulus.io wiki "Server Bandwidth";
// its buffer columns are the 64-, 128-, 256- and 512-sample packets of Opus64 x1,
// Opus x1, x2 and x4, without the sequence byte).
#include "proto/audio_bandwidth.h"

#include <gtest/gtest.h>

#include <array>

namespace jamfleet::proto {
namespace {

AudioFormat format(AudioCodingType codec, std::uint16_t factor, std::uint8_t channels,
                   AudioQuality quality) {
    AudioFormat f;
    f.codec = codec;
    f.frame_samples = frame_samples_for(codec);
    f.channels = channels;
    f.coded_bytes = coded_bytes_for(codec, channels, quality);
    f.block_factor = factor;
    f.with_sequence = false;
    return f;
}

// One row of the table: 64, 128, 256, 512 samples per packet.
std::array<std::uint32_t, 4> row(std::uint8_t channels, AudioQuality quality) {
    return {stream_kbps(format(AudioCodingType::Opus64, 1, channels, quality)),
            stream_kbps(format(AudioCodingType::Opus, 1, channels, quality)),
            stream_kbps(format(AudioCodingType::Opus, 2, channels, quality)),
            stream_kbps(format(AudioCodingType::Opus, 4, channels, quality))};
}

using Row = std::array<std::uint32_t, 4>;

TEST(AudioBandwidth, MatchesThePublishedTableForTheRowsItComputesFromTodaysPacketSizes) {
    EXPECT_EQ(row(2, AudioQuality::Normal), (Row{672, 444, 328, 270}));
    EXPECT_EQ(row(2, AudioQuality::Low), (Row{606, 372, 256, 198}));
    EXPECT_EQ(row(1, AudioQuality::Normal), (Row{594, 366, 250, 192}));
    EXPECT_EQ(row(1, AudioQuality::Low), (Row{534, 306, 190, 132}));
}

TEST(AudioBandwidth, HighQualityRowsFollowThePacketsClientsReallySend) {
    // The table's stereo-high row (894/657/541/483) is what 72- and 142-byte frames
    // give; Jamulus 3.9.1 to 4.0 clients send 73 and 165 (tests/proto/vectors), so
    // planning uses the larger figures. Its mono-high row repeats stereo-normal.
    EXPECT_EQ(row(2, AudioQuality::High), (Row{900, 726, 610, 552}));
    EXPECT_EQ(row(1, AudioQuality::High), (Row{678, 477, 361, 303}));
    AudioFormat table_stereo_high = format(AudioCodingType::Opus64, 1, 2, AudioQuality::High);
    table_stereo_high.coded_bytes = 72;
    EXPECT_EQ(stream_kbps(table_stereo_high), 894u);
    table_stereo_high = format(AudioCodingType::Opus, 1, 2, AudioQuality::High);
    table_stereo_high.coded_bytes = 142;
    EXPECT_EQ(stream_kbps(table_stereo_high), 657u);
}

TEST(AudioBandwidth, BusiestClientUsesTheRoomsSmallestFrameWithASequenceByte) {
    const auto fast = busiest_client_format(true, 2, AudioQuality::High);
    EXPECT_EQ(fast.codec, AudioCodingType::Opus64);
    EXPECT_EQ(fast.packet_bytes(), 74u);
    EXPECT_EQ(stream_kbps(fast), 906u); // (74 + 77) bytes x 8 x 750 packets/s
    const auto normal = busiest_client_format(false, 2, AudioQuality::High);
    EXPECT_EQ(normal.codec, AudioCodingType::Opus);
    EXPECT_EQ(normal.packet_bytes(), 166u);
    EXPECT_EQ(stream_kbps(normal), 729u); // (166 + 77) x 8 x 375
    EXPECT_EQ(stream_kbps(busiest_client_format(false, 1, AudioQuality::Low)), 309u);
}

} // namespace
} // namespace jamfleet::proto
