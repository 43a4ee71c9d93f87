// The room-to-directory envelope: round trip, refusal of foreign bytes, and which
// datagrams a room hands on.
#include "proto/directory_relay.h"

#include <gtest/gtest.h>

#include <vector>

#include "proto/clm_messages.h"
#include "proto/frame.h"

namespace jamfleet::proto {
namespace {

TEST(DirectoryRelay, EnvelopeRoundTripsSenderArrivalAddressAndDatagram) {
    const auto request = make_clm_frame(MessageId::ClmReqServerList, {});
    std::vector<std::uint8_t> buffer(64);
    const RelayedDatagram in{0xc6336401, 40000, 0xc0a80105, request};
    const std::size_t n = encode_relayed(in, buffer);
    ASSERT_EQ(n, kRelayHeaderBytes + request.size());
    const auto out = decode_relayed(std::span(buffer).first(n));
    ASSERT_TRUE(out);
    EXPECT_EQ(out->from_ip, 0xc6336401u);
    EXPECT_EQ(out->from_port, 40000);
    EXPECT_EQ(out->arrived_on, 0xc0a80105u);
    EXPECT_EQ(std::vector<std::uint8_t>(out->datagram.begin(), out->datagram.end()), request);
}

TEST(DirectoryRelay, RefusesShortBuffersAndForeignBytes) {
    const auto request = make_clm_frame(MessageId::ClmReqServerList, {});
    std::vector<std::uint8_t> small(kRelayHeaderBytes + request.size() - 1);
    EXPECT_EQ(encode_relayed({1, 2, 3, request}, small), 0u);
    EXPECT_FALSE(decode_relayed(request)); // a bare frame is not an envelope
    const std::uint8_t truncated[] = {'J', 'F', 'R', '1', 0, 0};
    EXPECT_FALSE(decode_relayed(truncated));
}

TEST(DirectoryRelay, OnlyListRequestsAndRegistrationsAreHandedOn) {
    EXPECT_TRUE(is_directory_request(make_clm_frame(MessageId::ClmReqServerList, {})));
    EXPECT_TRUE(is_directory_request(make_clm_frame(MessageId::ClmUnregisterServer, {})));
    RegisterServer r;
    r.name = "Srv";
    r.version = "3.9.1";
    r.os = 2;
    EXPECT_TRUE(is_directory_request(make_clm_frame(register_server_id(r), encode_payload(r))));
    r.version.reset();
    r.os.reset();
    EXPECT_TRUE(is_directory_request(make_clm_frame(register_server_id(r), encode_payload(r))));

    const std::uint8_t ping[4] = {};
    EXPECT_FALSE(is_directory_request(make_clm_frame(MessageId::ClmPingMs, ping)));
    EXPECT_FALSE(is_directory_request(make_clm_frame(MessageId::ClmReqVersionAndOs, {})));
    // A list request with a broken CRC is audio to Jamulus, and to the room.
    auto broken = make_clm_frame(MessageId::ClmReqServerList, {});
    broken.back() ^= 1;
    EXPECT_FALSE(is_directory_request(broken));
    EXPECT_FALSE(is_directory_request(std::vector<std::uint8_t>(3, 0)));
}

} // namespace
} // namespace jamfleet::proto
