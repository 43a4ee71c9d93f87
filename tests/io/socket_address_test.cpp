// SocketAddress parsing, printing, private ranges and hashing.
#include "io/socket_address.h"

#include <gtest/gtest.h>

#include <unordered_set>

namespace jamfleet::io {
namespace {

TEST(SocketAddress, PrintsDottedQuadAndPort) {
    EXPECT_EQ(SocketAddress::loopback(22124).to_string(), "127.0.0.1:22124");
    EXPECT_EQ((SocketAddress{0xc0a80102u, 1}).to_string(), "192.168.1.2:1");
}

TEST(SocketAddress, ParsesWithAndWithoutPort) {
    EXPECT_EQ(SocketAddress::parse("10.0.0.7:22125", 22124), (SocketAddress{0x0a000007u, 22125}));
    EXPECT_EQ(SocketAddress::parse("10.0.0.7", 22124), (SocketAddress{0x0a000007u, 22124}));
    EXPECT_EQ(SocketAddress::parse("255.255.255.255:65535", 0),
              (SocketAddress{0xffffffffu, 65535}));
}

TEST(SocketAddress, RejectsMalformedText) {
    for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4:", "1.2.3.4:65536",
                            "01.2.3.4", "a.b.c.d", "example.com:22124", "1.2.3.4:-1", " 1.2.3.4"}) {
        EXPECT_FALSE(SocketAddress::parse(bad, 22124).has_value()) << bad;
    }
}

TEST(SocketAddress, EndpointsAreIpv4OrBracketedIpv6) {
    EXPECT_EQ(SocketAddress::parse_endpoint("10.0.0.7:22125", 1),
              (SocketAddress{0x0a000007u, 22125}));
    const auto v6 = SocketAddress::parse_endpoint("[2001:db8::5]:22125", 1);
    ASSERT_TRUE(v6);
    EXPECT_TRUE(v6->v6);
    EXPECT_EQ(v6->to_string(), "[2001:db8::5]:22125");
    EXPECT_EQ(SocketAddress::parse_endpoint("[::1]", 22124)->to_string(), "[::1]:22124");
    for (const char* bad : {"::1", "[::1", "[::1]:", "[::1]22124", "[::1]:65536", "[1.2.3.4]:1",
                            "[]:1", "[::1]:x", "example.com"}) {
        EXPECT_FALSE(SocketAddress::parse_endpoint(bad, 22124).has_value()) << bad;
    }
    EXPECT_FALSE(SocketAddress::parse("[::1]:22124", 1).has_value())
        << "parse() stays IPv4: the directory and the protocol's fields are IPv4";
}

TEST(SocketAddress, ClassifiesPrivateRanges) {
    auto priv = [](const char* s) { return SocketAddress::parse(s, 1)->is_private(); };
    EXPECT_TRUE(priv("10.1.2.3"));
    EXPECT_TRUE(priv("127.0.0.1"));
    EXPECT_TRUE(priv("172.16.0.1"));
    EXPECT_TRUE(priv("172.31.255.255"));
    EXPECT_TRUE(priv("192.168.0.1"));
    EXPECT_FALSE(priv("172.32.0.1"));
    EXPECT_FALSE(priv("172.15.0.1"));
    EXPECT_FALSE(priv("8.8.8.8"));
    EXPECT_FALSE(priv("192.169.0.1"));
}

TEST(SocketAddress, HashesDistinctAddressesApart) {
    std::unordered_set<SocketAddress> set;
    for (std::uint16_t port = 1000; port < 1100; ++port) {
        set.insert(SocketAddress::loopback(port));
    }
    set.insert(SocketAddress::loopback(1000));
    EXPECT_EQ(set.size(), 100u);
    EXPECT_TRUE(set.contains(SocketAddress::loopback(1050)));
    EXPECT_LT(SocketAddress::loopback(1), SocketAddress::loopback(2));
}

} // namespace
} // namespace jamfleet::io
