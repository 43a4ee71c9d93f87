// web/fleet_view: the /api/fleet and levels documents from a real supervisor
// status (golden/supervisor_status.json, captured from `jamfleet status --json`
// of a fleet with a directory, two rooms and the web child) and answers shaped
// as the children's control ops give them.
#include <gtest/gtest.h>

#include <fstream>

#include "web/fleet_view.h"

namespace jamfleet::web {
namespace {

using nlohmann::json;

json golden_status() {
    std::ifstream in(std::string(JAMFLEET_SOURCE_DIR) + "/tests/web/golden/supervisor_status.json");
    return json::parse(in);
}

// The room `clients` op's answer (mixer-worker/dashboard_ops.cpp).
json clients_answer() {
    return json::parse(R"({"clients": [
        {"id": 0, "name": "alice", "instrument": "Acoustic Guitar", "country": "Germany",
         "city": "Berlin", "address": "127.0.0.1:50000", "level": 7},
        {"id": 2, "name": "bob", "instrument": null, "country": null, "city": null,
         "address": "127.0.0.1:50001", "level": 0}],
        "recording": {"enabled": true, "state": "recording"}})");
}

FleetData data_with_room() {
    FleetData data;
    data.supervisor = golden_status();
    // As the room's own status reports two clients.
    for (auto& child : data.supervisor["children"]) {
        if (child["name"] == "main") {
            child["child"]["clients"] = json::array({json{{"id", 0}}, json{{"id", 2}}});
        }
    }
    data.rooms["main"].clients = clients_answer();
    data.rooms["main"].bans = json::parse(
        R"({"bans": [{"address": "192.0.2.7/32", "secondsLeft": 55, "reason": "kicked"}],
            "allow": ["10.0.0.0/8"]})");
    data.directory_entries = json::parse(R"({"entries": [
        {"address": "127.0.0.1:41124", "city": "", "country": "Default",
         "lastSeen": "2026-12-05T01:24:20Z", "name": "main", "source": "registered",
         "version": "3.9.1-jamfleet"}]})");
    data.directory_bans = json::parse(R"({"bans": []})");
    return data;
}

TEST(FleetView, RoomsWithMusiciansFromTheRoomsAnswers) {
    const json doc = fleet_document(data_with_room(), "2026-12-05T01:24:21Z");
    EXPECT_EQ(doc["fleet"], "Test");
    EXPECT_EQ(doc["version"], "0.1.0");
    EXPECT_EQ(doc["updated"], "2026-12-05T01:24:21Z");
    ASSERT_EQ(doc["rooms"].size(), 2u) << "the web child is not a room";
    const json& main = doc["rooms"][0];
    EXPECT_EQ(main["name"], "main");
    EXPECT_EQ(main["port"], 41124);
    EXPECT_EQ(main["state"], "running");
    EXPECT_TRUE(main["pid"].is_number());
    EXPECT_EQ(main["restarts"], 0);
    EXPECT_EQ(main["clients"], 2);
    EXPECT_EQ(main["maxClients"], 10);
    EXPECT_EQ(main["registration"], "registered");
    EXPECT_EQ(main["recording"], json({{"enabled", true}, {"state", "recording"}}));
    EXPECT_EQ(main["private"], true);
    EXPECT_EQ(main["allow"], json::array({"10.0.0.0/8"}));
    ASSERT_EQ(main["musicians"].size(), 2u);
    EXPECT_EQ(main["musicians"][0], json({{"id", 0},
                                          {"name", "alice"},
                                          {"instrument", "Acoustic Guitar"},
                                          {"country", "Germany"},
                                          {"city", "Berlin"},
                                          {"address", "127.0.0.1:50000"}}))
        << "levels go to the levels event, not the fleet document";
    EXPECT_EQ(main["bans"][0]["secondsLeft"], 55);
    EXPECT_EQ(doc["bandwidth"], json({{"nowKbps", 2 * 729}, {"fullKbps", 14580}}));
}

TEST(FleetView, WhatIsNotKnownIsNull) {
    FleetData data;
    data.supervisor = golden_status();
    const json doc = fleet_document(data, "t");
    const json& second = doc["rooms"][1];
    EXPECT_EQ(second["name"], "second");
    EXPECT_EQ(second["clients"], 0);
    EXPECT_TRUE(second["musicians"].is_array());
    EXPECT_TRUE(second["recording"].is_null());
    EXPECT_TRUE(second["private"].is_null());
    EXPECT_TRUE(second["bans"].is_null());
    EXPECT_TRUE(doc["directory"]["entries"].is_null());
    EXPECT_TRUE(doc["directory"]["bans"].is_null());
    EXPECT_TRUE(doc["fleetBans"].is_null());

    const json empty = fleet_document(FleetData{}, "t");
    EXPECT_TRUE(empty["rooms"].empty());
    EXPECT_TRUE(empty["directory"].is_null());
    EXPECT_TRUE(empty["fleet"].is_null());
    EXPECT_TRUE(empty["updated"].is_null());
}

TEST(FleetView, DirectoryEntriesKeepTheDocumentedFields) {
    const json doc = fleet_document(data_with_room(), "t");
    EXPECT_EQ(doc["directory"]["name"], "directory");
    EXPECT_EQ(doc["directory"]["port"], 41100);
    ASSERT_EQ(doc["directory"]["entries"].size(), 1u);
    EXPECT_EQ(doc["directory"]["entries"][0], json({{"name", "main"},
                                                    {"address", "127.0.0.1:41124"},
                                                    {"version", "3.9.1-jamfleet"},
                                                    {"lastSeen", "2026-12-05T01:24:20Z"},
                                                    {"source", "registered"}}));
    EXPECT_EQ(doc["directory"]["bans"], json::array());
}

TEST(FleetView, LevelsPerRoomAndMusician) {
    EXPECT_EQ(
        levels_document(data_with_room()),
        json::parse(R"({"rooms": {"main": [{"id": 0, "level": 7}, {"id": 2, "level": 0}]}})"));
    EXPECT_EQ(levels_document(FleetData{}), json::parse(R"({"rooms": {}})"));
}

TEST(FleetView, RoomPortsAreTheMixerChildren) {
    const auto ports = room_ports(golden_status());
    EXPECT_EQ(ports, (std::map<std::string, std::uint16_t>{{"main", 41124}, {"second", 41125}}));
    EXPECT_TRUE(room_ports(json()).empty());
    EXPECT_TRUE(room_ports(json::parse(R"({"children": [{"kind": "mixer"}]})")).empty());
}

} // namespace
} // namespace jamfleet::web
