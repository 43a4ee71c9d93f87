// Qt 5.15's English country names (QLocale::countryToString) by wire code, as
// Jamulus 3.10+ reports them in jamulusserver/getClients "countryName".
#include "proto/country.h"

#include <array>

namespace jamfleet::proto {
namespace {

// Index = Qt 5 QLocale::Country value. Spellings are Qt 5.15's own, not ISO's
// ("Bosnia And Herzegowina", "Cura Sao", "Swaziland"), because tools compare them
// with what real Jamulus prints. Entry 0 is Qt's name for AnyCountry.
// clang-format off
constexpr std::array<std::string_view, kMaxWireCountry + 1> kNameByCountry = {{
    /*   0 */ "Default", "Afghanistan", "Albania", "Algeria", "American Samoa", "Andorra", "Angola",
    /*   7 */ "Anguilla", "Antarctica", "Antigua And Barbuda", "Argentina", "Armenia", "Aruba",
    /*  13 */ "Australia", "Austria", "Azerbaijan", "Bahamas", "Bahrain", "Bangladesh", "Barbados",
    /*  20 */ "Belarus", "Belgium", "Belize", "Benin", "Bermuda", "Bhutan", "Bolivia",
    /*  27 */ "Bosnia And Herzegowina", "Botswana", "Bouvet Island", "Brazil",
    /*  31 */ "British Indian Ocean Territory", "Brunei", "Bulgaria", "Burkina Faso", "Burundi",
    /*  36 */ "Cambodia", "Cameroon", "Canada", "Cape Verde", "Cayman Islands",
    /*  41 */ "Central African Republic", "Chad", "Chile", "China", "Christmas Island",
    /*  46 */ "Cocos Islands", "Colombia", "Comoros", "Congo Kinshasa", "Congo Brazzaville",
    /*  51 */ "Cook Islands", "Costa Rica", "Ivory Coast", "Croatia", "Cuba", "Cyprus",
    /*  57 */ "Czech Republic", "Denmark", "Djibouti", "Dominica", "Dominican Republic",
    /*  62 */ "East Timor", "Ecuador", "Egypt", "El Salvador", "Equatorial Guinea", "Eritrea",
    /*  68 */ "Estonia", "Ethiopia", "Falkland Islands", "Faroe Islands", "Fiji", "Finland",
    /*  74 */ "France", "Guernsey", "French Guiana", "French Polynesia",
    /*  78 */ "French Southern Territories", "Gabon", "Gambia", "Georgia", "Germany", "Ghana",
    /*  84 */ "Gibraltar", "Greece", "Greenland", "Grenada", "Guadeloupe", "Guam", "Guatemala",
    /*  91 */ "Guinea", "Guinea Bissau", "Guyana", "Haiti", "Heard And McDonald Islands",
    /*  96 */ "Honduras", "Hong Kong", "Hungary", "Iceland", "India", "Indonesia", "Iran", "Iraq",
    /* 104 */ "Ireland", "Israel", "Italy", "Jamaica", "Japan", "Jordan", "Kazakhstan", "Kenya",
    /* 112 */ "Kiribati", "North Korea", "South Korea", "Kuwait", "Kyrgyzstan", "Laos", "Latvia",
    /* 119 */ "Lebanon", "Lesotho", "Liberia", "Libya", "Liechtenstein", "Lithuania", "Luxembourg",
    /* 126 */ "Macau", "Macedonia", "Madagascar", "Malawi", "Malaysia", "Maldives", "Mali", "Malta",
    /* 134 */ "Marshall Islands", "Martinique", "Mauritania", "Mauritius", "Mayotte", "Mexico",
    /* 140 */ "Micronesia", "Moldova", "Monaco", "Mongolia", "Montserrat", "Morocco", "Mozambique",
    /* 147 */ "Myanmar", "Namibia", "Nauru", "Nepal", "Netherlands", "Cura Sao", "New Caledonia",
    /* 154 */ "New Zealand", "Nicaragua", "Niger", "Nigeria", "Niue", "Norfolk Island",
    /* 160 */ "Northern Mariana Islands", "Norway", "Oman", "Pakistan", "Palau",
    /* 165 */ "Palestinian Territories", "Panama", "Papua New Guinea", "Paraguay", "Peru",
    /* 170 */ "Philippines", "Pitcairn", "Poland", "Portugal", "Puerto Rico", "Qatar", "Reunion",
    /* 177 */ "Romania", "Russia", "Rwanda", "Saint Kitts And Nevis", "Saint Lucia",
    /* 182 */ "Saint Vincent And The Grenadines", "Samoa", "San Marino", "Sao Tome And Principe",
    /* 186 */ "Saudi Arabia", "Senegal", "Seychelles", "Sierra Leone", "Singapore", "Slovakia",
    /* 192 */ "Slovenia", "Solomon Islands", "Somalia", "South Africa",
    /* 196 */ "South Georgia And The South Sandwich Islands", "Spain", "Sri Lanka", "Saint Helena",
    /* 200 */ "Saint Pierre And Miquelon", "Sudan", "Suriname", "Svalbard And Jan Mayen Islands",
    /* 204 */ "Swaziland", "Sweden", "Switzerland", "Syria", "Taiwan", "Tajikistan", "Tanzania",
    /* 211 */ "Thailand", "Togo", "Tokelau", "Tonga", "Trinidad And Tobago", "Tunisia", "Turkey",
    /* 218 */ "Turkmenistan", "Turks And Caicos Islands", "Tuvalu", "Uganda", "Ukraine",
    /* 223 */ "United Arab Emirates", "United Kingdom", "United States",
    /* 226 */ "United States Minor Outlying Islands", "Uruguay", "Uzbekistan", "Vanuatu",
    /* 230 */ "Vatican City State", "Venezuela", "Vietnam", "British Virgin Islands",
    /* 234 */ "United States Virgin Islands", "Wallis And Futuna Islands", "Western Sahara",
    /* 237 */ "Yemen", "Canary Islands", "Zambia", "Zimbabwe", "Clipperton Island", "Montenegro",
    /* 243 */ "Serbia", "Saint Barthelemy", "Saint Martin", "Latin America", "Ascension Island",
    /* 248 */ "Aland Islands", "Diego Garcia", "Ceuta And Melilla", "Isle Of Man", "Jersey",
    /* 253 */ "Tristan Da Cunha", "South Sudan", "Bonaire", "Sint Maarten", "Kosovo",
    /* 258 */ "European Union", "Outlying Oceania", "World", "Europe",
}};
// clang-format on

} // namespace

std::string_view country_name(std::uint16_t country) {
    if (country >= kNameByCountry.size()) {
        return {};
    }
    return kNameByCountry[country];
}

} // namespace jamfleet::proto
