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

// What the directory knows about one list request besides the entry list.
struct Requester {
    Address client;
    // The directory's own address the request was sent to (0: unknown). For a
    // client on the directory's LAN this is an address of this host it can reach.
    std::uint32_t arrived_on = 0;
};

// The address entry `e` is listed under (rows 1–4 of §6.4) for a client that is
// on a private address, or public and — `client_shares_ip` — at the same IP as
// the entry's registration source. One departure from Jamulus in row 1: an entry
// registered from a loopback address (a server on the directory's own host, such
// as the fleet's rooms bound to 0.0.0.0) is listed to a private client under the
// address the client reached the directory at (`arrived_on`), with the entry's
// port: a loopback address would point at the client's own machine. That
// address is this host, so the server is reachable there whenever it listens on
// all addresses. Unknown `arrived_on` (0) keeps the registration source.
Address listed_address(const Entry& e, bool client_private, bool client_shares_ip,
                       std::uint32_t arrived_on = 0);

// Where hole punches for `client` are aimed: the client itself, or for a private
// client the directory's public IP (when known and public) with the client's port.
Address punch_target(Address client, std::uint32_t directory_public_ip);

// `directory_public_ip` is the directory's --serverpublicip or auto-detected own
// address (0 if unknown); it replaces a private client's IP as hole-punch target.
ListPlan plan_list_reply(const std::vector<Entry>& entries, Requester requester,
                         std::uint32_t directory_public_ip);
inline ListPlan plan_list_reply(const std::vector<Entry>& entries, Address client,
                                std::uint32_t directory_public_ip) {
    return plan_list_reply(entries, Requester{client, 0}, directory_public_ip);
}

} // namespace jamfleet::directory
