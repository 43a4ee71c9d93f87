// IPv4 endpoint formatting, parsing and the private-range test.
#include "directory/address.h"

#include <charconv>

namespace jamfleet::directory {

std::string ip_to_string(std::uint32_t ip) {
    return std::to_string(ip >> 24) + '.' + std::to_string((ip >> 16) & 0xff) + '.' +
           std::to_string((ip >> 8) & 0xff) + '.' + std::to_string(ip & 0xff);
}

std::string to_string(Address a) {
    return ip_to_string(a.ip) + ':' + std::to_string(a.port);
}

std::optional<std::uint32_t> parse_ipv4(std::string_view text) {
    std::uint32_t ip = 0;
    for (int part = 0; part < 4; ++part) {
        if (part > 0) {
            if (text.empty() || text.front() != '.') {
                return std::nullopt;
            }
            text.remove_prefix(1);
        }
        // At most three digits per part, so "0001.2.3.4" style input is refused.
        std::size_t digits = 0;
        while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
            ++digits;
        }
        if (digits == 0 || digits > 3) {
            return std::nullopt;
        }
        unsigned value = 0;
        std::from_chars(text.data(), text.data() + digits, value);
        if (value > 255) {
            return std::nullopt;
        }
        ip = (ip << 8) | value;
        text.remove_prefix(digits);
    }
    if (!text.empty()) {
        return std::nullopt;
    }
    return ip;
}

std::optional<Address> parse_address(std::string_view text, std::uint16_t default_port) {
    std::uint16_t port = default_port;
    const auto colon = text.rfind(':');
    if (colon != std::string_view::npos) {
        const auto port_text = text.substr(colon + 1);
        unsigned value = 0;
        const auto [end, ec] =
            std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
        if (ec != std::errc{} || end != port_text.data() + port_text.size() || value > 65535 ||
            port_text.empty()) {
            return std::nullopt;
        }
        port = static_cast<std::uint16_t>(value);
        text = text.substr(0, colon);
    }
    const auto ip = parse_ipv4(text);
    if (!ip) {
        return std::nullopt;
    }
    return Address{*ip, port};
}

bool is_private_ip(std::uint32_t ip) {
    return (ip >> 24) == 10 || (ip >> 24) == 127 || (ip >> 20) == ((172u << 4) | 1u) ||
           (ip >> 16) == ((192u << 8) | 168u);
}

} // namespace jamfleet::directory
