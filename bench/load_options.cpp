// Command-line parsing for jamfleet-load (see load_options.h).
#include "bench/load_options.h"

#include <charconv>
#include <cstdlib>
#include <string_view>

namespace jamfleet::bench {
namespace {

bool parse_seconds(std::string_view text, double& out) {
    char* end = nullptr;
    const std::string copy(text);
    out = std::strtod(copy.c_str(), &end);
    return end != copy.c_str() && *end == '\0' && out >= 0;
}

} // namespace

std::optional<proto::AudioQuality> parse_quality(std::string_view text) {
    if (text == "low") {
        return proto::AudioQuality::Low;
    }
    if (text == "normal") {
        return proto::AudioQuality::Normal;
    }
    if (text == "high") {
        return proto::AudioQuality::High;
    }
    return std::nullopt;
}

std::optional<std::uint32_t> parse_ipv4(std::string_view text) {
    std::uint32_t ip = 0;
    for (int i = 0; i < 4; ++i) {
        const auto dot = text.find('.');
        const auto part = i == 3 ? text : text.substr(0, dot);
        if ((i < 3 && dot == std::string_view::npos) || part.empty()) {
            return std::nullopt;
        }
        unsigned value = 0;
        if (!parse_number(part, value) || value > 255) {
            return std::nullopt;
        }
        ip = (ip << 8) | value;
        if (i < 3) {
            text.remove_prefix(dot + 1);
        }
    }
    return ip;
}

std::string ipv4_to_string(std::uint32_t ip) {
    return std::to_string(ip >> 24) + "." + std::to_string((ip >> 16) & 0xFF) + "." +
           std::to_string((ip >> 8) & 0xFF) + "." + std::to_string(ip & 0xFF);
}

const char* quality_name(proto::AudioQuality quality) {
    switch (quality) {
    case proto::AudioQuality::Low:
        return "low";
    case proto::AudioQuality::Normal:
        return "normal";
    case proto::AudioQuality::High:
        return "high";
    }
    return "?";
}

const char* load_usage() {
    return "usage: jamfleet-load [options]\n"
           "  --server IP:PORT     server to load (default 127.0.0.1:22124)\n"
           "  --bind IP            local address of the client sockets (default 127.0.0.1)\n"
           "  --clients N          simulated clients (default 1, max 150)\n"
           "  --frames 64|128      samples per frame (64 needs a -F server; default 128)\n"
           "  --mono | --stereo    channels (default stereo)\n"
           "  --quality Q          low | normal | high (default high)\n"
           "  --warmup S           seconds before measuring (default 4)\n"
           "  --duration S         measurement window in seconds (default 10)\n"
           "  --check S            seconds of client 0's mix to decode and check (default 1)\n"
           "  --server-pid PID     sample this process's CPU time and RSS over the window\n"
           "  --jitter N           jitter-buffer size reported to the server (1..20, 21 auto)\n"
           "  --personal-mixes     each client sets its own channel to a distinct gain, so\n"
           "                       every listener's mix differs\n"
           "Prints one JSON object on stdout.\n";
}

std::variant<LoadOptions, HelpRequested, std::string> parse_load_options(int argc,
                                                                         const char* const* argv) {
    LoadOptions o;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        const auto value = [&]() -> std::optional<std::string_view> {
            if (i + 1 >= argc) {
                return std::nullopt;
            }
            return std::string_view(argv[++i]);
        };
        const auto bad = [&](std::string_view what) {
            return std::string(arg) + ": invalid " + std::string(what);
        };
        if (arg == "-h" || arg == "--help") {
            return HelpRequested{};
        } else if (arg == "--mono") {
            o.channels = 1;
        } else if (arg == "--stereo") {
            o.channels = 2;
        } else if (arg == "--server") {
            const auto v = value();
            const auto colon = v ? v->rfind(':') : std::string_view::npos;
            if (colon == std::string_view::npos) {
                return bad("address (want IP:PORT)");
            }
            const auto ip = parse_ipv4(v->substr(0, colon));
            if (!ip || !parse_number(v->substr(colon + 1), o.server_port) || o.server_port == 0) {
                return bad("address (want IP:PORT)");
            }
            o.server_ip = *ip;
        } else if (arg == "--bind") {
            const auto v = value();
            const auto ip = v ? parse_ipv4(*v) : std::nullopt;
            if (!ip) {
                return bad("address");
            }
            o.bind_ip = *ip;
        } else if (arg == "--clients") {
            const auto v = value();
            if (!v || !parse_number(*v, o.clients) || o.clients < 1 || o.clients > 150) {
                return bad("client count (1..150)");
            }
        } else if (arg == "--frames") {
            const auto v = value();
            if (!v || !parse_number(*v, o.frame_samples) ||
                (o.frame_samples != 64 && o.frame_samples != 128)) {
                return bad("frame size (64 or 128)");
            }
        } else if (arg == "--quality") {
            const auto v = value();
            const auto quality = v ? parse_quality(*v) : std::nullopt;
            if (!quality) {
                return bad("quality (low, normal, high)");
            }
            o.quality = *quality;
        } else if (arg == "--warmup" || arg == "--duration" || arg == "--check") {
            double& target = arg == "--warmup"     ? o.warmup_s
                             : arg == "--duration" ? o.duration_s
                                                   : o.check_s;
            const auto v = value();
            if (!v || !parse_seconds(*v, target) || target > 3600) {
                return bad("seconds");
            }
        } else if (arg == "--server-pid") {
            const auto v = value();
            int pid = 0;
            if (!v || !parse_number(*v, pid) || pid <= 0) {
                return bad("pid");
            }
            o.server_pid = pid;
        } else if (arg == "--jitter") {
            const auto v = value();
            if (!v || !parse_number(*v, o.jitter_blocks) || o.jitter_blocks < 1 ||
                o.jitter_blocks > 21) {
                return bad("jitter-buffer size (1..21)");
            }
        } else if (arg == "--personal-mixes") {
            o.personal_mixes = true;
        } else {
            return std::string("unknown option ") + std::string(arg) + " (see --help)";
        }
    }
    if (o.duration_s <= 0) {
        return std::string("--duration must be positive");
    }
    return o;
}

} // namespace jamfleet::bench
