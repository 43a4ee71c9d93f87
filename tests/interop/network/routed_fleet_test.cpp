// A fleet with the default bind (every address) on a LAN behind a NAT router
// (topology.h), seen from a second LAN host and from two internet hosts: every
// musician gets a list whose rooms answer its ping and joins at the listed
// address; the bare host name (port 22124, the first room) reaches the directory;
// real Jamulus servers on the LAN and on the internet register; the directory's
// hole punch through a server on the internet reaches the asking client.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>

#include "proto/clm_messages.h"
#include "proto/frame.h"
#include "tests/interop/fleet/fleet_fixture.h"
#include "tests/interop/harness/jack_server.h"
#include "tests/interop/harness/jamulus.h"
#include "tests/interop/harness/json_rpc_client.h"
#include "tests/interop/harness/net.h"
#include "tests/interop/harness/process.h"
#include "tests/interop/harness/temp_dir.h"
#include "tests/interop/harness/tone.h"
#include "tests/interop/harness/wait.h"
#include "tests/interop/network/topology.h"

namespace jamfleet::interop {
namespace {

using namespace std::chrono_literals;
using proto::MessageId;

using Net = RoutedTopology;
constexpr std::uint32_t kFleetLan = Net::kFleetHost;
constexpr std::uint32_t kPeerLan = Net::kLanHost;
constexpr std::uint32_t kPublic = Net::kRouterWan;
constexpr std::uint16_t kDirectoryPort = 22123;
constexpr std::uint16_t kFirstRoom = 22124;

std::filesystem::path write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::trunc);
    out << text;
    return path;
}

// The default bind (0.0.0.0), the default ports, the router's address as public
// IP; rate limits off since tests poll.
const std::string kFleet = "fleet:\n  name: Routed fleet\n  run_dir: ./var/run\n"
                           "  public_ip: 203.0.113.1\n"
                           "directory:\n  name: Fleet directory\n  database: ./var/dir.db\n"
                           "  list_rate: 0\n  ping_rate: 0\n"
                           "servers:\n  - {name: Alpha}\n  - {name: Beta}\n";

// The directory answers one list request per source address and second: ask up
// to three times, as a Jamulus client keeps asking until a list arrives.
std::optional<proto::ServerList> list_from(HostSocket& socket, std::uint32_t ip, std::uint16_t port,
                                           std::uint32_t* sender_ip = nullptr,
                                           std::uint16_t* sender_port = nullptr) {
    std::optional<HostSocket::Received> reply;
    for (int attempt = 0; attempt < 3 && !reply; ++attempt) {
        socket.send_to(ip, port, proto::make_clm_frame(MessageId::ClmReqServerList, {}));
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

// A ping answered from the address it was sent to (a reply from anywhere else, such as
// a late one from a room pinged before, does not count). Asked up to three times, as a
// Jamulus client keeps pinging: one lost datagram is not a room that does not answer.
bool answers_ping_from(HostSocket& socket, std::uint32_t ip, std::uint16_t port) {
    const std::vector<std::uint8_t> payload = {1, 0, 0, 0};
    for (int attempt = 0; attempt < 3; ++attempt) {
        socket.send_to(ip, port, proto::make_clm_frame(MessageId::ClmPingMs, payload));
        const auto deadline = std::chrono::steady_clock::now() + 500ms;
        while (std::chrono::steady_clock::now() < deadline) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            const auto reply =
                socket.receive_frame(proto::to_wire(MessageId::ClmPingMs), std::max(left, 1ms));
            if (reply && reply->from_ip == ip && reply->from_port == port) {
                return true;
            }
        }
    }
    return false;
}

const proto::ServerListEntry* find(const proto::ServerList& list, const std::string& name) {
    for (const auto& e : list.entries) {
        if (e.name == name) {
            return &e;
        }
    }
    return nullptr;
}

// Every room of `list` (entry 0 excluded) answers a ping from `socket` at its
// listed address; the names it found are appended to `answered`.
void expect_every_room_answers(HostSocket& socket, const proto::ServerList& list) {
    for (std::size_t i = 1; i < list.entries.size(); ++i) {
        const auto& room = list.entries[i];
        EXPECT_TRUE(answers_ping_from(socket, room.ip, room.port))
            << room.name << " at " << dotted(room.ip) << ":" << room.port;
    }
}

// A Jamulus program started on one of the topology's hosts by hand: the harness's
// readiness checks read the test's own namespace.
std::unique_ptr<Process> start_on(NetnsHost& host, const std::filesystem::path& work_dir,
                                  const std::string& role, const std::string& program,
                                  std::vector<std::string> args, Env env = {}) {
    std::filesystem::create_directories(work_dir);
    std::unique_ptr<Process> process;
    host.run_here([&] {
        process = std::make_unique<Process>(
            ProcessOptions{role, program, std::move(args), std::move(env), work_dir});
    });
    return process;
}

struct RoutedFleet : ::testing::Test {
    TempDir dir{"routed-fleet"};
    // Declared first: destroyed after every program started on it has stopped.
    RoutedTopology net;
    std::unique_ptr<FleetRun> fleet;
    std::unique_ptr<HostSocket> lan_musician;      // on the second LAN host
    std::unique_ptr<HostSocket> internet_musician; // on internet host A

    void SetUp() override {
        fleet = std::make_unique<FleetRun>(dir.path(), write_file(dir / "fleet.yaml", kFleet));
        ASSERT_TRUE(wait_until([&] { return fleet->all_running(3); }, 15s))
            << fleet->process().log_text();
        net.lan.run_here([&] { lan_musician = std::make_unique<HostSocket>(kPeerLan); });
        net.internet_a.run_here(
            [&] { internet_musician = std::make_unique<HostSocket>(Net::kInternetA); });
        ASSERT_TRUE(wait_until(
            [&] {
                const auto list = list_from(*lan_musician, kFleetLan, kDirectoryPort);
                return list && find(*list, "Alpha") && find(*list, "Beta");
            },
            10s));
    }
    std::filesystem::path secret_file() {
        const auto path = dir / "rpc-secret";
        write_file(path, std::string(kRpcSecret) + "\n");
        return path;
    }
};

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
        EXPECT_NE(find(*list, "Alpha"), nullptr);
        EXPECT_NE(find(*list, "Beta"), nullptr);
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
            const auto* e = list ? find(*list, "LanJam") : nullptr;
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
            const auto* e = list ? find(*list, "NetJam") : nullptr;
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
    const auto* e = find(*lan_list, "NetJam");
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(dotted(e->ip), dotted(Net::kInternetB));
    EXPECT_TRUE(answers_ping_from(*lan_musician, e->ip, e->port));
    server->terminate();
}

// Sound through the router: one tone into each musician at once, each at its own
// frequency, so one recording measures both directions. 0.35 (-9.1 dBFS) each keeps
// their sum in every mix below full scale. On loopback the tone comes out at the level
// it went in (docs/testing.md: -6.0 dBFS out for -6.0 in).
constexpr int kLanToneHz = 440;
constexpr int kInternetToneHz = 660;
constexpr double kToneAmplitude = 0.35;

struct CrossTone {
    double lan_source = 0;      // the tone wired into the LAN musician's inputs
    double internet_source = 0; // the tone wired into the internet musician's inputs
    double internet_hears_lan = 0;
    double lan_hears_internet = 0;
};

std::ostream& operator<<(std::ostream& out, const CrossTone& t) {
    return out << "LAN tone " << t.lan_source << " dBFS -> internet output " << t.internet_hears_lan
               << " dBFS; internet tone " << t.internet_source << " dBFS -> LAN output "
               << t.lan_hears_internet << " dBFS";
}

double tone_level(const Recording& recording, std::size_t channel, double frequency_hz) {
    return median(
        block_levels_dbfs(recording.channels[channel], frequency_hz, recording.sample_rate));
}

// Records both tones and both musicians' outputs; a measurement off by more than 3 dB
// is redone (at most three in all), since the JACK dummy backend xruns when the
// machine is overloaded.
CrossTone measure_cross_tone(const JackServer& jack, const std::filesystem::path& dir,
                             const ToneSource& lan_tone, const ToneSource& internet_tone,
                             const std::string& lan_output, const std::string& internet_output) {
    CrossTone t;
    for (int attempt = 1; attempt <= 3; ++attempt) {
        const auto r = record_ports(
            jack, dir, {lan_tone.port(), internet_tone.port(), lan_output, internet_output}, 3s);
        t = {.lan_source = tone_level(r, 0, kLanToneHz),
             .internet_source = tone_level(r, 1, kInternetToneHz),
             .internet_hears_lan = tone_level(r, 3, kLanToneHz),
             .lan_hears_internet = tone_level(r, 2, kInternetToneHz)};
        std::cout << "tone through the router, attempt " << attempt << ": " << t << "\n";
        if (std::abs(t.internet_hears_lan - t.lan_source) <= 3 &&
            std::abs(t.lan_hears_internet - t.internet_source) <= 3) {
            break;
        }
    }
    return t;
}

// A real 3.9.1 client on each side joins Beta at the address its list gave it; both
// see each other's name, and a tone into either comes out of the other at the level
// it went in: the audio crosses the NAT router in both directions.
TEST_F(RoutedFleet, RealClientsOnTheLanAndTheInternetJoinTheListedRoomAndSeeAndHearEachOther) {
    const auto lan_list = list_from(*lan_musician, kFleetLan, kDirectoryPort);
    const auto net_list = list_from(*internet_musician, kPublic, kDirectoryPort);
    ASSERT_TRUE(lan_list && net_list);
    const auto address_of = [](const proto::ServerList& list) {
        const auto* beta = find(list, "Beta");
        return beta == nullptr ? std::string()
                               : dotted(beta->ip) + ":" + std::to_string(beta->port);
    };
    ASSERT_EQ(address_of(*lan_list), dotted(kFleetLan) + ":22125");
    ASSERT_EQ(address_of(*net_list), dotted(kPublic) + ":22125");

    JackServer jack(dir.path(), 128);
    std::unique_ptr<JamulusClient> bob;
    std::unique_ptr<JamulusClient> carol;
    net.lan.run_here([&] {
        bob = std::make_unique<JamulusClient>(dir.path(), jack, "bob", ClientProfile{.name = "Bob"},
                                              address_of(*lan_list));
    });
    net.internet_a.run_here([&] {
        carol = std::make_unique<JamulusClient>(
            dir.path(), jack, "carol", ClientProfile{.name = "Carol"}, address_of(*net_list));
    });
    const auto sees = [](JamulusClient& client, const std::string& name) {
        return client.wait_for_client_list(
            [&](const nlohmann::json& clients) {
                const auto names = client_names(clients);
                return std::find(names.begin(), names.end(), name) != names.end();
            },
            20s);
    };
    bool bob_sees_carol = false;
    bool carol_sees_bob = false;
    net.lan.run_here([&] { bob_sees_carol = sees(*bob, "Carol"); });
    net.internet_a.run_here([&] { carol_sees_bob = sees(*carol, "Bob"); });
    EXPECT_TRUE(bob_sees_carol) << bob->process().log_text();
    EXPECT_TRUE(carol_sees_bob) << carol->process().log_text();
    if (bob_sees_carol && carol_sees_bob) {
        const auto bob_output = bob->jack_port("output left");
        const auto carol_output = carol->jack_port("output left");
        // Negative control: neither frequency in either output before the tones are wired.
        const auto control = record_ports(jack, dir.path(), {bob_output, carol_output}, 2s);
        EXPECT_LT(tone_level(control, 1, kLanToneHz), -50);
        EXPECT_LT(tone_level(control, 0, kInternetToneHz), -50);
        ToneSource bob_tone(jack, dir.path(), "bob-tone", kLanToneHz, kToneAmplitude);
        ToneSource carol_tone(jack, dir.path(), "carol-tone", kInternetToneHz, kToneAmplitude);
        for (const auto& side :
             {std::pair{&bob_tone, bob.get()}, std::pair{&carol_tone, carol.get()}}) {
            jack.connect(side.first->port(), side.second->jack_port("input left"));
            jack.connect(side.first->port(), side.second->jack_port("input right"));
        }
        std::this_thread::sleep_for(500ms);
        const auto t =
            measure_cross_tone(jack, dir.path(), bob_tone, carol_tone, bob_output, carol_output);
        RecordProperty("lan_to_internet_dbfs", std::to_string(t.internet_hears_lan));
        RecordProperty("internet_to_lan_dbfs", std::to_string(t.lan_hears_internet));
        EXPECT_GT(t.lan_source, -12) << "the LAN tone source itself is broken";
        EXPECT_GT(t.internet_source, -12) << "the internet tone source itself is broken";
        EXPECT_NEAR(t.internet_hears_lan, t.lan_source, 3.0)
            << "LAN musician's tone at the internet musician";
        EXPECT_NEAR(t.lan_hears_internet, t.internet_source, 3.0)
            << "internet musician's tone at the LAN musician";
    }
    net.lan.run_here([&] { bob.reset(); });
    net.internet_a.run_here([&] { carol.reset(); });
}

// The real 3.9.1 GUI client (offscreen) on the LAN with only the fleet host's
// address, no port, as custom directory: it asks the first room, takes the list
// the directory sends from its own port, and pings what is listed. A registered
// probe on the LAN host sees that ping, which only the list could have caused.
TEST_F(RoutedFleet, RealGuiClientWithTheBareAddressAsDirectoryPingsTheListedServers) {
    std::unique_ptr<HostSocket> probe;
    net.lan.run_here([&] { probe = std::make_unique<HostSocket>(kPeerLan); });
    proto::RegisterServer r;
    r.port = probe->port();
    r.max_clients = 10;
    r.name = "Probe";
    r.os = 2;
    r.version = "3.9.1";
    probe->send_to(kFleetLan, kDirectoryPort,
                   proto::make_clm_frame(proto::register_server_id(r), proto::encode_payload(r)));
    ASSERT_TRUE(probe->receive_frame(proto::to_wire(MessageId::ClmRegisterServerResp), 3s));

    JackServer jack(dir.path());
    const auto ini = write_file(
        dir / "gui.ini",
        // winviscon: the connect dialog opens at start; directorytype 7: custom directory.
        "<client><winviscon>1</winviscon><directorytype>7</directorytype>"
        "<customdirectoryindex>0</customdirectoryindex><directoryaddress0>" +
            dotted(kFleetLan) + "</directoryaddress0></client>\n");
    Env env = jack.client_env();
    env.emplace_back("QT_QPA_PLATFORM", "offscreen");
    auto gui =
        start_on(net.lan, dir / "gui", "gui", "Jamulus", {"-i", ini.string(), "-p", "0"}, env);
    const auto ping = probe->receive_frame(proto::to_wire(MessageId::ClmPingMsWithNumClients), 30s);
    EXPECT_TRUE(ping) << gui->log_text() << fleet->process().log_text();
    // The GUI ignores SIGTERM while its dialog is open.
    gui->terminate(1s);
}

// Jamulus 3.12.4 headless, given only the fleet's host name as directory (no
// port; /etc/hosts in its own mount namespace names the router's address).
TEST_F(RoutedFleet, HeadlessClient3124ListsTheRoomsGivenOnlyTheHostName) {
    // Throws, naming the path, when the peer is missing.
    const std::string program = jamulus_program(JamulusVersion::v3_12_4).string();
    const auto work_dir = dir / "client-3124";
    std::filesystem::create_directories(work_dir);
    const auto hosts = write_file(work_dir / "hosts",
                                  "127.0.0.1 localhost\n" + dotted(kPublic) + " jam.fleet.test\n");
    const auto ini = write_file(work_dir / "client.ini", client_ini({.name = "Dora"}));
    JackServer jack(dir.path(), 128);
    const std::uint16_t rpc_port = free_tcp_port();
    Env env = jack.client_env();
    auto client = start_on(net.internet_a, work_dir, "client-3124", "unshare",
                           {"--mount",
                            "--propagation",
                            "private",
                            "sh",
                            "-c",
                            "mount --bind \"$0\" /etc/hosts && exec \"$@\"",
                            hosts.string(),
                            program,
                            "-n",
                            "-i",
                            ini.string(),
                            "-p",
                            "0",
                            "-j",
                            "--clientname",
                            "dora",
                            "--jsonrpcport",
                            std::to_string(rpc_port),
                            "--jsonrpcsecretfile",
                            secret_file().string()},
                           env);
    std::optional<nlohmann::json> list;
    std::vector<std::string> pinged;
    net.internet_a.run_here([&] {
        JsonRpcClient rpc(rpc_port, kRpcSecret);
        // The list is asked for once per call; repeat as the connect dialog would.
        for (int attempt = 0; attempt < 5 && !list; ++attempt) {
            rpc.call("jamulusclient/pollServerList", {{"directory", "jam.fleet.test"}});
            list = rpc.wait_for_notification("jamulusclient/serverListReceived", {}, 2s);
        }
        if (list) {
            rpc.pump(2s); // serverInfoReceived: the rooms answering the client's pings
            for (const auto& n : rpc.notifications()) {
                if (n.value("method", "") == "jamulusclient/serverInfoReceived") {
                    pinged.push_back(n["params"].value("address", ""));
                }
            }
        }
    });
    ASSERT_TRUE(list) << client->log_text();
    std::vector<std::string> names;
    for (const auto& s : (*list)["servers"]) {
        names.push_back(s.value("name", ""));
    }
    EXPECT_NE(std::find(names.begin(), names.end(), "Alpha"), names.end());
    EXPECT_NE(std::find(names.begin(), names.end(), "Beta"), names.end());
    for (const std::string room : {"203.0.113.1:22124", "203.0.113.1:22125"}) {
        EXPECT_NE(std::find(pinged.begin(), pinged.end(), room), pinged.end())
            << room << " did not answer the client's ping";
    }
    client->terminate();
}

} // namespace
} // namespace jamfleet::interop
