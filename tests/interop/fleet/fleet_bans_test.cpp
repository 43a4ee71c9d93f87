// Fleet-wide bans (docs/moderation.md) with real Jamulus 3.9.1 clients in two rooms of a
// real fleet: `jamfleet ban` removes them from both rooms and keeps them out; a room that
// crashes and comes back without its own bans file still refuses them (the supervisor sends
// the fleet's bans after its hello); `jamfleet unban` lets them back in by themselves.
// All clients come from 127.0.0.1 in the test's namespace.
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/interop/fleet/fleet_fixture.h"
#include "tests/interop/harness/jack_server.h"
#include "tests/interop/harness/jamulus.h"
#include "tests/interop/harness/temp_dir.h"
#include "tests/interop/harness/wait.h"

namespace jamfleet::interop {
namespace {

using namespace std::chrono_literals;

std::filesystem::path write_fleet(const std::filesystem::path& dir) {
    const auto path = dir / "fleet.yaml";
    std::ofstream(path) << "fleet:\n  name: Ban fleet\n  bind: 127.0.0.1\n  run_dir: ./var/run\n"
                           "servers:\n  - {name: Alpha, port: 22124}\n"
                           "  - {name: Beta, port: 22125}\n";
    return path;
}

// The names the room reports (the supervisor's latest status of it).
bool in_room(FleetRun& fleet, const std::string& room, const std::string& name) {
    const auto child = fleet.child(room);
    if (!child.is_object() || !child.contains("child") || !child["child"].is_object()) {
        return false;
    }
    for (const auto& c : child["child"].value("clients", nlohmann::json::array())) {
        if (c.value("name", "") == name) {
            return true;
        }
    }
    return false;
}

std::int64_t banned_drops(FleetRun& fleet, const std::string& room) {
    const auto child = fleet.child(room);
    if (!child.is_object() || !child.contains("child") || !child["child"].is_object()) {
        return -1;
    }
    return child["child"]["drops"].value("banned", std::int64_t{-1});
}

// True when `name` never shows up in `room` for `span`.
bool stays_out(FleetRun& fleet, const std::string& room, const std::string& name,
               std::chrono::milliseconds span) {
    return !wait_until([&] { return in_room(fleet, room, name); }, span, 250ms);
}

TEST(FleetBans, BanKeepsARealClientOutOfEveryRoomAlsoARestartedOne) {
    TempDir dir("fleet-bans");
    FleetRun fleet(dir.path(), write_fleet(dir.path()));
    ASSERT_TRUE(wait_until([&] { return fleet.all_running(3); }, 15s))
        << fleet.process().log_text();
    JackServer jack(dir.path(), 128);
    JamulusClient alice(dir.path(), jack, "alice", {.name = "Alice"}, "127.0.0.1:22124");
    JamulusClient bob(dir.path(), jack, "bob", {.name = "Bob"}, "127.0.0.1:22125");
    ASSERT_TRUE(alice.wait_connected(20s));
    ASSERT_TRUE(bob.wait_connected(20s));
    ASSERT_TRUE(wait_until(
        [&] { return in_room(fleet, "Alpha", "Alice") && in_room(fleet, "Beta", "Bob"); }, 10s));

    const CommandResult ban =
        fleet.command({"ban", "127.0.0.1", "--for", "1h", "--reason", "interop"});
    ASSERT_EQ(ban.exit_code, 0) << ban.output;
    EXPECT_NE(ban.output.find("banned 127.0.0.1/32 in every room (2 running now"),
              std::string::npos)
        << ban.output;
    EXPECT_TRUE(wait_until(
        [&] { return !in_room(fleet, "Alpha", "Alice") && !in_room(fleet, "Beta", "Bob"); }, 10s))
        << fleet.child("Alpha").dump();
    // The headless clients keep streaming; both rooms refuse every datagram.
    EXPECT_TRUE(stays_out(fleet, "Alpha", "Alice", 3s));
    EXPECT_TRUE(wait_until(
        [&] { return banned_drops(fleet, "Alpha") > 0 && banned_drops(fleet, "Beta") > 0; }, 5s));
    const CommandResult bans = fleet.command({"bans"});
    EXPECT_NE(bans.output.find("127.0.0.1/32  for "), std::string::npos) << bans.output;
    EXPECT_NE(bans.output.find("interop"), std::string::npos) << bans.output;
    EXPECT_TRUE(std::filesystem::exists(dir / "var/run/fleet-bans.json"));

    // Beta crashes and comes back without its own bans file: the supervisor's copy is what
    // keeps Bob out.
    std::filesystem::remove(dir / "var/run/server-22125.bans.json");
    const auto beta = fleet.pid_of("Beta");
    ASSERT_EQ(::kill(static_cast<pid_t>(beta), SIGKILL), 0);
    ASSERT_TRUE(wait_until(
        [&] { return fleet.pid_of("Beta") != beta && fleet.child("Beta")["state"] == "running"; },
        10s));
    EXPECT_TRUE(wait_until([&] { return banned_drops(fleet, "Beta") > 0; }, 10s))
        << fleet.child("Beta").dump();
    EXPECT_TRUE(stays_out(fleet, "Beta", "Bob", 3s));

    const CommandResult unban = fleet.command({"unban", "127.0.0.1/32"});
    ASSERT_EQ(unban.exit_code, 0) << unban.output;
    EXPECT_TRUE(wait_until(
        [&] { return in_room(fleet, "Alpha", "Alice") && in_room(fleet, "Beta", "Bob"); }, 20s))
        << fleet.process().log_text();
    EXPECT_NE(fleet.command({"bans"}).output.find("no fleet-wide bans"), std::string::npos);
}

TEST(FleetBans, BadRequestsAreRefused) {
    TempDir dir("fleet-bans-bad");
    FleetRun fleet(dir.path(), write_fleet(dir.path()));
    ASSERT_TRUE(wait_until([&] { return fleet.all_running(3); }, 15s));
    const CommandResult bogus = fleet.command({"ban", "not-an-address"});
    EXPECT_EQ(bogus.exit_code, 1);
    EXPECT_NE(bogus.output.find("not an IPv4 or IPv6 address or CIDR range"), std::string::npos)
        << bogus.output;
    EXPECT_EQ(fleet.command({"ban", "10.0.0.1", "--for", "2y"}).exit_code, 2);
    EXPECT_EQ(fleet.command({"unban", "10.0.0.1"}).exit_code, 1);
}

} // namespace
} // namespace jamfleet::interop
