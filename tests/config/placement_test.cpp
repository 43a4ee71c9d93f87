// Hosts in the fleet file: stable placement of rooms, its file, each host's part,
// SRV records per host and the errors of host references.
#include "config/placement.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include <unistd.h>

#include "config/fleet_loader.h"
#include "config/placement_file.h"
#include "config/srv_records.h"

namespace jamfleet::config {
namespace {

// A directory host and `room_hosts` (named h1, h2, ...), and `rooms` spread rooms.
std::string fleet_text(int room_hosts, int rooms, const std::string& extra = "") {
    std::string text = "hosts:\n  - {name: dir, public_address: 10.0.0.1}\n";
    for (int i = 1; i <= room_hosts; ++i) {
        text += "  - {name: h" + std::to_string(i) + ", public_address: 10.0.0." +
                std::to_string(i + 1) + ", public_host: h" + std::to_string(i) + ".example.org}\n";
    }
    text += "directory: {host: dir, port: 22123}\nservers:\n";
    std::string spread;
    for (int i = 1; i <= room_hosts; ++i) {
        spread += (i > 1 ? ", h" : "h") + std::to_string(i);
    }
    text += "  - {name: 'Room {n}', count: " + std::to_string(rooms) + ", spread: [" + spread +
            "]}\n" + extra;
    return text;
}

FleetConfig parsed(const std::string& text) {
    auto fleet = parse_fleet(text, "f.yaml");
    EXPECT_TRUE(fleet.ok()) << (fleet.ok() ? "" : fleet.error().front().to_string());
    return fleet.ok() ? *fleet : FleetConfig{};
}

std::vector<std::string> errors_of(const std::string& text) {
    auto fleet = parse_fleet(text, "f.yaml");
    std::vector<std::string> out;
    if (!fleet.ok()) {
        for (const auto& e : fleet.error()) {
            out.push_back(e.to_string());
        }
    }
    return out;
}

bool any_contains(const std::vector<std::string>& lines, const std::string& part) {
    for (const auto& line : lines) {
        if (line.find(part) != std::string::npos) {
            return true;
        }
    }
    return false;
}

TEST(Placement, SpreadsNewRoomsEvenlyAndNumbersPortsPerHost) {
    const auto result = place_rooms(parsed(fleet_text(2, 4)), {});
    const Placement& p = result.placement;
    ASSERT_EQ(p.size(), 4u);
    EXPECT_EQ(p.at("Room 1"), (RoomPlacement{"h1", 22124}));
    EXPECT_EQ(p.at("Room 2"), (RoomPlacement{"h2", 22124}));
    EXPECT_EQ(p.at("Room 3"), (RoomPlacement{"h1", 22125}));
    EXPECT_EQ(p.at("Room 4"), (RoomPlacement{"h2", 22125}));
    EXPECT_EQ(result.changes.size(), 4u);
    // Deterministic: the same input places the same way.
    EXPECT_EQ(place_rooms(parsed(fleet_text(2, 4)), {}).placement, p);
}

TEST(Placement, AddingAHostNeverMovesARoom) {
    const Placement before = place_rooms(parsed(fleet_text(2, 4)), {}).placement;
    // A third host and two more rooms: the old four stay, the new ones fill the new host.
    const auto after = place_rooms(parsed(fleet_text(3, 6)), before);
    for (const auto& [name, room] : before) {
        EXPECT_EQ(after.placement.at(name), room) << name;
    }
    EXPECT_EQ(after.placement.at("Room 5"), (RoomPlacement{"h3", 22124}));
    EXPECT_EQ(after.placement.at("Room 6"), (RoomPlacement{"h3", 22125}));
    EXPECT_EQ(after.changes.size(), 2u);
}

TEST(Placement, RemovingAHostMovesOnlyItsRooms) {
    const Placement before = place_rooms(parsed(fleet_text(3, 6)), {}).placement;
    const auto after = place_rooms(parsed(fleet_text(2, 6)), before);
    for (const auto& [name, room] : before) {
        if (room.host != "h3") {
            EXPECT_EQ(after.placement.at(name), room) << name;
        } else {
            EXPECT_NE(after.placement.at(name).host, "h3") << name;
        }
    }
    // Moved rooms take free ports on their new host, never one in use there.
    std::set<std::pair<std::string, int>> used;
    for (const auto& [name, room] : after.placement) {
        EXPECT_TRUE(used.emplace(room.host, room.port).second) << name;
    }
    EXPECT_TRUE(any_contains(after.changes, "moves from host h3"));
}

TEST(Placement, RoomsKeepPortsWhenOthersAreRemovedOrInsertedBefore) {
    const Placement before = place_rooms(parsed(fleet_text(1, 3)), {}).placement;
    // A room inserted at the top of the file would shift every port in file order.
    std::string text = fleet_text(1, 3);
    text.replace(text.find("servers:\n") + 9, 0, "  - {name: First, host: h1}\n");
    const auto after = place_rooms(parsed(text), before);
    for (const auto& [name, room] : before) {
        EXPECT_EQ(after.placement.at(name), room) << name;
    }
    EXPECT_EQ(after.placement.at("First"), (RoomPlacement{"h1", 22127}));
}

TEST(Placement, AnExplicitPortAndHostWinAndTheDirectoryPortIsSkipped) {
    const auto fleet = parsed(fleet_text(1, 1,
                                         "  - {name: Fixed, host: dir, port: 22200}\n"
                                         "  - {name: Near, host: dir}\n") +
                              "fleet: {base_port: 22123}\n");
    const auto p = place_rooms(fleet, {{"Fixed", {"h1", 22124}}}).placement;
    EXPECT_EQ(p.at("Fixed"), (RoomPlacement{"dir", 22200}));
    EXPECT_EQ(p.at("Near"), (RoomPlacement{"dir", 22124})); // 22123 is the directory's
    EXPECT_EQ(p.at("Room 1"), (RoomPlacement{"h1", 22123}));
}

TEST(PlacementFile, RoundTripsAndWritesAtomically) {
    const std::string dir = ::testing::TempDir() + "/placement-" + std::to_string(::getpid());
    std::filesystem::create_directories(dir);
    EXPECT_EQ(placement_path(dir + "/fleet.yaml"), dir + "/fleet.placement.yaml");
    const Placement p = place_rooms(parsed(fleet_text(2, 3)), {}).placement;
    const std::string path = placement_path(dir + "/fleet.yaml");
    ASSERT_TRUE(read_placement(path).ok()); // missing: empty
    EXPECT_TRUE(read_placement(path)->empty());
    ASSERT_TRUE(write_placement(path, p).ok());
    auto back = read_placement(path);
    ASSERT_TRUE(back.ok()) << back.error();
    EXPECT_EQ(*back, p);
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) {
        ++files; // no temporary left behind
    }
    EXPECT_EQ(files, 1u);
    std::ofstream(path) << "rooms: [1, 2]\n";
    EXPECT_FALSE(read_placement(path).ok());
    std::filesystem::remove_all(dir);
}

TEST(PlacementFile, LoadKeepsRecordedRoomsAndRunGetsOneHostsPart) {
    const std::string dir = ::testing::TempDir() + "/placed-" + std::to_string(::getpid());
    std::filesystem::create_directories(dir);
    const std::string file = dir + "/fleet.yaml";
    std::ofstream(file) << fleet_text(2, 3);
    std::ofstream(placement_path(file)) << "rooms:\n  Room 1: {host: h2, port: 22300}\n";
    auto placed = load_placed_fleet(file);
    ASSERT_TRUE(placed.ok());
    EXPECT_TRUE(placed->changed);
    EXPECT_EQ(placed->fleet.find_server("Room 1")->host, "h2");
    EXPECT_EQ(placed->fleet.find_server("Room 1")->port, 22300);

    auto h2 = load_fleet_for_run(file, "h2");
    ASSERT_TRUE(h2.ok());
    EXPECT_TRUE(h2->hosts.empty());
    EXPECT_FALSE(h2->directory.enabled);
    EXPECT_EQ(h2->fleet.directory_address, "10.0.0.1:22123");
    EXPECT_EQ(h2->fleet.public_ip, "10.0.0.3");
    EXPECT_EQ(h2->fleet.public_host, "h2.example.org");
    ASSERT_FALSE(h2->servers.empty());
    for (const auto& server : h2->servers) {
        EXPECT_EQ(server.host, "h2");
    }
    auto on_dir = load_fleet_for_run(file, "dir");
    ASSERT_TRUE(on_dir.ok());
    EXPECT_TRUE(on_dir->directory.enabled);
    EXPECT_TRUE(on_dir->servers.empty());
    EXPECT_FALSE(load_fleet_for_run(file, "nowhere").ok());
    EXPECT_FALSE(load_fleet_for_run(file, "").ok());
    // A fleet without hosts runs whole, and refuses --host.
    std::ofstream(file) << "servers: [{name: A}]\n";
    EXPECT_TRUE(load_fleet_for_run(file, "").ok());
    EXPECT_FALSE(load_fleet_for_run(file, "h1").ok());
    std::filesystem::remove_all(dir);
}

TEST(HostPart, ADirectoryWhitelistAdmitsTheOtherHosts) {
    auto fleet = parsed(fleet_text(2, 2) + "fleet: {}\n");
    fleet.directory.whitelist = {"192.0.2.9"};
    apply_placement(fleet, place_rooms(fleet, {}).placement);
    std::string error;
    const auto part = fleet_for_host(fleet, "dir", error);
    EXPECT_TRUE(error.empty());
    EXPECT_EQ(part.directory.whitelist,
              (std::vector<std::string>{"192.0.2.9", "10.0.0.2", "10.0.0.3"}));
}

TEST(HostSrv, EachRoomsRecordPointsAtItsOwnHost) {
    auto fleet = parsed(fleet_text(2, 2) + "fleet: {}\n");
    fleet.servers[0].dns_name = "one.example.org";
    fleet.servers[1].dns_name = "two.example.org";
    apply_placement(fleet, place_rooms(fleet, {}).placement);
    const auto records = srv_records(fleet);
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[0], "_jamulus._udp.one.example.org. 300 IN SRV 0 5 22124 h1.example.org.");
    EXPECT_EQ(records[1], "_jamulus._udp.two.example.org. 300 IN SRV 0 5 22124 h2.example.org.");
}

TEST(HostErrors, UnknownAndMissingHostsAreReported) {
    EXPECT_TRUE(any_contains(errors_of(fleet_text(1, 1, "  - {name: X, host: mars}\n")),
                             "unknown host 'mars'"));
    EXPECT_TRUE(any_contains(errors_of(fleet_text(1, 1, "  - {name: X, spread: [h1, h9]}\n")),
                             "unknown host 'h9'"));
    EXPECT_TRUE(any_contains(errors_of(fleet_text(1, 1, "  - {name: X, host: h1, spread: [h1]}\n")),
                             "not both"));
    std::string no_directory_host = fleet_text(1, 1);
    no_directory_host.replace(no_directory_host.find("host: dir, "), 11, "");
    EXPECT_TRUE(any_contains(errors_of(no_directory_host), "needs directory.host"));
    EXPECT_TRUE(any_contains(errors_of("directory: {host: a}\nservers: [{name: A}]\n"),
                             "needs a hosts: section"));
    EXPECT_TRUE(
        any_contains(errors_of("servers: [{name: A, host: a}]\n"), "need a hosts: section"));
    EXPECT_TRUE(any_contains(
        errors_of("hosts: [{name: a, public_address: 10.0.0.1}, {name: a, public_address: "
                  "10.0.0.2}]\ndirectory: {host: a}\n"),
        "used twice"));
    EXPECT_TRUE(
        any_contains(errors_of("hosts: [{name: A b}]\ndirectory: {host: a}\n"), "lower-case"));
    EXPECT_TRUE(any_contains(errors_of("hosts: [{name: a}]\ndirectory: {host: a}\n"),
                             "needs public_address"));
    // A room with a dns_name needs an SRV target on every host it may land on.
    EXPECT_TRUE(any_contains(errors_of(fleet_text(1, 1,
                                                  "  - {name: X, host: dir, dns_name: "
                                                  "x.example.org}\n")),
                             "hosts[].public_host of host 'dir'"));
    EXPECT_TRUE(any_contains(errors_of("hosts: [{name: a, public_address: 10.0.0.1}]\n"
                                       "directory: {host: a, dns_name: dir.example.org}\n"),
                             "hosts[].public_host of host 'a'"));
    // fleet.public_host is the fallback target.
    EXPECT_TRUE(errors_of("fleet: {public_host: jam.example.org}\n"
                          "hosts: [{name: a, public_address: 10.0.0.1}]\n"
                          "directory: {host: a, dns_name: dir.example.org}\n")
                    .empty());
    EXPECT_TRUE(any_contains(errors_of(fleet_text(1, 1, "hosts2: 1\n")), "hosts2"));
}

TEST(HostErrors, AFleetWithoutHostsIsUnchanged) {
    const auto fleet = parsed("servers: [{name: A}, {name: B}]\n");
    EXPECT_TRUE(fleet.hosts.empty());
    EXPECT_EQ(fleet.servers[1].port, 22125);
    EXPECT_TRUE(fleet.servers[1].host.empty());
}

} // namespace
} // namespace jamfleet::config
