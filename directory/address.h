// IPv4 endpoint value used by the sans-I/O directory core (host-order address),
// with the private-range test Jamulus applies when it substitutes list addresses.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace jamfleet::directory {

struct Address {
    std::uint32_t ip = 0; // host byte order: 127.0.0.1 == 0x7f000001
    std::uint16_t port = 0;

    friend bool operator==(const Address&, const Address&) = default;
    friend auto operator<=>(const Address&, const Address&) = default;
};

// "a.b.c.d:port".
std::string to_string(Address a);
// "a.b.c.d".
std::string ip_to_string(std::uint32_t ip);
// Parses a dotted quad with exactly four decimal parts 0..255.
std::optional<std::uint32_t> parse_ipv4(std::string_view text);
// Parses "a.b.c.d[:port]"; a missing port gives `default_port`.
std::optional<Address> parse_address(std::string_view text, std::uint16_t default_port);

// Jamulus's notion of "private": 10/8, 127/8, 172.16/12, 192.168/16 exactly
// (not 100.64/10 or 169.254/16), see docs/protocol.md §6.4.
bool is_private_ip(std::uint32_t ip);
// 127/8: an address that means "this machine" to whoever uses it.
inline bool is_loopback_ip(std::uint32_t ip) {
    return (ip >> 24) == 127;
}

struct AddressHash {
    std::size_t operator()(const Address& a) const noexcept {
        return std::hash<std::uint64_t>{}((std::uint64_t{a.ip} << 16) | a.port);
    }
};

} // namespace jamfleet::directory
