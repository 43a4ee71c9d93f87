// Fleet-wide bans: the list, its file (round trip, expiry, atomic save), what rooms get,
// durations of `jamfleet ban --for`, and the `bans` listing.
#include "orchestrator/fleet_bans.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "orchestrator/ban_commands.h"

namespace jamfleet::orchestrator {
namespace {

io::AddressRange range(const char* text) {
    return *io::AddressRange::parse(text);
}

TEST(FleetBans, BanReplacesUnbanRemovesExpireForgets) {
    FleetBans bans;
    bans.ban(range("192.0.2.0/24"), 1000, "spam");
    bans.ban(range("2001:db8::7"), std::nullopt, "");
    bans.ban(range("192.0.2.9/24"), 2000, "again"); // the same range: replaced
    ASSERT_EQ(bans.active(500).size(), 2u);
    EXPECT_EQ(bans.active(500)[0].expires_unix, 2000);
    EXPECT_EQ(bans.active(500)[0].reason, "again");
    EXPECT_TRUE(bans.contains(range("192.0.2.0/24"), 1999));
    EXPECT_FALSE(bans.contains(range("192.0.2.0/24"), 2000));
    EXPECT_EQ(bans.active(2000).size(), 1u);
    EXPECT_TRUE(bans.expire(2000));
    EXPECT_FALSE(bans.expire(2000));
    EXPECT_TRUE(bans.unban(range("2001:db8::7/128")));
    EXPECT_FALSE(bans.unban(range("2001:db8::7/128")));
    EXPECT_TRUE(bans.active(0).empty());
}

TEST(FleetBans, FileRoundTripDropsEndedBansAndRefusesGarbage) {
    FleetBans bans;
    bans.ban(range("198.51.100.9"), 5000, "bot");
    bans.ban(range("203.0.113.0/24"), 100, "old");
    bans.ban(range("10.0.0.0/8"), std::nullopt, "");
    const auto back = FleetBans::from_json_text(bans.to_json_text(), 1000);
    ASSERT_TRUE(back.ok()) << back.error();
    const auto list = back->active(1000);
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].range.to_string(), "198.51.100.9/32");
    EXPECT_EQ(list[0].expires_unix, 5000);
    EXPECT_EQ(list[0].reason, "bot");
    EXPECT_EQ(list[1].range.to_string(), "10.0.0.0/8");
    EXPECT_FALSE(list[1].expires_unix.has_value());
    EXPECT_FALSE(FleetBans::from_json_text("[]", 0).ok());
    EXPECT_FALSE(FleetBans::from_json_text(R"({"bans":[{"range":"nope"}]})", 0).ok());
    EXPECT_FALSE(
        FleetBans::from_json_text(R"({"bans":[{"range":"1.2.3.4","expiresUnix":"x"}]})", 0).ok());
}

TEST(FleetBans, SaveIsAtomicAndLoadOfAMissingFileIsEmpty) {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("jamfleet-fleet-bans-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "fleet-bans.json").string();
    auto missing = load_fleet_bans(path, 0);
    ASSERT_TRUE(missing.ok());
    EXPECT_TRUE(missing->active(0).empty());
    FleetBans bans;
    bans.ban(range("192.0.2.7"), std::nullopt, "x");
    ASSERT_TRUE(save_fleet_bans(path, bans).ok());
    EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
    EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    const auto loaded = load_fleet_bans(path, 0);
    ASSERT_TRUE(loaded.ok());
    EXPECT_EQ(loaded->active(0).size(), 1u);
    std::ofstream(path) << "garbage";
    EXPECT_FALSE(load_fleet_bans(path, 0).ok());
    EXPECT_FALSE(save_fleet_bans((dir / "no/such/dir/f.json").string(), bans).ok());
    std::filesystem::remove_all(dir);
}

TEST(FleetBans, WhatRoomsGetAndWhatBansShow) {
    const FleetBan timed{range("192.0.2.7"), 1060, "spam"};
    EXPECT_EQ(room_ban_args(timed, 1000),
              (nlohmann::json{
                  {"address", "192.0.2.7/32"}, {"seconds", 60}, {"reason", "fleet-wide: spam"}}));
    const FleetBan forever{range("10.0.0.0/8"), std::nullopt, ""};
    EXPECT_EQ(room_ban_args(forever, 1000)["seconds"], 0);
    EXPECT_EQ(room_ban_args(forever, 1000)["reason"], "fleet-wide");
    EXPECT_TRUE(is_fleet_ban_reason("fleet-wide"));
    EXPECT_TRUE(is_fleet_ban_reason("fleet-wide: spam"));
    EXPECT_FALSE(is_fleet_ban_reason("kicked"));
    EXPECT_FALSE(is_fleet_ban_reason("fleet-wideX"));
    EXPECT_EQ(
        fleet_ban_json(timed, 1000),
        (nlohmann::json{{"address", "192.0.2.7/32"}, {"secondsLeft", 60}, {"reason", "spam"}}));
    EXPECT_EQ(fleet_ban_json(forever, 1000)["secondsLeft"], nullptr);
    EXPECT_EQ(format_bans(nlohmann::json::array(
                  {fleet_ban_json(timed, 1000), fleet_ban_json(forever, 1000)})),
              "192.0.2.7/32  for 60 s  spam\n10.0.0.0/8  until lifted\n");
    EXPECT_EQ(format_bans(nlohmann::json::array()), "no fleet-wide bans\n");
}

TEST(FleetBans, Durations) {
    EXPECT_EQ(parse_ban_duration("90"), 90);
    EXPECT_EQ(parse_ban_duration("90s"), 90);
    EXPECT_EQ(parse_ban_duration("15m"), 900);
    EXPECT_EQ(parse_ban_duration("2h"), 7200);
    EXPECT_EQ(parse_ban_duration("7d"), 604800);
    EXPECT_EQ(parse_ban_duration("366d"), kMaxFleetBanSeconds);
    EXPECT_FALSE(parse_ban_duration("367d"));
    EXPECT_FALSE(parse_ban_duration("0"));
    EXPECT_FALSE(parse_ban_duration("-5m"));
    EXPECT_FALSE(parse_ban_duration("h"));
    EXPECT_FALSE(parse_ban_duration("2y"));
    EXPECT_FALSE(parse_ban_duration(""));
}

} // namespace
} // namespace jamfleet::orchestrator
