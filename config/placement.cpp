// Room → (host, port) assignment that keeps every earlier choice it can.
#include "config/placement.h"

#include <algorithm>
#include <set>

namespace jamfleet::config {
namespace {

std::vector<std::string> candidates_of(const FleetConfig& fleet, const ServerConfig& server) {
    if (!server.host.empty()) {
        return {server.host};
    }
    if (!server.spread.empty()) {
        return server.spread;
    }
    std::vector<std::string> all;
    for (const auto& host : fleet.hosts) {
        all.push_back(host.name);
    }
    return all;
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

} // namespace

PlacementResult place_rooms(const FleetConfig& fleet, const Placement& previous) {
    PlacementResult result;
    Placement& placement = result.placement;
    std::map<std::string, int> load;
    // Pass 1: hosts. Rooms that may stay where they were stay; the others wait.
    std::vector<const ServerConfig*> unplaced;
    for (const auto& server : fleet.servers) {
        const auto before = previous.find(server.name);
        if (before != previous.end() &&
            contains(candidates_of(fleet, server), before->second.host)) {
            placement[server.name].host = before->second.host;
            ++load[before->second.host];
        } else {
            unplaced.push_back(&server);
        }
    }
    for (const ServerConfig* server : unplaced) {
        const auto candidates = candidates_of(fleet, *server);
        std::string best;
        for (const auto& name : candidates) {
            if (best.empty() || load[name] < load[best]) {
                best = name;
            }
        }
        placement[server->name].host = best;
        ++load[best];
        const auto before = previous.find(server->name);
        result.changes.push_back(before == previous.end()
                                     ? "new room '" + server->name + "' on host " + best
                                     : "room '" + server->name + "' moves from host " +
                                           before->second.host + " to " + best);
    }
    // Pass 2: ports per host. Explicit ports and the directory's first, then the
    // ports rooms had on the same host, then the lowest free ones.
    std::map<std::string, std::set<std::uint32_t>> taken;
    if (fleet.directory.enabled) {
        taken[fleet.directory.host].insert(fleet.directory.port);
    }
    for (const auto& server : fleet.servers) {
        if (server.port_explicit) {
            placement[server.name].port = server.port;
            taken[placement[server.name].host].insert(server.port);
        }
    }
    std::vector<const ServerConfig*> portless;
    for (const auto& server : fleet.servers) {
        if (server.port_explicit) {
            continue;
        }
        RoomPlacement& room = placement[server.name];
        const auto before = previous.find(server.name);
        if (before != previous.end() && before->second.host == room.host &&
            before->second.port != 0 && taken[room.host].insert(before->second.port).second) {
            room.port = before->second.port;
        } else {
            portless.push_back(&server);
        }
    }
    for (const ServerConfig* server : portless) {
        RoomPlacement& room = placement[server->name];
        std::uint32_t port = fleet.fleet.base_port;
        while (port <= 65535 && taken[room.host].contains(port)) {
            ++port;
        }
        // The loader already found room for every port fleet-wide; per host there is more.
        room.port = static_cast<std::uint16_t>(std::min<std::uint32_t>(port, 65535));
        taken[room.host].insert(port);
    }
    for (const auto& [name, room] : previous) {
        if (fleet.find_server(name) == nullptr) {
            result.changes.push_back("room '" + name + "' left the fleet file (was on host " +
                                     room.host + " port " + std::to_string(room.port) + ")");
        }
    }
    return result;
}

void apply_placement(FleetConfig& fleet, const Placement& placement) {
    for (auto& server : fleet.servers) {
        const auto found = placement.find(server.name);
        if (found != placement.end()) {
            server.host = found->second.host;
            server.port = found->second.port;
        }
    }
}

FleetConfig fleet_for_host(const FleetConfig& placed, const std::string& host, std::string& error) {
    const HostConfig* self = placed.find_host(host);
    if (self == nullptr) {
        error = "host '" + host + "' is not in the hosts: of " + placed.file;
        return {};
    }
    FleetConfig part = placed;
    part.hosts.clear();
    part.servers.clear();
    for (const auto& server : placed.servers) {
        if (server.host == host) {
            part.servers.push_back(server);
            part.servers.back().port_explicit = true;
        }
    }
    part.fleet.public_ip = self->public_address;
    part.fleet.public_host = self->public_host;
    const DirectoryConfig& directory = placed.directory;
    if (directory.enabled && !directory.whitelist.empty()) {
        // Rooms of the other hosts register from their own addresses.
        for (const auto& other : placed.hosts) {
            if (other.name != directory.host) {
                part.directory.whitelist.push_back(other.public_address);
            }
        }
    }
    if (directory.enabled && directory.host != host) {
        const HostConfig* directory_host = placed.find_host(directory.host);
        part.directory.enabled = false;
        part.fleet.directory_address =
            directory_host->public_address + ":" + std::to_string(directory.port);
    }
    return part;
}

} // namespace jamfleet::config
