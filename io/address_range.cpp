#include "io/address_range.h"

#include <algorithm>
#include <charconv>

namespace jamfleet::io {

namespace {

std::uint32_t mask_of(int prefix) {
    return prefix == 0 ? 0u : ~std::uint32_t{0} << (32 - prefix);
}

std::array<std::uint8_t, 16> masked6(std::array<std::uint8_t, 16> bytes, int prefix) {
    for (int i = 0; i < 16; ++i) {
        const int keep = std::clamp(prefix - 8 * i, 0, 8);
        bytes[static_cast<std::size_t>(i)] &= static_cast<std::uint8_t>(0xff00u >> keep);
    }
    return bytes;
}

} // namespace

std::optional<AddressRange> AddressRange::parse(std::string_view text) {
    const auto slash = text.find('/');
    const auto address = text.substr(0, slash);
    AddressRange range;
    if (address.find(':') != std::string_view::npos) {
        const auto ip6 = SocketAddress::parse_ip6(address);
        if (!ip6) {
            return std::nullopt;
        }
        range.family = Family::V6;
        range.ip6 = *ip6;
        range.prefix = 128;
    } else {
        const auto ip = SocketAddress::parse_ip(address);
        if (!ip) {
            return std::nullopt;
        }
        range.ip = *ip;
    }
    const int max_prefix = range.prefix;
    if (slash != std::string_view::npos) {
        const auto digits = text.substr(slash + 1);
        const auto* end = digits.data() + digits.size();
        const auto [ptr, ec] = std::from_chars(digits.data(), end, range.prefix);
        if (digits.empty() || ec != std::errc{} || ptr != end || range.prefix < 0 ||
            range.prefix > max_prefix) {
            return std::nullopt;
        }
    }
    range.ip &= mask_of(std::min(range.prefix, 32));
    if (range.family == Family::V6) {
        range.ip = 0;
        range.ip6 = masked6(range.ip6, range.prefix);
    }
    return range;
}

AddressRange AddressRange::single(const SocketAddress& address) {
    AddressRange range;
    if (address.v6) {
        range.family = Family::V6;
        range.ip6 = address.ip6;
        range.prefix = 128;
    } else {
        range.ip = address.ip;
    }
    return range;
}

bool AddressRange::contains(const SocketAddress& address) const {
    if (address.v6 != (family == Family::V6)) {
        return false;
    }
    if (family == Family::V6) {
        return masked6(address.ip6, prefix) == ip6;
    }
    return (address.ip & mask_of(prefix)) == ip;
}

std::string AddressRange::to_string() const {
    const SocketAddress address =
        family == Family::V6 ? SocketAddress::ipv6(ip6, 0) : SocketAddress{ip, 0};
    return address.ip_string() + "/" + std::to_string(prefix);
}

} // namespace jamfleet::io
