// The address substitution table of jamulus-protocol.md §6.4, row by row.
#include "directory/list_plan.h"

namespace jamfleet::directory {

ListPlan plan_list_reply(const std::vector<Entry>& entries, Address client,
                         std::uint32_t directory_public_ip) {
    const bool client_internal = is_private_ip(client.ip);
    Address target = client;
    if (client_internal && directory_public_ip != 0 && !is_private_ip(directory_public_ip)) {
        target.ip = directory_public_ip;
    }
    ListPlan plan;
    plan.servers.reserve(entries.size());
    for (const auto& e : entries) {
        const bool server_internal = is_private_ip(e.host.ip);
        Address listed = e.host;
        if (client_internal) {
            listed = e.host; // row 1: a client on the directory's LAN reaches the source
        } else if (server_internal) {
            listed = e.info.internal; // row 2: server on the directory's LAN
        } else if (client.ip == e.host.ip) {
            listed = e.info.internal; // row 3: client behind the same NAT as the server
        }
        plan.servers.push_back({listed, &e});
        if (!server_internal) {
            // Sent to the listed address, even when it is the internal one (upstream quirk).
            plan.punches.push_back({listed, target});
        }
    }
    return plan;
}

} // namespace jamfleet::directory
