// Value checks shared by the fleet loader: addresses, ranges, DNS names, lengths.
#include "config/validators.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <charconv>
#include <vector>

#include "config/country_codes.h"

namespace jamfleet::config {
namespace {

std::vector<std::string_view> split(std::string_view text, char sep) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t pos = text.find(sep, start);
        if (pos == std::string_view::npos) {
            parts.push_back(text.substr(start));
            return parts;
        }
        parts.push_back(text.substr(start, pos - start));
        start = pos + 1;
    }
}

bool all_digits(std::string_view text) {
    if (text.empty()) {
        return false;
    }
    for (char c : text) {
        if (c < '0' || c > '9') {
            return false;
        }
    }
    return true;
}

std::optional<unsigned> parse_small_number(std::string_view text, unsigned max) {
    if (!all_digits(text) || text.size() > 5 || (text.size() > 1 && text[0] == '0')) {
        return std::nullopt;
    }
    unsigned value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    if (value > max) {
        return std::nullopt;
    }
    return value;
}

bool is_label_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

} // namespace

std::optional<std::uint32_t> parse_ipv4(std::string_view text) {
    const auto parts = split(text, '.');
    if (parts.size() != 4) {
        return std::nullopt;
    }
    std::uint32_t address = 0;
    for (auto part : parts) {
        const auto value = parse_small_number(part, 255);
        if (!value) {
            return std::nullopt;
        }
        address = (address << 8) | *value;
    }
    return address;
}

bool is_ipv4(std::string_view text) {
    return parse_ipv4(text).has_value();
}

std::string cidr_problem(std::string_view text) {
    const std::size_t slash = text.find('/');
    if (slash == std::string_view::npos) {
        return "not a CIDR range (a.b.c.d/n)";
    }
    const auto address = parse_ipv4(text.substr(0, slash));
    if (!address) {
        return "bad CIDR range: '" + std::string(text.substr(0, slash)) +
               "' is not an IPv4 address";
    }
    const auto prefix = parse_small_number(text.substr(slash + 1), 32);
    if (!prefix) {
        return "bad CIDR range: prefix length must be 0..32";
    }
    const std::uint32_t host_mask =
        *prefix == 0 ? 0xFFFFFFFFu : (*prefix == 32 ? 0u : (0xFFFFFFFFu >> *prefix));
    if ((*address & host_mask) != 0) {
        return "bad CIDR range: address has bits set beyond the /" + std::to_string(*prefix) +
               " prefix";
    }
    return {};
}

std::string dns_name_problem(std::string_view name, bool allow_single_label) {
    if (!name.empty() && name.back() == '.') {
        name.remove_suffix(1);
    }
    if (name.empty()) {
        return "empty DNS name";
    }
    if (name.size() > 253) {
        return "DNS name longer than 253 characters";
    }
    const auto labels = split(name, '.');
    if (labels.size() < 2 && !allow_single_label) {
        return "DNS name must be fully qualified (contain a dot)";
    }
    for (auto label : labels) {
        if (label.empty()) {
            return "DNS name has an empty label";
        }
        if (label.size() > 63) {
            return "DNS label '" + std::string(label) + "' longer than 63 characters";
        }
        for (char c : label) {
            if (!is_label_char(c)) {
                return "DNS label '" + std::string(label) +
                       "' may contain only letters, digits and '-'";
            }
        }
        if (label.front() == '-' || label.back() == '-') {
            return "DNS label '" + std::string(label) + "' may not start or end with '-'";
        }
    }
    if (all_digits(labels.back())) {
        return "DNS name's last label may not be all digits";
    }
    return {};
}

std::optional<std::size_t> utf16_length(std::string_view utf8) {
    std::size_t units = 0;
    std::size_t i = 0;
    while (i < utf8.size()) {
        const auto c = static_cast<unsigned char>(utf8[i]);
        std::size_t extra = 0;
        std::uint32_t cp = 0;
        if (c < 0x80) {
            cp = c;
        } else if ((c & 0xE0) == 0xC0) {
            extra = 1;
            cp = c & 0x1Fu;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2;
            cp = c & 0x0Fu;
        } else if ((c & 0xF8) == 0xF0) {
            extra = 3;
            cp = c & 0x07u;
        } else {
            return std::nullopt;
        }
        if (i + extra >= utf8.size() && extra > 0) {
            return std::nullopt; // truncated sequence
        }
        for (std::size_t k = 1; k <= extra; ++k) {
            const auto cc = static_cast<unsigned char>(utf8[i + k]);
            if ((cc & 0xC0) != 0x80) {
                return std::nullopt;
            }
            cp = (cp << 6) | (cc & 0x3Fu);
        }
        // Overlong forms, surrogates and out-of-range code points are invalid UTF-8.
        static constexpr std::uint32_t kMinForLength[] = {0, 0x80, 0x800, 0x10000};
        if (cp < kMinForLength[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return std::nullopt;
        }
        units += cp >= 0x10000 ? 2 : 1;
        i += extra + 1;
    }
    return units;
}

std::optional<std::string> normalize_country(std::string_view text) {
    if (text.size() == 2 && !all_digits(text)) {
        std::string upper(text);
        for (char& c : upper) {
            if (c >= 'a' && c <= 'z') {
                c = static_cast<char>(c - 'a' + 'A');
            }
        }
        if (is_iso_country(upper)) {
            return upper;
        }
        return std::nullopt;
    }
    const auto number = parse_small_number(text, kMaxQtCountry);
    if (!number) {
        return std::nullopt;
    }
    return std::to_string(*number);
}

bool is_version(std::string_view text) {
    const auto parts = split(text, '.');
    if (parts.empty() || parts.size() > 4) {
        return false;
    }
    for (auto part : parts) {
        if (!all_digits(part) || part.size() > 5) {
            return false;
        }
    }
    return true;
}

bool is_ipv6(std::string_view text) {
    if (text.empty() || text.size() >= INET6_ADDRSTRLEN) {
        return false;
    }
    in6_addr address{};
    return ::inet_pton(AF_INET6, std::string(text).c_str(), &address) == 1;
}

} // namespace jamfleet::config
