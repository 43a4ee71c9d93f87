// The address substitution table of docs/protocol.md §6.4, row by row.
#include "directory/list_plan.h"

namespace jamfleet::directory {

Address listed_address(const Entry& e, bool client_private, bool client_shares_ip,
                       std::uint32_t arrived_on) {
    if (client_private) {
        // Row 1: a client on the directory's LAN reaches the source, except that
        // a server on this very host is reached where the client reached us.
        if (is_loopback_ip(e.host.ip) && arrived_on != 0) {
            return Address{arrived_on, e.host.port};
        }
        return e.host;
    }
    if (is_private_ip(e.host.ip)) {
        return e.info.internal; // row 2: server on the directory's LAN
    }
    if (client_shares_ip) {
        return e.info.internal; // row 3: client behind the same NAT as the server
    }
    return e.host; // row 4: everyone else reaches the registration source
}

Address punch_target(Address client, std::uint32_t directory_public_ip) {
    Address target = client;
    if (is_private_ip(client.ip) && directory_public_ip != 0 &&
        !is_private_ip(directory_public_ip)) {
        target.ip = directory_public_ip;
    }
    return target;
}

ListPlan plan_list_reply(const std::vector<Entry>& entries, Requester requester,
                         std::uint32_t directory_public_ip) {
    const Address client = requester.client;
    const bool client_private = is_private_ip(client.ip);
    const Address target = punch_target(client, directory_public_ip);
    ListPlan plan;
    plan.servers.reserve(entries.size());
    for (const auto& e : entries) {
        const Address listed =
            listed_address(e, client_private, client.ip == e.host.ip, requester.arrived_on);
        plan.servers.push_back({listed, &e});
        if (!is_private_ip(e.host.ip)) {
            // Sent to the listed address, even when it is the internal one (upstream quirk).
            plan.punches.push_back({listed, target});
        }
    }
    return plan;
}

} // namespace jamfleet::directory
