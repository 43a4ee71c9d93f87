// Tests for decoding any (ID, payload) through the typed decoder for its ID and
// encoding it back.
#include <gtest/gtest.h>

#include "proto/messages.h"
#include "tests/proto/hex.h"

namespace jamfleet::proto {
namespace {

using test::from_hex;
using test::to_hex;

TEST(DecodeMessage, UsesTheDecoderForEachId) {
    auto ack = decode_message(1, from_hex("20 00"));
    ASSERT_TRUE(ack.ok());
    EXPECT_EQ(std::get<Ackn>(ack->body).acked_id, 32);

    auto list = decode_message(to_wire(MessageId::ClmConnClientsList), {});
    ASSERT_TRUE(list.ok());
    EXPECT_TRUE(std::get<ConnClientsList>(list->body).entries.empty());

    auto version = decode_message(to_wire(MessageId::ClmVersionAndOs), from_hex("02 01 00 33"));
    ASSERT_TRUE(version.ok());
    EXPECT_EQ(std::get<VersionAndOs>(version->body).version, "3");

    auto empty = decode_message(to_wire(MessageId::ReqSplitMessSupport), {});
    ASSERT_TRUE(empty.ok());
    EXPECT_TRUE(std::holds_alternative<Empty>(empty->body));
}

TEST(DecodeMessage, ReportsTheTypedDecoderError) {
    auto bad = decode_message(to_wire(MessageId::ClmPingMs), from_hex("01 02"));
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error(), DecodeError::WrongSize);
    auto trailing = decode_message(to_wire(MessageId::ClmServerFeatures), from_hex("01 02 03"));
    ASSERT_FALSE(trailing.ok());
    EXPECT_EQ(trailing.error(), DecodeError::WrongSize);
}

TEST(DecodeMessage, KeepsUnknownAndObsoleteIdsVerbatim) {
    for (std::uint16_t id : {0, 12, 19, 22, 37, 99, 1023, 3000}) {
        auto decoded = decode_message(id, from_hex("01 02 03"));
        ASSERT_TRUE(decoded.ok()) << id;
        ASSERT_TRUE(std::holds_alternative<UnknownPayload>(decoded->body)) << id;
        EXPECT_EQ(to_hex(encode_payload(decoded->body)), "01 02 03");
        EXPECT_FALSE(is_known_message(id)) << id;
    }
    EXPECT_TRUE(is_known_message(28));
    EXPECT_TRUE(is_known_message(2001));
}

TEST(EncodeMessageFrame, ForcesCounterZeroForConnectionless) {
    const Message ping{to_wire(MessageId::ClmPingMs), ClmPingMs{1000}};
    EXPECT_EQ(to_hex(encode_message_frame(ping, 9)),
              to_hex(from_hex("00 00 E9 03 00 04 00 E8 03 00 00 16 38")));
    const Message client_id{to_wire(MessageId::ClientId), ClientId{0}};
    EXPECT_EQ(to_hex(encode_message_frame(client_id, 0)),
              to_hex(from_hex("00 00 20 00 00 01 00 00 F9 CC")));
}

TEST(DecodeMessage, EveryKnownIdRoundTripsThroughTheVariant) {
    const std::vector<Message> samples = {
        {1, Ackn{25}},
        {10, JittBufSize{6}},
        {11, Empty{}},
        {13, ChannelGain{1, 0x8000}},
        {16, Empty{}},
        {18, ChatText{"hi"}},
        {20, NetwTransportProps{46, 1, 1, 48000, 2, 1, 0}},
        {21, Empty{}},
        {23, Empty{}},
        {24, ConnClientsList{{{0, 82, 1, 1, "a", "b"}}}},
        {25, ChannelInfos{82, 1, 1, "a", "b"}},
        {26, Empty{}},
        {27, LicenceRequired{1}},
        {28, ReqChannelLevelList{1}},
        {29, VersionAndOs{2, "3.9.1"}},
        {30, ChannelPan{1, 0x4000}},
        {31, MuteStateChanged{1, true}},
        {32, ClientId{3}},
        {33, RecorderState{2}},
        {34, Empty{}},
        {35, Empty{}},
        {1001, ClmPingMs{5}},
        {1002, ClmPingMsWithNumClients{5, 1}},
        {1003, Empty{}},
        {1004, RegisterServer{1, 2, 3, true, "n", "", "c", std::nullopt, std::nullopt}},
        {1005, Empty{}},
        {1006, ServerList{{{1, 2, 3, 4, false, "n", "", "c"}}}},
        {1007, Empty{}},
        {1008, ClmSendEmptyMessage{1, 2}},
        {1009, Empty{}},
        {1010, Empty{}},
        {1011, VersionAndOs{2, "3.9.1"}},
        {1012, Empty{}},
        {1013, ConnClientsList{}},
        {1014, Empty{}},
        {1015, ChannelLevelList{{1, 2, 3}}},
        {1016, RegisterServerResp{1}},
        {1017, RegisterServer{1, 2, 3, false, "n", "1.2.3.4", "c", 2, "3.9.1"}},
        {1018, RedServerList{{{1, 2, "n"}}}},
        {2001, SplitPart{18, 2, 1, {1, 2}}},
    };
    for (const Message& m : samples) {
        EXPECT_TRUE(is_known_message(m.id)) << m.id;
        const Bytes frame = encode_message_frame(m, 7);
        auto parsed = parse_frame(frame);
        ASSERT_TRUE(parsed.ok()) << m.id;
        auto decoded = decode_message(*parsed);
        ASSERT_TRUE(decoded.ok()) << m.id << " " << to_string(decoded.error());
        EXPECT_EQ(*decoded, m) << m.id;
    }
}

} // namespace
} // namespace jamfleet::proto
