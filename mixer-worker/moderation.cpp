#include "mixer-worker/moderation.h"

#include <algorithm>

namespace jamfleet::mixer {

namespace {

bool active(const Ban& ban, base::TimePoint now) {
    return !ban.until || now < *ban.until;
}

} // namespace

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
