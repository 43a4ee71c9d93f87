#include "mixer-worker/moderation.h"

#include <algorithm>
#include <charconv>

#include "io/socket_address.h"

namespace jamfleet::mixer {

namespace {

std::uint32_t mask_of(int prefix) {
    return prefix == 0 ? 0u : ~std::uint32_t{0} << (32 - prefix);
}

bool active(const Ban& ban, base::TimePoint now) {
    return !ban.until || now < *ban.until;
}

} // namespace

std::optional<AddressRange> AddressRange::parse(std::string_view text) {
    const auto slash = text.find('/');
    const auto ip = io::SocketAddress::parse_ip(text.substr(0, slash));
    if (!ip) {
        return std::nullopt;
    }
    int prefix = 32;
    if (slash != std::string_view::npos) {
        const auto digits = text.substr(slash + 1);
        const auto* end = digits.data() + digits.size();
        const auto [ptr, ec] = std::from_chars(digits.data(), end, prefix);
        if (digits.empty() || ec != std::errc{} || ptr != end || prefix < 0 || prefix > 32) {
            return std::nullopt;
        }
    }
    return AddressRange{Family::V4, *ip & mask_of(prefix), prefix};
}

bool AddressRange::contains(std::uint32_t address) const {
    return (address & mask_of(prefix)) == ip;
}

std::string AddressRange::to_string() const {
    return io::SocketAddress{ip, 0}.ip_string() + "/" + std::to_string(prefix);
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

Verdict Moderation::check(std::uint32_t ip, base::TimePoint now) const {
    for (const auto& b : bans_) {
        if (active(b, now) && b.range.contains(ip)) {
            return Verdict::Banned;
        }
    }
    if (!allow_.empty() && std::none_of(allow_.begin(), allow_.end(),
                                        [ip](const AddressRange& r) { return r.contains(ip); })) {
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
