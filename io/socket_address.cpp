// Text form of socket addresses; strict parsing (no octal, no shorthand forms).
#include "io/socket_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <charconv>

namespace jamfleet::io {
namespace {

std::optional<std::uint32_t> parse_number(std::string_view text, std::uint32_t max) {
    if (text.empty() || text.size() > 5) {
        return std::nullopt;
    }
    std::uint32_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value > max) {
        return std::nullopt;
    }
    return value;
}

} // namespace

std::string SocketAddress::ip_string() const {
    if (v6) {
        char text[INET6_ADDRSTRLEN] = {};
        ::inet_ntop(AF_INET6, ip6.data(), text, sizeof text);
        return text;
    }
    std::string out;
    for (int shift = 24; shift >= 0; shift -= 8) {
        out += std::to_string((ip >> shift) & 0xffu);
        if (shift != 0) {
            out += '.';
        }
    }
    return out;
}

std::string SocketAddress::to_string() const {
    if (v6) {
        return "[" + ip_string() + "]:" + std::to_string(port);
    }
    return ip_string() + ":" + std::to_string(port);
}

std::optional<std::array<std::uint8_t, 16>> SocketAddress::parse_ip6(std::string_view text) {
    if (text.empty() || text.size() >= INET6_ADDRSTRLEN) {
        return std::nullopt;
    }
    const std::string copy(text);
    std::array<std::uint8_t, 16> out{};
    if (::inet_pton(AF_INET6, copy.c_str(), out.data()) != 1) {
        return std::nullopt;
    }
    return out;
}

bool SocketAddress::is_loopback() const {
    if (v6) {
        static constexpr std::array<std::uint8_t, 16> kLoopback6{0, 0, 0, 0, 0, 0, 0, 0,
                                                                 0, 0, 0, 0, 0, 0, 0, 1};
        return ip6 == kLoopback6;
    }
    return (ip >> 24) == 127;
}

bool SocketAddress::is_unspecified() const {
    return v6 ? ip6 == std::array<std::uint8_t, 16>{} : ip == 0;
}

std::optional<std::uint32_t> SocketAddress::parse_ip(std::string_view text) {
    std::uint32_t ip = 0;
    for (int i = 0; i < 4; ++i) {
        const auto dot = text.find('.');
        const bool last = i == 3;
        if (last != (dot == std::string_view::npos)) {
            return std::nullopt;
        }
        const auto part = last ? text : text.substr(0, dot);
        // A leading zero would be octal to inet_aton; refuse the ambiguity.
        if (part.size() > 3 || (part.size() > 1 && part[0] == '0')) {
            return std::nullopt;
        }
        const auto octet = parse_number(part, 255);
        if (!octet) {
            return std::nullopt;
        }
        ip = (ip << 8) | *octet;
        if (!last) {
            text.remove_prefix(dot + 1);
        }
    }
    return ip;
}

std::optional<SocketAddress> SocketAddress::parse(std::string_view text,
                                                  std::uint16_t default_port) {
    const auto colon = text.rfind(':');
    std::uint16_t port = default_port;
    if (colon != std::string_view::npos) {
        const auto p = parse_number(text.substr(colon + 1), 65535);
        if (!p) {
            return std::nullopt;
        }
        port = static_cast<std::uint16_t>(*p);
        text = text.substr(0, colon);
    }
    const auto ip = parse_ip(text);
    if (!ip) {
        return std::nullopt;
    }
    return SocketAddress{*ip, port};
}

std::optional<SocketAddress> SocketAddress::parse_endpoint(std::string_view text,
                                                           std::uint16_t default_port) {
    if (text.empty() || text.front() != '[') {
        return parse(text, default_port);
    }
    const auto close = text.find(']');
    if (close == std::string_view::npos) {
        return std::nullopt;
    }
    const auto ip6 = parse_ip6(text.substr(1, close - 1));
    if (!ip6) {
        return std::nullopt;
    }
    const auto rest = text.substr(close + 1);
    if (rest.empty()) {
        return ipv6(*ip6, default_port);
    }
    const auto port = rest.front() == ':' ? parse_number(rest.substr(1), 65535) : std::nullopt;
    if (!port) {
        return std::nullopt;
    }
    return ipv6(*ip6, static_cast<std::uint16_t>(*port));
}

bool SocketAddress::is_private() const {
    if (v6) {
        return false; // Jamulus's private ranges are IPv4 ones
    }
    const std::uint32_t a = ip >> 24;
    const std::uint32_t b = (ip >> 16) & 0xffu;
    return a == 10 || a == 127 || (a == 172 && b >= 16 && b <= 31) || (a == 192 && b == 168);
}

} // namespace jamfleet::io
