// IPv4 socket address as a plain value (host byte order), shared by the UDP
// socket, the directory and the mixer; parsing, printing and hashing.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace jamfleet::io {

struct SocketAddress {
    std::uint32_t ip = 0; // host byte order: 127.0.0.1 == 0x7f000001
    std::uint16_t port = 0;

    static constexpr SocketAddress any(std::uint16_t port) { return {0, port}; }
    static constexpr SocketAddress loopback(std::uint16_t port) { return {0x7f000001u, port}; }

    // "a.b.c.d:port".
    std::string to_string() const;
    // "a.b.c.d".
    std::string ip_string() const;

    // Accepts "a.b.c.d" (port = default_port) or "a.b.c.d:port" with port 1..65535
    // (0 is allowed too, meaning "any port" for binding). Host names are not
    // resolved here (see io/resolver.h).
    static std::optional<SocketAddress> parse(std::string_view text, std::uint16_t default_port);
    // Parses only a dotted-quad IPv4 address, host byte order.
    static std::optional<std::uint32_t> parse_ip(std::string_view text);

    // RFC 1918 ranges and loopback: 10/8, 127/8, 172.16/12, 192.168/16.
    bool is_private() const;
    bool is_loopback() const { return (ip >> 24) == 127; }
    bool is_unspecified() const { return ip == 0; }

    friend constexpr bool operator==(const SocketAddress&, const SocketAddress&) = default;
    friend constexpr auto operator<=>(const SocketAddress&, const SocketAddress&) = default;
};

struct SocketAddressHash {
    std::size_t operator()(const SocketAddress& a) const noexcept {
        // Mix ip and port into 64 bits, then scramble so that consecutive ports spread.
        std::uint64_t v = (static_cast<std::uint64_t>(a.ip) << 16) | a.port;
        v ^= v >> 33;
        v *= 0xff51afd7ed558ccdull;
        v ^= v >> 33;
        return static_cast<std::size_t>(v);
    }
};

} // namespace jamfleet::io

template <>
struct std::hash<jamfleet::io::SocketAddress> : jamfleet::io::SocketAddressHash {};
