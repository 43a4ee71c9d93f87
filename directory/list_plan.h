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

// `directory_public_ip` is the directory's --serverpublicip or auto-detected own
// address (0 if unknown); it replaces a private client's IP as hole-punch target.
ListPlan plan_list_reply(const std::vector<Entry>& entries, Address client,
                         std::uint32_t directory_public_ip);

} // namespace jamfleet::directory
