// Port assignment and cross-entry checks. Ports are handed out in file order from
// base_port, skipping every port some entry asked for explicitly and the directory's.
#include "config/fleet_checks.h"

#include <map>

namespace jamfleet::config {
namespace {

std::string owner_of(const ServerConfig& server) {
    return server.where.path;
}

void check_unique_names(const FleetConfig& fleet, ErrorList& errors) {
    std::map<std::string, std::string> names;
    std::map<std::string, std::string> dns_names;
    for (const auto& server : fleet.servers) {
        if (!server.name.empty()) {
            const auto [it, added] = names.emplace(server.name, owner_of(server));
            if (!added) {
                errors.add(server.name_where,
                           "name '" + server.name + "' already used by " + it->second);
            }
        }
        if (!server.dns_name.empty()) {
            const auto [it, added] = dns_names.emplace(server.dns_name, owner_of(server));
            if (!added) {
                errors.add(server.dns_where,
                           "DNS name '" + server.dns_name + "' already used by " + it->second);
            }
        }
    }
}

void check_jsonrpc_ports(const FleetConfig& fleet, ErrorList& errors) {
    std::map<std::uint16_t, std::string> ports;
    if (fleet.directory.enabled && fleet.directory.jsonrpc_port) {
        ports.emplace(*fleet.directory.jsonrpc_port, "/directory");
    }
    for (const auto& server : fleet.servers) {
        if (!server.jsonrpc_port) {
            continue;
        }
        const auto [it, added] = ports.emplace(*server.jsonrpc_port, owner_of(server));
        if (!added) {
            errors.add(server.jsonrpc_where, "JSON-RPC port " +
                                                 std::to_string(*server.jsonrpc_port) +
                                                 " already used by " + it->second);
        }
    }
}

void check_srv_target(const FleetConfig& fleet, ErrorList& errors) {
    // With hosts each room's record points at its own host (host_checks.cpp).
    if (!fleet.fleet.public_host.empty() || !fleet.hosts.empty()) {
        return;
    }
    if (!fleet.directory.dns_name.empty()) {
        errors.add(fleet.directory.dns_where,
                   "dns_name needs fleet.public_host (the target of its SRV record)");
    }
    for (const auto& server : fleet.servers) {
        if (!server.dns_name.empty()) {
            errors.add(server.dns_where,
                       "dns_name needs fleet.public_host (the target of its SRV record)");
            return;
        }
    }
}

} // namespace

void assign_ports_and_check(FleetConfig& fleet, ErrorList& errors) {
    std::map<std::uint32_t, std::string> taken;
    DirectoryConfig& directory = fleet.directory;
    if (directory.enabled) {
        if (!directory.port_explicit) {
            if (fleet.fleet.base_port <= 1) {
                errors.add(directory.port_where,
                           "set directory.port: its default is base_port - 1, which is 0");
            } else {
                directory.port = static_cast<std::uint16_t>(fleet.fleet.base_port - 1);
            }
        }
        if (directory.port != 0) {
            taken.emplace(directory.port, "/directory");
        }
    }
    for (const auto& server : fleet.servers) {
        if (!server.port_explicit || server.port == 0) {
            continue;
        }
        const auto [it, added] = taken.emplace(server.port, owner_of(server));
        if (!added) {
            errors.add(server.port_where,
                       std::to_string(server.port) + " already used by " + it->second);
        }
    }
    std::uint32_t next = fleet.fleet.base_port;
    for (auto& server : fleet.servers) {
        if (server.port_explicit) {
            continue;
        }
        while (next <= 65535 && taken.contains(next)) {
            ++next;
        }
        if (next > 65535) {
            errors.add(server.where, "no free port left between base_port and 65535");
            break;
        }
        server.port = static_cast<std::uint16_t>(next);
        taken.emplace(next, owner_of(server));
    }
    check_unique_names(fleet, errors);
    check_jsonrpc_ports(fleet, errors);
    check_srv_target(fleet, errors);
}

} // namespace jamfleet::config
