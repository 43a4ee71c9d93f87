// The routed fleet (routed_fleet.h) on the wire: every musician gets a list whose
// rooms answer its ping at the listed address; the bare host name (port 22124, the
// first room) reaches the directory; real Jamulus servers on the LAN and on the
// internet register; the directory's hole punch through a server on the internet
// reaches the asking client.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>

#include "proto/clm_messages.h"
#include "proto/frame.h"
#include "tests/interop/harness/jamulus.h"
#include "tests/interop/harness/json_rpc_client.h"
#include "tests/interop/harness/net.h"
#include "tests/interop/harness/wait.h"
#include "tests/interop/network/routed_fleet.h"

namespace jamfleet::interop {
namespace {

using namespace std::chrono_literals;
using proto::MessageId;

TEST_F(RoutedFleet, LanMusicianGetsEveryRoomAtTheFleetsLanAddressAndEachAnswersItsPing) {
    std::uint32_t sender = 0;
    std::uint16_t sender_port = 0;
    const auto list = list_from(*lan_musician, kFleetLan, kDirectoryPort, &sender, &sender_port);
    ASSERT_TRUE(list);
    EXPECT_EQ(dotted(sender), dotted(kFleetLan)); // a client takes lists only from the IP it asked
    EXPECT_EQ(sender_port, kDirectoryPort);
    ASSERT_EQ(list->entries.size(), 3u); // entry 0 and the two rooms
    for (std::size_t i = 1; i < list->entries.size(); ++i) {
        EXPECT_EQ(dotted(list->entries[i].ip), dotted(kFleetLan))
            << "not 127.0.0.1, the musician's own computer";
    }
    expect_every_room_answers(*lan_musician, *list);
    // What Jamulus alone would list (the public address) does not work here: the
    // router does not hairpin.
    EXPECT_FALSE(answers_ping_from(*lan_musician, kPublic, 22125));
}

TEST_F(RoutedFleet, InternetMusicianGetsEveryRoomAtThePublicAddressThroughThePortForward) {
    std::uint32_t sender = 0;
    std::uint16_t sender_port = 0;
    const auto list = list_from(*internet_musician, kPublic, kDirectoryPort, &sender, &sender_port);
    ASSERT_TRUE(list) << fleet->process().log_text();
    EXPECT_EQ(dotted(sender), dotted(kPublic));
    ASSERT_EQ(list->entries.size(), 3u);
    for (std::size_t i = 1; i < list->entries.size(); ++i) {
        EXPECT_EQ(dotted(list->entries[i].ip), dotted(kPublic));
    }
    expect_every_room_answers(*internet_musician, *list);
}

TEST_F(RoutedFleet, TheBareHostNameReachesTheDirectoryThroughTheFirstRoomFromBothSides) {
    // A Jamulus client given a host without a port asks host:22124, the first room;
    // the list comes from the directory's port at the same IP, which Jamulus accepts.
    for (auto [socket, ip] :
         {std::pair{lan_musician.get(), kFleetLan}, std::pair{internet_musician.get(), kPublic}}) {
        SCOPED_TRACE(dotted(ip));
        std::uint32_t sender = 0;
        std::uint16_t sender_port = 0;
        const auto list = list_from(*socket, ip, kFirstRoom, &sender, &sender_port);
        ASSERT_TRUE(list) << fleet->process().log_text();
        EXPECT_EQ(dotted(sender), dotted(ip));
        EXPECT_EQ(sender_port, kDirectoryPort);
        EXPECT_NE(entry_named(*list, "Alpha"), nullptr);
        EXPECT_NE(entry_named(*list, "Beta"), nullptr);
        EXPECT_TRUE(answers_ping_from(*socket, ip, kFirstRoom)); // still a room
    }
}

TEST_F(RoutedFleet, RealServerOnTheLanRegistersWithOnlyTheHostNameAndAcceptsTheReply) {
    const std::uint16_t port = 22124; // the LAN host's own default port
    const std::uint16_t rpc_port = free_tcp_port();
    auto server = start_on(net.lan, dir / "lan-server", "lan-server", "Jamulus",
                           {"-s", "-n", "-p", std::to_string(port), "-e", dotted(kFleetLan), "-o",
                            "LanJam;Town;0", "--jsonrpcport", std::to_string(rpc_port),
                            "--jsonrpcsecretfile", secret_file().string()});
    // The LAN musician sees it at its own address (row 1), and it answers there.
    ASSERT_TRUE(wait_until(
        [&] {
            const auto list = list_from(*lan_musician, kFleetLan, kDirectoryPort);
            const auto* e = list ? entry_named(*list, "LanJam") : nullptr;
            return e != nullptr && e->ip == kPeerLan && e->port == port;
        },
        15s))
        << server->log_text() << fleet->process().log_text();
    EXPECT_TRUE(answers_ping_from(*lan_musician, kPeerLan, port));
    // The registration reply came from port 22123 to a request sent to 22124: the
    // real server took it (its registration status says so).
    std::string status;
    net.lan.run_here([&] {
        JsonRpcClient rpc(rpc_port, kRpcSecret);
        wait_until(
            [&] {
                const auto r = rpc.request("jamulusserver/getServerProfile");
                status = r["result"].value("registrationStatus", std::string());
                return status == "registered";
            },
            10s);
    });
    EXPECT_EQ(status, "registered");
    server->terminate();
}

TEST_F(RoutedFleet, InternetServerIsListedToBothSidesAndItsHolePunchReachesTheAskingClient) {
    const std::uint16_t port = 22124;
    auto server =
        start_on(net.internet_b, dir / "net-server", "net-server", "Jamulus",
                 {"-s", "-n", "-p", std::to_string(port), "-e",
                  dotted(kPublic) + ":" + std::to_string(kDirectoryPort), "-o", "NetJam;Town;0"});
    ASSERT_TRUE(wait_until(
        [&] {
            const auto list = list_from(*internet_musician, kPublic, kDirectoryPort);
            const auto* e = list ? entry_named(*list, "NetJam") : nullptr;
            return e != nullptr && e->ip == Net::kInternetB && e->port == port;
        },
        15s))
        << server->log_text() << fleet->process().log_text();
    // That list request also made the directory ask the server to punch: its empty
    // message reaches the internet musician (the client's NAT would now let the
    // server's audio in).
    list_from(*internet_musician, kPublic, kDirectoryPort);
    std::optional<HostSocket::Received> punch;
    std::string others;
    const auto deadline = std::chrono::steady_clock::now() + 3s;
    while (!punch && std::chrono::steady_clock::now() < deadline) {
        auto empty =
            internet_musician->receive_frame(proto::to_wire(MessageId::ClmEmptyMessage), 500ms);
        if (empty && empty->from_ip == Net::kInternetB) {
            punch = empty;
        } else if (empty) {
            others += " " + dotted(empty->from_ip) + ":" + std::to_string(empty->from_port);
        }
    }
    ASSERT_TRUE(punch) << "no CLM_EMPTY_MESSAGE from the server; others:" << others
                       << server->log_text() << fleet->process().log_text();
    EXPECT_EQ(punch->from_port, port);
    EXPECT_EQ(others, "");
    // The LAN musician gets it at its registration source and reaches it through the
    // router's masquerade.
    const auto lan_list = list_from(*lan_musician, kFleetLan, kDirectoryPort);
    ASSERT_TRUE(lan_list);
    const auto* e = entry_named(*lan_list, "NetJam");
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(dotted(e->ip), dotted(Net::kInternetB));
    EXPECT_TRUE(answers_ping_from(*lan_musician, e->ip, e->port));
    server->terminate();
}

} // namespace
} // namespace jamfleet::interop
