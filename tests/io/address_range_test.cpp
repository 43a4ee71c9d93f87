// The project's address-range parser (bans, allow-lists, whitelists): IPv4 and IPv6
// addresses and CIDR blocks, host bits cleared, each family matching only itself.
#include "io/address_range.h"

#include <gtest/gtest.h>

namespace jamfleet::io {
namespace {

// An address (any port) from its text, IPv4 or IPv6.
SocketAddress at(std::string_view text) {
    if (text.find(':') != std::string_view::npos) {
        return SocketAddress::ipv6(*SocketAddress::parse_ip6(text), 5000);
    }
    return SocketAddress{*SocketAddress::parse_ip(text), 5000};
}

TEST(AddressRangeTest, ParsesAddressesAndCidrBlocks) {
    const auto single = AddressRange::parse("192.0.2.7");
    ASSERT_TRUE(single);
    EXPECT_EQ(single->prefix, 32);
    EXPECT_EQ(single->to_string(), "192.0.2.7/32");
    const auto block = AddressRange::parse("10.1.2.3/8");
    ASSERT_TRUE(block);
    EXPECT_EQ(block->to_string(), "10.0.0.0/8") << "host bits are cleared";
    EXPECT_TRUE(block->contains(at("10.255.0.1")));
    EXPECT_FALSE(block->contains(at("11.0.0.1")));
    const auto all = AddressRange::parse("0.0.0.0/0");
    ASSERT_TRUE(all);
    EXPECT_TRUE(all->contains(at("203.0.113.9")));
    for (const char* bad : {"", "10.0.0", "10.0.0.1/33", "10.0.0.1/", "10.0.0.1/-1", "10.0.0.1/8x",
                            "host.example", "::1/129", "2001:db8::g", "[::1]", "::1/"}) {
        EXPECT_FALSE(AddressRange::parse(bad)) << bad;
    }
}

TEST(AddressRangeTest, IPv6RangesMatchIPv6AddressesOnly) {
    const auto block = AddressRange::parse("2001:db8:abcd::1/36");
    ASSERT_TRUE(block);
    EXPECT_EQ(block->family, AddressRange::Family::V6);
    EXPECT_EQ(block->to_string(), "2001:db8:a000::/36") << "host bits are cleared";
    EXPECT_TRUE(block->contains(at("2001:db8:afff::9")));
    EXPECT_FALSE(block->contains(at("2001:db8:b000::9")));
    EXPECT_FALSE(block->contains(at("32.1.13.184"))) << "an IPv4 address is never in a v6 range";
    const auto single = AddressRange::single(at("::1"));
    EXPECT_EQ(single.to_string(), "::1/128");
    EXPECT_EQ(AddressRange::parse("::1"), single);
    EXPECT_FALSE(AddressRange::parse("0.0.0.0/0")->contains(at("::ffff:1.2.3.4")))
        << "an IPv4 range never matches an IPv6 peer";
}

} // namespace
} // namespace jamfleet::io
