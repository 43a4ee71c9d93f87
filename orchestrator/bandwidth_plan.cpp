// Worst-case bandwidth per room and for the fleet (see bandwidth_plan.h).
#include "orchestrator/bandwidth_plan.h"

#include "config/planned_audio.h"
#include "proto/audio_bandwidth.h"

namespace jamfleet::orchestrator {
namespace {

std::string limit_warning(const char* direction, std::uint64_t need_kbps, const char* key,
                          int limit_mbps) {
    return "warning: full rooms need " + mbit_text(need_kbps) + " " + direction +
           ", more than fleet." + key + " (" + std::to_string(limit_mbps) +
           " Mbit/s): lower max_clients, or ask musicians for less audio quality";
}

} // namespace

std::string mbit_text(std::uint64_t kbps) {
    // One decimal, rounded half up.
    const std::uint64_t tenths = (kbps + 50) / 100;
    return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " Mbit/s";
}

BandwidthPlan plan_bandwidth(const config::FleetConfig& fleet) {
    BandwidthPlan plan;
    plan.audio = fleet.fleet.planned_audio;
    // The loader accepted only valid names; the default covers a hand-built config.
    const auto audio = config::parse_planned_audio(plan.audio).value_or(config::PlannedAudio{});
    for (const auto& server : fleet.servers) {
        const bool fast = server.options.fast_update;
        const auto format = proto::busiest_client_format(
            fast, audio.channels, static_cast<proto::AudioQuality>(audio.quality));
        RoomBandwidth room;
        room.name = server.name;
        room.max_clients = server.options.max_clients;
        room.frame_samples = fast ? 64 : 128;
        room.client_kbps = proto::stream_kbps(format);
        room.upstream_kbps = std::uint64_t{room.client_kbps} * room.max_clients;
        room.downstream_kbps = room.upstream_kbps;
        plan.upstream_kbps += room.upstream_kbps;
        plan.downstream_kbps += room.downstream_kbps;
        plan.rooms.push_back(std::move(room));
    }
    const auto& f = fleet.fleet;
    if (f.uplink_mbps && plan.upstream_kbps > std::uint64_t(*f.uplink_mbps) * 1000) {
        plan.warnings.push_back(
            limit_warning("upstream", plan.upstream_kbps, "uplink_mbps", *f.uplink_mbps));
    }
    if (f.downlink_mbps && plan.downstream_kbps > std::uint64_t(*f.downlink_mbps) * 1000) {
        plan.warnings.push_back(
            limit_warning("downstream", plan.downstream_kbps, "downlink_mbps", *f.downlink_mbps));
    }
    return plan;
}

std::string describe_bandwidth(const BandwidthPlan& plan) {
    std::string text = "bandwidth at full occupancy (" + plan.audio +
                       " clients; each direction, headers as Jamulus counts them):\n";
    for (const auto& room : plan.rooms) {
        text += "  \"" + room.name + "\" " + std::to_string(room.max_clients) + " x " +
                std::to_string(room.client_kbps) + " kbit/s (" +
                std::to_string(room.frame_samples) +
                "-sample frames) = " + mbit_text(room.upstream_kbps) + " up and down\n";
    }
    text += "  fleet total " + mbit_text(plan.upstream_kbps) + " up, " +
            mbit_text(plan.downstream_kbps) + " down\n";
    for (const auto& warning : plan.warnings) {
        text += warning + "\n";
    }
    return text;
}

nlohmann::json bandwidth_json(const BandwidthPlan& plan) {
    nlohmann::json rooms = nlohmann::json::array();
    for (const auto& room : plan.rooms) {
        rooms.push_back({{"name", room.name},
                         {"maxClients", room.max_clients},
                         {"frameSamples", room.frame_samples},
                         {"clientKbps", room.client_kbps},
                         {"upstreamKbps", room.upstream_kbps},
                         {"downstreamKbps", room.downstream_kbps}});
    }
    return {{"plannedAudio", plan.audio},
            {"rooms", std::move(rooms)},
            {"upstreamKbps", plan.upstream_kbps},
            {"downstreamKbps", plan.downstream_kbps},
            {"warnings", plan.warnings}};
}

} // namespace jamfleet::orchestrator
