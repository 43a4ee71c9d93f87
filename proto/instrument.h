// Instrument numbers of CHANNEL_INFOS (docs/protocol.md): a fixed table in
// every Jamulus client, 0 = none.
#pragma once

#include <cstdint>
#include <string_view>

namespace jamfleet::proto {

// The English name ("Acoustic Guitar" for 4); "" for 0 (none) and numbers the
// table of Jamulus 3.9.1–3.11 does not define (servers pass any number through).
std::string_view instrument_name(std::uint32_t instrument);

} // namespace jamfleet::proto
