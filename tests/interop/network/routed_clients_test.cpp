// Real Jamulus clients in the routed fleet (routed_fleet.h): 3.9.1 clients on the LAN
// and on the internet join the listed room and hear each other through the NAT
// router; the 3.9.1 GUI client and a headless 3.12.4 client find the rooms given
// only the fleet's host.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <memory>
#include <thread>

#include "proto/clm_messages.h"
#include "proto/frame.h"
#include "tests/interop/harness/jack_server.h"
#include "tests/interop/harness/jamulus.h"
#include "tests/interop/harness/json_rpc_client.h"
#include "tests/interop/harness/net.h"
#include "tests/interop/harness/tone.h"
#include "tests/interop/harness/wait.h"
#include "tests/interop/network/routed_fleet.h"

namespace jamfleet::interop {
namespace {

using namespace std::chrono_literals;
using proto::MessageId;

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
        const auto* beta = entry_named(list, "Beta");
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
