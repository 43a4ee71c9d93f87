// Fleet-wide bans (docs/moderation.md, "Fleet-wide bans"): address ranges banned in every
// room, kept by the supervisor in RUN_DIR/fleet-bans.json and sent to each room through its
// control op `ban`. Sans-I/O apart from load/save; time is Unix seconds, passed in.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "io/address_range.h"

namespace jamfleet::orchestrator {

// A ban's reason in the rooms starts with this, so that the supervisor can tell its own bans
// from a room's when it reconciles a room that missed an unban while it was down.
inline constexpr std::string_view kFleetBanReasonPrefix = "fleet-wide";
// At most a year, as a room's bans; longer is "until lifted".
inline constexpr std::int64_t kMaxFleetBanSeconds = 366LL * 24 * 3600;

struct FleetBan {
    io::AddressRange range;
    std::optional<std::int64_t> expires_unix; // none = until lifted
    std::string reason;
};

class FleetBans {
public:
    // Adds a ban, or replaces the one on exactly the same range.
    void ban(io::AddressRange range, std::optional<std::int64_t> expires_unix, std::string reason);
    // True when a ban on exactly this range existed.
    bool unban(const io::AddressRange& range);
    // Forgets bans that have ended; true when any went.
    bool expire(std::int64_t unix_now);
    // Unexpired bans, oldest first.
    std::vector<FleetBan> active(std::int64_t unix_now) const;
    bool contains(const io::AddressRange& range, std::int64_t unix_now) const;

    // {"bans": [{"range": "a.b.c.d/n", "expiresUnix": n|null, "reason": "..."}]} — the same
    // shape as a room's bans file.
    std::string to_json_text() const;
    // Bans already ended at unix_now are left out.
    static base::Result<FleetBans, std::string> from_json_text(std::string_view text,
                                                               std::int64_t unix_now);

private:
    std::vector<FleetBan> bans_;
};

// {"address", "secondsLeft" (null = until lifted), "reason"}: what `bans` lists.
nlohmann::json fleet_ban_json(const FleetBan& ban, std::int64_t unix_now);
// The room control op `ban`'s args for this ban: {"address", "seconds" (left; 0 = until
// lifted), "reason" ("fleet-wide: REASON")}.
nlohmann::json room_ban_args(const FleetBan& ban, std::int64_t unix_now);
// Whether a ban a room reports (its reason) is one the supervisor sent.
bool is_fleet_ban_reason(std::string_view reason);

// A missing file is an empty list (first start).
base::Result<FleetBans, std::string> load_fleet_bans(const std::string& path,
                                                     std::int64_t unix_now);
// Atomically (io::write_file_atomically).
base::Status<std::string> save_fleet_bans(const std::string& path, const FleetBans& bans);

// "90", "90s", "15m", "2h", "7d" → seconds; nullopt for anything else or past a year.
std::optional<std::int64_t> parse_ban_duration(std::string_view text);

} // namespace jamfleet::orchestrator
