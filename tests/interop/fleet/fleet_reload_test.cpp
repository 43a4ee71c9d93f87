// Reload without disconnecting musicians, with real Jamulus clients (3.9.1 and 4.0.0 beta 2): a
// new name and welcome reach an occupied room live (same process, nobody
// disconnected, the new name in the directory's list and in getServerProfile,
// a newcomer greeted with the new welcome); a new port waits until the room's
// musicians have left, then the room restarts on it.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <thread>

#include "tests/interop/fleet/fleet_fixture.h"
#include "tests/interop/harness/jack_server.h"
#include "tests/interop/harness/jamulus.h"
#include "tests/interop/harness/json_rpc_client.h"
#include "tests/interop/harness/net.h"
#include "tests/interop/harness/temp_dir.h"
#include "tests/interop/harness/udp_gate.h"
#include "tests/interop/harness/version_params.h"
#include "tests/interop/harness/wait.h"

namespace jamfleet::interop {
namespace {

using namespace std::chrono_literals;

constexpr const char* kSecret = "fleet-reload-secret-0123";

std::string fleet_yaml(std::uint16_t rpc_port, const std::string& alpha, const std::string& welcome,
                       std::uint16_t beta_port) {
    return "fleet:\n  name: Reload fleet\n  bind: 127.0.0.1\n  run_dir: ./var/run\n"
           "directory:\n  port: 22123\n  name: Test directory\n  database: ./var/dir.db\n"
           "  list_rate: 0\n  ping_rate: 0\n"
           "servers:\n  - {name: " +
           alpha + ", port: 22124, welcome: \"" + welcome +
           "\", jsonrpc_port: " + std::to_string(rpc_port) +
           ", jsonrpc_secret_file: ./secret.txt}\n"
           "  - {name: Beta, port: " +
           std::to_string(beta_port) + "}\n";
}

bool saw_disconnect(JamulusClient& client) {
    client.rpc().pump(200ms);
    for (const auto& n : client.rpc().notifications()) {
        if (n.value("method", "") == "jamulusclient/disconnected") {
            return true;
        }
    }
    return false;
}

bool listed(const std::string& name, std::uint16_t port) {
    const auto list = request_server_list(22123);
    return list && lists(*list, name, port);
}

// The musicians' release is the parameter.
class FleetLiveReload : public ::testing::TestWithParam<JamulusVersion> {};

TEST_P(FleetLiveReload, NameAndWelcomeApplyLiveAndAPortChangeWaitsUntilTheRoomIsEmpty) {
    TempDir dir("fleet-reload-live");
    std::ofstream(dir / "secret.txt") << kSecret << "\n";
    const std::uint16_t rpc_port = free_tcp_port();
    const auto file = dir / "fleet.yaml";
    std::ofstream(file) << fleet_yaml(rpc_port, "Alpha", "Welcome one", 22125);
    FleetRun fleet(dir.path(), file);
    ASSERT_TRUE(wait_until([&] { return fleet.all_running(3); }, 15s))
        << fleet.process().log_text();
    JackServer jack(dir.path(), 128);
    JamulusClient alice(dir.path(), jack, "alice", {.name = "Alice"}, "127.0.0.1:22124",
                        {.version = GetParam()});
    JamulusClient bob(dir.path(), jack, "bob", {.name = "Bob"}, "127.0.0.1:22124",
                      {.version = GetParam()});
    auto carol =
        std::make_unique<JamulusClient>(dir.path(), jack, "carol", ClientProfile{.name = "Carol"},
                                        "127.0.0.1:22125", ClientOptions{.version = GetParam()});
    for (JamulusClient* c : {&alice, &bob, carol.get()}) {
        ASSERT_TRUE(c->wait_connected(20s)) << c->role() << fleet.process().log_text();
    }
    ASSERT_TRUE(wait_until([&] { return listed("Alpha", 22124); }, 10s));
    // Beta's client count must be known before the reload decides.
    ASSERT_TRUE(
        wait_until([&] { return fleet.child("Beta")["child"]["clients"].size() == 1; }, 5s));
    const auto alpha_pid = fleet.pid_of("Alpha");
    const auto beta_pid = fleet.pid_of("Beta");

    std::ofstream(file, std::ios::trunc)
        << fleet_yaml(rpc_port, "Alpha Live", "Welcome two", 22135);
    const auto reload = fleet.command({"reload"});
    ASSERT_EQ(reload.exit_code, 0) << reload.output;
    EXPECT_NE(reload.output.find("live Alpha Live"), std::string::npos) << reload.output;
    EXPECT_NE(reload.output.find("waiting to restart when empty Beta"), std::string::npos)
        << reload.output;

    // Live: the same process under its new name, listed and reported as such.
    EXPECT_TRUE(
        wait_until([&] { return listed("Alpha Live", 22124) && !listed("Alpha", 22124); }, 5s))
        << fleet.process().log_text();
    EXPECT_EQ(fleet.pid_of("Alpha Live"), alpha_pid);
    JsonRpcClient rpc(rpc_port, kSecret);
    const auto profile = rpc.call("jamulusserver/getServerProfile");
    EXPECT_EQ(profile["name"], "Alpha Live") << profile.dump();
    EXPECT_EQ(profile["welcomeMessage"], "Welcome two") << profile.dump();
    // The welcome comes with the connection, and a client connects as soon as it starts (4.0
    // clients usually before the test's JSON-RPC login to them): the newcomer reaches the room
    // through a gate that opens only once the test is logged in.
    {
        UdpGate gate(22124);
        JamulusClient dave(dir.path(), jack, "dave", {.name = "Dave"},
                           "127.0.0.1:" + std::to_string(gate.port()), {.version = GetParam()});
        gate.open();
        ASSERT_TRUE(dave.wait_connected(20s)) << fleet.process().log_text();
        const auto welcome = dave.rpc().wait_for_notification(
            "jamulusclient/chatTextReceived",
            [](const nlohmann::json& p) {
                return p["chatText"] == "<b>Server Welcome Message:</b> Welcome two";
            },
            10s);
        std::string seen;
        for (const auto& note : dave.rpc().notifications()) {
            if (note.value("method", "") == "jamulusclient/chatTextReceived") {
                seen += note.dump() + "\n";
            }
        }
        EXPECT_TRUE(welcome) << "the newcomer did not get the new welcome; chat seen:\n" << seen;
    }

    // Beta waits for Carol, who keeps playing.
    EXPECT_EQ(fleet.child("Beta")["state"], "waiting_to_restart");
    std::this_thread::sleep_for(2s);
    EXPECT_EQ(fleet.pid_of("Beta"), beta_pid);
    EXPECT_EQ(fleet.child("Beta")["state"], "waiting_to_restart");
    for (JamulusClient* c : {&alice, &bob, carol.get()}) {
        EXPECT_TRUE(c->connected()) << c->role();
        EXPECT_FALSE(saw_disconnect(*c)) << c->role();
    }
    // Carol leaves: Beta restarts on its new port.
    carol->stop();
    carol.reset();
    EXPECT_TRUE(wait_until(
        [&] {
            const auto beta = fleet.child("Beta");
            return beta["state"] == "running" && beta["pid"] != beta_pid && beta["port"] == 22135 &&
                   answers_ping(22135);
        },
        15s, 200ms))
        << fleet.child("Beta").dump() << fleet.process().log_text();
    EXPECT_TRUE(wait_until([&] { return listed("Beta", 22135); }, 5s));
    EXPECT_FALSE(answers_ping(22125));
    EXPECT_TRUE(alice.connected());
    EXPECT_FALSE(saw_disconnect(alice));
}

TEST_P(FleetLiveReload, RecordingIsSwitchedOnAndOffWithoutARestart) {
    TempDir dir("fleet-reload-record");
    std::ofstream(dir / "secret.txt") << kSecret << "\n";
    const std::uint16_t rpc_port = free_tcp_port();
    const auto yaml = [&](bool norecord) {
        return "fleet:\n  name: Record fleet\n  bind: 127.0.0.1\n  run_dir: ./var/run\n"
               "directory:\n  port: 22123\n  database: ./var/dir.db\n"
               "servers:\n  - {name: Alpha, port: 22124, recording_dir: ./rec, norecord: " +
               std::string(norecord ? "true" : "false") +
               ", jsonrpc_port: " + std::to_string(rpc_port) +
               ", jsonrpc_secret_file: ./secret.txt}\n";
    };
    const auto file = dir / "fleet.yaml";
    std::ofstream(file) << yaml(true);
    FleetRun fleet(dir.path(), file);
    ASSERT_TRUE(wait_until([&] { return fleet.all_running(2); }, 15s))
        << fleet.process().log_text();
    JackServer jack(dir.path(), 128);
    JamulusClient alice(dir.path(), jack, "alice", {.name = "Alice"}, "127.0.0.1:22124",
                        {.version = GetParam()});
    ASSERT_TRUE(alice.wait_connected(20s)) << fleet.process().log_text();
    JsonRpcClient rpc(rpc_port, kSecret);
    EXPECT_EQ(rpc.call("jamulusserver/getRecorderStatus")["enabled"], false);
    const auto pid = fleet.pid_of("Alpha");
    for (const bool norecord : {false, true}) {
        std::ofstream(file, std::ios::trunc) << yaml(norecord);
        const auto reload = fleet.command({"reload"});
        ASSERT_EQ(reload.exit_code, 0) << reload.output;
        EXPECT_NE(reload.output.find("live Alpha"), std::string::npos) << reload.output;
        EXPECT_TRUE(wait_until(
            [&] { return rpc.call("jamulusserver/getRecorderStatus")["enabled"] == !norecord; },
            5s))
            << "norecord " << norecord;
        EXPECT_EQ(fleet.pid_of("Alpha"), pid);
    }
    EXPECT_TRUE(alice.connected());
    EXPECT_FALSE(saw_disconnect(alice));
}

INSTANTIATE_TEST_SUITE_P(Versions, FleetLiveReload, full_set_releases(), client_release_name);

} // namespace
} // namespace jamfleet::interop
