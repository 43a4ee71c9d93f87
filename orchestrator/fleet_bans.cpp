#include "orchestrator/fleet_bans.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

#include "io/atomic_file.h"

namespace jamfleet::orchestrator {

namespace {

bool is_active(const FleetBan& ban, std::int64_t unix_now) {
    return !ban.expires_unix || unix_now < *ban.expires_unix;
}

} // namespace

void FleetBans::ban(io::AddressRange range, std::optional<std::int64_t> expires_unix,
                    std::string reason) {
    const auto same = std::find_if(bans_.begin(), bans_.end(),
                                   [&](const FleetBan& b) { return b.range == range; });
    if (same != bans_.end()) {
        same->expires_unix = expires_unix;
        same->reason = std::move(reason);
        return;
    }
    bans_.push_back(FleetBan{range, expires_unix, std::move(reason)});
}

bool FleetBans::unban(const io::AddressRange& range) {
    return std::erase_if(bans_, [&](const FleetBan& b) { return b.range == range; }) > 0;
}

bool FleetBans::expire(std::int64_t unix_now) {
    return std::erase_if(bans_, [unix_now](const FleetBan& b) { return !is_active(b, unix_now); }) >
           0;
}

std::vector<FleetBan> FleetBans::active(std::int64_t unix_now) const {
    std::vector<FleetBan> out;
    std::copy_if(bans_.begin(), bans_.end(), std::back_inserter(out),
                 [unix_now](const FleetBan& b) { return is_active(b, unix_now); });
    return out;
}

bool FleetBans::contains(const io::AddressRange& range, std::int64_t unix_now) const {
    return std::any_of(bans_.begin(), bans_.end(), [&](const FleetBan& b) {
        return b.range == range && is_active(b, unix_now);
    });
}

std::string FleetBans::to_json_text() const {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& b : bans_) {
        list.push_back({{"range", b.range.to_string()},
                        {"expiresUnix", b.expires_unix ? nlohmann::json(*b.expires_unix)
                                                       : nlohmann::json(nullptr)},
                        {"reason", b.reason}});
    }
    return nlohmann::json{{"bans", std::move(list)}}.dump(2) + "\n";
}

base::Result<FleetBans, std::string> FleetBans::from_json_text(std::string_view text,
                                                               std::int64_t unix_now) {
    const auto doc = nlohmann::json::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("bans") ||
        !doc["bans"].is_array()) {
        return base::Err{std::string("not a bans file (want {\"bans\": [...]})")};
    }
    FleetBans out;
    for (const auto& entry : doc["bans"]) {
        if (!entry.is_object() || !entry.contains("range") || !entry["range"].is_string()) {
            return base::Err{std::string("a ban without a \"range\" string")};
        }
        const auto range = io::AddressRange::parse(entry["range"].get<std::string>());
        if (!range) {
            return base::Err{"bad address range: " + entry["range"].get<std::string>()};
        }
        std::optional<std::int64_t> expires;
        if (const auto e = entry.find("expiresUnix"); e != entry.end() && !e->is_null()) {
            if (!e->is_number_integer()) {
                return base::Err{std::string("expiresUnix must be an integer or null")};
            }
            expires = e->get<std::int64_t>();
            if (*expires <= unix_now) {
                continue;
            }
        }
        const auto reason = entry.find("reason");
        out.ban(*range, expires,
                reason != entry.end() && reason->is_string() ? reason->get<std::string>() : "");
    }
    return out;
}

nlohmann::json fleet_ban_json(const FleetBan& ban, std::int64_t unix_now) {
    nlohmann::json left = nullptr;
    if (ban.expires_unix) {
        left = std::max<std::int64_t>(0, *ban.expires_unix - unix_now);
    }
    return {{"address", ban.range.to_string()}, {"secondsLeft", left}, {"reason", ban.reason}};
}

nlohmann::json room_ban_args(const FleetBan& ban, std::int64_t unix_now) {
    std::int64_t seconds = 0;
    if (ban.expires_unix) {
        seconds = std::clamp<std::int64_t>(*ban.expires_unix - unix_now, 1, kMaxFleetBanSeconds);
    }
    std::string reason(kFleetBanReasonPrefix);
    if (!ban.reason.empty()) {
        reason += ": " + ban.reason;
    }
    return {{"address", ban.range.to_string()}, {"seconds", seconds}, {"reason", reason}};
}

bool is_fleet_ban_reason(std::string_view reason) {
    return reason.substr(0, kFleetBanReasonPrefix.size()) == kFleetBanReasonPrefix &&
           (reason.size() == kFleetBanReasonPrefix.size() ||
            reason.substr(kFleetBanReasonPrefix.size(), 2) == ": ");
}

base::Result<FleetBans, std::string> load_fleet_bans(const std::string& path,
                                                     std::int64_t unix_now) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (errno == ENOENT) {
            return FleetBans{};
        }
        return base::Err{path + ": " + std::strerror(errno)};
    }
    std::stringstream text;
    text << in.rdbuf();
    auto bans = FleetBans::from_json_text(text.str(), unix_now);
    if (!bans.ok()) {
        return base::Err{path + ": " + bans.error()};
    }
    return bans;
}

base::Status<std::string> save_fleet_bans(const std::string& path, const FleetBans& bans) {
    return io::write_file_atomically(path, bans.to_json_text());
}

std::optional<std::int64_t> parse_ban_duration(std::string_view text) {
    if (text.empty()) {
        return std::nullopt;
    }
    std::int64_t unit = 1;
    switch (text.back()) {
    case 's':
        text.remove_suffix(1);
        break;
    case 'm':
        unit = 60;
        text.remove_suffix(1);
        break;
    case 'h':
        unit = 3600;
        text.remove_suffix(1);
        break;
    case 'd':
        unit = 24 * 3600;
        text.remove_suffix(1);
        break;
    default:
        break;
    }
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value <= 0 ||
        value > kMaxFleetBanSeconds / unit) {
        return std::nullopt;
    }
    return value * unit;
}

} // namespace jamfleet::orchestrator
