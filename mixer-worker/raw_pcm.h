// Uncompressed audio frames of Jamulus 4.0 (after RAWAUDIO_SUPPORTED, message 36): interleaved
// int16 little-endian PCM, frame_samples × channels × 2 bytes. The mixer's floats are in int16
// units, so a frame converts without scaling. Real-time path: no allocation.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>

namespace jamfleet::mixer {

// `bytes` holds out.size() samples (2 bytes each).
inline void raw_pcm_to_floats(std::span<const std::uint8_t> bytes, std::span<float> out) {
    for (std::size_t i = 0; i < out.size(); ++i) {
        const auto v = static_cast<std::uint16_t>(bytes[2 * i] | (bytes[2 * i + 1] << 8));
        out[i] = static_cast<float>(static_cast<std::int16_t>(v));
    }
}

// Clamped to the int16 range as Jamulus's own mix is; `out` holds 2 × in.size() bytes.
inline void floats_to_raw_pcm(std::span<const float> in, std::span<std::uint8_t> out) {
    for (std::size_t i = 0; i < in.size(); ++i) {
        const float clamped = std::clamp(in[i], -32768.0f, 32767.0f);
        const auto v = static_cast<std::uint16_t>(static_cast<std::int16_t>(std::lrint(clamped)));
        out[2 * i] = static_cast<std::uint8_t>(v & 0xff);
        out[2 * i + 1] = static_cast<std::uint8_t>(v >> 8);
    }
}

} // namespace jamfleet::mixer
