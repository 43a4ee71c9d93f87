// Encoding and caching of list replies (docs/protocol.md §6.4).
#include "directory/list_cache.h"

#include <algorithm>

#include "proto/clm_messages.h"
#include "proto/frame.h"

namespace jamfleet::directory {

namespace {

using proto::MessageId;

SharedFrame make_shared_frame(MessageId id, const proto::Bytes& payload) {
    return std::make_shared<const std::vector<std::uint8_t>>(proto::make_clm_frame(id, payload));
}

} // namespace

ListReply encode_list_reply(const ListPlan& plan, const SelfInfo& self) {
    proto::RedServerList reduced;
    proto::ServerList full;
    reduced.entries.reserve(plan.servers.size() + 1);
    full.entries.reserve(plan.servers.size() + 1);
    // Entry 0 is this directory at 0.0.0.0:0; clients substitute the list's source.
    reduced.entries.push_back({0, 0, self.name});
    full.entries.push_back({0, 0, self.country, 0, true, self.name, "", self.city});
    for (const auto& s : plan.servers) {
        const auto& info = s.entry->info;
        reduced.entries.push_back({s.address.ip, s.address.port, info.name});
        full.entries.push_back({s.address.ip, s.address.port, info.country, info.max_clients,
                                info.permanent, info.name, "", info.city});
    }
    ListReply reply;
    reply.reduced = make_shared_frame(MessageId::ClmRedServerList, proto::encode_payload(reduced));
    reply.full = make_shared_frame(MessageId::ClmServerList, proto::encode_payload(full));
    reply.punch_servers.reserve(plan.punches.size());
    for (const auto& p : plan.punches) {
        reply.punch_servers.push_back(p.send_to);
    }
    return reply;
}

namespace {

// Representative clients: the plan for any private client reaching us at one
// address is the same (row 1), and so is the plan for any public client whose IP
// no entry shares (rows 2, 4); the punch target they would get is not part of the
// cached reply.
constexpr Address kAnyPrivateClient{0x0a000001, 1}; // 10.0.0.1

ListReply encode_for(const std::vector<Entry>& entries, bool client_private,
                     std::uint32_t arrived_on, const SelfInfo& self) {
    ListPlan plan;
    plan.servers.reserve(entries.size());
    for (const auto& e : entries) {
        const Address listed = listed_address(e, client_private, false, arrived_on);
        plan.servers.push_back({listed, &e});
        if (!is_private_ip(e.host.ip)) {
            plan.punches.push_back({listed, kAnyPrivateClient});
        }
    }
    return encode_list_reply(plan, self);
}

} // namespace

void ListCache::rebuild(const Registry& registry) {
    const auto& entries = registry.entries();
    private_clients_.clear();
    public_elsewhere_ = encode_for(entries, false, 0, self_);
    host_ips_.clear();
    host_ips_.reserve(entries.size());
    for (const auto& e : entries) {
        host_ips_.push_back(e.host.ip);
    }
    std::sort(host_ips_.begin(), host_ips_.end());
    generation_ = registry.generation();
    valid_ = true;
    ++rebuilds_;
}

const ListReply* ListCache::find(const Registry& registry, Address client,
                                 std::uint32_t arrived_on) {
    if (!valid_ || generation_ != registry.generation()) {
        rebuild(registry);
    }
    if (is_private_ip(client.ip)) {
        for (const auto& [ip, reply] : private_clients_) {
            if (ip == arrived_on) {
                return &reply;
            }
        }
        if (private_clients_.size() >= kMaxArrivalAddresses) {
            return nullptr;
        }
        private_clients_.emplace_back(arrived_on,
                                      encode_for(registry.entries(), true, arrived_on, self_));
        return &private_clients_.back().second;
    }
    if (std::binary_search(host_ips_.begin(), host_ips_.end(), client.ip)) {
        return nullptr;
    }
    return &public_elsewhere_;
}

} // namespace jamfleet::directory
