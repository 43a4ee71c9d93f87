// Reload planning: added, removed, changed and unchanged servers by name.
#include "config/config_diff.h"

#include <gtest/gtest.h>

#include "config/fleet_loader.h"
#include "config/room_settings.h"

namespace jamfleet::config {
namespace {

FleetConfig load(const std::string& yaml) {
    auto result = parse_fleet(yaml, "test.yaml");
    EXPECT_TRUE(result.ok());
    return result.ok() ? std::move(result).value() : FleetConfig{};
}

using Names = std::vector<std::string>;

TEST(FleetDiff, SortsServersIntoAddedRemovedChangedUnchanged) {
    const auto before = load(R"(
servers:
  - {name: Keep, port: 30000}
  - {name: Change, port: 30001}
  - {name: Remove, port: 30002}
)");
    const auto after = load(R"(
servers:
  - {name: Keep, port: 30000}
  - {name: Change, port: 30001, max_clients: 3}
  - {name: Add, port: 30003}
)");
    const FleetDiff diff = diff_fleets(before, after);
    EXPECT_EQ(diff.added, Names{"Add"});
    EXPECT_EQ(diff.removed, Names{"Remove"});
    EXPECT_EQ(diff.changed, Names{"Change"});
    EXPECT_EQ(diff.unchanged, Names{"Keep"});
    EXPECT_FALSE(diff.directory_changed);
    EXPECT_FALSE(diff.empty());
}

TEST(FleetDiff, IdenticalFleetsAreEmpty) {
    const auto fleet = load("servers: [{name: A}, {name: B}]\n");
    const FleetDiff diff = diff_fleets(fleet, fleet);
    EXPECT_TRUE(diff.empty());
    EXPECT_EQ(diff.unchanged, (Names{"A", "B"}));
}

TEST(FleetDiff, MovedAssignedPortIsAChange) {
    // Removing the first room moves nobody with an explicit port, but shifts the
    // assigned port of the next one.
    const auto before = load("servers: [{name: A}, {name: B}]\n");
    const auto after = load("servers: [{name: B}]\n");
    const FleetDiff diff = diff_fleets(before, after);
    EXPECT_EQ(diff.removed, Names{"A"});
    EXPECT_EQ(diff.changed, Names{"B"});
}

TEST(FleetDiff, DnsNameOnlyChangeLeavesTheServerRunning) {
    const auto before = load("fleet: {public_host: j.example.org}\n"
                             "servers: [{name: A, dns_name: a.example.org}]\n");
    const auto after = load("fleet: {public_host: j.example.org}\n"
                            "servers: [{name: A, dns_name: b.example.org}]\n");
    EXPECT_EQ(diff_fleets(before, after).unchanged, Names{"A"});
}

TEST(FleetDiff, NorecordChangeIsALiveChangeOfOnlyThatRoom) {
    // A running recorder is switched on or off (startRecording/stopRecording) without a restart.
    const auto before = load("servers: [{name: A, recording_dir: /a}, {name: B}]\n");
    const auto after = load("servers: [{name: A, recording_dir: /a, norecord: true}, {name: B}]\n");
    const FleetDiff diff = diff_fleets(before, after);
    EXPECT_EQ(diff.live_changed, Names{"A"});
    EXPECT_TRUE(diff.changed.empty());
    EXPECT_EQ(diff.unchanged, Names{"B"});
}

TEST(FleetDiff, DefaultsNorecordChangeLeavesRoomsWithoutRecorderRunning) {
    const auto before = load("servers: [{name: A, recording_dir: /a}, {name: B}]\n");
    const auto after = load("defaults: {norecord: true}\n"
                            "servers: [{name: A, recording_dir: /a}, {name: B}]\n");
    const FleetDiff diff = diff_fleets(before, after);
    EXPECT_EQ(diff.live_changed, Names{"A"});
    EXPECT_EQ(diff.unchanged, Names{"B"});
}

TEST(FleetDiff, FleetWideSettingsRestartEveryMemberAndTheDirectory) {
    const auto before = load("servers: [{name: A}]\n");
    const auto after = load("fleet: {public_ip: 192.0.2.1}\nservers: [{name: A}]\n");
    const FleetDiff diff = diff_fleets(before, after);
    EXPECT_EQ(diff.changed, Names{"A"});
    EXPECT_TRUE(diff.directory_changed);
}

TEST(FleetDiff, DirectorySettingsRestartOnlyTheDirectory) {
    const auto before = load("servers: [{name: A}]\n");
    const auto after = load("directory: {whitelist: [10.0.0.0/8]}\nservers: [{name: A}]\n");
    const FleetDiff diff = diff_fleets(before, after);
    EXPECT_TRUE(diff.directory_changed);
    EXPECT_EQ(diff.unchanged, Names{"A"});
}

TEST(FleetDiff, FlagsRunDirChanges) {
    const auto before = load("fleet: {run_dir: /a}\n");
    const auto after = load("fleet: {run_dir: /b}\n");
    EXPECT_TRUE(diff_fleets(before, after).run_dir_changed);
}

TEST(FleetDiff, NameCityCountryWelcomeAreLiveChangesEverythingElseRestarts) {
    const auto before = load(R"(
servers:
  - {name: Welcome, port: 30000}
  - {name: City, port: 30001}
  - {name: Both, port: 30002}
  - {name: Port, port: 30003}
)");
    const auto after = load(R"(
servers:
  - {name: Welcome, port: 30000, welcome: "Hi there"}
  - {name: City, port: 30001, city: Berlin, country: DE}
  - {name: Both, port: 30002, welcome: "Hi", max_clients: 4}
  - {name: Port, port: 30013}
)");
    const FleetDiff diff = diff_fleets(before, after);
    EXPECT_EQ(diff.live_changed, (Names{"Welcome", "City"}));
    EXPECT_EQ(diff.changed, (Names{"Both", "Port"}));
    EXPECT_TRUE(diff.unchanged.empty());
    EXPECT_TRUE(diff.renamed.empty());
    EXPECT_FALSE(diff.empty());
}

TEST(FleetDiff, RoomRenamedOnTheSamePortIsALiveChangeNotARemoveAndAdd) {
    const auto before =
        load("servers:\n  - {name: Old, port: 30000}\n  - {name: Gone, port: 30001}\n");
    const auto after = load("servers:\n  - {name: New, port: 30000, welcome: Hello}\n"
                            "  - {name: Other, port: 30001, max_clients: 3}\n");
    const FleetDiff diff = diff_fleets(before, after);
    EXPECT_EQ(diff.renamed, (std::vector<std::pair<std::string, std::string>>{{"Old", "New"}}));
    EXPECT_EQ(diff.live_changed, Names{"New"});
    // A rename together with a start-up change is a different room.
    EXPECT_EQ(diff.removed, Names{"Gone"});
    EXPECT_EQ(diff.added, Names{"Other"});
}

TEST(FleetDiff, LiveSettingsCompareAsOneRecord) {
    auto fleet = load("servers: [{name: A, city: X, welcome: W}]\n");
    const ServerConfig& a = fleet.servers[0];
    EXPECT_EQ(live_settings(a), (LiveRoomSettings{"A", "X", "", "W", false}));
    EXPECT_TRUE(with_live_settings(a, live_settings(a)).same_settings(a));
    EXPECT_FALSE(only_live_settings_differ(a, a));
    ServerConfig b = with_live_settings(a, {"B", "Y", "DE", "V", true});
    EXPECT_TRUE(only_live_settings_differ(a, b));
    b.options.max_clients = 2;
    EXPECT_FALSE(only_live_settings_differ(a, b));
}

} // namespace
} // namespace jamfleet::config
