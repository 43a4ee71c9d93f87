// Stable placement of rooms on hosts (docs/many-hosts.md): which host and port each
// room of a multi-host fleet gets. Musicians bookmark host:port and SRV records
// point at it, so a room keeps its host and port for as long as the fleet file
// allows it: adding or removing hosts never moves a room that could stay.
// Pure functions; placement_file.h persists the result next to the fleet file.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "config/fleet_config.h"

namespace jamfleet::config {

struct RoomPlacement {
    std::string host;
    std::uint16_t port = 0;

    bool operator==(const RoomPlacement&) const = default;
};

// Room name → where it runs.
using Placement = std::map<std::string, RoomPlacement>;

struct PlacementResult {
    Placement placement;
    // One line per room that is new, moved (its host left its candidates) or
    // dropped from the file, for `jamfleet check`.
    std::vector<std::string> changes;
};

// Places every room of `fleet` (which has hosts): a room keeps its earlier host if
// that host is still one of its candidates (`host`, else `spread`, else every host),
// and its earlier port on it unless an explicit port says otherwise; a new room goes
// to the candidate with the fewest rooms (ties: the first listed) and gets the
// lowest free port from base_port on that host. Deterministic.
PlacementResult place_rooms(const FleetConfig& fleet, const Placement& previous);

// Sets each room's `host` and `port` from `placement` (which covers every room).
void apply_placement(FleetConfig& fleet, const Placement& placement);

// One host's part of a placed fleet, as a single-host fleet for the supervisor: its
// rooms, the directory only on the directory's host, rooms registering with the
// directory host's public address, `public_ip`/`public_host` from the host, and
// the other hosts added to a non-empty directory whitelist. Empty `error` on success.
FleetConfig fleet_for_host(const FleetConfig& placed, const std::string& host, std::string& error);

} // namespace jamfleet::config
