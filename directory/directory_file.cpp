// Parsing of Jamulus `--directoryfile` lines: hostaddr;lhostaddr;b64 name;b64 city;
// country;max clients;permanent.
#include "directory/directory_file.h"

#include <algorithm>
#include <charconv>

namespace jamfleet::directory {

namespace {

constexpr std::uint16_t kDefaultPort = 22124;
constexpr std::uint16_t kMaxQt5Country = 261;

int base64_value(char c) {
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '+') {
        return 62;
    }
    if (c == '/') {
        return 63;
    }
    return -1;
}

std::vector<std::string_view> split(std::string_view line, char sep) {
    std::vector<std::string_view> out;
    while (true) {
        const auto pos = line.find(sep);
        out.push_back(line.substr(0, pos));
        if (pos == std::string_view::npos) {
            return out;
        }
        line.remove_prefix(pos + 1);
    }
}

std::optional<long> parse_long(std::string_view s) {
    long value = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) {
        return std::nullopt;
    }
    return value;
}

} // namespace

std::optional<std::string> decode_base64(std::string_view text) {
    while (!text.empty() && text.back() == '=') {
        text.remove_suffix(1);
    }
    std::string out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : text) {
        const int v = base64_value(c);
        if (v < 0) {
            return std::nullopt;
        }
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xff));
        }
    }
    return out;
}

std::string truncate_utf16_units(std::string_view utf8, std::size_t max_units) {
    std::size_t units = 0;
    std::size_t i = 0;
    while (i < utf8.size()) {
        const auto lead = static_cast<unsigned char>(utf8[i]);
        const std::size_t len = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
        const std::size_t cost = len == 4 ? 2 : 1; // astral characters are surrogate pairs
        if (units + cost > max_units || i + len > utf8.size()) {
            break;
        }
        units += cost;
        i += len;
    }
    return std::string(utf8.substr(0, i));
}

DirectoryFileContents parse_directory_file(std::string_view text) {
    DirectoryFileContents result;
    std::size_t line_number = 0;
    for (auto raw : split(text, '\n')) {
        ++line_number;
        if (!raw.empty() && raw.back() == '\r') {
            raw.remove_suffix(1);
        }
        if (raw.empty()) {
            continue;
        }
        const auto where = "line " + std::to_string(line_number) + ": ";
        const auto fields = split(raw, ';');
        if (fields.size() != 7) {
            result.warnings.push_back(where + "expected 7 fields, got " +
                                      std::to_string(fields.size()));
            continue;
        }
        const auto host = parse_address(fields[0], kDefaultPort);
        if (!host) {
            result.warnings.push_back(where + "host address \"" + std::string(fields[0]) +
                                      "\" is not an IPv4 address:port");
            continue;
        }
        auto internal = parse_address(fields[1], kDefaultPort);
        if (!internal) {
            result.warnings.push_back(where + "internal address \"" + std::string(fields[1]) +
                                      "\" is not an IPv4 address:port");
            continue;
        }
        if (internal->port == 0) {
            internal->port = host->port;
        }
        const auto name = decode_base64(fields[2]);
        const auto city = decode_base64(fields[3]);
        if (!name || !city) {
            result.warnings.push_back(where + "name or city is not Base64");
            continue;
        }
        const bool duplicate =
            std::any_of(result.servers.begin(), result.servers.end(),
                        [&](const ImportedServer& s) { return s.host == *host; });
        if (duplicate) {
            result.warnings.push_back(where + "duplicate host address " + to_string(*host));
            continue;
        }
        ImportedServer server;
        server.host = *host;
        server.info.internal = *internal;
        server.info.name = truncate_utf16_units(*name, 20);
        server.info.city = truncate_utf16_units(*city, 20);
        const auto country = parse_long(fields[4]);
        server.info.country = country && *country >= 0 && *country <= kMaxQt5Country
                                  ? static_cast<std::uint16_t>(*country)
                                  : 0;
        const auto max_clients = parse_long(fields[5]);
        server.info.max_clients = max_clients && *max_clients >= 0 && *max_clients <= 255
                                      ? static_cast<std::uint8_t>(*max_clients)
                                      : 10;
        const auto permanent = parse_long(fields[6]);
        server.info.permanent = permanent && *permanent != 0;
        result.servers.push_back(std::move(server));
    }
    std::reverse(result.servers.begin(), result.servers.end());
    return result;
}

std::string encode_base64(std::string_view bytes) {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
        std::uint32_t chunk = 0;
        for (std::size_t k = 0; k < 3; ++k) {
            chunk = (chunk << 8) | (k < n ? static_cast<std::uint8_t>(bytes[i + k]) : 0u);
        }
        for (std::size_t k = 0; k < 4; ++k) {
            out += k <= n ? kAlphabet[(chunk >> (18 - 6 * k)) & 0x3f] : '=';
        }
    }
    return out;
}

std::string format_directory_file(const std::vector<ImportedServer>& servers) {
    std::string text;
    for (auto it = servers.rbegin(); it != servers.rend(); ++it) {
        const ServerInfo& info = it->info;
        text += to_string(it->host) + ";" + to_string(info.internal) + ";" +
                encode_base64(info.name) + ";" + encode_base64(info.city) + ";" +
                std::to_string(info.country) + ";" + std::to_string(info.max_clients) + ";" +
                (info.permanent ? "1" : "0") + "\n";
    }
    return text;
}

} // namespace jamfleet::directory
