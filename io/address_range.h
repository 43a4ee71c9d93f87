// An IPv4 or IPv6 address or CIDR block: what bans, allow-lists and whitelists hold
// (the mixer's moderation, the directory's bans and list filter, the fleet's bans).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "io/socket_address.h"

namespace jamfleet::io {

// An address or a CIDR block, IPv4 or IPv6. A range matches addresses of its own
// family only.
struct AddressRange {
    enum class Family : std::uint8_t { V4, V6 };
    Family family = Family::V4;
    std::uint32_t ip = 0;               // V4: host byte order, host bits cleared
    std::array<std::uint8_t, 16> ip6{}; // V6: network byte order, host bits cleared
    int prefix = 32;                    // 0..32 (V4) or 0..128 (V6)

    // "a.b.c.d", "a.b.c.d/n" (n 0..32), "2001:db8::1" or "2001:db8::/32" (n 0..128); host
    // bits past the prefix are cleared ("10.1.2.3/8" is 10.0.0.0/8).
    static std::optional<AddressRange> parse(std::string_view text);
    // Exactly this address's IP (the port does not matter).
    static AddressRange single(const SocketAddress& address);
    bool contains(const SocketAddress& address) const;
    // "a.b.c.d/n" or "v6/n" (always with the prefix).
    std::string to_string() const;

    friend bool operator==(const AddressRange&, const AddressRange&) = default;
};

} // namespace jamfleet::io
