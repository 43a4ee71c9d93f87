// The documents of the JSON API (docs/web.md), built from what the web child
// last heard from the supervisor and the children's control sockets. Pure: the
// same inputs give the same document; what is unknown is null, never invented.
#pragma once

#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace jamfleet::web {

// The latest answers of one room's control socket (null until the first one).
struct RoomData {
    nlohmann::json clients; // op "clients": {"clients": [...], "recording": {...}}
    nlohmann::json bans;    // op "getBans": {"bans": [...], "allow": [...]}
};

struct FleetData {
    nlohmann::json supervisor; // the supervisor's `status` document
    std::map<std::string, RoomData> rooms;
    nlohmann::json directory_entries; // directory op "entries"
    nlohmann::json directory_bans;    // directory op "getBans"
    nlohmann::json fleet_bans;        // supervisor command "bans"
};

// GET /api/fleet. `updated` is the time of the supervisor status ("…Z").
nlohmann::json fleet_document(const FleetData& data, const std::string& updated);

// The data of an SSE `levels` event: {"rooms": {"main": [{"id": 0, "level": 7}]}}.
nlohmann::json levels_document(const FleetData& data);

// The rooms the supervisor runs (its children of kind "mixer"), by name.
std::map<std::string, std::uint16_t> room_ports(const nlohmann::json& supervisor_status);

} // namespace jamfleet::web
