// Checks a decoded mix for the injected tones (Goertzel per 100 ms block against
// the noise floor at the free midpoints between tones).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace jamfleet::bench {

// Power of `frequency_hz` in `samples` (mean-square scaled: a full-scale sine of
// amplitude A gives A²/4 per sample², independent of the block length).
double goertzel_power(std::span<const float> samples, double frequency_hz, int sample_rate);

struct ToneCheck {
    std::size_t blocks = 0;
    std::size_t tones_checked = 0;  // the other clients' tones
    std::size_t tones_detected = 0; // of those
    bool own_tone_detected = false;
    // Negative control: a grid frequency no client sends must not be found.
    bool absent_tone_detected = false;
    double min_margin_db = 0;    // weakest other-client tone above the floor
    double median_margin_db = 0; // median over the other clients' tones
    double rms_dbfs = -200;
    double median_level_db = -200; // other clients' tones relative to the level they were sent at
    std::vector<std::size_t> missing; // client indices whose tone was not found
};

constexpr std::size_t kCheckBlockSamples = 4800; // 100 ms: 10 Hz bins, tones on bin centres
constexpr double kDetectMarginDb = 10.0;
constexpr double kMaxLevelDropDb = 10.0;

// `mono` is the decoded mix (stereo averaged) at 48 kHz, values in [-1, 1];
// client k sent tone_frequency_hz(k); `own_index` is the listener.
// A tone counts as present when it is at least kDetectMarginDb above the floor and
// at most kMaxLevelDropDb below the level `amplitude` (what each client sent).
ToneCheck check_tones(std::span<const float> mono, std::size_t num_clients, std::size_t own_index,
                      double amplitude);

} // namespace jamfleet::bench
