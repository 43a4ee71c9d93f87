// Command line of jamfleet-load, the simulated-client load generator.
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <variant>

#include "proto/audio_format.h"

namespace jamfleet::bench {

struct LoadOptions {
    std::uint32_t server_ip = 0x7F000001; // host order
    std::uint16_t server_port = 22124;
    std::uint32_t bind_ip = 0x7F000001;
    std::size_t clients = 1;
    int frame_samples = 128; // 64 = OPUS64 (a -F server), 128 = OPUS
    int channels = 2;
    proto::AudioQuality quality = proto::AudioQuality::High;
    double warmup_s = 4.0;         // connection and Jamulus's ~3 s fade-in, not measured
    double duration_s = 10.0;      // the measurement window
    double check_s = 1.0;          // how much of client 0's mix is decoded and checked
    std::optional<int> server_pid; // sample its CPU and RSS over the window
    std::uint16_t jitter_blocks = 21;
    // Every client lowers its own channel to a gain of its own, as musicians do, so
    // no two personal mixes are identical (defeats shared encodes on purpose).
    bool personal_mixes = false;
};

struct HelpRequested {};

// Parses argv; the string is an error message for the user.
std::variant<LoadOptions, HelpRequested, std::string> parse_load_options(int argc,
                                                                         const char* const* argv);
const char* load_usage();

// The whole of `text` as a decimal number of type T (bench tools' option values).
template <typename T>
bool parse_number(std::string_view text, T& out) {
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && ptr == text.data() + text.size();
}

// "low", "normal" or "high".
std::optional<proto::AudioQuality> parse_quality(std::string_view text);

std::optional<std::uint32_t> parse_ipv4(std::string_view text);
std::string ipv4_to_string(std::uint32_t ip);
const char* quality_name(proto::AudioQuality quality);

} // namespace jamfleet::bench
