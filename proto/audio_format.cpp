// Coded-byte table, packet sizes and sequence-byte access (§5.2–§5.3).
#include "proto/audio_format.h"

#include <array>

namespace jamfleet::proto {
namespace {

// [quality][column]: OPUS64 mono, OPUS64 stereo, OPUS mono, OPUS stereo (§5.2).
constexpr std::array<std::array<std::uint16_t, 4>, 3> kCodedBytes = {{
    {12, 24, 25, 47},
    {22, 35, 45, 71},
    {36, 73, 82, 165},
}};

constexpr std::array<std::uint16_t, 3> kBlockFactors = {1, 2, 4};

} // namespace

std::uint16_t coded_bytes_for(AudioCodingType codec, std::uint8_t channels, AudioQuality quality) {
    if ((codec != AudioCodingType::Opus && codec != AudioCodingType::Opus64) ||
        (channels != 1 && channels != 2)) {
        return 0;
    }
    const auto q = static_cast<std::size_t>(quality);
    if (q >= kCodedBytes.size()) {
        return 0;
    }
    const std::size_t column = (codec == AudioCodingType::Opus ? 2u : 0u) + (channels - 1u);
    return kCodedBytes[q][column];
}

std::optional<AudioFormat> AudioFormat::from_props(const NetwTransportProps& props) {
    const auto codec = static_cast<AudioCodingType>(props.codec);
    if (codec != AudioCodingType::Opus && codec != AudioCodingType::Opus64) {
        return std::nullopt;
    }
    const bool factor_ok =
        props.block_factor == 1 || props.block_factor == 2 || props.block_factor == 4;
    if (props.base_frame_bytes < 10 || props.base_frame_bytes > 20000 || !factor_ok ||
        (props.channels != 1 && props.channels != 2)) {
        return std::nullopt;
    }
    AudioFormat f;
    f.codec = codec;
    f.frame_samples = frame_samples_for(codec);
    f.channels = props.channels;
    f.with_sequence = props.flags == kFlagWithCounter;
    f.coded_bytes = static_cast<std::uint16_t>(props.base_frame_bytes - (f.with_sequence ? 1 : 0));
    f.block_factor = props.block_factor;
    return f;
}

NetwTransportProps AudioFormat::to_props() const {
    NetwTransportProps p;
    p.base_frame_bytes = static_cast<std::uint32_t>(frame_stride());
    p.block_factor = block_factor;
    p.channels = channels;
    p.sample_rate = 48000;
    p.codec = static_cast<std::uint16_t>(codec);
    p.flags = with_sequence ? kFlagWithCounter : 0;
    p.codec_arg = 0;
    return p;
}

bool is_valid_audio_packet_size(std::size_t bytes) {
    const auto fits = [bytes](std::size_t coded) {
        for (std::uint16_t factor : kBlockFactors) {
            if (bytes == coded * factor || bytes == (coded + 1) * factor) {
                return true;
            }
        }
        return false;
    };
    for (const auto& row : kCodedBytes) {
        for (std::uint16_t coded : row) {
            if (fits(coded)) {
                return true;
            }
        }
    }
    // Raw PCM of Jamulus 4.0: 64 mono, 128 mono or 64 stereo, 128 stereo.
    return fits(128) || fits(256) || fits(512);
}

std::span<const std::uint8_t> coded_frame(const AudioFormat& format,
                                          std::span<const std::uint8_t> packet, std::size_t index) {
    const std::size_t begin = index * format.frame_stride();
    if (index >= format.block_factor || begin + format.coded_bytes > packet.size()) {
        return {};
    }
    return packet.subspan(begin, format.coded_bytes);
}

std::optional<std::uint8_t> sequence_byte(const AudioFormat& format,
                                          std::span<const std::uint8_t> packet, std::size_t index) {
    const std::size_t at = index * format.frame_stride() + format.coded_bytes;
    if (!format.with_sequence || index >= format.block_factor || at >= packet.size()) {
        return std::nullopt;
    }
    return packet[at];
}

} // namespace jamfleet::proto
