// Round trips and malformed cases for every connection-based message (§2.2).
#include <gtest/gtest.h>

#include "proto/audio_format.h"
#include "proto/conn_messages.h"
#include "tests/proto/hex.h"

namespace jamfleet::proto {
namespace {

using test::from_hex;
using test::to_hex;

template <typename T, typename Decoder>
void expect_round_trip(const T& message, Decoder decode) {
    const Bytes payload = encode_payload(message);
    auto decoded = decode(payload);
    ASSERT_TRUE(decoded.ok()) << to_hex(payload) << " -> " << to_string(decoded.error());
    EXPECT_EQ(*decoded, message);
    EXPECT_EQ(encode_payload(*decoded), payload);
}

template <typename Decoder>
void expect_error(Decoder decode, const Bytes& payload, DecodeError error) {
    auto decoded = decode(payload);
    ASSERT_FALSE(decoded.ok()) << to_hex(payload);
    EXPECT_EQ(decoded.error(), error) << to_hex(payload);
}

// Appends a str16 with the given raw bytes.
void put_str16(Bytes& out, std::string_view s) {
    out.push_back(static_cast<std::uint8_t>(s.size() & 0xFF));
    out.push_back(static_cast<std::uint8_t>(s.size() >> 8));
    out.insert(out.end(), s.begin(), s.end());
}

TEST(EmptyMessage, RoundTripsAndIgnoresABodyAsJamulusDoes) {
    expect_round_trip(Empty{}, decode_empty);
    // Jamulus ignores the body of these messages (CLM_REQ_SERVER_LIST may grow one upstream).
    EXPECT_TRUE(decode_empty(from_hex("7f 00 00 01 34 12")).ok());
}

TEST(Ackn, RoundTripsAndEncodesLittleEndian) {
    expect_round_trip(Ackn{2001}, decode_ackn);
    EXPECT_EQ(to_hex(encode_payload(Ackn{32})), "20 00");
}

TEST(Ackn, RejectsWrongSize) {
    expect_error(decode_ackn, {0x20}, DecodeError::WrongSize);
    expect_error(decode_ackn, {0x20, 0, 0}, DecodeError::WrongSize);
}

TEST(JittBufSize, RoundTripsRangeAndAuto) {
    expect_round_trip(JittBufSize{1}, decode_jitt_buf_size);
    expect_round_trip(JittBufSize{20}, decode_jitt_buf_size);
    expect_round_trip(JittBufSize{kJittBufAuto}, decode_jitt_buf_size);
}

TEST(JittBufSize, RejectsOutOfRangeAndWrongSize) {
    expect_error(decode_jitt_buf_size, {0, 0}, DecodeError::BadValue);
    expect_error(decode_jitt_buf_size, {22, 0}, DecodeError::BadValue);
    expect_error(decode_jitt_buf_size, {5}, DecodeError::WrongSize);
}

TEST(ChannelGain, RoundTripsAndScalesBy32768) {
    expect_round_trip(ChannelGain{3, 0x8000}, decode_channel_gain);
    EXPECT_DOUBLE_EQ((ChannelGain{0, 0x8000}.value()), 1.0);
    EXPECT_EQ(to_hex(encode_payload(ChannelGain{3, 0x4000})), "03 00 40");
}

TEST(ChannelGain, RejectsWrongSize) {
    expect_error(decode_channel_gain, {1, 2}, DecodeError::WrongSize);
    expect_error(decode_channel_gain, {1, 2, 3, 4}, DecodeError::WrongSize);
}

TEST(ChatText, RoundTripsUtf8AtTheLimit) {
    expect_round_trip(ChatText{"hello <b>world</b>"}, decode_chat_text);
    // 1800 units made of 3-byte characters: 5400 bytes, still within the limit.
    std::string text;
    for (int i = 0; i < 1800; ++i) {
        text += "\xE2\x82\xAC";
    }
    expect_round_trip(ChatText{text}, decode_chat_text);
}

TEST(ChatText, RejectsTextOverLimitInUtf16Units) {
    Bytes payload;
    put_str16(payload, std::string(1801, 'x'));
    expect_error(decode_chat_text, payload, DecodeError::StringTooLong);
    // 900 four-byte characters = 1800 units (ok); 901 = 1802 units (too long).
    std::string ok;
    for (int i = 0; i < 900; ++i) {
        ok += "\xF0\x9F\x8E\xB8";
    }
    Bytes ok_payload;
    put_str16(ok_payload, ok);
    EXPECT_TRUE(decode_chat_text(ok_payload).ok());
    Bytes long_payload;
    put_str16(long_payload, ok + "\xF0\x9F\x8E\xB8");
    expect_error(decode_chat_text, long_payload, DecodeError::StringTooLong);
}

TEST(ChatText, RejectsTruncatedTrailingAndInvalidUtf8) {
    expect_error(decode_chat_text, {}, DecodeError::Truncated);
    expect_error(decode_chat_text, {5, 0, 'a', 'b'}, DecodeError::Truncated);
    expect_error(decode_chat_text, {1, 0, 'a', 'b'}, DecodeError::TrailingBytes);
    expect_error(decode_chat_text, {2, 0, 0xC3, 0x28}, DecodeError::BadValue);
}

TEST(ChatText, EncoderClipsToReceiverLimit) {
    const Bytes payload = encode_payload(ChatText{std::string(2000, 'y')});
    auto decoded = decode_chat_text(payload);
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(decoded->text.size(), kMaxChatTextUnits);
}

TEST(NetwTransportProps, RoundTripsWorkedExample) {
    const NetwTransportProps props{46, 1, 1, 48000, 2, 1, 0};
    expect_round_trip(props, decode_netw_transport_props);
    EXPECT_EQ(to_hex(encode_payload(props)),
              to_hex(from_hex("2E 00 00 00 01 00 01 80 BB 00 00 02 00 01 00 00 00 00 00")));
}

// iAudioCodingArg is never validated: a proposal upstream (PR #3898) puts the client's quality
// there, and Jamulus ignores the field.
TEST(NetwTransportProps, AcceptsAnyAudioCodingArg) {
    for (const std::int32_t arg : {0, 3, -1, 0x7fffffff}) {
        const NetwTransportProps props{46, 1, 1, 48000, 2, 1, arg};
        auto decoded = decode_netw_transport_props(encode_payload(props));
        ASSERT_TRUE(decoded.ok()) << arg;
        EXPECT_EQ(decoded->codec_arg, arg);
        EXPECT_TRUE(AudioFormat::from_props(*decoded).has_value()) << arg;
    }
}

TEST(NetwTransportProps, RejectsValuesJamulusRejects) {
    const NetwTransportProps good{46, 1, 1, 48000, 2, 1, 0};
    auto with = [&](auto mutate) {
        NetwTransportProps p = good;
        mutate(p);
        return encode_payload(p);
    };
    const auto bad = DecodeError::BadValue;
    expect_error(decode_netw_transport_props, with([](auto& p) { p.base_frame_bytes = 9; }), bad);
    expect_error(decode_netw_transport_props, with([](auto& p) { p.base_frame_bytes = 20001; }),
                 bad);
    expect_error(decode_netw_transport_props, with([](auto& p) { p.block_factor = 3; }), bad);
    expect_error(decode_netw_transport_props, with([](auto& p) { p.channels = 0; }), bad);
    expect_error(decode_netw_transport_props, with([](auto& p) { p.channels = 3; }), bad);
    expect_error(decode_netw_transport_props, with([](auto& p) { p.codec = 0; }), bad);
    expect_error(decode_netw_transport_props, with([](auto& p) { p.codec = 4; }), bad);
    // Celt (1) parses: the server answers it with OPUS_SUPPORTED.
    EXPECT_TRUE(decode_netw_transport_props(with([](auto& p) { p.codec = 1; })).ok());
}

TEST(NetwTransportProps, RejectsWrongSize) {
    Bytes payload = encode_payload(NetwTransportProps{46, 1, 1, 48000, 2, 1, 0});
    payload.pop_back();
    expect_error(decode_netw_transport_props, payload, DecodeError::WrongSize);
    payload.push_back(0);
    payload.push_back(0);
    expect_error(decode_netw_transport_props, payload, DecodeError::WrongSize);
}

TEST(ConnClientsList, RoundTripsEmptyAndSeveralEntries) {
    expect_round_trip(ConnClientsList{}, decode_conn_clients_list);
    ConnClientsList list;
    list.entries.push_back({0, 82, 20, 2, "Zo\xC3\xAB", "K\xC3\xB6ln"});
    list.entries.push_back({1, 0, 0, 0, "No Name", ""});
    list.entries.push_back({149, 225, 49, 3, std::string(16, 'n'), std::string(20, 'c')});
    expect_round_trip(list, decode_conn_clients_list);
}

TEST(ConnClientsList, EncodesEntryLayout) {
    ConnClientsList list;
    list.entries.push_back({2, 82, 20, 2, "A", ""});
    EXPECT_EQ(to_hex(encode_payload(list)), "02 52 00 14 00 00 00 02 00 00 00 00 01 00 41 00 00");
}

TEST(ConnClientsList, RejectsTruncatedEntries) {
    const Bytes full = encode_payload(ConnClientsList{{{2, 82, 20, 2, "Anna", "Rome"}}});
    for (std::size_t cut = 1; cut < full.size(); ++cut) {
        expect_error(decode_conn_clients_list, Bytes(full.begin(), full.begin() + cut),
                     DecodeError::Truncated);
    }
}

TEST(ConnClientsList, RejectsTooLongNameAndCity) {
    Bytes payload = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    put_str16(payload, std::string(17, 'n'));
    put_str16(payload, "");
    expect_error(decode_conn_clients_list, payload, DecodeError::StringTooLong);
    Bytes city = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    put_str16(city, "");
    put_str16(city, std::string(21, 'c'));
    expect_error(decode_conn_clients_list, city, DecodeError::StringTooLong);
}

TEST(ChannelInfos, RoundTripsProfile) {
    expect_round_trip(ChannelInfos{82, 20, 2, "Zo\xC3\xAB", "K\xC3\xB6ln"}, decode_channel_infos);
    expect_round_trip(ChannelInfos{0, 0, 0, "No Name", ""}, decode_channel_infos);
}

TEST(ChannelInfos, NameLimitCountsUtf16UnitsNotBytes) {
    // 16 two-byte characters = 32 bytes but 16 units: accepted.
    std::string name;
    for (int i = 0; i < 16; ++i) {
        name += "\xC3\xB6";
    }
    Bytes ok = {0, 0, 0, 0, 0, 0, 0};
    put_str16(ok, name);
    put_str16(ok, "");
    EXPECT_TRUE(decode_channel_infos(ok).ok());
    // 8 guitars = 32 bytes and 16 units: accepted; 9 = 18 units: rejected.
    std::string guitars;
    for (int i = 0; i < 9; ++i) {
        guitars += "\xF0\x9F\x8E\xB8";
    }
    Bytes bad = {0, 0, 0, 0, 0, 0, 0};
    put_str16(bad, guitars);
    put_str16(bad, "");
    expect_error(decode_channel_infos, bad, DecodeError::StringTooLong);
}

TEST(ChannelInfos, RejectsTruncatedTrailingAndInvalidUtf8) {
    expect_error(decode_channel_infos, {0, 0, 0, 0, 0, 0}, DecodeError::Truncated);
    expect_error(decode_channel_infos, {0, 0, 0, 0, 0, 0, 0, 0, 0}, DecodeError::Truncated);
    Bytes trailing = encode_payload(ChannelInfos{1, 2, 3, "a", "b"});
    trailing.push_back(0);
    expect_error(decode_channel_infos, trailing, DecodeError::TrailingBytes);
    Bytes invalid = {0, 0, 0, 0, 0, 0, 0};
    put_str16(invalid, "\xFF");
    put_str16(invalid, "");
    expect_error(decode_channel_infos, invalid, DecodeError::BadValue);
}

TEST(ChannelInfos, EncoderClipsNameAndCityAtCodePointBoundaries) {
    // 15 ASCII + a guitar (2 units) would be 17 units: the guitar is dropped whole.
    const std::string name = std::string(15, 'n') + "\xF0\x9F\x8E\xB8";
    const Bytes payload = encode_payload(ChannelInfos{0, 0, 0, name, std::string(25, 'c')});
    auto decoded = decode_channel_infos(payload);
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(decoded->name, std::string(15, 'n'));
    EXPECT_EQ(decoded->city, std::string(20, 'c'));
}

TEST(LicenceRequired, RoundTripsAndRejectsOtherValues) {
    expect_round_trip(LicenceRequired{0}, decode_licence_required);
    expect_round_trip(LicenceRequired{1}, decode_licence_required);
    expect_error(decode_licence_required, {2}, DecodeError::BadValue);
    expect_error(decode_licence_required, {}, DecodeError::WrongSize);
    expect_error(decode_licence_required, {1, 1}, DecodeError::WrongSize);
}

TEST(ReqChannelLevelList, RoundTripsAndRejectsWrongSize) {
    expect_round_trip(ReqChannelLevelList{1}, decode_req_channel_level_list);
    expect_error(decode_req_channel_level_list, {}, DecodeError::WrongSize);
    expect_error(decode_req_channel_level_list, {1, 0}, DecodeError::WrongSize);
}

TEST(VersionAndOs, RoundTripsJamulusVersion) {
    expect_round_trip(VersionAndOs{2, "3.9.1"}, decode_version_and_os);
    EXPECT_EQ(to_hex(encode_payload(VersionAndOs{2, "3.9.1"})), "02 05 00 33 2e 39 2e 31");
}

TEST(VersionAndOs, RejectsMalformed) {
    expect_error(decode_version_and_os, {}, DecodeError::Truncated);
    expect_error(decode_version_and_os, {2, 5, 0, '3'}, DecodeError::Truncated);
    expect_error(decode_version_and_os, {2, 0, 0, 0}, DecodeError::TrailingBytes);
    Bytes long_version = {2};
    put_str16(long_version, std::string(51, '9'));
    expect_error(decode_version_and_os, long_version, DecodeError::StringTooLong);
}

TEST(VersionAndOs, AcceptsVersionsOfUpTo50Units) {
    Bytes fifty = {2};
    put_str16(fifty, std::string(50, '9'));
    auto decoded = decode_version_and_os(fifty);
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(decoded->version.size(), 50u);
}

TEST(ChannelPan, RoundTripsAndRejectsWrongSize) {
    expect_round_trip(ChannelPan{4, 0x4000}, decode_channel_pan);
    EXPECT_DOUBLE_EQ((ChannelPan{4, 0x4000}.value()), 0.5);
    expect_error(decode_channel_pan, {4, 0}, DecodeError::WrongSize);
}

TEST(MuteStateChanged, RoundTripsAndTreatsNonZeroAsMuted) {
    expect_round_trip(MuteStateChanged{7, true}, decode_mute_state_changed);
    expect_round_trip(MuteStateChanged{7, false}, decode_mute_state_changed);
    auto decoded = decode_mute_state_changed(Bytes{7, 9});
    ASSERT_TRUE(decoded.ok());
    EXPECT_TRUE(decoded->muted);
    expect_error(decode_mute_state_changed, {7}, DecodeError::WrongSize);
}

TEST(ClientId, RoundTripsAndRejectsWrongSize) {
    expect_round_trip(ClientId{0}, decode_client_id);
    expect_round_trip(ClientId{149}, decode_client_id);
    expect_error(decode_client_id, {}, DecodeError::WrongSize);
    expect_error(decode_client_id, {0, 0}, DecodeError::WrongSize);
}

TEST(RecorderState, AcceptsOneToThreeOnly) {
    for (std::uint8_t s = 1; s <= 3; ++s) {
        expect_round_trip(RecorderState{s}, decode_recorder_state);
    }
    expect_error(decode_recorder_state, {0}, DecodeError::BadValue);
    expect_error(decode_recorder_state, {4}, DecodeError::BadValue);
    expect_error(decode_recorder_state, {1, 1}, DecodeError::WrongSize);
}

} // namespace
} // namespace jamfleet::proto
