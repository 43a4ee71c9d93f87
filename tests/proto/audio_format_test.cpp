// Tests for coded-byte table, packet sizes and sequence bytes (§5.2–§5.3).
#include <gtest/gtest.h>

#include "proto/audio_format.h"

namespace jamfleet::proto {
namespace {

TEST(CodedBytes, MatchesTheJamulusTable) {
    using enum AudioCodingType;
    using Q = AudioQuality;
    EXPECT_EQ(coded_bytes_for(Opus64, 1, Q::Low), 12);
    EXPECT_EQ(coded_bytes_for(Opus64, 2, Q::Low), 24);
    EXPECT_EQ(coded_bytes_for(Opus, 1, Q::Low), 25);
    EXPECT_EQ(coded_bytes_for(Opus, 2, Q::Low), 47);
    EXPECT_EQ(coded_bytes_for(Opus64, 1, Q::Normal), 22);
    EXPECT_EQ(coded_bytes_for(Opus64, 2, Q::Normal), 35);
    EXPECT_EQ(coded_bytes_for(Opus, 1, Q::Normal), 45);
    EXPECT_EQ(coded_bytes_for(Opus, 2, Q::Normal), 71);
    EXPECT_EQ(coded_bytes_for(Opus64, 1, Q::High), 36);
    EXPECT_EQ(coded_bytes_for(Opus64, 2, Q::High), 73);
    EXPECT_EQ(coded_bytes_for(Opus, 1, Q::High), 82);
    EXPECT_EQ(coded_bytes_for(Opus, 2, Q::High), 165);
    EXPECT_EQ(coded_bytes_for(Celt, 1, Q::Normal), 0);
    EXPECT_EQ(coded_bytes_for(Opus, 3, Q::Normal), 0);
}

NetwTransportProps props(std::uint32_t base, std::uint16_t factor, std::uint8_t channels,
                         AudioCodingType codec, std::uint16_t flags) {
    return NetwTransportProps{base,  factor, channels, 48000, static_cast<std::uint16_t>(codec),
                              flags, 0};
}

TEST(AudioFormat, PacketSizesMatchMeasuredReturnStreams) {
    using enum AudioCodingType;
    struct Case {
        NetwTransportProps p;
        std::size_t bytes;
    };
    const Case cases[] = {
        {props(46, 1, 1, Opus, 1), 46},   {props(72, 1, 2, Opus, 1), 72},
        {props(46, 2, 1, Opus, 1), 92},   {props(23, 1, 1, Opus64, 1), 23},
        {props(36, 2, 2, Opus64, 1), 72}, {props(45, 1, 1, Opus, 0), 45},
    };
    for (const auto& c : cases) {
        auto f = AudioFormat::from_props(c.p);
        ASSERT_TRUE(f.has_value());
        EXPECT_EQ(f->packet_bytes(), c.bytes);
        EXPECT_EQ(f->to_props(), c.p);
    }
}

TEST(AudioFormat, FromPropsDerivesCodedBytesAndFrameSize) {
    auto f = AudioFormat::from_props(props(46, 1, 1, AudioCodingType::Opus, 1));
    ASSERT_TRUE(f.has_value());
    EXPECT_EQ(f->coded_bytes, 45);
    EXPECT_TRUE(f->with_sequence);
    EXPECT_EQ(f->frame_samples, 128);
    auto small = AudioFormat::from_props(props(22, 1, 1, AudioCodingType::Opus64, 0));
    ASSERT_TRUE(small.has_value());
    EXPECT_EQ(small->coded_bytes, 22);
    EXPECT_FALSE(small->with_sequence);
    EXPECT_EQ(small->frame_samples, 64);
}

TEST(AudioFormat, FromPropsRejectsWhatAServerRejects) {
    using enum AudioCodingType;
    EXPECT_FALSE(AudioFormat::from_props(props(46, 1, 1, Celt, 1)).has_value());
    EXPECT_FALSE(AudioFormat::from_props(props(46, 1, 1, None, 1)).has_value());
    EXPECT_FALSE(AudioFormat::from_props(props(9, 1, 1, Opus, 0)).has_value());
    EXPECT_FALSE(AudioFormat::from_props(props(20001, 1, 1, Opus, 0)).has_value());
    EXPECT_FALSE(AudioFormat::from_props(props(46, 3, 1, Opus, 0)).has_value());
    EXPECT_FALSE(AudioFormat::from_props(props(46, 1, 0, Opus, 0)).has_value());
}

TEST(AudioPacketSize, AcceptsEveryClientConfiguration) {
    using enum AudioCodingType;
    for (auto codec : {Opus, Opus64}) {
        for (std::uint8_t ch : {1, 2}) {
            for (auto q : {AudioQuality::Low, AudioQuality::Normal, AudioQuality::High}) {
                for (std::size_t factor : {1, 2, 4}) {
                    const std::size_t coded = coded_bytes_for(codec, ch, q);
                    EXPECT_TRUE(is_valid_audio_packet_size(coded * factor));
                    EXPECT_TRUE(is_valid_audio_packet_size((coded + 1) * factor));
                }
            }
        }
    }
}

TEST(AudioPacketSize, AcceptsRawPcmOf40) {
    for (std::size_t raw : {128u, 256u, 512u}) {
        EXPECT_TRUE(is_valid_audio_packet_size(raw + 1)) << raw;
        EXPECT_TRUE(is_valid_audio_packet_size(2 * (raw + 1))) << raw;
    }
    AudioFormat f;
    f.frame_samples = 128;
    f.channels = 2;
    f.coded_bytes = 512;
    EXPECT_TRUE(f.is_raw());
    f.coded_bytes = 165;
    EXPECT_FALSE(f.is_raw());
}

TEST(AudioPacketSize, RejectsSizesNoClientSends) {
    EXPECT_FALSE(is_valid_audio_packet_size(0));
    EXPECT_FALSE(is_valid_audio_packet_size(9));
    EXPECT_FALSE(is_valid_audio_packet_size(11));
    EXPECT_FALSE(is_valid_audio_packet_size(101));
    EXPECT_FALSE(is_valid_audio_packet_size(1500));
}

TEST(SequenceBytes, FollowEachCodedFrame) {
    AudioFormat f;
    f.coded_bytes = 3;
    f.block_factor = 2;
    f.with_sequence = true;
    const std::uint8_t packet[] = {1, 2, 3, 200, 4, 5, 6, 201};
    ASSERT_EQ(f.packet_bytes(), sizeof packet);
    EXPECT_EQ(coded_frame(f, packet, 0).size(), 3u);
    EXPECT_EQ(coded_frame(f, packet, 1)[0], 4);
    EXPECT_EQ(sequence_byte(f, packet, 0), 200);
    EXPECT_EQ(sequence_byte(f, packet, 1), 201);
    EXPECT_FALSE(sequence_byte(f, packet, 2).has_value());
    EXPECT_TRUE(coded_frame(f, packet, 2).empty());
    EXPECT_TRUE(coded_frame(f, std::span(packet).first(5), 1).empty());
}

TEST(SequenceBytes, AbsentWithoutFlag) {
    AudioFormat f;
    f.coded_bytes = 3;
    f.block_factor = 2;
    const std::uint8_t packet[] = {1, 2, 3, 4, 5, 6};
    EXPECT_EQ(f.packet_bytes(), 6u);
    EXPECT_EQ(coded_frame(f, packet, 1)[0], 4);
    EXPECT_FALSE(sequence_byte(f, packet, 0).has_value());
}

TEST(SequenceBytes, DistanceWrapsAround255) {
    EXPECT_EQ(sequence_distance(255, 0), 1);
    EXPECT_EQ(sequence_distance(10, 13), 3);
    EXPECT_EQ(sequence_distance(10, 10), 0);
    EXPECT_EQ(sequence_distance(0, 255), -1);
}

} // namespace
} // namespace jamfleet::proto
