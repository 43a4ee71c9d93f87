// UDP socket: batch send/receive over loopback, busy-port error text, loop wake-up.
#include "io/udp_socket.h"

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <vector>

#include "io/fd_watcher.h"
#include "io/loop.h"

namespace jamfleet::io {
namespace {

using namespace std::chrono_literals;

UdpSocket bind_loopback() {
    auto s = UdpSocket::bind(SocketAddress::loopback(0), 0);
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error());
    return std::move(s).value();
}

TEST(UdpSocket, BindsAnEphemeralPortOnLoopback) {
    auto s = bind_loopback();
    EXPECT_NE(s.local_address().port, 0);
    EXPECT_EQ(s.local_address().ip, 0x7f000001u);
    EXPECT_GE(s.fd(), 0);
}

TEST(UdpSocket, BusyPortFailsWithOperationAddressAndCause) {
    auto first = bind_loopback();
    const auto port = first.local_address().port;
    auto second = UdpSocket::bind(SocketAddress::loopback(port), 0);
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.error(),
              "bind udp 127.0.0.1:" + std::to_string(port) + ": address already in use");
}

TEST(UdpSocket, AppliesTypeOfService) {
    auto s = UdpSocket::bind(SocketAddress::loopback(0), 128);
    ASSERT_TRUE(s.ok());
}

TEST(UdpSocket, SendsAndReceivesABatch) {
    auto a = bind_loopback();
    auto b = bind_loopback();
    std::vector<std::vector<std::uint8_t>> payloads;
    std::vector<OutgoingDatagram> out;
    for (std::uint8_t i = 0; i < 100; ++i) { // more than one recvmmsg chunk
        payloads.push_back(std::vector<std::uint8_t>(1u + i, i));
    }
    for (const auto& p : payloads) {
        out.push_back({b.local_address(), p});
    }
    EXPECT_EQ(a.send_batch(out), 100u);

    std::vector<std::array<std::uint8_t, 2048>> storage(128);
    std::vector<ReceivedDatagram> in(128);
    for (std::size_t i = 0; i < in.size(); ++i) {
        in[i].buffer = storage[i];
    }
    std::size_t got = 0;
    Loop loop;
    FdWatcher watcher(loop, b.fd(), [&] { got += b.receive_batch(std::span(in).subspan(got)); });
    ASSERT_TRUE(loop.run_until([&] { return got >= 100; }, 5s));
    ASSERT_EQ(got, 100u);
    for (std::size_t i = 0; i < got; ++i) {
        EXPECT_EQ(in[i].from, a.local_address());
        ASSERT_EQ(in[i].size, i + 1);
        EXPECT_FALSE(in[i].truncated);
        EXPECT_EQ(in[i].data()[0], static_cast<std::uint8_t>(i));
    }
    // Traffic counters (metrics): 100 datagrams of 1…100 bytes each way.
    EXPECT_EQ(a.traffic().packets_sent, 100u);
    EXPECT_EQ(a.traffic().bytes_sent, 5050u);
    EXPECT_EQ(b.traffic().packets_received, 100u);
    EXPECT_EQ(b.traffic().bytes_received, 5050u);
    EXPECT_EQ(b.traffic().packets_sent, 0u);
    ASSERT_TRUE(b.send_to(a.local_address(), payloads[2]));
    EXPECT_EQ(b.traffic().packets_sent, 1u);
    EXPECT_EQ(b.traffic().bytes_sent, 3u);
}

TEST(UdpSocket, ReceiveReturnsZeroWhenNothingIsReady) {
    auto s = bind_loopback();
    std::array<std::uint8_t, 64> buf{};
    std::array<ReceivedDatagram, 1> in{};
    in[0].buffer = buf;
    EXPECT_EQ(s.receive_batch(in), 0u);
}

TEST(UdpSocket, ReportsTruncatedDatagrams) {
    auto a = bind_loopback();
    auto b = bind_loopback();
    const std::vector<std::uint8_t> big(100, 7);
    ASSERT_TRUE(a.send_to(b.local_address(), big));
    std::array<std::uint8_t, 10> buf{};
    std::array<ReceivedDatagram, 1> in{};
    in[0].buffer = buf;
    Loop loop;
    std::size_t got = 0;
    FdWatcher watcher(loop, b.fd(), [&] { got += b.receive_batch(in); });
    ASSERT_TRUE(loop.run_until([&] { return got == 1; }, 5s));
    EXPECT_TRUE(in[0].truncated);
    EXPECT_EQ(in[0].size, 10u);
}

TEST(UdpSocket, MovedSocketKeepsItsPort) {
    auto a = bind_loopback();
    const auto addr = a.local_address();
    UdpSocket b = std::move(a);
    EXPECT_EQ(b.local_address(), addr);
    EXPECT_EQ(a.fd(), -1);
    auto again = UdpSocket::bind(addr, 0);
    EXPECT_FALSE(again.ok()); // still bound through b
}

// One datagram into `in` within 5 s (0 when none came).
std::size_t receive_one(UdpSocket& s, ReceivedDatagram& in) {
    Loop loop;
    std::size_t got = 0;
    FdWatcher watcher(loop, s.fd(), [&] { got += s.receive_batch(std::span(&in, 1)); });
    loop.run_until([&] { return got == 1; }, 5s);
    return got;
}

TEST(UdpSocket, ReportsTheLocalAddressADatagramArrivedOnAndAnswersFromIt) {
    // Bound to every address: 127.0.0.2 and 127.0.0.3 are both this host (lo holds 127/8),
    // so only IP_PKTINFO tells which one the peer used.
    auto any = UdpSocket::bind(SocketAddress::any(0), 0);
    ASSERT_TRUE(any.ok());
    auto server = std::move(any).value();
    ASSERT_TRUE(server.report_arrival_address());
    auto client = bind_loopback();
    const std::uint8_t ask[] = {1, 2, 3};
    ASSERT_TRUE(client.send_to({0x7f000002u, server.local_address().port}, ask));

    std::array<std::uint8_t, 64> buf{};
    ReceivedDatagram in{};
    in.buffer = buf;
    ASSERT_EQ(receive_one(server, in), 1u);
    EXPECT_EQ(in.arrived_on, 0x7f000002u);
    EXPECT_EQ(in.from, client.local_address());

    // The answer leaves from the address it is told to use.
    const OutgoingDatagram reply{in.from, ask, 0x7f000003u};
    ASSERT_EQ(server.send_batch(std::span(&reply, 1)), 1u);
    ReceivedDatagram back{};
    back.buffer = buf;
    ASSERT_EQ(receive_one(client, back), 1u);
    EXPECT_EQ(back.from, (SocketAddress{0x7f000003u, server.local_address().port}));
    EXPECT_EQ(back.arrived_on, 0u); // not asked for on this socket
}

TEST(UdpSocket, IPv6OnlySocketTalksToIPv6PeersAndPrintsThemInBrackets) {
    const auto loopback6 = SocketAddress::parse_ip6("::1");
    ASSERT_TRUE(loopback6);
    auto bound = UdpSocket::bind(SocketAddress::ipv6(*loopback6, 0), 128);
    ASSERT_TRUE(bound.ok()) << bound.error();
    auto server = std::move(bound).value();
    EXPECT_TRUE(server.local_address().v6);
    auto client = std::move(UdpSocket::bind(SocketAddress::ipv6(*loopback6, 0))).value();
    const std::uint8_t hello[] = {1, 2, 3};
    ASSERT_TRUE(client.send_to(server.local_address(), hello));
    std::array<std::uint8_t, 16> buf{};
    ReceivedDatagram in{};
    in.buffer = buf;
    ASSERT_EQ(receive_one(server, in), 1u);
    EXPECT_EQ(in.from, client.local_address());
    EXPECT_EQ(in.from.to_string(), "[::1]:" + std::to_string(client.local_address().port));
    EXPECT_TRUE(in.from.is_loopback());
    EXPECT_FALSE(in.from.is_private());
    // Replies in a batch, as the mixer's tick sends them.
    const OutgoingDatagram reply{in.from, hello};
    EXPECT_EQ(server.send_batch(std::span(&reply, 1)), 1u);
    ReceivedDatagram back{};
    back.buffer = buf;
    ASSERT_EQ(receive_one(client, back), 1u);
    EXPECT_EQ(back.from, server.local_address());
}

TEST(UdpSocket, IPv6SocketBesideAnIPv4OneOnTheSamePort) {
    auto v4 = std::move(UdpSocket::bind(SocketAddress::any(0))).value();
    const auto any6 = SocketAddress::parse_ip6("::");
    ASSERT_TRUE(any6);
    auto v6 = UdpSocket::bind(SocketAddress::ipv6(*any6, v4.local_address().port));
    EXPECT_TRUE(v6.ok()) << v6.error(); // IPV6_V6ONLY: the families do not collide
}

TEST(SocketAddress, IPv6AddressesCompareAndHashByAddressAndPort) {
    const auto a = SocketAddress::ipv6(*SocketAddress::parse_ip6("2001:db8::5"), 22124);
    const auto b = SocketAddress::ipv6(*SocketAddress::parse_ip6("2001:db8::6"), 22124);
    EXPECT_NE(a, b);
    EXPECT_NE(SocketAddressHash{}(a), SocketAddressHash{}(b));
    EXPECT_NE(a, (SocketAddress{0, 22124})); // never equal to an IPv4 address
    EXPECT_EQ(a.to_string(), "[2001:db8::5]:22124");
    EXPECT_FALSE(SocketAddress::parse_ip6("1.2.3.4"));
    EXPECT_FALSE(SocketAddress::parse_ip6("[::1]"));
}

} // namespace
} // namespace jamfleet::io
