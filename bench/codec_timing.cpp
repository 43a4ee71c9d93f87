// jamfleet-codec-timing's measurement: what one mixer tick's libopus work (N decodes and one
// shared encode, through the mixer's own codec wrappers) costs on this machine, once with ticks
// back to back and once paced as a server runs them (sleeping to the next frame deadline).
// The difference, and the CPU time of a wake-up alone (a third run without work), are the
// price of waking up for every tick, which docs/performance.md uses to explain where the
// N = 8 figures come from. It calls whatever Opus the process resolves, which lets
// jamulus_codec_probe time real Jamulus's own built-in Opus with exactly the same loop.
#include <opus.h>
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "bench/codec_timing.h"
#include "bench/load_options.h"
#include "bench/tone_loop.h"
#include "mixer-worker/opus_codec.h"
#include "proto/audio_format.h"

namespace jamfleet::bench {
namespace {

using jamfleet::mixer::OpusDecoder;
using jamfleet::mixer::OpusEncoder;
using jamfleet::mixer::OpusMode;
using nlohmann::json;

struct Options {
    int frames = 128;
    int channels = 2;
    int sources = 8;
    // Encodes of the mix per tick: 1 is the mixer's shared encode; `--encoders 8` at 8 sources
    // is what a server without shared encodes (real Jamulus) does on default faders.
    int encoders = 1;
    int ticks = 2000;
    jamfleet::proto::AudioQuality quality = jamfleet::proto::AudioQuality::High;
};

std::int64_t now_ns() {
    timespec t{};
    ::clock_gettime(CLOCK_MONOTONIC, &t);
    return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

void sleep_until_ns(std::int64_t deadline) {
    timespec t{};
    t.tv_sec = static_cast<time_t>(deadline / 1'000'000'000);
    t.tv_nsec = static_cast<long>(deadline % 1'000'000'000);
    while (::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, nullptr) != 0) {
    }
}

std::int64_t process_cpu_ns() {
    timespec t{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

// The CPU time of waking up for a tick and going back to sleep, with no work in between:
// the fixed price of every tick, whatever it then does.
json idle_wake_cost(const Options& o) {
    const std::int64_t period = static_cast<std::int64_t>(o.frames) * 1'000'000'000 / 48000;
    std::int64_t deadline = now_ns();
    const std::int64_t cpu_before = process_cpu_ns();
    for (int t = 0; t < o.ticks; ++t) {
        deadline += period;
        sleep_until_ns(deadline);
    }
    const double per_tick_ns =
        static_cast<double>(process_cpu_ns() - cpu_before) / static_cast<double>(o.ticks);
    return json{{"mode", "idle_wake"}, {"cpu_us_per_tick", per_tick_ns / 1000.0}};
}

double median_us(std::vector<double> ns) {
    if (ns.empty()) {
        return 0;
    }
    std::nth_element(ns.begin(), ns.begin() + static_cast<std::ptrdiff_t>(ns.size() / 2), ns.end());
    return ns[ns.size() / 2] / 1000.0;
}

bool parse_int(std::string_view text, int low, int high, int& out) {
    int v = 0;
    if (!parse_number(text, v) || v < low || v > high) {
        return false;
    }
    out = v;
    return true;
}

const char* kUsage =
    "usage: jamfleet-codec-timing [--frames 64|128] [--mono] [--quality low|normal|high]\n"
    "                             [--sources N (1-150, default 8)] [--encoders E (default 1)]\n"
    "                             [--ticks T (default 2000)]\n";

bool parse(int argc, char** argv, Options& o) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        const bool has_value = i + 1 < argc;
        if (a == "--mono") {
            o.channels = 1;
        } else if (a == "--frames" && has_value) {
            if (!parse_int(argv[++i], 64, 128, o.frames) || (o.frames != 64 && o.frames != 128)) {
                return false;
            }
        } else if (a == "--sources" && has_value) {
            if (!parse_int(argv[++i], 1, 150, o.sources)) {
                return false;
            }
        } else if (a == "--encoders" && has_value) {
            if (!parse_int(argv[++i], 1, 150, o.encoders)) {
                return false;
            }
        } else if (a == "--ticks" && has_value) {
            if (!parse_int(argv[++i], 10, 1'000'000, o.ticks)) {
                return false;
            }
        } else if (a == "--quality" && has_value) {
            const auto quality = parse_quality(argv[++i]);
            if (!quality) {
                return false;
            }
            o.quality = *quality;
        } else {
            return false;
        }
    }
    return true;
}

// One run of `ticks` ticks; `paced` sleeps to each frame deadline first, as a server does.
json run(const Options& o, const OpusMode& mode, int coded_bytes, const ToneLoop& stream,
         bool paced) {
    std::vector<OpusDecoder> decoders;
    for (int s = 0; s < o.sources; ++s) {
        auto decoder = OpusDecoder::create(mode, o.channels);
        if (!decoder.ok()) {
            return json{{"error", decoder.error()}};
        }
        decoders.push_back(std::move(decoder).value());
    }
    std::vector<OpusEncoder> encoders;
    for (int e = 0; e < o.encoders; ++e) {
        auto encoder = OpusEncoder::create(mode, o.channels, coded_bytes);
        if (!encoder.ok()) {
            return json{{"error", encoder.error()}};
        }
        encoders.push_back(std::move(encoder).value());
    }
    const auto floats = static_cast<std::size_t>(o.frames * o.channels);
    std::vector<float> pcm(floats), mix(floats);
    std::vector<std::uint8_t> out(static_cast<std::size_t>(coded_bytes));
    std::vector<double> first, later, encode, tick;
    const std::int64_t period = static_cast<std::int64_t>(o.frames) * 1'000'000'000 / 48000;
    std::int64_t deadline = now_ns();
    for (int t = 0; t < o.ticks; ++t) {
        if (paced) {
            deadline += period;
            sleep_until_ns(deadline);
        }
        std::fill(mix.begin(), mix.end(), 0.0f);
        const auto packet = stream.frame(static_cast<std::size_t>(t));
        const std::int64_t tick_start = now_ns();
        for (int s = 0; s < o.sources; ++s) {
            const std::int64_t a = now_ns();
            (void)decoders[static_cast<std::size_t>(s)].decode(packet, std::span<float>(pcm));
            (s == 0 ? first : later).push_back(static_cast<double>(now_ns() - a));
            for (std::size_t i = 0; i < floats; ++i) {
                mix[i] += pcm[i] * (1.0f / static_cast<float>(o.sources));
            }
        }
        for (auto& encoder : encoders) {
            const std::int64_t b = now_ns();
            (void)encoder.encode(std::span<const float>(mix), out);
            encode.push_back(static_cast<double>(now_ns() - b));
        }
        tick.push_back(static_cast<double>(now_ns() - tick_start));
    }
    return json{{"mode", paced ? "paced" : "back_to_back"},
                {"first_decode_us", median_us(first)},
                {"later_decode_us", median_us(later)},
                {"encode_us", median_us(encode)},
                {"tick_us", median_us(tick)}};
}

} // namespace

int codec_timing_main(int argc, char** argv, std::ostream& out) {
    Options o;
    if (!parse(argc, argv, o)) {
        std::fputs(kUsage, stderr);
        return 2;
    }
    using namespace jamfleet::proto;
    const auto codec = o.frames == 64 ? AudioCodingType::Opus64 : AudioCodingType::Opus;
    const int coded_bytes =
        coded_bytes_for(codec, static_cast<std::uint8_t>(o.channels), o.quality);
    auto mode = OpusMode::create(o.frames);
    if (!mode.ok()) {
        std::cerr << "error codec-timing: " << mode.error() << "\n";
        return 1;
    }
    // The very frames jamfleet-load's first client sends (a one-second seamless tone loop).
    const auto stream = encode_tone_loop(o.frames, o.channels, coded_bytes, tone_frequency_hz(0),
                                         tone_amplitude(static_cast<std::size_t>(o.sources)));
    if (!stream) {
        std::cerr << "error codec-timing: encoding the source tone failed\n";
        return 1;
    }
    json result{{"opus", opus_get_version_string()},
                {"frames", o.frames},
                {"channels", o.channels},
                {"coded_bytes", coded_bytes},
                {"sources", o.sources},
                {"encoders", o.encoders},
                {"ticks", o.ticks},
                {"runs", json::array()}};
    bool failed = false;
    for (const bool paced : {false, true}) {
        result["runs"].push_back(run(o, *mode, coded_bytes, *stream, paced));
        failed = failed || result["runs"].back().contains("error");
    }
    result["runs"].push_back(idle_wake_cost(o));
    out << result.dump(2) << "\n";
    out.flush();
    return failed ? 1 : 0;
}

} // namespace jamfleet::bench
