// Personal-mix DSP (docs/protocol.md §5.6, §5.7): gains, pans, fade-in,
// mono/stereo rules, delay panning and int16 saturation, on contiguous float
// buffers in int16 scale. Pure functions over caller-owned memory: no allocation.
#pragma once

#include <cstdint>
#include <span>

namespace jamfleet::mixer {

inline constexpr int kMaxDelayPanSamples = 63;

// One decoded source frame (interleaved, `channels` 1 or 2, values in int16 scale).
struct MixInput {
    std::span<const float> pcm;
    // The source's previous frame (same layout), read by delay panning; may be empty.
    std::span<const float> previous;
    int channels = 1;
    float fade = 1.0f; // fade-in gain 0…1
};

struct MixSettings {
    int frame_samples = 128;
    int out_channels = 1;
    bool delay_pan = false;
};

// Gain of source j in listener c's mix: g × fade(j) × (j == c ? 1 : fade(c)).
float effective_gain(float gain, float source_fade, float listener_fade, bool is_self);

// Left/right gains for pan p (0 left, 0.5 centre, 1 right): centre is unity on both.
void pan_gains(float gain, float pan, float& left, float& right);

// Delay in samples for delay panning; positive delays the left output.
int delay_pan_samples(float pan);

// Accumulates listener `self`'s personal mix into `acc` (frame_samples ×
// out_channels, zeroed by the caller). gains/pans/inputs are indexed alike.
void mix_personal(const MixSettings& settings, std::span<const MixInput> inputs,
                  std::span<const float> gains, std::span<const float> pans, int self,
                  std::span<float> acc);

// Converts with saturation to [-32768, 32767]; in-range values truncate toward zero.
void float_to_int16(std::span<const float> in, std::span<std::int16_t> out);

} // namespace jamfleet::mixer
