// Children outlive the supervisor, with real Jamulus 3.9.1 clients connected
// throughout: after kill -9 of `jamfleet run` both clients keep hearing each
// other for 10 s and the directory keeps answering; the next `jamfleet run`
// adopts the same processes and supervises them (a killed adopted room is
// restarted); `jamfleet upgrade` to a replaced binary re-executes in place and
// nobody is disconnected; a replaced mixer binary reaches the empty room at once,
// the occupied one only when empty or with `upgrade --now`.
#include <gtest/gtest.h>

#include <signal.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <thread>

#include "tests/interop/fleet/fleet_fixture.h"
#include "tests/interop/harness/jack_server.h"
#include "tests/interop/harness/jamulus.h"
#include "tests/interop/harness/temp_dir.h"
#include "tests/interop/harness/tone.h"
#include "tests/interop/harness/wait.h"

namespace jamfleet::interop {
namespace {

using namespace std::chrono_literals;

constexpr std::uint16_t kDirectoryPort = 22123;

std::filesystem::path write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::trunc);
    out << text;
    return path;
}

std::string two_rooms_yaml() {
    return "fleet:\n  name: Adoption fleet\n  bind: 127.0.0.1\n  run_dir: ./var/run\n"
           "directory:\n  port: 22123\n  name: Test directory\n  database: ./var/dir.db\n"
           "  list_rate: 0\n  ping_rate: 0\n"
           "servers:\n  - {name: Alpha, port: 22124}\n  - {name: Beta, port: 22125}\n";
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

// name -> pid of every child in a status document.
std::map<std::string, std::int64_t> child_pids(const nlohmann::json& status) {
    std::map<std::string, std::int64_t> pids;
    for (const auto& c : status.value("children", nlohmann::json::array())) {
        pids[c["name"].get<std::string>()] =
            c["pid"].is_number() ? c["pid"].get<std::int64_t>() : -1;
    }
    return pids;
}

bool all_adopted(const nlohmann::json& status, std::size_t children) {
    if (!status.is_object() || status["children"].size() != children) {
        return false;
    }
    for (const auto& c : status["children"]) {
        if (c["state"] != "running" || !c.value("adopted", false)) {
            return false;
        }
    }
    return true;
}

// Kills, by pid, fleet children left behind when a test fails between a
// supervisor's death and its successor's start.
struct OrphanGuard {
    std::map<std::string, std::int64_t> pids;
    ~OrphanGuard() {
        for (const auto& [name, pid] : pids) {
            if (pid > 0 && process_exists(pid)) {
                ::kill(static_cast<pid_t>(pid), SIGKILL);
            }
        }
    }
};

// Two clients in Alpha with a tone wired into Alice's input.
struct Session {
    Session(const std::filesystem::path& dir)
        : jack(dir, 128), alice(dir, jack, "alice", {.name = "Alice"}, "127.0.0.1:22124"),
          bob(dir, jack, "bob", {.name = "Bob"}, "127.0.0.1:22124"), tone(jack, dir) {}

    bool join() {
        for (JamulusClient* c : {&alice, &bob}) {
            if (!c->wait_for_client_list([](const auto& list) { return list.size() == 2; }, 20s)) {
                return false;
            }
        }
        jack.connect(tone.port(), alice.jack_port("input left"));
        jack.connect(tone.port(), alice.jack_port("input right"));
        return true;
    }

    JackServer jack;
    JamulusClient alice;
    JamulusClient bob;
    ToneSource tone;
};

TEST(FleetAdoption, SupervisorKilledRoomsPlayOnAndTheNextSupervisorAdoptsThem) {
    TempDir dir("fleet-adopt");
    const auto file = write_file(dir / "fleet.yaml", two_rooms_yaml());
    OrphanGuard guard;
    auto first = std::make_unique<FleetRun>(dir.path(), file);
    ASSERT_TRUE(wait_until([&] { return first->all_running(3); }, 15s))
        << first->process().log_text();
    Session session(dir.path());
    ASSERT_TRUE(session.join()) << first->process().log_text();
    const auto before = child_pids(first->status());
    guard.pids = before;
    ASSERT_EQ(before.size(), 3u);
    // Baseline: with the supervisor alive, Bob hears Alice's tone.
    std::this_thread::sleep_for(1s);
    const auto baseline =
        record_ports(session.jack, dir.path(), {session.bob.jack_port("output left")}, 2s);
    ASSERT_GT(median(block_levels_dbfs(baseline.channels.at(0), 440, baseline.sample_rate)), -20)
        << "no tone through the room even before the supervisor was killed";

    first->process().send_signal(SIGKILL);
    ASSERT_TRUE(first->process().wait_exit(5s).has_value());

    // 10 s without a supervisor: Bob keeps hearing Alice's tone and the
    // directory keeps answering list requests.
    std::atomic<int> lists_ok{0};
    std::atomic<int> lists_asked{0};
    std::atomic<bool> recording{true};
    std::thread lister([&] {
        while (recording) {
            ++lists_asked;
            const auto list = request_server_list(kDirectoryPort);
            if (list && lists(*list, "Alpha", 22124) && lists(*list, "Beta", 22125)) {
                ++lists_ok;
            }
            std::this_thread::sleep_for(500ms);
        }
    });
    const auto heard =
        record_ports(session.jack, dir.path(), {session.bob.jack_port("output left")}, 10s);
    recording = false;
    lister.join();
    const auto& samples = heard.channels.at(0);
    const std::size_t second = 48000;
    std::string levels;
    for (std::size_t s = 0; s + second <= samples.size(); s += second) {
        const double level = median(block_levels_dbfs(
            std::span<const float>(samples).subspan(s, second), 440, heard.sample_rate));
        levels += std::to_string(static_cast<int>(level)) + " ";
        EXPECT_GT(level, -20) << "Bob stopped hearing Alice in second " << s / second;
    }
    std::cout << "tone at Bob per second without a supervisor (dBFS): " << levels << "\n";
    EXPECT_GE(samples.size(), 9 * second);
    EXPECT_EQ(lists_ok.load(), lists_asked.load()) << "the directory missed list requests";
    EXPECT_GE(lists_asked.load(), 15);
    for (JamulusClient* c : {&session.alice, &session.bob}) {
        EXPECT_TRUE(c->connected()) << c->role();
        EXPECT_FALSE(saw_disconnect(*c)) << c->role();
    }

    // The next supervisor adopts the very same processes.
    FleetRun second_run(dir.path(), file);
    ASSERT_TRUE(wait_until([&] { return all_adopted(second_run.status(), 3); }, 15s))
        << second_run.status().dump() << second_run.process().log_text();
    EXPECT_EQ(child_pids(second_run.status()), before);
    for (JamulusClient* c : {&session.alice, &session.bob}) {
        EXPECT_TRUE(c->connected()) << c->role();
        EXPECT_FALSE(saw_disconnect(*c)) << c->role();
    }
    EXPECT_TRUE(
        session.bob.wait_for_client_list([](const auto& list) { return list.size() == 2; }, 5s));
    // An adopted room that dies is restarted like any other.
    const std::int64_t beta = before.at("Beta");
    ASSERT_EQ(::kill(static_cast<pid_t>(beta), SIGKILL), 0);
    EXPECT_TRUE(wait_until(
        [&] {
            const auto c = second_run.child("Beta");
            return c["state"] == "running" && c["pid"].is_number() && c["pid"] != beta &&
                   answers_ping(22125);
        },
        5s, 50ms))
        << second_run.process().log_text();
    const auto beta_status = second_run.child("Beta");
    EXPECT_EQ(beta_status["restarts"], 1);
    EXPECT_EQ(beta_status["adopted"], false);
    EXPECT_EQ(beta_status["last_exit"], "exited (status unknown: adopted, not our child)");
    EXPECT_EQ(second_run.pid_of("Alpha"), before.at("Alpha"));
    EXPECT_TRUE(session.alice.connected());
}

TEST(FleetAdoption, ChildrenOfAnOlderFleetFileAreReconciledLikeAReload) {
    TempDir dir("fleet-adopt-older");
    const std::string head =
        "fleet:\n  name: Adoption fleet\n  bind: 127.0.0.1\n  run_dir: ./var/run\n"
        "directory:\n  port: 22123\n  name: Test directory\n  database: ./var/dir.db\n"
        "  list_rate: 0\n  ping_rate: 0\nservers:\n";
    const auto file = write_file(dir / "fleet.yaml", head + "  - {name: Alpha, port: 22124}\n"
                                                            "  - {name: Beta, port: 22125}\n"
                                                            "  - {name: Delta, port: 22127}\n");
    OrphanGuard guard;
    auto first = std::make_unique<FleetRun>(dir.path(), file);
    ASSERT_TRUE(wait_until([&] { return first->all_running(4); }, 15s))
        << first->process().log_text();
    JackServer jack(dir.path(), 128);
    JamulusClient alice(dir.path(), jack, "alice", {.name = "Alice"}, "127.0.0.1:22124");
    JamulusClient bob(dir.path(), jack, "bob", {.name = "Bob"}, "127.0.0.1:22125");
    ASSERT_TRUE(alice.wait_connected(20s));
    ASSERT_TRUE(bob.wait_connected(20s));
    const auto before = child_pids(first->status());
    guard.pids = before;
    first->process().send_signal(SIGKILL);
    ASSERT_TRUE(first->process().wait_exit(5s).has_value());

    // While no supervisor runs, the file changes: Alpha gets another start-up
    // option, Beta a new name and welcome (live settings), Delta is removed and
    // Gamma added.
    write_file(file, head + "  - {name: Alpha, port: 22124, max_clients: 5}\n"
                            "  - {name: Beta Two, port: 22125, welcome: Hi}\n"
                            "  - {name: Gamma, port: 22126}\n");
    FleetRun second(dir.path(), file);
    EXPECT_TRUE(wait_until([&] { return !process_exists(before.at("Delta")); }, 10s))
        << "the removed room's process was not stopped" << second.process().log_text();
    EXPECT_TRUE(wait_until(
        [&] {
            return second.child("Gamma")["state"] == "running" &&
                   second.child("Alpha")["state"] == "waiting_to_restart" &&
                   second.child("Beta Two")["state"] == "running";
        },
        10s))
        << second.status().dump();
    // Beta took its new name live: same process, listed under the new name.
    EXPECT_EQ(second.pid_of("Beta Two"), before.at("Beta"));
    EXPECT_TRUE(wait_until(
        [&] {
            const auto list = request_server_list(kDirectoryPort);
            return list && lists(*list, "Beta Two", 22125) && !lists(*list, "Beta", 22125);
        },
        5s));
    // Alice stays until she leaves; then Alpha restarts with the new settings.
    std::this_thread::sleep_for(1s);
    EXPECT_EQ(second.pid_of("Alpha"), before.at("Alpha"));
    EXPECT_EQ(second.pid_of("directory"), before.at("directory"));
    for (JamulusClient* c : {&alice, &bob}) {
        EXPECT_TRUE(c->connected()) << c->role();
        EXPECT_FALSE(saw_disconnect(*c)) << c->role();
    }
    alice.stop();
    EXPECT_TRUE(wait_until(
        [&] {
            const auto alpha = second.child("Alpha");
            return alpha["state"] == "running" && alpha["pid"] != before.at("Alpha");
        },
        10s))
        << second.status().dump();
    EXPECT_EQ(second.status()["children"].size(), 4u);
    EXPECT_TRUE(bob.connected());
}

TEST(FleetAdoption, UpgradeInPlaceKeepsEveryoneAndNewMixersReachRoomsWhenEmptyOrWithNow) {
    TempDir dir("fleet-upgrade");
    const auto file = write_file(dir / "fleet.yaml", two_rooms_yaml());
    // The supervisor and the mixer run from copies, as from installed paths.
    const auto bin = dir / "bin";
    std::filesystem::create_directories(bin);
    std::filesystem::copy_file(orchestrator_program(), bin / "jamfleet");
    std::filesystem::copy_file(mixer_program(), bin / "jamfleet-mixer");
    std::filesystem::create_symlink(directory_program(), bin / "jamfleet-directory");
    FleetRun fleet(dir.path(), file,
                   {(bin / "jamfleet").string(), {{"JAMFLEET_BIN_DIR", bin.string()}}});
    ASSERT_TRUE(wait_until([&] { return fleet.all_running(3); }, 15s))
        << fleet.process().log_text();
    Session session(dir.path());
    ASSERT_TRUE(session.join()) << fleet.process().log_text();
    const auto before = fleet.status();
    const std::string old_version = before.value("version", "");
    EXPECT_FALSE(old_version.empty());

    // A package upgrade replaces the file; the "new" build reports another version.
    write_file(bin / "jamfleet.new", "#!/bin/sh\nJAMFLEET_VERSION_OVERRIDE=9.9.9-upgraded exec '" +
                                         orchestrator_program() + "' \"$@\"\n");
    std::filesystem::permissions(bin / "jamfleet.new", std::filesystem::perms::owner_all);
    std::filesystem::rename(bin / "jamfleet.new", bin / "jamfleet");

    const auto upgrade = fleet.command({"upgrade"});
    ASSERT_EQ(upgrade.exit_code, 0) << upgrade.output << fleet.process().log_text();
    EXPECT_NE(upgrade.output.find("version 9.9.9-upgraded"), std::string::npos) << upgrade.output;
    ASSERT_TRUE(wait_until([&] { return all_adopted(fleet.status(), 3); }, 10s))
        << fleet.status().dump();
    const auto after = fleet.status();
    EXPECT_EQ(after["version"], "9.9.9-upgraded");
    EXPECT_EQ(after["pid"], before["pid"]) << "the supervisor's pid changed";
    EXPECT_EQ(child_pids(after), child_pids(before)) << "a child was restarted";
    EXPECT_TRUE(fleet.process().running());
    // Give a disconnect time to show, then check both clients.
    std::this_thread::sleep_for(2s);
    for (JamulusClient* c : {&session.alice, &session.bob}) {
        EXPECT_TRUE(c->connected()) << c->role();
        EXPECT_FALSE(saw_disconnect(*c)) << c->role();
    }
    // A new mixer binary is installed: the empty room takes it at once, the
    // occupied one when its musicians have left ...
    std::filesystem::copy_file(mixer_program(), bin / "jamfleet-mixer.new");
    std::filesystem::rename(bin / "jamfleet-mixer.new", bin / "jamfleet-mixer");
    const auto pids = child_pids(after);
    const auto second = fleet.command({"upgrade"});
    ASSERT_EQ(second.exit_code, 0) << second.output;
    EXPECT_TRUE(wait_until(
        [&] {
            const auto beta = fleet.child("Beta");
            return beta["state"] == "running" && beta["pid"] != pids.at("Beta") &&
                   fleet.child("Alpha")["state"] == "waiting_to_restart";
        },
        10s))
        << fleet.status().dump() << fleet.process().log_text();
    std::this_thread::sleep_for(1500ms);
    EXPECT_EQ(fleet.child("Alpha")["state"], "waiting_to_restart");
    EXPECT_EQ(fleet.pid_of("Alpha"), pids.at("Alpha"));
    // Drained while it waits: off the list (nobody new joins a room about to restart),
    // its musicians still playing; the restarted Beta is listed.
    EXPECT_TRUE(wait_until(
        [&] {
            const auto list = request_server_list(kDirectoryPort);
            return list && !lists(*list, "Alpha", 22124) && lists(*list, "Beta", 22125);
        },
        5s))
        << fleet.status().dump();
    EXPECT_EQ(fleet.child("Alpha")["child"].value("registration", ""), "drained");
    EXPECT_EQ(fleet.pid_of("directory"), pids.at("directory"));
    for (JamulusClient* c : {&session.alice, &session.bob}) {
        EXPECT_TRUE(c->connected()) << c->role();
        EXPECT_FALSE(saw_disconnect(*c)) << c->role();
    }
    // ... or at once with --now.
    const auto forced = fleet.command({"upgrade", "--now"});
    ASSERT_EQ(forced.exit_code, 0) << forced.output;
    EXPECT_TRUE(wait_until(
        [&] {
            const auto alpha = fleet.child("Alpha");
            return alpha["state"] == "running" && alpha["pid"] != pids.at("Alpha");
        },
        10s))
        << fleet.status().dump();
    // The restarted Alpha registers again: listed.
    EXPECT_TRUE(wait_until(
        [&] {
            const auto list = request_server_list(kDirectoryPort);
            return list && lists(*list, "Alpha", 22124);
        },
        10s));
    // Still the same children's parent: an exit status is known again.
    const std::int64_t beta = fleet.pid_of("Beta");
    ASSERT_GT(beta, 0);
    ASSERT_EQ(::kill(static_cast<pid_t>(beta), SIGKILL), 0);
    EXPECT_TRUE(wait_until(
        [&] { return fleet.child("Beta")["last_exit"] == "killed by signal 9 (SIGKILL)"; }, 5s));
}

} // namespace
} // namespace jamfleet::interop
