// Tests for Qt 5 wire country codes <-> ISO 3166 alpha-2.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "proto/country.h"

namespace jamfleet::proto {
namespace {

TEST(Country, KnownWireCodes) {
    EXPECT_EQ(iso_from_country(74), "FR");
    EXPECT_EQ(iso_from_country(82), "DE");
    EXPECT_EQ(iso_from_country(225), "US");
    EXPECT_EQ(iso_from_country(224), "GB");
    EXPECT_EQ(iso_from_country(1), "AF");
    EXPECT_EQ(iso_from_country(257), "XK");
}

TEST(Country, AnyCountryAndOutOfRangeHaveNoIso) {
    EXPECT_EQ(iso_from_country(kAnyCountry), "");
    EXPECT_EQ(iso_from_country(262), "");
    EXPECT_EQ(iso_from_country(0xFFFF), "");
}

TEST(Country, IsoLookupIsCaseInsensitive) {
    EXPECT_EQ(country_from_iso("de"), 82);
    EXPECT_EQ(country_from_iso("De"), 82);
    EXPECT_EQ(country_from_iso("FR"), 74);
    EXPECT_EQ(country_from_iso("us"), 225);
}

TEST(Country, UnknownIsoCodesAreRejected) {
    EXPECT_FALSE(country_from_iso("").has_value());
    EXPECT_FALSE(country_from_iso("D").has_value());
    EXPECT_FALSE(country_from_iso("QQ").has_value());
    EXPECT_FALSE(country_from_iso("DEU").has_value());
    EXPECT_FALSE(country_from_iso("ZZ").has_value());
}

TEST(Country, EveryWireCodeRoundTripsThroughIso) {
    std::set<std::string> seen;
    for (std::uint16_t c = 1; c <= kMaxWireCountry; ++c) {
        const std::string_view iso = iso_from_country(c);
        ASSERT_FALSE(iso.empty()) << c;
        EXPECT_TRUE(seen.insert(std::string(iso)).second) << "duplicate " << iso;
        EXPECT_EQ(country_from_iso(iso), c) << iso;
    }
    EXPECT_EQ(seen.size(), 261u);
}

TEST(Country, NamesAreQt5EnglishNames) {
    EXPECT_EQ(country_name(82), "Germany");
    EXPECT_EQ(country_name(225), "United States");
    EXPECT_EQ(country_name(74), "France");
    EXPECT_EQ(country_name(224), "United Kingdom");
    EXPECT_EQ(country_name(1), "Afghanistan");
    // Qt 5 spellings differ from ISO's short names; Jamulus prints Qt's.
    EXPECT_EQ(country_name(27), "Bosnia And Herzegowina");
    EXPECT_EQ(country_name(53), "Ivory Coast");
    EXPECT_EQ(country_name(152), "Cura Sao");
    EXPECT_EQ(country_name(257), "Kosovo");
    EXPECT_EQ(country_name(261), "Europe");
}

TEST(Country, AnyCountryIsNamedDefaultAndOutOfRangeHasNoName) {
    EXPECT_EQ(country_name(kAnyCountry), "Default");
    EXPECT_EQ(country_name(262), "");
    EXPECT_EQ(country_name(0xFFFF), "");
}

TEST(Country, EveryWireCodeHasADistinctName) {
    std::set<std::string> seen;
    for (std::uint16_t c = 1; c <= kMaxWireCountry; ++c) {
        const std::string_view name = country_name(c);
        ASSERT_FALSE(name.empty()) << c;
        EXPECT_TRUE(seen.insert(std::string(name)).second) << "duplicate " << name;
    }
    EXPECT_EQ(seen.size(), 261u);
}

} // namespace
} // namespace jamfleet::proto
