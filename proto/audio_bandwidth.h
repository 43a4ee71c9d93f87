// Network rate of one audio stream, from the packet sizes of proto/audio_format:
// what a client sends to a room, and (same format) what the room sends back.
// Counted the way Jamulus shows a client's upload rate (CChannel::GetUploadRateKbps,
// jamulus r3_12_4 src/channel.cpp), so figures compare with the published
// "Server Bandwidth" table: per packet the coded frames plus 77 header bytes
// (UDP 8 + IPv4 20, PPPoE 8 + Ethernet 18, ATM 23), kbit = 1000 bit, truncated.
#pragma once

#include <cstdint>

#include "proto/audio_format.h"

namespace jamfleet::proto {

inline constexpr std::uint32_t kJamulusHeaderBytesPerPacket = 28 + 26 + 23;
inline constexpr std::uint32_t kSampleRateHz = 48000;

// kbit/s of one direction of a stream in `format`.
std::uint32_t stream_kbps(const AudioFormat& format);

// The busiest format a client with these settings can use on a room: the
// smallest packets the room allows (64-sample Opus64 frames with fast update,
// else 128-sample Opus frames), one frame per packet, with the sequence byte
// every client since Jamulus 3.6 sends.
AudioFormat busiest_client_format(bool fast_update, std::uint8_t channels, AudioQuality quality);

} // namespace jamfleet::proto
