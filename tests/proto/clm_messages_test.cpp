// Round trips and malformed cases for every connection-less message (§2.3).
#include <gtest/gtest.h>

#include "proto/clm_messages.h"
#include "tests/proto/hex.h"

namespace jamfleet::proto {
namespace {

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

template <typename Decoder>
void expect_every_prefix_truncated(Decoder decode, const Bytes& full) {
    for (std::size_t cut = 1; cut < full.size(); ++cut) {
        expect_error(decode, Bytes(full.begin(), full.begin() + cut), DecodeError::Truncated);
    }
}

void put_str16(Bytes& out, std::string_view s) {
    out.push_back(static_cast<std::uint8_t>(s.size() & 0xFF));
    out.push_back(static_cast<std::uint8_t>(s.size() >> 8));
    out.insert(out.end(), s.begin(), s.end());
}

RegisterServer sample_registration() {
    RegisterServer reg;
    reg.port = 22124;
    reg.country = 82;
    reg.max_clients = 10;
    reg.permanent = false;
    reg.name = "TestSrv";
    reg.internal_address = "192.168.1.2";
    reg.city = "Berlin";
    return reg;
}

TEST(ClmPingMs, RoundTripsAndRejectsWrongSize) {
    expect_round_trip(ClmPingMs{1000}, decode_clm_ping_ms);
    expect_round_trip(ClmPingMs{0xFFFFFFFF}, decode_clm_ping_ms);
    expect_error(decode_clm_ping_ms, {1, 2, 3}, DecodeError::WrongSize);
    expect_error(decode_clm_ping_ms, {1, 2, 3, 4, 5}, DecodeError::WrongSize);
}

TEST(ClmPingMsWithNumClients, RoundTripsAndRejectsWrongSize) {
    expect_round_trip(ClmPingMsWithNumClients{123456, 7}, decode_clm_ping_ms_with_num_clients);
    EXPECT_EQ(to_hex(encode_payload(ClmPingMsWithNumClients{1000, 3})), "e8 03 00 00 03");
    expect_error(decode_clm_ping_ms_with_num_clients, {1, 2, 3, 4}, DecodeError::WrongSize);
    expect_error(decode_clm_ping_ms_with_num_clients, {1, 2, 3, 4, 5, 6}, DecodeError::WrongSize);
}

TEST(RegisterServer, LegacyFormRoundTripsWithoutVersion) {
    const RegisterServer reg = sample_registration();
    expect_round_trip(reg, decode_register_server);
    EXPECT_EQ(register_server_id(reg), MessageId::ClmRegisterServer);
}

TEST(RegisterServer, ExFormRoundTripsWithOsAndVersion) {
    RegisterServer reg = sample_registration();
    reg.permanent = true;
    reg.internal_address = "";
    reg.os = 2;
    reg.version = "3.9.1";
    expect_round_trip(reg, decode_register_server_ex);
    EXPECT_EQ(register_server_id(reg), MessageId::ClmRegisterServerEx);
}

TEST(RegisterServer, EncodesDocumentedLayout) {
    RegisterServer reg;
    reg.port = 0x1234;
    reg.country = 74;
    reg.max_clients = 5;
    reg.permanent = true;
    reg.name = "N";
    reg.city = "C";
    reg.os = 2;
    reg.version = "V";
    EXPECT_EQ(to_hex(encode_payload(reg)), "34 12 4a 00 05 01 01 00 4e 00 00 01 00 43 02 01 00 56");
}

TEST(RegisterServer, RejectsTruncatedAndTrailing) {
    RegisterServer reg = sample_registration();
    expect_every_prefix_truncated(decode_register_server, encode_payload(reg));
    Bytes trailing = encode_payload(reg);
    trailing.push_back(2); // an OS byte makes the legacy form too long
    expect_error(decode_register_server, trailing, DecodeError::TrailingBytes);
    reg.os = 2;
    reg.version = "3.9.1";
    const Bytes ex = encode_payload(reg);
    expect_every_prefix_truncated(decode_register_server_ex, ex);
    Bytes ex_trailing = ex;
    ex_trailing.push_back(0);
    expect_error(decode_register_server_ex, ex_trailing, DecodeError::TrailingBytes);
}

TEST(RegisterServer, RejectsEachStringOverItsLimit) {
    auto build = [](std::string_view name, std::string_view address, std::string_view city,
                    std::string_view version) {
        Bytes p = {0x6C, 0x56, 82, 0, 10, 0};
        put_str16(p, name);
        put_str16(p, address);
        put_str16(p, city);
        p.push_back(2);
        put_str16(p, version);
        return p;
    };
    const std::string ok20(20, 'a');
    EXPECT_TRUE(decode_register_server_ex(build(ok20, "255.255.255.255", ok20, "3.9.1")).ok());
    const auto too_long = DecodeError::StringTooLong;
    expect_error(decode_register_server_ex, build(std::string(21, 'a'), "", "", "3.9.1"), too_long);
    expect_error(decode_register_server_ex, build("", "1111.222.333.444", "", "3.9.1"), too_long);
    expect_error(decode_register_server_ex, build("", "", std::string(21, 'c'), "3.9.1"), too_long);
    expect_error(decode_register_server_ex, build("", "", "", std::string(51, 'v')), too_long);
    expect_error(decode_register_server_ex, build("\xC3", "", "", "3.9.1"), DecodeError::BadValue);
}

TEST(RegisterServerEx, AcceptsA312DevBuildVersionOfUpTo50Units) {
    // What a 3.12 dev build sends: APP_VERSION with git describe and commit epoch.
    const std::string dev = "3.12.4dev-1413d4c5-dirty:1755000000";
    auto p = encode_payload(RegisterServer{22124, 82, 10, true, "Jam", "", "Berlin", 2, dev});
    ASSERT_GT(dev.size(), 30u);
    auto decoded = decode_register_server_ex(p);
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(decoded->version, dev);
    auto fifty = encode_payload(
        RegisterServer{22124, 82, 10, true, "Jam", "", "Berlin", 2, std::string(50, 'v')});
    EXPECT_TRUE(decode_register_server_ex(fifty).ok());
}

TEST(ServerList, RoundTripsDirectoryEntryAndServers) {
    ServerList list;
    list.entries.push_back({0, 0, 82, 150, true, "My Directory", "", "Berlin"});
    list.entries.push_back({0xC0A80102, 22124, 225, 10, false, "Jam", "", "NYC"});
    list.entries.push_back({0x7F000001, 22125, 0, 0, false, "", "", ""});
    expect_round_trip(list, decode_server_list);
    expect_round_trip(ServerList{}, decode_server_list);
}

TEST(ServerList, EncodesIpAsLittleEndianHostOrderValue) {
    ServerList list;
    list.entries.push_back({0xC0A80102, 22124, 0, 0, false, "", "", ""});
    EXPECT_EQ(to_hex(encode_payload(list)), "02 01 a8 c0 6c 56 00 00 00 00 00 00 00 00 00 00");
}

TEST(ServerList, RejectsTruncatedEntriesAndLongStrings) {
    ServerList list;
    list.entries.push_back({0xC0A80102, 22124, 225, 10, false, "Jam", "", "NYC"});
    expect_every_prefix_truncated(decode_server_list, encode_payload(list));
    Bytes long_name = {1, 0, 0, 127, 0x6C, 0x56, 0, 0, 0, 0};
    put_str16(long_name, std::string(21, 'n'));
    put_str16(long_name, "");
    put_str16(long_name, "");
    expect_error(decode_server_list, long_name, DecodeError::StringTooLong);
}

TEST(RedServerList, RoundTripsWithStr8Names) {
    RedServerList list;
    list.entries.push_back({0, 0, "Directory"});
    list.entries.push_back({0x0A000001, 22124, "K\xC3\xB6ln Jam"});
    expect_round_trip(list, decode_red_server_list);
    EXPECT_EQ(to_hex(encode_payload(RedServerList{{{0x0A000001, 22124, "A"}}})),
              "01 00 00 0a 6c 56 01 41");
}

TEST(RedServerList, RejectsTruncatedAndLongNames) {
    expect_every_prefix_truncated(decode_red_server_list,
                                  encode_payload(RedServerList{{{1, 2, "abc"}}}));
    Bytes long_name = {1, 0, 0, 127, 0x6C, 0x56, 21};
    long_name.insert(long_name.end(), 21, 'n');
    expect_error(decode_red_server_list, long_name, DecodeError::StringTooLong);
}

TEST(ClmSendEmptyMessage, RoundTripsAndRejectsWrongSize) {
    expect_round_trip(ClmSendEmptyMessage{0xC0A80102, 22134}, decode_clm_send_empty_message);
    expect_error(decode_clm_send_empty_message, {1, 2, 3, 4, 5}, DecodeError::WrongSize);
    expect_error(decode_clm_send_empty_message, {1, 2, 3, 4, 5, 6, 7}, DecodeError::WrongSize);
}

TEST(ChannelLevelList, PacksTwoLevelsPerByteLowNibbleFirst) {
    EXPECT_EQ(to_hex(encode_payload(ChannelLevelList{{0}})), "f0");
    EXPECT_EQ(to_hex(encode_payload(ChannelLevelList{{3, 8}})), "83");
    EXPECT_EQ(to_hex(encode_payload(ChannelLevelList{{3, 8, 5}})), "83 f5");
    EXPECT_EQ(to_hex(encode_payload(ChannelLevelList{{}})), "");
}

TEST(ChannelLevelList, RoundTripsOddAndEvenCounts) {
    expect_round_trip(ChannelLevelList{{0}}, decode_channel_level_list);
    expect_round_trip(ChannelLevelList{{1, 2, 3, 4, 5, 6, 7, 8, 9}}, decode_channel_level_list);
    expect_round_trip(ChannelLevelList{{9, 0}}, decode_channel_level_list);
    expect_round_trip(ChannelLevelList{std::vector<std::uint8_t>(150, 4)},
                      decode_channel_level_list);
}

TEST(ChannelLevelList, DecoderStopsAtPaddingNibbleLikeJamulus) {
    auto decoded = decode_channel_level_list(Bytes{0x21, 0xF3, 0x54});
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(decoded->levels, (std::vector<std::uint8_t>{1, 2, 3}));
}

TEST(ChannelLevelList, RejectsMoreThan75Bytes) {
    expect_error(decode_channel_level_list, Bytes(76, 0x11), DecodeError::WrongSize);
    EXPECT_TRUE(decode_channel_level_list(Bytes(75, 0x11)).ok());
}

TEST(RegisterServerResp, AcceptsZeroToThreeOnly) {
    for (std::uint8_t r = 0; r <= 3; ++r) {
        expect_round_trip(RegisterServerResp{r}, decode_register_server_resp);
    }
    expect_error(decode_register_server_resp, {4}, DecodeError::BadValue);
    expect_error(decode_register_server_resp, {}, DecodeError::WrongSize);
    expect_error(decode_register_server_resp, {0, 0}, DecodeError::WrongSize);
}

} // namespace
} // namespace jamfleet::proto
