// Parsing and evaluation of the registration filter (docs/protocol.md §6.5).
#include "directory/list_filter.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "directory/address.h"
#include "io/address_range.h"

namespace jamfleet::directory {

bool Cidr::contains(std::uint32_t ip) const {
    if (prefix_bits == 0) {
        return true;
    }
    const std::uint32_t mask = ~std::uint32_t{0} << (32 - prefix_bits);
    return (ip & mask) == network;
}

// The project's one range parser (io::AddressRange), limited to IPv4: the directory
// speaks the IPv4-only Jamulus directory protocol.
std::optional<Cidr> parse_cidr(std::string_view text) {
    const auto range = io::AddressRange::parse(text);
    if (!range || range->family != io::AddressRange::Family::V4) {
        return std::nullopt;
    }
    return Cidr{range->ip, static_cast<std::uint8_t>(range->prefix)};
}

std::string to_string(const Cidr& c) {
    return ip_to_string(c.network) + '/' + std::to_string(c.prefix_bits);
}

namespace {

// RFC 1123 host name: letters, digits, '-' and '.', at least one letter so that
// malformed dotted quads are not mistaken for names.
bool looks_like_host_name(std::string_view s) {
    if (s.empty() || s.size() > 253 || s.front() == '.' || s.front() == '-') {
        return false;
    }
    bool has_alpha = false;
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isalpha(u)) {
            has_alpha = true;
        } else if (!std::isdigit(u) && c != '-' && c != '.') {
            return false;
        }
    }
    return has_alpha;
}

std::vector<long> version_segments(std::string_view v) {
    std::vector<long> out;
    while (!v.empty() && std::isdigit(static_cast<unsigned char>(v.front()))) {
        long value = 0;
        const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), value);
        if (ec != std::errc{}) {
            break;
        }
        out.push_back(value);
        v.remove_prefix(static_cast<std::size_t>(end - v.data()));
        if (v.size() < 2 || v.front() != '.' || !std::isdigit(static_cast<unsigned char>(v[1]))) {
            break;
        }
        v.remove_prefix(1);
    }
    return out;
}

} // namespace

ListFilter parse_list_filter(std::string_view text) {
    ListFilter f;
    while (!text.empty()) {
        const auto semi = text.find(';');
        const auto item = text.substr(0, semi);
        if (item.empty()) {
            f.warnings.push_back("empty item in list filter");
        } else if (item.size() > 2 && item.front() == '[' && item.back() == ']') {
            f.min_version = std::string(item.substr(1, item.size() - 2));
        } else if (auto cidr = parse_cidr(item)) {
            f.ranges.push_back(*cidr);
        } else if (looks_like_host_name(item)) {
            f.host_names.emplace_back(item);
        } else {
            f.warnings.push_back("ignored list filter item \"" + std::string(item) + '"');
        }
        if (semi == std::string_view::npos) {
            break;
        }
        text.remove_prefix(semi + 1);
    }
    return f;
}

int compare_versions(std::string_view a, std::string_view b) {
    const auto sa = version_segments(a);
    const auto sb = version_segments(b);
    const std::size_t common = std::min(sa.size(), sb.size());
    for (std::size_t i = 0; i < common; ++i) {
        if (sa[i] != sb[i]) {
            return sa[i] < sb[i] ? -1 : 1;
        }
    }
    // Like QVersionNumber: with an equal prefix the longer version is greater
    // (unless its next segment is negative, which digits-only parsing excludes).
    if (sa.size() != sb.size()) {
        return sa.size() > sb.size() ? 1 : -1;
    }
    return 0;
}

bool Admission::version_ok(const std::optional<std::string>& version) const {
    if (!filter_.min_version) {
        return true;
    }
    return version && compare_versions(*version, *filter_.min_version) >= 0;
}

bool Admission::explicitly_trusted(std::uint32_t ip) const {
    const auto contains = [ip](const Cidr& c) { return c.contains(ip); };
    return std::any_of(filter_.ranges.begin(), filter_.ranges.end(), contains) ||
           std::any_of(trusted_.begin(), trusted_.end(), contains) ||
           std::find(resolved_.begin(), resolved_.end(), ip) != resolved_.end();
}

bool Admission::source_allowed(std::uint32_t ip) const {
    if (!filter_.whitelist_active()) {
        return true;
    }
    const auto contains = [ip](const Cidr& c) { return c.contains(ip); };
    return std::any_of(filter_.ranges.begin(), filter_.ranges.end(), contains) ||
           std::find(resolved_.begin(), resolved_.end(), ip) != resolved_.end();
}

} // namespace jamfleet::directory
