// UTF-8 validation and UTF-16 code unit counting for wire strings.
#include "proto/text.h"

#include <cstdint>

namespace jamfleet::proto {
namespace {

// Decodes one code point at `pos`; returns its length in bytes and stores its
// UTF-16 unit count, or returns 0 when the bytes there are not valid UTF-8.
std::size_t next_code_point(std::string_view s, std::size_t pos, std::size_t& units) {
    const auto b0 = static_cast<std::uint8_t>(s[pos]);
    std::size_t len = 0;
    std::uint32_t cp = 0;
    std::uint32_t min = 0;
    if (b0 < 0x80) {
        units = 1;
        return 1;
    } else if ((b0 & 0xE0) == 0xC0) {
        len = 2;
        cp = b0 & 0x1Fu;
        min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
        len = 3;
        cp = b0 & 0x0Fu;
        min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
        len = 4;
        cp = b0 & 0x07u;
        min = 0x10000;
    } else {
        return 0;
    }
    if (s.size() - pos < len) {
        return 0;
    }
    for (std::size_t i = 1; i < len; ++i) {
        const auto b = static_cast<std::uint8_t>(s[pos + i]);
        if ((b & 0xC0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (b & 0x3Fu);
    }
    // Overlong forms, UTF-16 surrogates and values past U+10FFFF are not UTF-8.
    if (cp < min || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
        return 0;
    }
    units = cp >= 0x10000 ? 2 : 1;
    return len;
}

} // namespace

std::optional<std::size_t> utf16_length(std::string_view utf8) {
    std::size_t total = 0;
    std::size_t pos = 0;
    while (pos < utf8.size()) {
        std::size_t units = 0;
        const std::size_t len = next_code_point(utf8, pos, units);
        if (len == 0) {
            return std::nullopt;
        }
        total += units;
        pos += len;
    }
    return total;
}

std::string truncate_utf16(std::string_view utf8, std::size_t max_units, std::size_t max_bytes) {
    std::size_t total = 0;
    std::size_t pos = 0;
    while (pos < utf8.size()) {
        std::size_t units = 1;
        std::size_t len = next_code_point(utf8, pos, units);
        if (len == 0) {
            len = 1; // an invalid byte becomes one U+FFFD on the receiver
            units = 1;
        }
        if (total + units > max_units || pos + len > max_bytes) {
            break;
        }
        total += units;
        pos += len;
    }
    return std::string(utf8.substr(0, pos));
}

} // namespace jamfleet::proto
