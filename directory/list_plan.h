// Which address each entry is listed under for a given requesting client, and
// which hole-punch requests go where: the substitution table of §6.4, sans-I/O.
#pragma once

#include <cstdint>
#include <vector>

#include "directory/address.h"
#include "directory/registry.h"

namespace jamfleet::directory {

struct ListedServer {
    Address address; // written into the list for this entry
    const Entry* entry = nullptr;
};

struct HolePunch {
    Address send_to; // the server asked to punch
    Address target;  // where that server sends its CLM_EMPTY_MESSAGE
};

struct ListPlan {
    std::vector<ListedServer> servers; // registered servers in list order (entry 0 excluded)
    std::vector<HolePunch> punches;
};

// The address entry `e` is listed under (rows 1–3 of §6.4) for a client that is
// on a private address, or public and — `client_shares_ip` — at the same IP as
// the entry's registration source.
Address listed_address(const Entry& e, bool client_private, bool client_shares_ip);

// Where hole punches for `client` are aimed: the client itself, or for a private
// client the directory's public IP (when known and public) with the client's port.
Address punch_target(Address client, std::uint32_t directory_public_ip);

// `directory_public_ip` is the directory's --serverpublicip or auto-detected own
// address (0 if unknown); it replaces a private client's IP as hole-punch target.
ListPlan plan_list_reply(const std::vector<Entry>& entries, Address client,
                         std::uint32_t directory_public_ip);

} // namespace jamfleet::directory
