// Name mapping of the jam recorder; the character table mirrors what a Jamulus
// server writes so that file names match byte for byte.
#include "recorder/naming.h"

#include <array>
#include <cstdio>
#include <ctime>

namespace jamfleet::recorder {
namespace {

// Latin-1 code point -> file-name character. ASCII letters and digits stay,
// accented letters lose their accent, superscript digits become digits, µ becomes
// u and × becomes x; everything else (punctuation, controls, symbols) becomes `_`.
constexpr std::array<char, 256> make_char_map() {
    std::array<char, 256> map{};
    for (auto& c : map) {
        c = '_';
    }
    for (int c = '0'; c <= '9'; ++c) {
        map[static_cast<std::size_t>(c)] = static_cast<char>(c);
    }
    for (int c = 'A'; c <= 'Z'; ++c) {
        map[static_cast<std::size_t>(c)] = static_cast<char>(c);
        map[static_cast<std::size_t>(c + 32)] = static_cast<char>(c + 32);
    }
    // Windows-1252 leftovers that Qt's Latin-1 conversion keeps in 0x80..0x9f.
    map[0x8a] = 'S';
    map[0x8c] = 'O';
    map[0x8e] = 'Z';
    map[0x9a] = 's';
    map[0x9c] = 'o';
    map[0x9e] = 'z';
    map[0x9f] = 'Y';
    map[0xb2] = '2';
    map[0xb3] = '3';
    map[0xb5] = 'u';
    map[0xb9] = '1';
    constexpr std::string_view upper = "AAAAAAACEEEEIIIIDNOOOOOxOUUUUYPS";
    constexpr std::string_view lower = "aaaaaaaceeeeiiiidnooooo_ouuuuypy";
    for (std::size_t i = 0; i < 32; ++i) {
        map[0xc0 + i] = upper[i];
        map[0xe0 + i] = lower[i];
    }
    return map;
}

constexpr std::array<char, 256> kCharMap = make_char_map();

// Appends the UTF-16 code units of a UTF-8 string, mapped; an invalid byte counts
// as one unit (Qt turns it into U+FFFD, which is outside Latin-1).
void append_mapped_units(std::string_view utf8, std::string& out) {
    std::size_t i = 0;
    while (i < utf8.size()) {
        const auto b = static_cast<unsigned char>(utf8[i]);
        std::uint32_t cp = 0xfffd;
        std::size_t len = 1;
        if (b < 0x80) {
            cp = b;
        } else if ((b & 0xe0) == 0xc0) {
            len = 2;
        } else if ((b & 0xf0) == 0xe0) {
            len = 3;
        } else if ((b & 0xf8) == 0xf0) {
            len = 4;
        }
        if (len > 1) {
            bool valid = i + len <= utf8.size();
            std::uint32_t value = b & (0x7fu >> len);
            for (std::size_t k = 1; valid && k < len; ++k) {
                const auto cont = static_cast<unsigned char>(utf8[i + k]);
                valid = (cont & 0xc0) == 0x80;
                value = (value << 6) | (cont & 0x3fu);
            }
            if (valid) {
                cp = value;
            } else {
                len = 1;
            }
        }
        i += len;
        if (cp < 0x100) {
            out.push_back(kCharMap[cp]);
        } else {
            // Outside Latin-1: one `_` per UTF-16 code unit (two for a surrogate pair).
            out.append(cp >= 0x10000 ? 2 : 1, '_');
        }
    }
}

} // namespace

std::string map_client_name(std::string_view utf8_name) {
    std::string out;
    append_mapped_units(utf8_name, out);
    if (out.size() < 4) {
        out.append(4 - out.size(), '_');
    }
    return out;
}

std::string map_client_address(std::uint32_t ip, std::uint16_t port) {
    const unsigned a = (ip >> 24) & 0xff;
    const unsigned b = (ip >> 16) & 0xff;
    const unsigned c = (ip >> 8) & 0xff;
    const unsigned d = ip & 0xff;
    char buf[48];
    // Jamulus hides the last octet for privacy, except for the loopback address.
    if (ip == 0x7f000001u) {
        std::snprintf(buf, sizeof buf, "%u_%u_%u_%u_%u", a, b, c, d, unsigned{port});
    } else {
        std::snprintf(buf, sizeof buf, "%u_%u_%u_x_%u", a, b, c, unsigned{port});
    }
    return buf;
}

std::string client_track_name(std::string_view utf8_name, std::uint32_t ip, std::uint16_t port) {
    return map_client_name(utf8_name) + "-" + map_client_address(ip, port);
}

std::string wav_file_stem(std::string_view utf8_name, std::uint32_t ip, std::uint16_t port,
                          std::int64_t start_frame, int channels) {
    return client_track_name(utf8_name, ip, port) + "-" + std::to_string(start_frame) + "-" +
           std::to_string(channels);
}

std::string session_dir_name(std::chrono::system_clock::time_point when) {
    const auto ms_total =
        std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count();
    const std::time_t secs = static_cast<std::time_t>(ms_total / 1000);
    const int ms = static_cast<int>(ms_total % 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "Jam-%04d%02d%02d-%02d%02d%02d%03d", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
    return buf;
}

std::string seconds_at_48k(std::int64_t frames, int frame_samples) {
    const double seconds = static_cast<double>(frames * frame_samples) / 48000.0;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.14f", seconds);
    return buf;
}

} // namespace jamfleet::recorder
