// Pre-encoded sine loops for the simulated clients (see tone_loop.h).
#include "bench/tone_loop.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "bench/opus_custom_codec.h"

namespace jamfleet::bench {

double tone_amplitude(std::size_t num_clients) {
    return std::min(0.25, 0.5 / static_cast<double>(std::max<std::size_t>(num_clients, 1)));
}

std::optional<ToneLoop> encode_tone_loop(int frame_samples, int channels, int coded_bytes,
                                         double frequency_hz, double amplitude) {
    auto codec = OpusCustomCodec::create(frame_samples, channels, coded_bytes);
    if (!codec) {
        return std::nullopt;
    }
    const std::size_t loop_frames = static_cast<std::size_t>(kSampleRate / frame_samples);
    // Enough frames for the encoder's memory (overlap, prefilter, energy prediction).
    const std::size_t warmup_frames = std::min<std::size_t>(loop_frames, 64);
    const auto samples_per_frame = static_cast<std::size_t>(frame_samples);
    const auto channel_count = static_cast<std::size_t>(channels);
    const double scale = amplitude * 32767.0;
    const double step = 2.0 * std::numbers::pi * frequency_hz / kSampleRate;

    std::vector<std::int16_t> pcm(samples_per_frame * channel_count);
    std::vector<std::uint8_t> bytes(loop_frames * static_cast<std::size_t>(coded_bytes));
    std::vector<std::uint8_t> scratch(static_cast<std::size_t>(coded_bytes));
    const std::size_t first = loop_frames - warmup_frames;
    for (std::size_t n = first; n < loop_frames + loop_frames; ++n) {
        const std::size_t frame_in_loop = n % loop_frames;
        for (std::size_t s = 0; s < samples_per_frame; ++s) {
            const double t = static_cast<double>(frame_in_loop * samples_per_frame + s);
            const auto value = static_cast<std::int16_t>(std::lround(scale * std::sin(step * t)));
            for (std::size_t c = 0; c < channel_count; ++c) {
                pcm[s * channel_count + c] = value;
            }
        }
        std::span<std::uint8_t> out = scratch;
        if (n >= loop_frames) {
            out = std::span<std::uint8_t>(bytes).subspan(frame_in_loop *
                                                             static_cast<std::size_t>(coded_bytes),
                                                         static_cast<std::size_t>(coded_bytes));
        }
        if (!codec->encode(pcm, out)) {
            return std::nullopt;
        }
    }
    return ToneLoop(std::move(bytes), loop_frames, static_cast<std::size_t>(coded_bytes));
}

} // namespace jamfleet::bench
