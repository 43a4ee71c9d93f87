// Worst-case bandwidth per room and fleet, its limits and its JSON form.
#include "orchestrator/bandwidth_plan.h"

#include <gtest/gtest.h>

#include "config/fleet_loader.h"

namespace jamfleet::orchestrator {
namespace {

config::FleetConfig load(const std::string& yaml) {
    auto result = config::parse_fleet(yaml, "t.yaml");
    EXPECT_TRUE(result.ok());
    return result.ok() ? std::move(result).value() : config::FleetConfig{};
}

TEST(BandwidthPlan, EachFullRoomSendsAndReceivesOneStreamPerClient) {
    const auto plan = plan_bandwidth(load(R"(
servers:
  - {name: A, max_clients: 10}
  - {name: B, max_clients: 4, fast_update: true}
)"));
    ASSERT_EQ(plan.rooms.size(), 2u);
    EXPECT_EQ(plan.audio, "stereo-high");
    EXPECT_EQ(plan.rooms[0].frame_samples, 128);
    EXPECT_EQ(plan.rooms[0].client_kbps, 729u); // 166-byte packets, 375 per second
    EXPECT_EQ(plan.rooms[0].upstream_kbps, 7290u);
    EXPECT_EQ(plan.rooms[1].frame_samples, 64);
    EXPECT_EQ(plan.rooms[1].client_kbps, 906u); // 74-byte packets, 750 per second
    EXPECT_EQ(plan.upstream_kbps, 7290u + 3624u);
    EXPECT_EQ(plan.downstream_kbps, plan.upstream_kbps);
    EXPECT_TRUE(plan.warnings.empty()); // no link given: nothing to compare with
}

TEST(BandwidthPlan, PlannedAudioChangesThePerClientRate) {
    const auto plan =
        plan_bandwidth(load("fleet: {planned_audio: mono-low}\nservers: [{name: A}]\n"));
    EXPECT_EQ(plan.rooms[0].client_kbps, 309u); // (25 + 1 + 77) x 8 x 375
}

TEST(BandwidthPlan, WarnsOnlyAboveTheStatedLinks) {
    const std::string rooms = "servers: [{name: A, max_clients: 20}]\n"; // 14.6 Mbit/s
    EXPECT_TRUE(plan_bandwidth(load("fleet: {uplink_mbps: 15, downlink_mbps: 15}\n" + rooms))
                    .warnings.empty());
    const auto plan =
        plan_bandwidth(load("fleet: {uplink_mbps: 10, downlink_mbps: 100}\n" + rooms));
    ASSERT_EQ(plan.warnings.size(), 1u);
    EXPECT_EQ(plan.warnings[0],
              "warning: full rooms need 14.6 Mbit/s upstream, more than fleet.uplink_mbps (10 "
              "Mbit/s): lower max_clients, or ask musicians for less audio quality");
}

TEST(BandwidthPlan, JsonCarriesEveryFigure) {
    const auto json =
        bandwidth_json(plan_bandwidth(load("servers: [{name: A, max_clients: 2}]\n")));
    EXPECT_EQ(json["plannedAudio"], "stereo-high");
    EXPECT_EQ(json["upstreamKbps"], 1458);
    EXPECT_EQ(json["rooms"][0]["name"], "A");
    EXPECT_EQ(json["rooms"][0]["clientKbps"], 729);
    EXPECT_TRUE(json["warnings"].empty());
}

TEST(BandwidthPlan, MbitTextRoundsToOneDecimal) {
    EXPECT_EQ(mbit_text(0), "0.0 Mbit/s");
    EXPECT_EQ(mbit_text(1449), "1.4 Mbit/s");
    EXPECT_EQ(mbit_text(1450), "1.5 Mbit/s");
    EXPECT_EQ(mbit_text(76388), "76.4 Mbit/s");
}

} // namespace
} // namespace jamfleet::orchestrator
