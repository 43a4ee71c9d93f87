// libFuzzer target for a room's bans file and address ranges (docs/moderation.md):
// any text gives bans or an error, never a crash; what parses survives a round trip.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "mixer-worker/moderation_store.h"

using namespace jamfleet;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (const auto range = mixer::AddressRange::parse(text)) {
        const auto again = mixer::AddressRange::parse(range->to_string());
        // The range's own base address is in it.
        const io::SocketAddress base = range->family == mixer::AddressRange::Family::V6
                                           ? io::SocketAddress::ipv6(range->ip6, 0)
                                           : io::SocketAddress{range->ip, 0};
        if (!again || !(*again == *range) || !range->contains(base)) {
            std::abort();
        }
    }
    const base::TimePoint now{std::chrono::hours(1)};
    const std::int64_t unix_now = 1'700'000'000;
    auto bans = mixer::bans_from_json(text, now, unix_now);
    if (!bans.ok()) {
        if (bans.error().empty()) {
            std::abort(); // a rejected file must say why
        }
        return 0;
    }
    // Written and read back at the same instant: the same bans, none lost.
    auto again = mixer::bans_from_json(mixer::bans_to_json(*bans, now, unix_now), now, unix_now);
    if (!again.ok() || again->size() != bans->size()) {
        std::abort();
    }
    return 0;
}
