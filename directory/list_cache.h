// Encoded list replies kept between requests: the CLM_RED_SERVER_LIST and
// CLM_SERVER_LIST frames for the two client kinds whose list does not depend on
// the client's address, rebuilt only when the registry's content changes.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "directory/list_plan.h"
#include "directory/outgoing.h"
#include "directory/registry.h"

namespace jamfleet::directory {

// The directory's own list entry (entry 0), from -o/--serverinfo.
struct SelfInfo {
    std::string name;
    std::string city;
    std::uint16_t country = 0;
};

// What a list request is answered with, except the hole-punch target (which is
// the client's own address, see punch_target).
struct ListReply {
    SharedFrame reduced; // whole CLM_RED_SERVER_LIST frame (CLM frames carry counter 0)
    SharedFrame full;    // whole CLM_SERVER_LIST frame
    std::vector<Address> punch_servers; // servers asked to punch, in list order
};

// The reply as computed from scratch for one plan (the uncached path).
ListReply encode_list_reply(const ListPlan& plan, const SelfInfo& self);

class ListCache {
public:
    explicit ListCache(SelfInfo self) : self_(std::move(self)) {}

    // The cached reply for `client`, or nullptr when the list depends on the
    // client's exact address (a public client at the IP of a registered server,
    // row 3 of §6.4): compute that one with encode_list_reply. Always called with
    // the same registry; the pointer is valid until the next call (queued
    // datagrams keep the frames themselves alive through SharedFrame).
    // A private client's list depends on the address it reached the directory at
    // (`arrived_on`, see listed_address); one reply is kept per such address, up
    // to kMaxArrivalAddresses (a host's interfaces), beyond which nullptr is
    // returned too.
    const ListReply* find(const Registry& registry, Address client, std::uint32_t arrived_on = 0);

    static constexpr std::size_t kMaxArrivalAddresses = 16;

    const SelfInfo& self() const { return self_; }
    std::uint64_t rebuilds() const { return rebuilds_; }

private:
    void rebuild(const Registry& registry);

    SelfInfo self_;
    bool valid_ = false;
    std::uint64_t generation_ = 0;
    std::uint64_t rebuilds_ = 0;
    // Row 1 for every entry, per address a private client reached us at.
    std::vector<std::pair<std::uint32_t, ListReply>> private_clients_;
    ListReply public_elsewhere_;          // rows 2 and 4
    std::vector<std::uint32_t> host_ips_; // registration source IPs, sorted
};

} // namespace jamfleet::directory
