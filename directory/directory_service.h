// The directory's datagram handling, sans-I/O: classifies each datagram, applies
// bans and rate limits, drives the registry and produces the datagrams to send
// (registration replies, lists, hole punches, answers about itself).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/log.h"
#include "directory/directory_stats.h"
#include "directory/list_cache.h"
#include "directory/list_filter.h"
#include "directory/outgoing.h"
#include "directory/rate_limiter.h"
#include "directory/registry.h"

namespace jamfleet::directory {

struct AbuseLimits {
    BucketParams pings_per_ip{20, 60}; // pings, version and client-list queries
    BucketParams lists_per_ip{2, 6};   // list requests
    BucketParams registrations_per_ip{10, 200};
    base::Duration list_interval_per_source = std::chrono::seconds(1);
    BucketParams punch_budget{2000, 4000}; // hole-punch requests, all clients together
    // List replies, all clients together: the target of 20 000/s with headroom; see
    // docs/directory.md ("List throughput") for the amplification this still bounds.
    BucketParams list_budget{25000, 50000};
    std::size_t max_tracked_sources = 65536;
};

// A banned range; `until` none = until lifted.
struct DirectoryBan {
    Cidr range;
    std::optional<base::TimePoint> until;
    std::string reason;
};

class DirectoryService {
public:
    DirectoryService(Registry& registry, Admission& admission, SelfInfo self, AbuseLimits limits,
                     const base::Logger& log);

    // Handles one received datagram; appends what to send to `out`.
    void on_datagram(Address from, std::span<const std::uint8_t> datagram, base::TimePoint now,
                     std::vector<Outgoing>& out) {
        on_datagram(from, 0, datagram, now, out);
    }
    // The same for a datagram that was sent to our address `arrived_on` (0:
    // unknown): lists for private clients are planned for it, and every answer
    // to `from` leaves from it (a multi-homed host answers from where it was asked).
    void on_datagram(Address from, std::uint32_t arrived_on, std::span<const std::uint8_t> datagram,
                     base::TimePoint now, std::vector<Outgoing>& out);
    // Expiry poll (every minute): drops entries past their lifetime and expired bans
    // (an expired ban already stopped acting when it ended).
    void expire(base::TimePoint now);
    // Keep-alive CLM_EMPTY_MESSAGE to every registered server (every 59 s).
    void keep_alive(std::vector<Outgoing>& out) const;

    // The directory's public IP used as hole-punch target for private clients.
    void set_public_ip(std::uint32_t ip) { public_ip_ = ip; }
    std::uint32_t public_ip() const { return public_ip_; }

    // Removes a server on the operator's request; false when absent or not stored.
    bool evict(Address host);

    // Bans drop every datagram from the range (registrations included, counted as
    // `banned`) and evict its entries at once; returns how many were evicted. A ban on
    // the same range replaces its expiry and reason. `until` none = until lifted.
    std::size_t ban(const Cidr& range, std::optional<base::TimePoint> until = std::nullopt,
                    std::string reason = "");
    // True when a ban on exactly this range existed.
    bool unban(const Cidr& range);
    // An unexpired ban contains `ip` (no allocation: checked for every datagram).
    bool is_banned(std::uint32_t ip, base::TimePoint now) const;
    bool is_banned(std::uint32_t ip) const { return is_banned(ip, base::TimePoint::min()); }
    // Unexpired bans, oldest first.
    std::vector<DirectoryBan> bans(base::TimePoint now) const;

    const DirectoryStats& stats() const { return stats_; }
    const SelfInfo& self() const { return list_cache_.self(); }
    std::uint64_t list_cache_rebuilds() const { return list_cache_.rebuilds(); }

private:
    void handle_register(Address from, std::uint16_t id, std::span<const std::uint8_t> payload,
                         base::TimePoint now, std::vector<Outgoing>& out);
    void handle_unregister(Address from);
    void dispatch(Address from, std::span<const std::uint8_t> datagram, base::TimePoint now,
                  std::vector<Outgoing>& out);
    void handle_list_request(Address from, base::TimePoint now, std::vector<Outgoing>& out);
    bool allow_query(Address from, base::TimePoint now);

    Registry& registry_;
    Admission& admission_;
    ListCache list_cache_;
    const base::Logger& log_;
    std::uint32_t public_ip_ = 0;
    std::uint32_t arrived_on_ = 0; // of the datagram being handled
    std::vector<DirectoryBan> bans_;
    PerIpLimiter pings_;
    PerIpLimiter lists_;
    PerIpLimiter registrations_;
    PerSourceInterval list_interval_;
    TokenBucket punch_budget_;
    TokenBucket list_budget_;
    base::RateLimit drop_log_limit_{std::chrono::seconds(10)};
    DirectoryStats stats_;
};

} // namespace jamfleet::directory
