// Moderation of one room, sans-I/O (docs/moderation.md): bans by address range
// with an optional expiry, and an allow-list that makes a room private. The
// session asks check() for every new address before it may start or finish
// admission; time comes in as arguments.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "io/socket_address.h"

namespace jamfleet::mixer {

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
    static AddressRange single(const io::SocketAddress& address);
    bool contains(const io::SocketAddress& address) const;
    // "a.b.c.d/n" or "v6/n" (always with the prefix).
    std::string to_string() const;

    friend bool operator==(const AddressRange&, const AddressRange&) = default;
};

struct Ban {
    AddressRange range;
    std::optional<base::TimePoint> until; // none = until lifted
    std::string reason;
};

enum class Verdict : std::uint8_t {
    Admitted,
    Banned,     // in an unexpired ban
    NotAllowed, // the room is private and the address is not on its list
};
std::string_view to_string(Verdict verdict);

class Moderation {
public:
    // Adds a ban, or replaces the one on exactly the same range.
    void ban(AddressRange range, std::optional<base::TimePoint> until, std::string reason);
    // True when a ban on exactly this range existed.
    bool unban(const AddressRange& range);
    // Empty = open room (the default); otherwise only these ranges may join.
    void set_allow_list(std::vector<AddressRange> ranges) { allow_ = std::move(ranges); }
    const std::vector<AddressRange>& allow_list() const { return allow_; }

    Verdict check(const io::SocketAddress& address, base::TimePoint now) const;
    // Unexpired bans, oldest first.
    std::vector<Ban> bans(base::TimePoint now) const;
    // Forgets expired bans; true when any went (the persisted list changed).
    bool expire(base::TimePoint now);

private:
    std::vector<Ban> bans_;
    std::vector<AddressRange> allow_;
};

} // namespace jamfleet::mixer
