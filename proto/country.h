// Country codes: the wire carries Qt 5 QLocale::Country numbers (0..261,
// docs/protocol.md §1.6); configs and logs use ISO 3166 alpha-2 codes.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace jamfleet::proto {

constexpr std::uint16_t kAnyCountry = 0;
constexpr std::uint16_t kMaxWireCountry = 261;

// Case-insensitive ISO code ("de", "FR") -> wire code; nullopt when Qt 5 has no
// such country. Also accepts the three UN M.49 region codes Qt 5 lists ("419",
// "001", "150").
std::optional<std::uint16_t> country_from_iso(std::string_view iso);

// Wire code -> upper-case ISO code; "" for 0 (AnyCountry) and codes above 261.
std::string_view iso_from_country(std::uint16_t country);

// Wire code -> Qt 5.15's English name (QLocale::countryToString), the text
// Jamulus 3.10+ puts in getClients "countryName": "Germany" for 82, "Default"
// for 0 (AnyCountry); "" for codes above 261.
std::string_view country_name(std::uint16_t country);

} // namespace jamfleet::proto
