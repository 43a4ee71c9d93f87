// The bans file of a room (docs/moderation.md): bans survive a restart of the
// mixer because the fleet keeps them in its state directory. Expiries are
// stored as Unix seconds (the steady clock restarts with the process); the
// file is replaced atomically (write a temporary, fsync, rename).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "mixer-worker/moderation.h"

namespace jamfleet::mixer {

// JSON text {"bans":[{"range":"a.b.c.d/n","expiresUnix":N|null,"reason":"..."}]}.
std::string bans_to_json(const std::vector<Ban>& bans, base::TimePoint now, std::int64_t unix_now);
// Bans already expired at unix_now are left out.
base::Result<std::vector<Ban>, std::string>
bans_from_json(std::string_view text, base::TimePoint now, std::int64_t unix_now);

// A missing file is an empty list (first start).
base::Result<std::vector<Ban>, std::string> load_bans(const std::string& path, base::TimePoint now,
                                                      std::int64_t unix_now);
base::Status<std::string> save_bans(const std::string& path, const std::vector<Ban>& bans,
                                    base::TimePoint now, std::int64_t unix_now);

} // namespace jamfleet::mixer
