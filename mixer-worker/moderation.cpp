#include "mixer-worker/moderation.h"

#include <algorithm>
#include <charconv>

namespace jamfleet::mixer {

namespace {

std::uint32_t mask_of(int prefix) {
    return prefix == 0 ? 0u : ~std::uint32_t{0} << (32 - prefix);
}

std::array<std::uint8_t, 16> masked6(std::array<std::uint8_t, 16> bytes, int prefix) {
    for (int i = 0; i < 16; ++i) {
        const int keep = std::clamp(prefix - 8 * i, 0, 8);
        bytes[static_cast<std::size_t>(i)] &= static_cast<std::uint8_t>(0xff00u >> keep);
    }
    return bytes;
}

bool active(const Ban& ban, base::TimePoint now) {
    return !ban.until || now < *ban.until;
}

} // namespace

std::optional<AddressRange> AddressRange::parse(std::string_view text) {
    const auto slash = text.find('/');
    const auto address = text.substr(0, slash);
    AddressRange range;
    if (address.find(':') != std::string_view::npos) {
        const auto ip6 = io::SocketAddress::parse_ip6(address);
        if (!ip6) {
            return std::nullopt;
        }
        range.family = Family::V6;
        range.ip6 = *ip6;
        range.prefix = 128;
    } else {
        const auto ip = io::SocketAddress::parse_ip(address);
        if (!ip) {
            return std::nullopt;
        }
        range.ip = *ip;
    }
    const int max_prefix = range.prefix;
    if (slash != std::string_view::npos) {
        const auto digits = text.substr(slash + 1);
        const auto* end = digits.data() + digits.size();
        const auto [ptr, ec] = std::from_chars(digits.data(), end, range.prefix);
        if (digits.empty() || ec != std::errc{} || ptr != end || range.prefix < 0 ||
            range.prefix > max_prefix) {
            return std::nullopt;
        }
    }
    range.ip &= mask_of(std::min(range.prefix, 32));
    if (range.family == Family::V6) {
        range.ip = 0;
        range.ip6 = masked6(range.ip6, range.prefix);
    }
    return range;
}

AddressRange AddressRange::single(const io::SocketAddress& address) {
    AddressRange range;
    if (address.v6) {
        range.family = Family::V6;
        range.ip6 = address.ip6;
        range.prefix = 128;
    } else {
        range.ip = address.ip;
    }
    return range;
}

bool AddressRange::contains(const io::SocketAddress& address) const {
    if (address.v6 != (family == Family::V6)) {
        return false;
    }
    if (family == Family::V6) {
        return masked6(address.ip6, prefix) == ip6;
    }
    return (address.ip & mask_of(prefix)) == ip;
}

std::string AddressRange::to_string() const {
    const io::SocketAddress address =
        family == Family::V6 ? io::SocketAddress::ipv6(ip6, 0) : io::SocketAddress{ip, 0};
    return address.ip_string() + "/" + std::to_string(prefix);
}

std::string_view to_string(Verdict verdict) {
    switch (verdict) {
    case Verdict::Admitted:
        return "admitted";
    case Verdict::Banned:
        return "banned";
    case Verdict::NotAllowed:
        return "not_allowed";
    }
    return "unknown";
}

void Moderation::ban(AddressRange range, std::optional<base::TimePoint> until, std::string reason) {
    auto it =
        std::find_if(bans_.begin(), bans_.end(), [&](const Ban& b) { return b.range == range; });
    if (it != bans_.end()) {
        it->until = until;
        it->reason = std::move(reason);
        return;
    }
    bans_.push_back(Ban{range, until, std::move(reason)});
}

bool Moderation::unban(const AddressRange& range) {
    return std::erase_if(bans_, [&](const Ban& b) { return b.range == range; }) > 0;
}

Verdict Moderation::check(const io::SocketAddress& address, base::TimePoint now) const {
    for (const auto& b : bans_) {
        if (active(b, now) && b.range.contains(address)) {
            return Verdict::Banned;
        }
    }
    if (!allow_.empty() && std::none_of(allow_.begin(), allow_.end(), [&](const AddressRange& r) {
            return r.contains(address);
        })) {
        return Verdict::NotAllowed;
    }
    return Verdict::Admitted;
}

std::vector<Ban> Moderation::bans(base::TimePoint now) const {
    std::vector<Ban> out;
    std::copy_if(bans_.begin(), bans_.end(), std::back_inserter(out),
                 [now](const Ban& b) { return active(b, now); });
    return out;
}

bool Moderation::expire(base::TimePoint now) {
    return std::erase_if(bans_, [now](const Ban& b) { return !active(b, now); }) > 0;
}

} // namespace jamfleet::mixer
