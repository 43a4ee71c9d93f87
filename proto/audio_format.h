// Audio packet sizes and sequence bytes (docs/protocol.md §5.2–§5.3): what a
// client's NETW_TRANSPORT_PROPS means for the datagrams that follow.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "proto/conn_messages.h"

namespace jamfleet::proto {

enum class AudioQuality : std::uint8_t { Low = 0, Normal = 1, High = 2 };

// Coded bytes per frame a Jamulus client picks (§5.2 table); codec Opus or Opus64,
// channels 1 or 2. Returns 0 for other codecs/channel counts.
std::uint16_t coded_bytes_for(AudioCodingType codec, std::uint8_t channels, AudioQuality quality);

constexpr std::uint16_t frame_samples_for(AudioCodingType codec) {
    return codec == AudioCodingType::Opus64 ? 64 : 128;
}

struct AudioFormat {
    AudioCodingType codec = AudioCodingType::Opus;
    std::uint16_t frame_samples = 128;
    std::uint8_t channels = 1;
    std::uint16_t coded_bytes = 45; // per coded frame, without the sequence byte
    std::uint16_t block_factor = 1; // coded frames per datagram
    bool with_sequence = false;     // one sequence byte after each coded frame

    // Bytes per coded frame on the wire (coded bytes + sequence byte).
    std::size_t frame_stride() const { return coded_bytes + (with_sequence ? 1u : 0u); }
    std::size_t packet_bytes() const { return frame_stride() * block_factor; }
    // Uncompressed int16 PCM (Jamulus 4.0 after RAWAUDIO_SUPPORTED): recognised, as Jamulus
    // does (src/server.cpp, r4_0_0beta2), purely by the coded size being 2 bytes per sample.
    bool is_raw() const {
        return coded_bytes == 2u * frame_samples * static_cast<std::uint16_t>(channels);
    }

    // Validates props as a server does: codec Opus/Opus64 only (Celt is answered with
    // OPUS_SUPPORTED), base 10..20000, factor 1/2/4, 1..2 channels.
    static std::optional<AudioFormat> from_props(const NetwTransportProps& props);
    NetwTransportProps to_props() const;

    bool operator==(const AudioFormat&) const = default;
};

// True when `bytes` is the datagram size of some client configuration in the §5.2
// table (codec x channels x quality x factor 1/2/4 x sequence on/off), or of Jamulus 4.0's
// raw PCM (128/256/512 bytes per frame); used to refuse channel creation from junk datagrams.
bool is_valid_audio_packet_size(std::size_t bytes);

// The coded bytes of frame `index` of `packet` (empty if the packet is too short).
std::span<const std::uint8_t> coded_frame(const AudioFormat& format,
                                          std::span<const std::uint8_t> packet, std::size_t index);
// Sequence byte after frame `index`; nullopt without sequence bytes or if out of range.
std::optional<std::uint8_t> sequence_byte(const AudioFormat& format,
                                          std::span<const std::uint8_t> packet, std::size_t index);

// Signed distance from `previous` to `current` on the wrapping u8 sequence
// (1 = next frame, 0 = duplicate, > 1 = frames lost, < 0 = late/reordered).
constexpr int sequence_distance(std::uint8_t previous, std::uint8_t current) {
    return static_cast<std::int8_t>(static_cast<std::uint8_t>(current - previous));
}

} // namespace jamfleet::proto
