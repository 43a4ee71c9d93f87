// Value checks used by the fleet loader: IPv4, CIDR, DNS names, lengths, countries.
#include "config/validators.h"

#include <gtest/gtest.h>

namespace jamfleet::config {
namespace {

TEST(Ipv4, ParsesDottedQuadInHostOrder) {
    EXPECT_EQ(parse_ipv4("127.0.0.1"), 0x7F000001u);
    EXPECT_EQ(parse_ipv4("255.255.255.255"), 0xFFFFFFFFu);
}

TEST(Ipv4, RejectsMalformedAddresses) {
    for (const char* bad :
         {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "a.b.c.d", "1..2.3", "1.2.3.4 "}) {
        EXPECT_FALSE(is_ipv4(bad)) << bad;
    }
}

TEST(Cidr, AcceptsNetworkAddressesWithPrefix) {
    EXPECT_EQ(cidr_problem("10.0.0.0/8"), "");
    EXPECT_EQ(cidr_problem("0.0.0.0/0"), "");
    EXPECT_EQ(cidr_problem("192.0.2.7/32"), "");
}

TEST(Cidr, ExplainsEachKindOfBadRange) {
    EXPECT_NE(cidr_problem("10.0.0.0/33").find("prefix length"), std::string::npos);
    EXPECT_NE(cidr_problem("10.0.0.1/8").find("bits set"), std::string::npos);
    EXPECT_NE(cidr_problem("10.0.0/8").find("not an IPv4"), std::string::npos);
    EXPECT_NE(cidr_problem("10.0.0.0/").find("prefix length"), std::string::npos);
}

TEST(DnsName, AcceptsHostNamesWithOptionalTrailingDot) {
    EXPECT_EQ(dns_name_problem("rock.example.org"), "");
    EXPECT_EQ(dns_name_problem("rock.example.org."), "");
    EXPECT_EQ(dns_name_problem("a-b.c1.example"), "");
    EXPECT_EQ(dns_name_problem("localhost", true), "");
}

TEST(DnsName, RejectsLabelRuleViolations) {
    EXPECT_NE(dns_name_problem("under_score.example.org"), "");
    EXPECT_NE(dns_name_problem("-a.example.org"), "");
    EXPECT_NE(dns_name_problem("a-.example.org"), "");
    EXPECT_NE(dns_name_problem("a..example.org"), "");
    EXPECT_NE(dns_name_problem("localhost"), "");
    EXPECT_NE(dns_name_problem(std::string(64, 'a') + ".example.org"), "");
    EXPECT_NE(dns_name_problem("1.2.3.4"), "");
    std::string long_name;
    for (int i = 0; i < 64; ++i) {
        long_name += "abc.";
    }
    EXPECT_NE(dns_name_problem(long_name + "org"), "");
}

TEST(Utf16Length, CountsCodeUnitsLikeJamulus) {
    EXPECT_EQ(utf16_length("Room"), 4u);
    EXPECT_EQ(utf16_length("Zürich"), 6u);
    EXPECT_EQ(utf16_length("🎸"), 2u); // outside the BMP: a surrogate pair
}

TEST(Utf16Length, RejectsInvalidUtf8) {
    EXPECT_FALSE(utf16_length("\xC3"));         // truncated
    EXPECT_FALSE(utf16_length("\xC0\xAF"));     // overlong
    EXPECT_FALSE(utf16_length("\xED\xA0\x80")); // surrogate
    EXPECT_FALSE(utf16_length("\xFF"));
}

TEST(Country, NormalizesIsoCodesToUpperCaseAndNumbersToDecimal) {
    EXPECT_EQ(normalize_country("de"), "DE");
    EXPECT_EQ(normalize_country("Gb"), "GB");
    EXPECT_EQ(normalize_country("0"), "0");
    EXPECT_EQ(normalize_country("261"), "261");
}

TEST(Country, RejectsUnassignedCodesAndOutOfRangeNumbers) {
    EXPECT_FALSE(normalize_country("XX"));
    EXPECT_FALSE(normalize_country("UK")); // the ISO code is GB
    EXPECT_FALSE(normalize_country("262"));
    EXPECT_FALSE(normalize_country("Germany"));
    EXPECT_FALSE(normalize_country(""));
}

TEST(Version, AcceptsNumericDottedVersions) {
    EXPECT_TRUE(is_version("3.8.0"));
    EXPECT_TRUE(is_version("3"));
    EXPECT_FALSE(is_version("3.x"));
    EXPECT_FALSE(is_version("3..1"));
}

} // namespace
} // namespace jamfleet::config
