// AudioEngine's per-channel state, shared by its tick path (audio_engine.cpp) and its
// control path (audio_engine_control.cpp). Internal to the engine.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "mixer-worker/audio_engine.h"

namespace jamfleet::mixer {

// Largest frame buffers: 128 samples stereo; FIFOs hold two of them.
inline constexpr std::size_t kMaxFrameFloats = 128 * 2;
// Client frames one listener can need per tick: a 64-sample client on a 128-sample server.
inline constexpr std::size_t kMaxFramesPerTick = 2;

// Cache-line aligned: pool workers write neighbouring channels concurrently.
struct alignas(64) AudioEngine::Channel {
    bool connected = false;
    bool identified = false;
    bool has_format = false;
    io::SocketAddress address;
    proto::AudioFormat format;
    std::optional<OpusDecoder> decoder;
    std::optional<OpusEncoder> encoder;
    JitterBuffer jitter;
    int jitter_request = kAutoJitterValue;
    int last_reported_jitter = 0;

    std::vector<std::uint8_t> block; // one coded frame read from the jitter buffer
    std::vector<float> in_fifo;      // decoded samples not yet mixed
    std::size_t in_fifo_floats = 0;
    std::vector<float> current;  // this tick's server frame (interleaved)
    std::vector<float> previous; // last tick's, for delay panning
    bool decoded_this_tick = false;
    // Mixed samples not yet encoded. Only a group leader fills it; a member keeps the count
    // (its FIFO phase) and gets the leader's content copied when it becomes a leader itself.
    std::vector<float> out_fifo;
    std::size_t out_fifo_floats = 0;
    std::vector<std::uint8_t> coded; // a leader's coded frames of this tick
    std::size_t coded_frames = 0;
    std::vector<std::uint8_t> packet; // datagram being assembled
    std::size_t packet_frames = 0;
    std::vector<std::uint8_t> send_slots; // completed datagrams of this tick (≤ 2)
    std::size_t send_slot_count = 0;
    std::uint8_t out_sequence = 0;

    std::array<float, kMaxChannels> gains{};
    std::array<float, kMaxChannels> pans{};
    int fade_count = 0;
    int fade_max = 1;
    double level_peak = 0;
    std::uint8_t level = 0; // the last update_level result (0…9)

    float fade() const {
        return identified ? static_cast<float>(fade_count) / static_cast<float>(fade_max) : 0.0f;
    }
};

} // namespace jamfleet::mixer
