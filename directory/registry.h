// Sans-I/O server list of the directory: registration checks and reply codes in
// Jamulus's order (docs/protocol.md §6.3), stable order, expiry, caps, and a
// journal that must durably accept every change before it takes effect.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "directory/address.h"
#include "directory/list_filter.h"

namespace jamfleet::directory {

using namespace std::chrono_literals;

inline constexpr base::Duration kEntryLifetime = 33min;   // SERVLIST_TIME_OUT_MINUTES
inline constexpr base::Duration kRefreshInterval = 15min; // SERVLIST_REGIST_INTERV_MINUTES
inline constexpr std::size_t kJamulusMaxServers = 150;    // incl. the directory's own entry
// A Jamulus client receives one datagram of at most 20000 bytes; a frame adds 9.
inline constexpr std::size_t kMaxListPayloadBytes = 20000 - 9;

struct ServerInfo {
    std::uint16_t country = 0;
    std::uint8_t max_clients = 0;
    bool permanent = false;
    std::string name;
    std::string city;
    Address internal; // "LHostAddr": registered internal IP with the registered port
    std::optional<std::uint8_t> os;
    std::optional<std::string> version;

    friend bool operator==(const ServerInfo&, const ServerInfo&) = default;
};

// Internal address of a registration: empty text means 127.0.0.1; unparsable text
// rejects the whole message (nullopt), as in Jamulus.
std::optional<Address> internal_address_from(std::string_view text, std::uint16_t port);

struct Entry {
    Address host; // registration source ("HostAddr"), the entry's identity
    ServerInfo info;
    std::uint64_t position = 0; // list order; kept on re-registration
    base::TimePoint registered_at{};
    base::TimePoint refreshed_at{};
    base::TimePoint expires_at{};
};

// Bytes an entry takes in CLM_SERVER_LIST (the internal-address slot is empty).
std::size_t full_list_entry_bytes(std::string_view name, std::string_view city);

enum class RegisterResult : std::uint8_t {
    Registered = 0,
    ListFull = 1,
    VersionTooOld = 2,
    RequirementsNotFulfilled = 3,
};

enum class Refusal {
    None,
    VersionTooOld,
    NotWhitelisted,
    ListFull,
    PerIpLimit,
    ListBytes,
    StoreFailed,
};

struct RegisterOutcome {
    std::optional<RegisterResult> reply; // nullopt: send nothing (store failure)
    Refusal refusal = Refusal::None;
    bool created = false;
};

// Durable record of list changes; the registry changes memory only after the
// journal accepted the change, so a reply is never sent for a lost change.
class Journal {
public:
    virtual ~Journal() = default;
    [[nodiscard]] virtual bool save(const Entry& entry, base::TimePoint now) = 0;
    [[nodiscard]] virtual bool erase(const Entry& entry) = 0;
};

struct RegistryLimits {
    std::size_t max_servers = kJamulusMaxServers; // including the directory's own entry
    std::size_t max_per_ip = 0;                   // 0: unlimited
    std::size_t max_list_bytes = kMaxListPayloadBytes;
    std::size_t own_entry_bytes = full_list_entry_bytes("", "");
    base::Duration lifetime = kEntryLifetime;
};

class Registry {
public:
    Registry(RegistryLimits limits, Journal& journal) : limits_(limits), journal_(journal) {}

    RegisterOutcome register_server(Address source, const ServerInfo& info,
                                    const Admission& admission, base::TimePoint now);
    // Removes the entry registered from exactly `source`; false if there is none
    // or the journal refused.
    bool unregister(Address source);
    bool evict(Address host) { return unregister(host); }
    // Appends an entry taken over from a Jamulus directory file, without the
    // admission checks (the operator asked for it); false when present, full or
    // not stored.
    bool import_server(Address host, const ServerInfo& info, base::TimePoint now);
    // Removes entries that expired at `now`; returns them.
    std::vector<Entry> expire(base::TimePoint now);
    // Replaces the list with restored entries (already in order, e.g. from the store).
    void restore(std::vector<Entry> entries);

    const std::vector<Entry>& entries() const { return entries_; }
    const Entry* find(Address host) const;
    std::size_t count_from_ip(std::uint32_t ip) const;
    std::optional<base::TimePoint> next_expiry() const;
    // Payload bytes of the full list as it would be sent now, own entry included.
    std::size_t list_bytes() const;
    const RegistryLimits& limits() const { return limits_; }
    // Changes whenever the listed content changes (entries added, removed,
    // reordered or edited); a refresh with identical info keeps it, so caches of
    // the encoded list survive the steady stream of re-registrations.
    std::uint64_t generation() const { return generation_; }

private:
    RegistryLimits limits_;
    Journal& journal_;
    std::vector<Entry> entries_;
    std::uint64_t next_position_ = 1;
    std::uint64_t generation_ = 0;
};

} // namespace jamfleet::directory
