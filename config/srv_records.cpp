// SRV record text from a normalized fleet (names were checked by the loader).
#include "config/srv_records.h"

namespace jamfleet::config {

namespace {

std::string srv_line(const FleetConfig& fleet, const std::string& name, std::uint16_t port,
                     const std::string& host) {
    return "_jamulus._udp." + name + ". " + std::to_string(fleet.fleet.dns_ttl) + " IN SRV " +
           std::to_string(kSrvPriority) + " " + std::to_string(kSrvWeight) + " " +
           std::to_string(port) + " " + srv_target(fleet, host) + ".";
}

} // namespace

std::string srv_target(const FleetConfig& fleet, const std::string& host) {
    const HostConfig* found = fleet.find_host(host);
    if (found != nullptr && !found->public_host.empty()) {
        return found->public_host;
    }
    return fleet.fleet.public_host;
}

std::vector<std::string> srv_records(const FleetConfig& fleet) {
    std::vector<std::string> records;
    // Jamulus 3.12+ resolves SRV for a directory address too (rooms: 3.10+ clients).
    if (fleet.directory.enabled && !fleet.directory.dns_name.empty()) {
        records.push_back(
            srv_line(fleet, fleet.directory.dns_name, fleet.directory.port, fleet.directory.host));
    }
    for (const auto& server : fleet.servers) {
        if (server.dns_name.empty()) {
            continue;
        }
        records.push_back(srv_line(fleet, server.dns_name, server.port, server.host));
    }
    return records;
}

std::string srv_zone_text(const FleetConfig& fleet) {
    std::string text = "; SRV records for jamfleet";
    if (!fleet.fleet.name.empty()) {
        text += " fleet '" + fleet.fleet.name + "'";
    }
    text += "\n";
    const auto records = srv_records(fleet);
    if (records.empty()) {
        text += "; neither the directory nor any server has a dns_name\n";
    }
    for (const auto& record : records) {
        text += record + "\n";
    }
    return text;
}

} // namespace jamfleet::config
