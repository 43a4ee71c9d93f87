// ISO 3166-1 alpha-2 codes, kept as data in config/ (which may not use proto/'s
// wire mapping) so that a fleet file's country can be validated at load time.
#pragma once

#include <string_view>

namespace jamfleet::config {

// True for an assigned ISO 3166-1 alpha-2 code; `code` must be two upper-case letters.
bool is_iso_country(std::string_view code);

// Qt 5's QLocale::Country values run from AnyCountry (0) to LastCountry (261).
inline constexpr int kMaxQtCountry = 261;

} // namespace jamfleet::config
