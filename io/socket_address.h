// UDP socket address as a plain value, shared by the UDP socket, the directory and
// the mixer; parsing, printing and hashing. IPv4 (host byte order in `ip`) unless
// `v6` is set, then `ip6` holds the IPv6 address (network byte order) and `ip`
// is 0: the directory and the protocol's address fields stay IPv4, only rooms
// also talk to IPv6 clients.
#pragma once

#include <array>
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
    bool v6 = false;
    std::array<std::uint8_t, 16> ip6{}; // network byte order, when v6

    static SocketAddress ipv6(const std::array<std::uint8_t, 16>& address, std::uint16_t port) {
        SocketAddress a;
        a.v6 = true;
        a.ip6 = address;
        a.port = port;
        return a;
    }

    static constexpr SocketAddress any(std::uint16_t port) { return {0, port}; }
    static constexpr SocketAddress loopback(std::uint16_t port) { return {0x7f000001u, port}; }

    // "a.b.c.d:port", or "[v6]:port" as Jamulus prints IPv6 peers.
    std::string to_string() const;
    // "a.b.c.d" or the IPv6 text form.
    std::string ip_string() const;

    // Accepts "a.b.c.d" (port = default_port) or "a.b.c.d:port" with port 1..65535
    // (0 is allowed too, meaning "any port" for binding). Host names are not
    // resolved here (see io/resolver.h).
    static std::optional<SocketAddress> parse(std::string_view text, std::uint16_t default_port);
    // As parse(), and also "[v6]" or "[v6]:port" (brackets required, as Jamulus writes
    // IPv6 peers): for what may name either family, such as the room `jamfleet probe` asks.
    static std::optional<SocketAddress> parse_endpoint(std::string_view text,
                                                       std::uint16_t default_port);
    // Parses only a dotted-quad IPv4 address, host byte order.
    static std::optional<std::uint32_t> parse_ip(std::string_view text);
    // Parses an IPv6 address in text form ("::", "::1", "2001:db8::5"), no brackets.
    static std::optional<std::array<std::uint8_t, 16>> parse_ip6(std::string_view text);

    // RFC 1918 ranges and loopback: 10/8, 127/8, 172.16/12, 192.168/16.
    bool is_private() const;
    bool is_loopback() const;
    // Who sent this, for per-source limits: the IPv4 address, or an IPv6 address's /64
    // prefix (one subscriber's network, as a NATed IPv4 address is one site's). IPv6
    // keys have bit 63 set so they never equal an IPv4 key.
    std::uint64_t host_key() const {
        if (!v6) {
            return ip;
        }
        std::uint64_t prefix = 0;
        for (std::size_t i = 0; i < 8; ++i) {
            prefix = (prefix << 8) | ip6[i];
        }
        return prefix | (1ull << 63);
    }
    bool is_unspecified() const;

    friend constexpr bool operator==(const SocketAddress&, const SocketAddress&) = default;
    friend constexpr auto operator<=>(const SocketAddress&, const SocketAddress&) = default;
};

struct SocketAddressHash {
    std::size_t operator()(const SocketAddress& a) const noexcept {
        // Mix ip and port into 64 bits, then scramble so that consecutive ports spread.
        std::uint64_t v = (static_cast<std::uint64_t>(a.ip) << 16) | a.port;
        if (a.v6) {
            for (std::size_t i = 0; i < 16; i += 8) {
                std::uint64_t part = 0;
                for (std::size_t k = 0; k < 8; ++k) {
                    part = (part << 8) | a.ip6[i + k];
                }
                v ^= part + 0x9e3779b97f4a7c15ull + (v << 6) + (v >> 2);
            }
        }
        v ^= v >> 33;
        v *= 0xff51afd7ed558ccdull;
        v ^= v >> 33;
        return static_cast<std::size_t>(v);
    }
};

} // namespace jamfleet::io

template <>
struct std::hash<jamfleet::io::SocketAddress> : jamfleet::io::SocketAddressHash {};
