// SRV record text from a normalized fleet (names were checked by the loader).
#include "config/srv_records.h"

namespace jamfleet::config {

std::vector<std::string> srv_records(const FleetConfig& fleet) {
    std::vector<std::string> records;
    for (const auto& server : fleet.servers) {
        if (server.dns_name.empty()) {
            continue;
        }
        records.push_back("_jamulus._udp." + server.dns_name + ". " +
                          std::to_string(fleet.fleet.dns_ttl) + " IN SRV " +
                          std::to_string(kSrvPriority) + " " + std::to_string(kSrvWeight) + " " +
                          std::to_string(server.port) + " " + fleet.fleet.public_host + ".");
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
        text += "; no server has a dns_name\n";
    }
    for (const auto& record : records) {
        text += record + "\n";
    }
    return text;
}

} // namespace jamfleet::config
