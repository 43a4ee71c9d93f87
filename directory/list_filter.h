// Registration filter: Jamulus's `-f/--listfilter` ("[min.version];ip;ip…") extended
// with CIDR ranges and host names. Host names are resolved elsewhere (I/O); this
// core only takes the resolved addresses.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace jamfleet::directory {

struct Cidr {
    std::uint32_t network = 0;
    std::uint8_t prefix_bits = 32;

    bool contains(std::uint32_t ip) const;
    friend bool operator==(const Cidr&, const Cidr&) = default;
};

// "a.b.c.d" (as /32) or "a.b.c.d/n"; the network is normalised (host bits cleared).
std::optional<Cidr> parse_cidr(std::string_view text);
std::string to_string(const Cidr& c);

struct ListFilter {
    std::optional<std::string> min_version;
    std::vector<Cidr> ranges;            // literal IPs are /32 ranges
    std::vector<std::string> host_names; // resolved periodically by the server
    std::vector<std::string> warnings;   // ignored items, as Jamulus warns about them

    // A whitelist is in force when any address item was given, even if its host
    // names currently resolve to nothing (then nobody may register).
    bool whitelist_active() const { return !ranges.empty() || !host_names.empty(); }
};

ListFilter parse_list_filter(std::string_view text);

// QVersionNumber::compare semantics on the leading numeric segments of each text
// ("3.9.1dev" is 3.9.1; a longer version with the same prefix is greater).
int compare_versions(std::string_view a, std::string_view b);

// The filter plus the current resolution of its host names.
class Admission {
public:
    Admission() = default;
    explicit Admission(ListFilter filter) : filter_(std::move(filter)) {}

    const ListFilter& filter() const { return filter_; }
    void set_resolved_hosts(std::vector<std::uint32_t> ips) { resolved_ = std::move(ips); }
    // Sources exempt from per-IP entry limits without restricting anyone else
    // (`--trusted`, e.g. the fleet's own mixers sharing one address).
    void set_trusted(std::vector<Cidr> ranges) { trusted_ = std::move(ranges); }
    const std::vector<std::uint32_t>& resolved_hosts() const { return resolved_; }

    // §6.3 step 1: true when the registration's version passes the minimum.
    bool version_ok(const std::optional<std::string>& version) const;
    // §6.3 step 2: true when no whitelist is active or `ip` is on it.
    bool source_allowed(std::uint32_t ip) const;
    // True when `ip` is explicitly whitelisted or trusted (the operator vouches for
    // it, so per-IP entry limits do not apply).
    bool explicitly_trusted(std::uint32_t ip) const;

private:
    ListFilter filter_;
    std::vector<std::uint32_t> resolved_;
    std::vector<Cidr> trusted_;
};

} // namespace jamfleet::directory
