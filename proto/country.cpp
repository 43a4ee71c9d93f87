// Qt 5 QLocale::Country numbers (the Jamulus wire format) <-> ISO 3166 alpha-2.
// Data: index = Qt 5.15 enum value, entry = the code Qt 5 associates with it.
#include "proto/country.h"

#include <array>
#include <cctype>

namespace jamfleet::proto {
namespace {

// Entry 0 is AnyCountry. 246, 260 and 261 are UN M.49 regions (Latin America,
// World, Europe); 258 (EU) and 259 (QO) are CLDR pseudo-regions.
// clang-format off
constexpr std::array<std::string_view, kMaxWireCountry + 1> kIsoByCountry = {{
    /*   0 */ "", "AF", "AL", "DZ", "AS", "AD", "AO", "AI", "AQ", "AG",
    /*  10 */ "AR", "AM", "AW", "AU", "AT", "AZ", "BS", "BH", "BD", "BB",
    /*  20 */ "BY", "BE", "BZ", "BJ", "BM", "BT", "BO", "BA", "BW", "BV",
    /*  30 */ "BR", "IO", "BN", "BG", "BF", "BI", "KH", "CM", "CA", "CV",
    /*  40 */ "KY", "CF", "TD", "CL", "CN", "CX", "CC", "CO", "KM", "CD",
    /*  50 */ "CG", "CK", "CR", "CI", "HR", "CU", "CY", "CZ", "DK", "DJ",
    /*  60 */ "DM", "DO", "TL", "EC", "EG", "SV", "GQ", "ER", "EE", "ET",
    /*  70 */ "FK", "FO", "FJ", "FI", "FR", "GG", "GF", "PF", "TF", "GA",
    /*  80 */ "GM", "GE", "DE", "GH", "GI", "GR", "GL", "GD", "GP", "GU",
    /*  90 */ "GT", "GN", "GW", "GY", "HT", "HM", "HN", "HK", "HU", "IS",
    /* 100 */ "IN", "ID", "IR", "IQ", "IE", "IL", "IT", "JM", "JP", "JO",
    /* 110 */ "KZ", "KE", "KI", "KP", "KR", "KW", "KG", "LA", "LV", "LB",
    /* 120 */ "LS", "LR", "LY", "LI", "LT", "LU", "MO", "MK", "MG", "MW",
    /* 130 */ "MY", "MV", "ML", "MT", "MH", "MQ", "MR", "MU", "YT", "MX",
    /* 140 */ "FM", "MD", "MC", "MN", "MS", "MA", "MZ", "MM", "NA", "NR",
    /* 150 */ "NP", "NL", "CW", "NC", "NZ", "NI", "NE", "NG", "NU", "NF",
    /* 160 */ "MP", "NO", "OM", "PK", "PW", "PS", "PA", "PG", "PY", "PE",
    /* 170 */ "PH", "PN", "PL", "PT", "PR", "QA", "RE", "RO", "RU", "RW",
    /* 180 */ "KN", "LC", "VC", "WS", "SM", "ST", "SA", "SN", "SC", "SL",
    /* 190 */ "SG", "SK", "SI", "SB", "SO", "ZA", "GS", "ES", "LK", "SH",
    /* 200 */ "PM", "SD", "SR", "SJ", "SZ", "SE", "CH", "SY", "TW", "TJ",
    /* 210 */ "TZ", "TH", "TG", "TK", "TO", "TT", "TN", "TR", "TM", "TC",
    /* 220 */ "TV", "UG", "UA", "AE", "GB", "US", "UM", "UY", "UZ", "VU",
    /* 230 */ "VA", "VE", "VN", "VG", "VI", "WF", "EH", "YE", "IC", "ZM",
    /* 240 */ "ZW", "CP", "ME", "RS", "BL", "MF", "419", "AC", "AX", "DG",
    /* 250 */ "EA", "IM", "JE", "TA", "SS", "BQ", "SX", "XK", "EU", "QO",
    /* 260 */ "001", "150",
}};
// clang-format on

} // namespace

std::optional<std::uint16_t> country_from_iso(std::string_view iso) {
    if (iso.size() != 2 && iso.size() != 3) {
        return std::nullopt;
    }
    for (std::size_t i = 1; i < kIsoByCountry.size(); ++i) {
        const std::string_view code = kIsoByCountry[i];
        if (code.size() != iso.size()) {
            continue;
        }
        bool same = true;
        for (std::size_t k = 0; k < code.size(); ++k) {
            const auto c = static_cast<unsigned char>(iso[k]);
            if (std::toupper(c) != static_cast<unsigned char>(code[k])) {
                same = false;
                break;
            }
        }
        if (same) {
            return static_cast<std::uint16_t>(i);
        }
    }
    return std::nullopt;
}

std::string_view iso_from_country(std::uint16_t country) {
    if (country >= kIsoByCountry.size()) {
        return {};
    }
    return kIsoByCountry[country];
}

} // namespace jamfleet::proto
