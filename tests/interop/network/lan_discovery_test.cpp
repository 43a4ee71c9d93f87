// A fleet bound to every address (the default) seen from a second host on its LAN:
// the directory lists every room at an address that answers that host's ping, the
// bare host name (port 22124, the first room) reaches the directory, a real
// Jamulus 3.9.1 server on the LAN registers given only the host name, and a real
// 3.9.1 client on the LAN joins a listed room and sees a musician on the fleet host.
#include <gtest/gtest.h>

#include <fstream>
#include <memory>

#include "proto/clm_messages.h"
#include "proto/frame.h"
#include "tests/interop/fleet/fleet_fixture.h"
#include "tests/interop/harness/jack_server.h"
#include "tests/interop/harness/jamulus.h"
#include "tests/interop/harness/json_rpc_client.h"
#include "tests/interop/harness/net.h"
#include "tests/interop/harness/process.h"
#include "tests/interop/harness/temp_dir.h"
#include "tests/interop/harness/wait.h"
#include "tests/interop/network/lan_host.h"

namespace jamfleet::interop {
namespace {

using namespace std::chrono_literals;
using proto::MessageId;

constexpr std::uint32_t kFleetLan = 0xc0a84d01; // 192.168.77.1: the fleet host on the LAN
constexpr std::uint32_t kPeerLan = 0xc0a84d02;  // 192.168.77.2: a musician's computer
constexpr std::uint16_t kDirectoryPort = 22123;
constexpr std::uint16_t kFirstRoom = 22124;

std::filesystem::path write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::trunc);
    out << text;
    return path;
}

// The default bind (0.0.0.0), the default ports; rate limits off since tests poll.
const std::string kFleet = "fleet:\n  name: LAN fleet\n  run_dir: ./var/run\n"
                           "directory:\n  name: Fleet directory\n  database: ./var/dir.db\n"
                           "  list_rate: 0\n  ping_rate: 0\n"
                           "servers:\n  - {name: Alpha}\n  - {name: Beta}\n";

// The directory answers one list request per source address and second: ask up
// to three times, as a Jamulus client keeps asking until a list arrives.
std::optional<proto::ServerList> list_from(HostSocket& socket, std::uint16_t port,
                                           std::uint32_t* sender_ip = nullptr,
                                           std::uint16_t* sender_port = nullptr) {
    std::optional<HostSocket::Received> reply;
    for (int attempt = 0; attempt < 3 && !reply; ++attempt) {
        socket.send_to(kFleetLan, port, proto::make_clm_frame(MessageId::ClmReqServerList, {}));
        reply = socket.receive_frame(proto::to_wire(MessageId::ClmServerList), 1100ms);
    }
    if (!reply) {
        return std::nullopt;
    }
    if (sender_ip != nullptr) {
        *sender_ip = reply->from_ip;
        *sender_port = reply->from_port;
    }
    auto list = proto::decode_server_list(proto::parse_frame(reply->bytes)->payload);
    return list.ok() ? std::optional(*list) : std::nullopt;
}

bool answers_ping_from(HostSocket& socket, std::uint32_t ip, std::uint16_t port) {
    const std::vector<std::uint8_t> payload = {1, 0, 0, 0};
    socket.send_to(ip, port, proto::make_clm_frame(MessageId::ClmPingMs, payload));
    return socket.receive_frame(proto::to_wire(MessageId::ClmPingMs), 500ms).has_value();
}

const proto::ServerListEntry* find(const proto::ServerList& list, const std::string& name) {
    for (const auto& e : list.entries) {
        if (e.name == name) {
            return &e;
        }
    }
    return nullptr;
}

struct LanDiscovery : ::testing::Test {
    TempDir dir{"lan-discovery"};
    // Declared first: destroyed after every program started on it has stopped.
    LanHost lan{kFleetLan, kPeerLan};
    std::unique_ptr<FleetRun> fleet;
    std::unique_ptr<HostSocket> musician; // a socket on the LAN host

    void SetUp() override {
        fleet = std::make_unique<FleetRun>(dir.path(), write_file(dir / "fleet.yaml", kFleet));
        ASSERT_TRUE(wait_until([&] { return fleet->all_running(3); }, 15s))
            << fleet->process().log_text();
        lan.run_here([&] { musician = std::make_unique<HostSocket>(kPeerLan); });
        ASSERT_TRUE(wait_until(
            [&] {
                const auto list = list_from(*musician, kDirectoryPort);
                return list && find(*list, "Alpha") && find(*list, "Beta");
            },
            10s));
    }
};

TEST_F(LanDiscovery, EveryRoomIsListedAtTheFleetsLanAddressAndAnswersTheMusiciansPing) {
    std::uint32_t sender = 0;
    std::uint16_t sender_port = 0;
    const auto list = list_from(*musician, kDirectoryPort, &sender, &sender_port);
    ASSERT_TRUE(list);
    EXPECT_EQ(dotted(sender), dotted(kFleetLan)); // a client takes lists only from the IP it asked
    EXPECT_EQ(sender_port, kDirectoryPort);
    ASSERT_EQ(list->entries.size(), 3u); // entry 0 and the two rooms
    for (std::size_t i = 1; i < list->entries.size(); ++i) {
        const auto& room = list->entries[i];
        SCOPED_TRACE(room.name);
        EXPECT_EQ(dotted(room.ip), dotted(kFleetLan)) << "not 127.0.0.1: the musician's own host";
        EXPECT_TRUE(answers_ping_from(*musician, room.ip, room.port));
    }
}

TEST_F(LanDiscovery, TheBareHostNameReachesTheDirectoryThroughTheFirstRoom) {
    // A Jamulus client given "host" without a port asks host:22124, the first room;
    // the list comes from the directory's port at the same IP, which Jamulus accepts.
    std::uint32_t sender = 0;
    std::uint16_t sender_port = 0;
    const auto list = list_from(*musician, kFirstRoom, &sender, &sender_port);
    ASSERT_TRUE(list) << fleet->process().log_text();
    EXPECT_EQ(dotted(sender), dotted(kFleetLan));
    EXPECT_EQ(sender_port, kDirectoryPort);
    ASSERT_NE(find(*list, "Alpha"), nullptr);
    ASSERT_NE(find(*list, "Beta"), nullptr);
    // The room itself still answers pings: it is a room first.
    EXPECT_TRUE(answers_ping_from(*musician, kFleetLan, kFirstRoom));
}

TEST_F(LanDiscovery, RealServerOnTheLanRegistersWithOnlyTheHostNameAndAcceptsTheReply) {
    // Started by hand rather than through JamulusServer, whose readiness check reads
    // the test's namespace: this server lives on the LAN host.
    const std::uint16_t port = 22124; // the LAN host's own default port
    const std::uint16_t rpc_port = free_tcp_port();
    const auto work_dir = dir / "lan-server";
    std::filesystem::create_directories(work_dir);
    write_file(work_dir / "secret", std::string(kRpcSecret) + "\n");
    std::unique_ptr<Process> server;
    lan.run_here([&] {
        server = std::make_unique<Process>(
            ProcessOptions{"lan-server",
                           "Jamulus",
                           {"-s", "-n", "-p", std::to_string(port), "-e", dotted(kFleetLan), "-o",
                            "LanJam;Town;0", "--jsonrpcport", std::to_string(rpc_port),
                            "--jsonrpcsecretfile", (work_dir / "secret").string()},
                           {},
                           work_dir});
    });
    // The LAN musician sees it at its own address (row 1), and it answers there.
    ASSERT_TRUE(wait_until(
        [&] {
            const auto list = list_from(*musician, kDirectoryPort);
            const auto* e = list ? find(*list, "LanJam") : nullptr;
            return e != nullptr && e->ip == kPeerLan && e->port == port;
        },
        15s))
        << server->log_text() << fleet->process().log_text();
    EXPECT_TRUE(answers_ping_from(*musician, kPeerLan, port));
    // The registration reply came from port 22123 to a request sent to 22124: the
    // real server took it (its registration status says so).
    std::string status;
    lan.run_here([&] {
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

TEST_F(LanDiscovery, RealClientOnTheLanJoinsTheListedRoomAndSeesTheMusicianOnTheFleetHost) {
    const auto list = list_from(*musician, kDirectoryPort);
    ASSERT_TRUE(list);
    const auto* beta = find(*list, "Beta");
    ASSERT_NE(beta, nullptr);
    const std::string listed = dotted(beta->ip) + ":" + std::to_string(beta->port);

    JackServer jack(dir.path(), 128);
    JamulusClient host_side(dir.path(), jack, "alice", {.name = "Alice"},
                            "127.0.0.1:" + std::to_string(beta->port));
    std::unique_ptr<JamulusClient> lan_side;
    lan.run_here([&] {
        lan_side = std::make_unique<JamulusClient>(dir.path(), jack, "bob",
                                                   ClientProfile{.name = "Bob"}, listed);
    });
    bool joined = false;
    bool sees_alice = false;
    lan.run_here([&] {
        joined = lan_side->wait_connected(20s);
        sees_alice = lan_side->wait_for_client_list(
            [](const nlohmann::json& clients) {
                const auto names = client_names(clients);
                return std::find(names.begin(), names.end(), "Alice") != names.end();
            },
            15s);
    });
    EXPECT_TRUE(joined) << lan_side->process().log_text();
    EXPECT_TRUE(sees_alice);
    EXPECT_TRUE(host_side.wait_for_client_list(
        [](const nlohmann::json& clients) {
            const auto names = client_names(clients);
            return std::find(names.begin(), names.end(), "Bob") != names.end();
        },
        15s));
    lan.run_here([&] { lan_side.reset(); });
}

} // namespace
} // namespace jamfleet::interop
