// Tests for the CRC, frame encoding/parsing and protocol-vs-audio classification
// against the worked examples of docs/protocol.md §1.4.
#include <gtest/gtest.h>

#include "proto/crc.h"
#include "proto/frame.h"
#include "proto/messages.h"
#include "tests/proto/hex.h"

namespace jamfleet::proto {
namespace {

using test::bytes_of;
using test::from_hex;
using test::to_hex;

TEST(Crc16Genibus, MatchesCatalogueCheckValue) {
    EXPECT_EQ(crc16_genibus(bytes_of("123456789")), 0xD64E);
}

TEST(Crc16Genibus, EmptyInputIsInvertedInitialValue) {
    EXPECT_EQ(crc16_genibus({}), 0x0000);
}

struct WorkedExample {
    const char* name;
    std::uint16_t id;
    std::uint8_t counter;
    const char* payload_hex;
    const char* frame_hex;
};

const WorkedExample kWorkedExamples[] = {
    {"client_id", 32, 0, "00", "00 00 20 00 00 01 00 00 F9 CC"},
    {"ackn_of_client_id", 1, 0, "20 00", "00 00 01 00 00 02 00 20 00 62 B4"},
    {"req_netw_transport_props", 21, 3, "", "00 00 15 00 03 00 00 6C 70"},
    {"netw_transport_props", 20, 5, "2E 00 00 00 01 00 01 80 BB 00 00 02 00 01 00 00 00 00 00",
     "00 00 14 00 05 13 00 2E 00 00 00 01 00 01 80 BB 00 00 02 00 01 00 00 00 00 00 A4 4A"},
    {"clm_ping_ms", 1001, 0, "E8 03 00 00", "00 00 E9 03 00 04 00 E8 03 00 00 16 38"},
    {"clm_req_server_list", 1007, 0, "", "00 00 EF 03 00 00 00 18 CB"},
    {"clm_empty_message", 1009, 0, "", "00 00 F1 03 00 00 00 EA 00"},
    {"clm_disconnection", 1010, 0, "", "00 00 F2 03 00 00 00 38 EE"},
};

TEST(FrameEncode, ReproducesEveryWorkedExampleByteForByte) {
    for (const auto& ex : kWorkedExamples) {
        const auto payload = from_hex(ex.payload_hex);
        EXPECT_EQ(to_hex(make_frame(ex.id, ex.counter, payload)), to_hex(from_hex(ex.frame_hex)))
            << ex.name;
    }
}

TEST(FrameDecode, ParsesEveryWorkedExample) {
    for (const auto& ex : kWorkedExamples) {
        const auto frame = from_hex(ex.frame_hex);
        auto parsed = parse_frame(frame);
        ASSERT_TRUE(parsed.ok()) << ex.name;
        EXPECT_EQ(parsed->id, ex.id) << ex.name;
        EXPECT_EQ(parsed->counter, ex.counter) << ex.name;
        EXPECT_EQ(to_hex({parsed->payload.begin(), parsed->payload.end()}),
                  to_hex(from_hex(ex.payload_hex)))
            << ex.name;
    }
}

TEST(FrameDecode, WorkedExampleMessagesHaveTheDocumentedContent) {
    const auto props = from_hex(kWorkedExamples[3].frame_hex);
    auto decoded = decode_message(*parse_frame(props));
    ASSERT_TRUE(decoded.ok());
    const auto& p = std::get<NetwTransportProps>(decoded->body);
    EXPECT_EQ(p.base_frame_bytes, 46u);
    EXPECT_EQ(p.block_factor, 1);
    EXPECT_EQ(p.channels, 1);
    EXPECT_EQ(p.sample_rate, 48000u);
    EXPECT_EQ(p.codec, static_cast<std::uint16_t>(AudioCodingType::Opus));
    EXPECT_EQ(p.flags, kFlagWithCounter);
    EXPECT_EQ(p.codec_arg, 0);

    const auto ping = from_hex(kWorkedExamples[4].frame_hex);
    auto decoded_ping = decode_message(*parse_frame(ping));
    ASSERT_TRUE(decoded_ping.ok());
    EXPECT_EQ(std::get<ClmPingMs>(decoded_ping->body).time_ms, 1000u);
}

TEST(FrameDecode, RejectsDatagramShorterThanNineBytes) {
    const auto frame = from_hex("00 00 EF 03 00 00 00 18");
    auto parsed = parse_frame(frame);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error(), FrameError::TooShort);
}

TEST(FrameDecode, RejectsNonZeroTag) {
    auto frame = from_hex("00 00 EF 03 00 00 00 18 CB");
    frame[1] = 0x01;
    auto parsed = parse_frame(frame);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error(), FrameError::BadTag);
}

TEST(FrameDecode, RejectsLengthFieldThatDisagreesWithDatagramSize) {
    auto frame = from_hex("00 00 E9 03 00 04 00 E8 03 00 00 16 38");
    frame.push_back(0); // one byte longer than LEN says
    auto parsed = parse_frame(frame);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error(), FrameError::BadLength);
}

TEST(FrameDecode, RejectsBadCrc) {
    auto frame = from_hex("00 00 EF 03 00 00 00 18 CB");
    frame[8] ^= 0x01;
    auto parsed = parse_frame(frame);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error(), FrameError::BadCrc);
}

TEST(FrameDecode, RejectsAnyCorruptedPayloadByte) {
    const auto good = from_hex(kWorkedExamples[3].frame_hex);
    for (std::size_t i = 7; i + 2 < good.size(); ++i) {
        auto bad = good;
        bad[i] ^= 0x40;
        EXPECT_FALSE(is_protocol_frame(bad)) << "byte " << i;
    }
}

TEST(FrameClassify, TypicalAudioPacketIsNotAProtocolFrame) {
    std::vector<std::uint8_t> audio(46, 0x5A);
    EXPECT_FALSE(is_protocol_frame(audio));
    std::vector<std::uint8_t> zeros(46, 0);
    EXPECT_FALSE(is_protocol_frame(zeros)); // tag passes, LEN 0 does not match 37
    std::vector<std::uint8_t> nine_zeros(9, 0);
    auto parsed = parse_frame(nine_zeros); // tag and LEN pass, the CRC does not
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error(), FrameError::BadCrc);
}

TEST(FrameEncode, ReturnsZeroWhenOutputBufferTooSmall) {
    std::uint8_t out[8];
    EXPECT_EQ(encode_frame(1007, 0, {}, out), 0u);
    std::uint8_t exact[9];
    EXPECT_EQ(encode_frame(1007, 0, {}, exact), 9u);
}

TEST(FrameEncode, RefusesPayloadLongerThanLengthField) {
    std::vector<std::uint8_t> payload(70000, 1);
    std::vector<std::uint8_t> out(payload.size() + 9);
    EXPECT_EQ(encode_frame(18, 0, payload, out), 0u);
    EXPECT_TRUE(make_frame(18, 0, payload).empty());
}

TEST(FrameEncode, ClmFrameAlwaysCarriesCounterZero) {
    const auto frame = make_clm_frame(MessageId::ClmReqServerList, {});
    EXPECT_EQ(to_hex(frame), to_hex(from_hex("00 00 EF 03 00 00 00 18 CB")));
}

TEST(MessageIdName, NamesKnownAndUnknownIds) {
    EXPECT_EQ(message_name(1017), "CLM_REGISTER_SERVER_EX");
    EXPECT_EQ(message_name(2001), "SPECIAL_SPLIT_MESSAGE");
    EXPECT_EQ(message_name(99), "UNKNOWN");
    EXPECT_TRUE(is_connectionless(1000));
    EXPECT_TRUE(is_connectionless(MessageId::ClmRedServerList));
    EXPECT_FALSE(is_connectionless(2001));
    EXPECT_FALSE(is_connectionless(35));
}

} // namespace
} // namespace jamfleet::proto
