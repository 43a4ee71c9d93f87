// Stream rates from packet sizes (see audio_bandwidth.h for the counting rule).
#include "proto/audio_bandwidth.h"

namespace jamfleet::proto {

std::uint32_t stream_kbps(const AudioFormat& format) {
    const std::uint64_t bits_per_packet =
        (std::uint64_t{format.packet_bytes()} + kJamulusHeaderBytesPerPacket) * 8;
    const std::uint64_t samples_per_packet =
        std::uint64_t{format.frame_samples} * format.block_factor;
    return static_cast<std::uint32_t>(bits_per_packet * kSampleRateHz / samples_per_packet / 1000);
}

AudioFormat busiest_client_format(bool fast_update, std::uint8_t channels, AudioQuality quality) {
    AudioFormat f;
    f.codec = fast_update ? AudioCodingType::Opus64 : AudioCodingType::Opus;
    f.frame_samples = frame_samples_for(f.codec);
    f.channels = channels;
    f.coded_bytes = coded_bytes_for(f.codec, channels, quality);
    f.block_factor = 1;
    f.with_sequence = true;
    return f;
}

} // namespace jamfleet::proto
