// Personal-mix DSP. Loops are over contiguous floats with no branches inside the
// sample loop so the compiler can vectorise them.
#include "mixer-worker/mix_engine.h"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace jamfleet::mixer {

float effective_gain(float gain, float source_fade, float listener_fade, bool is_self) {
    return gain * source_fade * (is_self ? 1.0f : listener_fade);
}

void pan_gains(float gain, float pan, float& left, float& right) {
    left = gain * 2.0f * std::min(0.5f, 1.0f - pan);
    right = gain * 2.0f * std::min(0.5f, pan);
}

int delay_pan_samples(float pan) {
    const int d = static_cast<int>(std::lround(126.0 * (static_cast<double>(pan) - 0.5)));
    return std::clamp(d, -kMaxDelayPanSamples, kMaxDelayPanSamples);
}

namespace {

// acc[i*acc_stride + acc_off] += g * src[i*src_stride + src_off], for i in [0, n).
void add_scaled(float* acc, std::size_t acc_stride, const float* src, std::size_t src_stride,
                float g, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
        acc[i * acc_stride] += g * src[i * src_stride];
    }
}

// Adds one output channel of a source delayed by `delay` samples: the first
// `delay` samples come from the end of the previous frame.
void add_delayed(float* acc, std::size_t acc_stride, const MixInput& in, std::size_t src_channel,
                 float g, std::size_t frame, std::size_t delay) {
    const auto stride = static_cast<std::size_t>(in.channels);
    delay = std::min(delay, frame);
    if (delay > 0 && in.previous.size() >= frame * stride) {
        add_scaled(acc, acc_stride, in.previous.data() + (frame - delay) * stride + src_channel,
                   stride, g, delay);
    }
    add_scaled(acc + delay * acc_stride, acc_stride, in.pcm.data() + src_channel, stride, g,
               frame - delay);
}

} // namespace

void mix_personal(const MixSettings& settings, std::span<const MixInput> inputs,
                  std::span<const float> gains, std::span<const float> pans, int self,
                  std::span<float> acc) {
    const auto frame = static_cast<std::size_t>(settings.frame_samples);
    const float self_fade = self >= 0 && static_cast<std::size_t>(self) < inputs.size()
                                ? inputs[static_cast<std::size_t>(self)].fade
                                : 1.0f;
    for (std::size_t j = 0; j < inputs.size(); ++j) {
        const MixInput& in = inputs[j];
        if (in.pcm.size() < frame * static_cast<std::size_t>(in.channels)) {
            continue;
        }
        const float g = effective_gain(gains[j], in.fade, self_fade, static_cast<int>(j) == self);
        if (g == 0.0f) {
            continue;
        }
        const float* src = in.pcm.data();
        if (settings.out_channels == 1) {
            if (in.channels == 1) {
                add_scaled(acc.data(), 1, src, 1, g, frame);
            } else {
                add_scaled(acc.data(), 1, src, 2, g * 0.5f, frame);
                add_scaled(acc.data(), 1, src + 1, 2, g * 0.5f, frame);
            }
            continue;
        }
        const std::size_t right_src = in.channels == 2 ? 1 : 0;
        if (settings.delay_pan) {
            const int d = delay_pan_samples(pans[j]);
            const auto left_delay = static_cast<std::size_t>(std::max(d, 0));
            const auto right_delay = static_cast<std::size_t>(std::max(-d, 0));
            add_delayed(acc.data(), 2, in, 0, g, frame, left_delay);
            add_delayed(acc.data() + 1, 2, in, right_src, g, frame, right_delay);
            continue;
        }
        float gl = 0;
        float gr = 0;
        pan_gains(g, pans[j], gl, gr);
        const auto stride = static_cast<std::size_t>(in.channels);
        add_scaled(acc.data(), 2, src, stride, gl, frame);
        add_scaled(acc.data() + 1, 2, src + right_src, stride, gr, frame);
    }
}

void float_to_int16(std::span<const float> in, std::span<std::int16_t> out) {
    const std::size_t n = std::min(in.size(), out.size());
    for (std::size_t i = 0; i < n; ++i) {
        const float v = std::clamp(in[i], -32768.0f, 32767.0f);
        out[i] = static_cast<std::int16_t>(v); // truncates toward zero
    }
}

} // namespace jamfleet::mixer
