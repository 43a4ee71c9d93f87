// Worst-case network load of a fleet: every room full (its max_clients), every
// musician sending the fleet's planned audio in the room's smallest packets.
// Each client's stream reaches the host once and its mix leaves once, so a
// room's upstream equals its downstream. Rates as proto/audio_bandwidth.h counts them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/fleet_config.h"

namespace jamfleet::orchestrator {

struct RoomBandwidth {
    std::string name;
    int max_clients = 0;
    int frame_samples = 128;           // 64 with fast_update
    std::uint32_t client_kbps = 0;     // one client's stream, each direction
    std::uint64_t upstream_kbps = 0;   // the host sends: max_clients mixes
    std::uint64_t downstream_kbps = 0; // the host receives: max_clients streams
};

struct BandwidthPlan {
    std::string audio; // fleet.planned_audio
    std::vector<RoomBandwidth> rooms;
    std::uint64_t upstream_kbps = 0;
    std::uint64_t downstream_kbps = 0;
    std::vector<std::string> warnings; // the totals above fleet.uplink_mbps / downlink_mbps
};

BandwidthPlan plan_bandwidth(const config::FleetConfig& fleet);

// "12.3 Mbit/s" (1 Mbit = 1000 kbit).
std::string mbit_text(std::uint64_t kbps);
// The lines `jamfleet check` prints.
std::string describe_bandwidth(const BandwidthPlan& plan);
// For `jamfleet status --json`.
nlohmann::json bandwidth_json(const BandwidthPlan& plan);

} // namespace jamfleet::orchestrator
