// `jamfleet probe`: which answers count, and one real exchange over loopback.
#include "orchestrator/udp_probe.h"

#include <array>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "io/udp_socket.h"
#include "proto/clm_messages.h"
#include "proto/frame.h"

namespace jamfleet::orchestrator {
namespace {

using proto::MessageId;

const io::SocketAddress kRoom{0x7f000001u, 22124};
const io::SocketAddress kDirectory{0x7f000001u, 22123};

std::vector<std::uint8_t> ping_reply(std::uint32_t time_ms, std::uint8_t clients) {
    return proto::make_clm_frame(
        MessageId::ClmPingMsWithNumClients,
        proto::encode_payload(proto::ClmPingMsWithNumClients{time_ms, clients}));
}

std::vector<std::uint8_t> list_with(io::SocketAddress address) {
    proto::ServerList list;
    list.entries.push_back({0, 0, 0, 0, false, "Festival", "", ""}); // entry 0: the directory
    list.entries.push_back({address.ip, address.port, 0, 10, false, "Berlin", "", ""});
    return proto::make_clm_frame(MessageId::ClmServerList, proto::encode_payload(list));
}

TEST(UdpProbe, AsksBothPingsAndTheListWhenRegisteredIsWanted) {
    ProbeRequest request{kRoom, kDirectory, std::nullopt};
    const auto datagrams = probe_datagrams(request, 42);
    ASSERT_EQ(datagrams.size(), 3u);
    EXPECT_EQ(proto::parse_frame(datagrams[0].frame)->id, proto::to_wire(MessageId::ClmPingMs));
    EXPECT_EQ(proto::parse_frame(datagrams[1].frame)->id,
              proto::to_wire(MessageId::ClmPingMsWithNumClients));
    EXPECT_EQ(proto::parse_frame(datagrams[2].frame)->id,
              proto::to_wire(MessageId::ClmReqServerList));
    EXPECT_EQ(datagrams[2].to.port, 22123);
    EXPECT_EQ(probe_datagrams(ProbeRequest{kRoom}, 42).size(), 2u);
}

TEST(UdpProbe, ARoomsAnswerGivesItsClientsAndRoundTrip) {
    ProbeRequest request{kRoom};
    request.need_clients = true;
    ProbeOutcome outcome;
    take_probe_reply(request, kRoom, ping_reply(1000, 3), 1007, outcome);
    EXPECT_TRUE(outcome.answered);
    EXPECT_EQ(outcome.clients, 3);
    EXPECT_EQ(outcome.round_trip_ms, 7.0);
    EXPECT_TRUE(outcome.complete(request));
}

TEST(UdpProbe, ARoomsIpv6SocketAnswersFromItsIpv6Address) {
    const auto room6 = *io::SocketAddress::parse_endpoint("[::1]:22124", 0);
    ProbeRequest request{room6};
    request.need_clients = true;
    ProbeOutcome outcome;
    take_probe_reply(request, kRoom, ping_reply(1, 1), 2, outcome); // same port, IPv4: not it
    EXPECT_FALSE(outcome.answered);
    take_probe_reply(request, room6, ping_reply(1, 1), 2, outcome);
    EXPECT_TRUE(outcome.answered);
    EXPECT_EQ(outcome.clients, 1);
}

TEST(UdpProbe, AnswersFromOtherAddressesAndAudioAreIgnored) {
    ProbeRequest request{kRoom};
    ProbeOutcome outcome;
    take_probe_reply(request, io::SocketAddress{0x7f000001u, 9999}, ping_reply(1, 0), 2, outcome);
    const std::array<std::uint8_t, 4> audio{1, 2, 3, 4};
    take_probe_reply(request, kRoom, audio, 2, outcome);
    EXPECT_FALSE(outcome.answered);
    EXPECT_FALSE(outcome.complete(request));
}

TEST(UdpProbe, RegisteredOnlyWhenTheDirectoryListsTheRoomsPublicAddress) {
    const io::SocketAddress public_address{0xc6336403u, 22124}; // 198.51.100.3
    ProbeRequest request{kRoom, kDirectory, public_address};
    ProbeOutcome outcome;
    take_probe_reply(request, kRoom, ping_reply(1, 0), 2, outcome);
    EXPECT_FALSE(outcome.complete(request));
    take_probe_reply(request, kDirectory, list_with(kRoom), 3, outcome); // loopback: not it
    EXPECT_TRUE(outcome.list_received);
    EXPECT_FALSE(outcome.listed);
    take_probe_reply(request, kDirectory, list_with(public_address), 3, outcome);
    EXPECT_TRUE(outcome.listed);
    EXPECT_TRUE(outcome.complete(request));
}

TEST(UdpProbe, ASilentPortIsNotAnsweredWithinTheTimeout) {
    auto silent = io::UdpSocket::bind(io::SocketAddress::loopback(0));
    ASSERT_TRUE(silent);
    std::string error;
    const auto outcome =
        run_probe(ProbeRequest{silent->local_address()}, std::chrono::milliseconds(300), error);
    ASSERT_TRUE(outcome) << error;
    EXPECT_FALSE(outcome->answered);
}

TEST(UdpProbe, ARealExchangeOverLoopback) {
    auto room = io::UdpSocket::bind(io::SocketAddress::loopback(0));
    ASSERT_TRUE(room);
    std::thread responder([&room] {
        // Answers the first CLM_PING_MS_WITHNUMCLIENTS with 2 clients, as a room does.
        for (int i = 0; i < 200; ++i) {
            std::array<std::uint8_t, 512> buffer{};
            std::array<io::ReceivedDatagram, 1> received{};
            received[0].buffer = buffer;
            if (room->receive_batch(received) == 1) {
                const auto frame = proto::parse_frame(received[0].data());
                if (frame && frame->id == proto::to_wire(MessageId::ClmPingMsWithNumClients)) {
                    const auto ping = proto::decode_clm_ping_ms_with_num_clients(frame->payload);
                    room->send_to(received[0].from, ping_reply(ping->time_ms, 2));
                    return;
                }
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    });
    std::ostringstream out;
    std::ostringstream err;
    const int code = command_probe({room->local_address().to_string(), "--timeout", "2"}, out, err);
    responder.join();
    EXPECT_EQ(code, 0) << err.str();
    EXPECT_NE(out.str().find("2 clients"), std::string::npos) << out.str();
}

TEST(UdpProbe, AClientCountTrailingThePlainPingAnswerIsStillReported) {
    // As a real Jamulus server may: CLM_PING_MS answered at once, the count 50 ms later.
    auto room = io::UdpSocket::bind(io::SocketAddress::loopback(0));
    ASSERT_TRUE(room);
    std::thread responder([&room] {
        std::optional<io::SocketAddress> asker;
        std::uint32_t asked_at = 0;
        for (int i = 0; i < 200 && !asker; ++i) {
            std::array<std::uint8_t, 512> buffer{};
            std::array<io::ReceivedDatagram, 1> received{};
            received[0].buffer = buffer;
            while (room->receive_batch(received) == 1) {
                const auto frame = proto::parse_frame(received[0].data());
                if (frame && frame->id == proto::to_wire(MessageId::ClmPingMs)) {
                    room->send_to(received[0].from, received[0].data()); // the same payload
                } else if (frame &&
                           frame->id == proto::to_wire(MessageId::ClmPingMsWithNumClients)) {
                    asker = received[0].from;
                    asked_at = proto::decode_clm_ping_ms_with_num_clients(frame->payload)->time_ms;
                }
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        if (asker) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            room->send_to(*asker, ping_reply(asked_at, 3));
        }
    });
    std::ostringstream out;
    std::ostringstream err;
    const int code = command_probe({room->local_address().to_string(), "--timeout", "2"}, out, err);
    responder.join();
    EXPECT_EQ(code, 0) << err.str();
    EXPECT_NE(out.str().find("3 clients"), std::string::npos) << out.str();
}

TEST(UdpProbe, BadArgumentsAreUsageErrors) {
    std::ostringstream out;
    std::ostringstream err;
    EXPECT_EQ(command_probe({}, out, err), 2);
    EXPECT_EQ(command_probe({"localhost:1"}, out, err), 2);
    EXPECT_EQ(command_probe({"127.0.0.1:1", "--timeout", "x"}, out, err), 2);
    EXPECT_EQ(command_probe({"127.0.0.1:1", "--listed-as", "127.0.0.1:2"}, out, err), 2);
    EXPECT_EQ(command_probe({"[::1]:1", "--registered", "127.0.0.1:2"}, out, err), 2);
    EXPECT_NE(err.str().find("IPv4 only"), std::string::npos) << err.str();
}

} // namespace
} // namespace jamfleet::orchestrator
