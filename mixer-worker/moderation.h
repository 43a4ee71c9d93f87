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
#include "io/address_range.h"
#include "io/socket_address.h"

namespace jamfleet::mixer {

// The ranges bans and allow-lists hold (one parser for the whole project: io/).
using AddressRange = io::AddressRange;

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
