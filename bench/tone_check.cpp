// Tone detection in decoded mixes (see tone_check.h).
#include "bench/tone_check.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "bench/tone_loop.h"

namespace jamfleet::bench {
namespace {

double to_db(double power) {
    return 10.0 * std::log10(std::max(power, 1e-30));
}

double median(std::vector<double> values) {
    if (values.empty()) {
        return 0;
    }
    const auto mid = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
    std::nth_element(values.begin(), mid, values.end());
    return *mid;
}

} // namespace

double goertzel_power(std::span<const float> samples, double frequency_hz, int sample_rate) {
    if (samples.empty()) {
        return 0;
    }
    const double w = 2.0 * std::numbers::pi * frequency_hz / sample_rate;
    const double coeff = 2.0 * std::cos(w);
    double s1 = 0;
    double s2 = 0;
    for (const float x : samples) {
        const double s0 = x + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    const double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
    const auto n = static_cast<double>(samples.size());
    return power / (n * n);
}

ToneCheck check_tones(std::span<const float> mono, std::size_t num_clients, std::size_t own_index,
                      double amplitude) {
    ToneCheck result;
    const std::size_t blocks = mono.size() / kCheckBlockSamples;
    result.blocks = blocks;
    if (blocks == 0 || num_clients == 0) {
        return result;
    }
    double sum_sq = 0;
    for (const float x : mono) {
        sum_sq += static_cast<double>(x) * x;
    }
    result.rms_dbfs = to_db(sum_sq / static_cast<double>(mono.size()));

    // Tones 0..N-1 are sent; N is the absent control. Midpoints give the floor.
    const std::size_t grid = num_clients + 1;
    const std::size_t floor_points = std::max<std::size_t>(grid, 16);
    std::vector<std::vector<double>> margins(grid);
    std::vector<std::vector<double>> levels(grid);
    // goertzel_power of a sine of amplitude A is (A/2)².
    const double sent_db = to_db(amplitude * amplitude / 4);
    std::vector<double> floor_db(floor_points);
    for (std::size_t b = 0; b < blocks; ++b) {
        const auto block = mono.subspan(b * kCheckBlockSamples, kCheckBlockSamples);
        for (std::size_t k = 0; k < floor_points; ++k) {
            const double f = tone_frequency_hz(k) + kToneSpacingHz / 2;
            floor_db[k] = to_db(goertzel_power(block, f, 48000));
        }
        const double floor = median(floor_db);
        for (std::size_t k = 0; k < grid; ++k) {
            const double level = to_db(goertzel_power(block, tone_frequency_hz(k), 48000));
            margins[k].push_back(level - floor);
            levels[k].push_back(level - sent_db);
        }
    }
    std::vector<double> others;
    std::vector<double> other_levels;
    for (std::size_t k = 0; k < grid; ++k) {
        const double m = median(margins[k]);
        const double level = median(levels[k]);
        const bool detected = m >= kDetectMarginDb && level >= -kMaxLevelDropDb;
        if (k == num_clients) {
            result.absent_tone_detected = detected;
        } else if (k == own_index) {
            result.own_tone_detected = detected;
        } else {
            others.push_back(m);
            other_levels.push_back(level);
            ++result.tones_checked;
            if (detected) {
                ++result.tones_detected;
            } else {
                result.missing.push_back(k);
            }
        }
    }
    if (!others.empty()) {
        result.min_margin_db = *std::min_element(others.begin(), others.end());
        result.median_margin_db = median(others);
        result.median_level_db = median(other_levels);
    }
    return result;
}

} // namespace jamfleet::bench
