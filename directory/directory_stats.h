// Counters of everything the directory accepted, refused or dropped (getStats).
#pragma once

#include <cstdint>

namespace jamfleet::directory {

struct DirectoryStats {
    std::uint64_t datagrams = 0;
    std::uint64_t not_protocol = 0;     // bad tag/length/CRC: audio to a server, noise here
    std::uint64_t malformed = 0;        // a valid frame whose payload does not decode
    std::uint64_t connection_based = 0; // a directory has no channels: ignored
    std::uint64_t ignored = 0;          // other CLM IDs a directory does not act on
    std::uint64_t banned = 0;
    std::uint64_t list_requests = 0; // every CLM_REQ_SERVER_LIST from an unbanned address
    std::uint64_t rate_limited_queries = 0;
    std::uint64_t rate_limited_lists = 0;
    std::uint64_t rate_limited_registrations = 0;
    std::uint64_t list_interval_suppressed = 0;
    std::uint64_t list_budget_exhausted = 0;
    std::uint64_t pings_answered = 0;
    std::uint64_t queries_answered = 0; // version and client-list requests
    std::uint64_t lists_sent = 0;
    std::uint64_t punches_sent = 0;
    std::uint64_t punches_over_budget = 0;
    std::uint64_t registrations_new = 0;
    std::uint64_t registrations_refreshed = 0;
    std::uint64_t refused_version = 0;
    std::uint64_t refused_whitelist = 0;
    std::uint64_t refused_full = 0;
    std::uint64_t refused_per_ip = 0;
    std::uint64_t refused_list_bytes = 0;
    std::uint64_t unregistrations = 0;
    std::uint64_t unregister_unknown = 0; // no entry from that exact source (spoofed or late)
    std::uint64_t expired = 0;
    std::uint64_t evicted = 0;
    std::uint64_t store_failures = 0;
};

} // namespace jamfleet::directory
