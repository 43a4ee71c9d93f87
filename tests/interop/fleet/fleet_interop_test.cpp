// `jamfleet run` with the real jamfleet-directory and jamfleet-mixer: the example
// fleet comes up and is listed; a killed room comes back within 2 s; reload adds,
// removes and changes exactly what the file says; a broken reload keeps the fleet;
// a port held by a foreign process fails only that room; SIGTERM leaves nothing behind.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>

#include "tests/interop/fleet/fleet_fixture.h"
#include "tests/interop/harness/jack_server.h"
#include "tests/interop/harness/jamulus.h"
#include "tests/interop/harness/net.h"
#include "tests/interop/harness/temp_dir.h"
#include "tests/interop/harness/version_params.h"
#include "tests/interop/harness/wait.h"

namespace jamfleet::interop {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr std::uint16_t kDirectoryPort = 22123; // examples/fleet.yaml and fleet_yaml() below

// A fleet on loopback whose directory answers list requests without a rate limit
// (the tests poll it), with three rooms on explicit ports.
std::string fleet_yaml(const std::string& rooms) {
    return "fleet:\n  name: Test fleet\n  bind: 127.0.0.1\n  run_dir: ./var/run\n"
           "directory:\n  port: 22123\n  name: Test directory\n  database: ./var/dir.db\n"
           "  list_rate: 0\n  ping_rate: 0\n"
           "servers:\n" +
           rooms;
}

const std::string kThreeRooms = "  - {name: Alpha, port: 22124}\n"
                                "  - {name: Beta, port: 22125}\n"
                                "  - {name: Gamma, port: 22126}\n";

std::filesystem::path write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::trunc);
    out << text;
    return path;
}

// Waits until the directory lists exactly `rooms` (name, port) besides its own entry.
bool wait_listed(const std::vector<std::pair<std::string, std::uint16_t>>& rooms,
                 std::chrono::milliseconds timeout, std::chrono::milliseconds poll = 100ms) {
    return wait_until(
        [&] {
            const auto list = request_server_list(kDirectoryPort);
            if (!list || list->entries.size() != rooms.size() + 1) {
                return false;
            }
            for (const auto& [name, port] : rooms) {
                if (!lists(*list, name, port)) {
                    return false;
                }
            }
            return true;
        },
        timeout, poll);
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
        ++n;
    }
    return n;
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

TEST(FleetRun, ExampleFleetComesUpAndTheDirectoryListsItsThreeRooms) {
    TempDir dir("fleet-example");
    FleetRun fleet(dir.path(), source_dir() / "examples/fleet.yaml");
    ASSERT_TRUE(wait_until([&] { return fleet.all_running(4); }, 15s))
        << fleet.process().log_text();
    // The example keeps the directory's default list rate limit: poll gently.
    const bool listed = wait_until(
        [&] {
            const auto list = request_server_list(kDirectoryPort);
            return list && list->entries.size() == 4 && list->entries[0].name == "Demo directory" &&
                   lists(*list, "Rock Room", 22124) && lists(*list, "Jazz Room", 22125) &&
                   lists(*list, "Folk Room", 22126);
        },
        15s, 1100ms);
    EXPECT_TRUE(listed) << fleet.process().log_text();
    for (std::uint16_t port : {22124, 22125, 22126}) {
        EXPECT_TRUE(answers_ping(port)) << port;
        // fleet.bind6 defaults to "::": each room's IPv6 socket is open, and it says so as a
        // Jamulus 4.0 server with its IPv6 socket does (bit 5); the welcome is bit 8.
        const auto features = server_features(port);
        ASSERT_TRUE(features) << port;
        EXPECT_EQ(*features & 0x120u, 0x120u) << port << ": " << *features;
    }
    // Status carries each child's own report from its control socket.
    EXPECT_TRUE(wait_until(
        [&] {
            const auto s = fleet.status();
            if (!s.is_object() || s["children"].size() != 4) {
                return false;
            }
            for (const auto& c : s["children"]) {
                const auto& details = c.value("child", nlohmann::json::object());
                if (c["kind"] == "directory" ? details.value("entries", -1) != 3
                                             : details.value("registration", "") != "registered" ||
                                                   !details.contains("clients")) {
                    return false;
                }
            }
            return true;
        },
        5s, 200ms))
        << fleet.status().dump();
    std::ifstream srv(dir / "var/run/srv.txt");
    std::string srv_text((std::istreambuf_iterator<char>(srv)), std::istreambuf_iterator<char>());
    EXPECT_NE(srv_text.find("_jamulus._udp.jazz.example.org. 300 IN SRV 0 5 22125 "
                            "jam.example.org."),
              std::string::npos);
}

TEST(FleetRun, RoomsWithoutIpv6SocketDoNotReportIpv6) {
    TempDir dir("fleet-ipv4-only");
    FleetRun fleet(dir.path(),
                   write_file(dir / "fleet.yaml",
                              "fleet: {bind: 127.0.0.1, bind6: \"\", run_dir: ./var/run}\n"
                              "directory: {port: 22123, database: ./var/dir.db}\n"
                              "servers:\n  - {name: Alpha, port: 22124}\n"));
    ASSERT_TRUE(wait_until([&] { return fleet.all_running(2); }, 15s))
        << fleet.process().log_text();
    const auto features = server_features(22124);
    ASSERT_TRUE(features);
    EXPECT_EQ(*features & 0x20u, 0u) << *features; // IPv6 available: clear
    EXPECT_NE(*features & 0x40u, 0u) << *features; // raw audio offered, as by default
}

TEST(FleetRun, KilledRoomIsBackAndListedWithinTwoSeconds) {
    TempDir dir("fleet-kill");
    FleetRun fleet(dir.path(), write_file(dir / "fleet.yaml", fleet_yaml(kThreeRooms)));
    ASSERT_TRUE(wait_until([&] { return fleet.all_running(4); }, 15s));
    ASSERT_TRUE(wait_listed({{"Alpha", 22124}, {"Beta", 22125}, {"Gamma", 22126}}, 10s));
    const auto alpha = fleet.pid_of("Alpha");
    const auto beta = fleet.pid_of("Beta");
    ASSERT_GT(beta, 0);

    // Each room logs the directory's answer to its registration (children share
    // the supervisor's stderr): three so far, a fourth once Beta is back.
    const std::string registered = "directory answered status=registered";
    const auto registrations = [&] { return count(fleet.process().log_text(), registered); };
    ASSERT_TRUE(wait_until([&] { return registrations() == 3; }, 5s)) << fleet.process().log_text();
    const std::size_t before = registrations();

    const auto killed_at = Clock::now();
    ASSERT_EQ(::kill(static_cast<pid_t>(beta), SIGKILL), 0);
    const bool back = wait_until(
        [&] {
            const auto pid = fleet.pid_of("Beta");
            return pid > 0 && pid != beta && answers_ping(22125);
        },
        2s, 20ms);
    const auto back_after = Clock::now() - killed_at;
    std::cout << "kill -9 to answering again: "
              << std::chrono::duration_cast<std::chrono::milliseconds>(back_after).count()
              << " ms\n";
    EXPECT_TRUE(back) << fleet.process().log_text();
    EXPECT_LT(back_after, 2s);
    EXPECT_TRUE(wait_listed(
        {{"Alpha", 22124}, {"Beta", 22125}, {"Gamma", 22126}},
        std::chrono::duration_cast<std::chrono::milliseconds>(2s - (Clock::now() - killed_at)),
        20ms));
    EXPECT_TRUE(wait_until(
        [&] { return registrations() > before; },
        std::chrono::duration_cast<std::chrono::milliseconds>(2s - (Clock::now() - killed_at)),
        20ms))
        << "the restarted room did not register again within 2 s";
    const auto beta_status = fleet.child("Beta");
    EXPECT_EQ(beta_status["restarts"], 1);
    EXPECT_EQ(beta_status["last_exit"], "killed by signal 9 (SIGKILL)");
    EXPECT_EQ(fleet.pid_of("Alpha"), alpha) << "an unrelated room was restarted";
}

TEST(FleetRun, ReloadAddsRemovesAndChangesExactlyThoseRooms) {
    TempDir dir("fleet-reload");
    const auto file = write_file(dir / "fleet.yaml", fleet_yaml(kThreeRooms));
    FleetRun fleet(dir.path(), file);
    ASSERT_TRUE(wait_until([&] { return fleet.all_running(4); }, 15s));
    ASSERT_TRUE(wait_listed({{"Alpha", 22124}, {"Beta", 22125}, {"Gamma", 22126}}, 10s));
    const auto directory = fleet.pid_of("directory");
    const auto alpha = fleet.pid_of("Alpha");
    const auto beta = fleet.pid_of("Beta");
    const auto gamma = fleet.pid_of("Gamma");
    // A room restarts at once only when the supervisor knows it is empty; until its
    // first status poll (once a second) it would wait (FleetLiveReload covers that).
    ASSERT_TRUE(wait_until([&] { return fleet.child("Gamma").contains("child"); }, 5s));

    write_file(file, fleet_yaml("  - {name: Alpha, port: 22124}\n"
                                "  - {name: Gamma, port: 22126, max_clients: 4}\n"
                                "  - {name: Delta, port: 22127}\n"));
    const CommandResult reload = fleet.command({"reload"});
    EXPECT_EQ(reload.exit_code, 0) << reload.output;
    EXPECT_NE(reload.output.find("added Delta; removed Beta; changed Gamma; unchanged Alpha"),
              std::string::npos)
        << reload.output;
    ASSERT_TRUE(wait_until([&] { return fleet.all_running(4); }, 15s));
    EXPECT_TRUE(wait_listed({{"Alpha", 22124}, {"Gamma", 22126}, {"Delta", 22127}}, 10s))
        << fleet.process().log_text();
    EXPECT_EQ(fleet.pid_of("Alpha"), alpha);
    EXPECT_EQ(fleet.pid_of("directory"), directory);
    EXPECT_NE(fleet.pid_of("Gamma"), gamma);
    EXPECT_EQ(fleet.pid_of("Beta"), -1);
    EXPECT_FALSE(process_exists(beta));
    EXPECT_FALSE(udp_port_bound(22125));
}

TEST(FleetRun, BrokenFileOnReloadKeepsTheFleetAndPrintsEveryError) {
    TempDir dir("fleet-broken");
    const auto file = write_file(dir / "fleet.yaml", fleet_yaml(kThreeRooms));
    FleetRun fleet(dir.path(), file);
    ASSERT_TRUE(wait_until([&] { return fleet.all_running(4); }, 15s));
    const auto before = fleet.status();

    write_file(file, fleet_yaml("  - {name: Alpha, port: 22124}\n"
                                "  - {name: Beta, port: 22124}\n"
                                "  - {name: Gamma, port: 22126, colour: red}\n"));
    const CommandResult reload = fleet.command({"reload"});
    EXPECT_EQ(reload.exit_code, 2);
    const std::string path = file.string();
    EXPECT_NE(
        reload.output.find(path + ":13:24: /servers/1/port: 22124 already used by /servers/0"),
        std::string::npos)
        << reload.output;
    EXPECT_NE(reload.output.find(path + ":14:32: /servers/2/colour: unknown key 'colour'"),
              std::string::npos)
        << reload.output;
    EXPECT_NE(reload.output.find("reload rejected; the running fleet is unchanged"),
              std::string::npos);
    // SIGHUP takes the same path and keeps the fleet as well.
    fleet.process().send_signal(SIGHUP);
    EXPECT_TRUE(wait_until(
        [&] {
            return fleet.process().log_text().find(
                       "reload rejected; the running fleet is unchanged errors=2") !=
                   std::string::npos;
        },
        5s))
        << fleet.process().log_text();
    const auto after = fleet.status();
    ASSERT_TRUE(after.is_object());
    for (std::size_t i = 0; i < before["children"].size(); ++i) {
        EXPECT_EQ(after["children"][i]["pid"], before["children"][i]["pid"]);
        EXPECT_EQ(after["children"][i]["state"], "running");
    }
}

TEST(FleetRun, PortHeldByAForeignProcessFailsOnlyThatRoom) {
    TempDir dir("fleet-busy");
    auto squatter = std::make_unique<UdpProbe>(22125);
    FleetRun fleet(dir.path(), write_file(dir / "fleet.yaml", fleet_yaml(kThreeRooms)));
    ASSERT_TRUE(wait_until(
        [&] {
            const auto beta = fleet.child("Beta");
            return beta.is_object() && beta["state"] == "failed";
        },
        15s));
    EXPECT_EQ(fleet.child("Beta")["failure_reason"],
              "bind udp 127.0.0.1:22125: address already in use");
    EXPECT_TRUE(wait_until(
        [&] { return fleet.child("Alpha")["state"] == "running" && answers_ping(22124); }, 10s));
    EXPECT_EQ(fleet.child("Gamma")["state"], "running");
    const CommandResult status = fleet.command({"status"});
    EXPECT_NE(status.output.find("failed: bind udp 127.0.0.1:22125: address already in use"),
              std::string::npos)
        << status.output;

    // Once the port is free, a reload (of the unchanged file) retries the failed room.
    squatter.reset();
    const CommandResult reload = fleet.command({"reload"});
    EXPECT_EQ(reload.exit_code, 0) << reload.output;
    EXPECT_TRUE(wait_until(
        [&] { return fleet.child("Beta")["state"] == "running" && answers_ping(22125); }, 10s))
        << fleet.process().log_text();
}

TEST(FleetRun, CrashLoopingRoomIsMarkedFailedAndTheRestRunsOn) {
    TempDir dir("fleet-crashloop");
    // A secret file that does not exist makes that mixer exit at start, every time.
    FleetRun fleet(dir.path(),
                   write_file(dir / "fleet.yaml",
                              fleet_yaml("  - {name: Alpha, port: 22124}\n"
                                         "  - {name: Broken, port: 22125, jsonrpc_port: 8123,\n"
                                         "     jsonrpc_secret_file: ./missing-secret}\n")));
    ASSERT_TRUE(wait_until([&] { return fleet.child("Broken")["state"] == "failed"; }, 15s))
        << fleet.process().log_text();
    const auto broken = fleet.child("Broken");
    EXPECT_EQ(broken["restarts"], 4);
    EXPECT_EQ(broken["failure_reason"].get<std::string>().rfind(
                  "crashed 5 times within the restart window; last: exit status ", 0),
              0u)
        << broken.dump();
    EXPECT_EQ(fleet.child("Alpha")["state"], "running");
    EXPECT_EQ(fleet.child("directory")["state"], "running");
    EXPECT_TRUE(answers_ping(22124));
}

TEST(FleetRun, SigtermStopsEveryChildUnregistersAndExitsZero) {
    TempDir dir("fleet-stop");
    {
        FleetRun fleet(dir.path(), write_file(dir / "fleet.yaml", fleet_yaml(kThreeRooms)));
        ASSERT_TRUE(wait_until([&] { return fleet.all_running(4); }, 15s));
        ASSERT_TRUE(wait_listed({{"Alpha", 22124}, {"Beta", 22125}, {"Gamma", 22126}}, 10s));
        std::vector<std::int64_t> pids;
        const auto running = fleet.status();
        for (const auto& c : running["children"]) {
            pids.push_back(c["pid"].get<std::int64_t>());
        }
        fleet.process().send_signal(SIGTERM);
        const auto status = fleet.process().wait_exit(20s);
        ASSERT_TRUE(status.has_value());
        EXPECT_TRUE(WIFEXITED(*status));
        EXPECT_EQ(WEXITSTATUS(*status), 0);
        for (const auto pid : pids) {
            EXPECT_FALSE(process_exists(pid)) << pid;
        }
        for (std::uint16_t port : {22123, 22124, 22125, 22126}) {
            EXPECT_FALSE(udp_port_bound(port)) << port;
        }
        EXPECT_FALSE(std::filesystem::exists(dir / "var/run/jamfleet.sock"));
    }
    // The database is intact and every room unregistered before the directory
    // stopped: the directory alone, restarted on it, lists only itself.
    Process directory(ProcessOptions{"directory-again",
                                     directory_program(),
                                     {"-p", "22123", "--serverbindip", "127.0.0.1", "--db",
                                      (dir / "var/dir.db").string(), "--list-rate", "0"},
                                     {},
                                     dir.path()});
    std::optional<proto::ServerList> list;
    ASSERT_TRUE(
        wait_until([&] { return (list = request_server_list(kDirectoryPort)).has_value(); }, 10s))
        << directory.log_text();
    EXPECT_EQ(list->entries.size(), 1u);
    directory.terminate();
}

TEST(FleetCli, StopCommandStopsTheRunningFleet) {
    TempDir dir("fleet-cli-stop");
    FleetRun fleet(dir.path(), write_file(dir / "fleet.yaml", fleet_yaml(kThreeRooms)));
    ASSERT_TRUE(wait_until([&] { return fleet.all_running(4); }, 15s));
    const auto restart = fleet.command({"restart", "Gamma"});
    EXPECT_EQ(restart.exit_code, 0) << restart.output;
    EXPECT_TRUE(wait_until(
        [&] {
            const auto gamma = fleet.child("Gamma");
            return gamma["state"] == "running" && gamma["restarts"] == 1;
        },
        10s));
    const auto unknown = fleet.command({"restart", "Nope"});
    EXPECT_EQ(unknown.exit_code, 1);
    EXPECT_NE(unknown.output.find("no child named 'Nope'"), std::string::npos);
    const CommandResult stop = fleet.command({"stop"});
    EXPECT_EQ(stop.exit_code, 0) << stop.output;
    const auto status = fleet.process().wait_exit(5s);
    ASSERT_TRUE(status.has_value());
    EXPECT_EQ(WEXITSTATUS(*status), 0);
}

// The musicians' release is the parameter.
class FleetWithClients : public ::testing::TestWithParam<JamulusVersion> {};

TEST_P(FleetWithClients, RealClientsJoinEveryRoomAndOnlyAffectedRoomsNotice) {
    TempDir dir("fleet-clients");
    const auto file = write_file(dir / "fleet.yaml", fleet_yaml(kThreeRooms));
    FleetRun fleet(dir.path(), file);
    ASSERT_TRUE(wait_until([&] { return fleet.all_running(4); }, 15s));
    JackServer jack(dir.path(), 128);
    JamulusClient alice(dir.path(), jack, "alice", {.name = "Alice"}, "127.0.0.1:22124",
                        {.version = GetParam()});
    JamulusClient bob(dir.path(), jack, "bob", {.name = "Bob"}, "127.0.0.1:22125",
                      {.version = GetParam()});
    JamulusClient carol(dir.path(), jack, "carol", {.name = "Carol"}, "127.0.0.1:22126",
                        {.version = GetParam()});
    for (JamulusClient* client : {&alice, &bob, &carol}) {
        ASSERT_TRUE(client->wait_connected(20s)) << client->role() << fleet.process().log_text();
    }
    EXPECT_TRUE(alice.wait_for_client_list(
        [](const nlohmann::json& clients) { return client_names(clients).size() == 1; }, 10s));

    // kill -9 of Bob's room: it comes back; Alice and Carol never notice.
    const auto beta = fleet.pid_of("Beta");
    ASSERT_EQ(::kill(static_cast<pid_t>(beta), SIGKILL), 0);
    EXPECT_TRUE(
        wait_until([&] { return fleet.pid_of("Beta") != beta && answers_ping(22125); }, 2s, 20ms));
    EXPECT_TRUE(bob.wait_connected(20s)) << "bob did not rejoin the restarted room";

    // Reload: remove Beta, change Gamma (restarted once empty), add Delta; Alpha is untouched.
    // The supervisor knows Carol is in Gamma (its status poll) before it decides.
    ASSERT_TRUE(
        wait_until([&] { return fleet.child("Gamma")["child"]["clients"].size() == 1; }, 5s))
        << fleet.child("Gamma").dump();
    write_file(file, fleet_yaml("  - {name: Alpha, port: 22124}\n"
                                "  - {name: Gamma, port: 22126, max_clients: 5}\n"
                                "  - {name: Delta, port: 22127}\n"));
    const CommandResult reload = fleet.command({"reload"});
    ASSERT_EQ(reload.exit_code, 0) << reload.output;
    EXPECT_NE(reload.output.find("waiting to restart when empty Gamma"), std::string::npos)
        << reload.output;
    // Delta starts at once; Gamma, occupied, keeps Carol until she leaves.
    ASSERT_TRUE(wait_until([&] { return fleet.child("Delta")["state"] == "running"; }, 15s));
    EXPECT_EQ(fleet.child("Gamma")["state"], "waiting_to_restart");
    EXPECT_FALSE(saw_disconnect(carol)) << "an occupied room was restarted";
    carol.stop();
    ASSERT_TRUE(wait_until([&] { return fleet.all_running(4); }, 15s));
    EXPECT_FALSE(saw_disconnect(alice)) << "the unchanged room's client was disconnected";
    EXPECT_TRUE(alice.connected());
    JamulusClient dave(dir.path(), jack, "dave", {.name = "Dave"}, "127.0.0.1:22127",
                       {.version = GetParam()});
    EXPECT_TRUE(dave.wait_connected(20s)) << "no client could join the added room";
}

INSTANTIATE_TEST_SUITE_P(Versions, FleetWithClients, full_set_releases(), client_release_name);

} // namespace
} // namespace jamfleet::interop
