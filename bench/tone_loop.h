// The signal each simulated client sends: a sine at a frequency of its own,
// Opus-encoded once at start-up into a seamless loop of frames.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace jamfleet::bench {

// Client k sends 220 + 40·k Hz: every tone is a whole number of cycles in a 100 ms
// analysis block and in the 1 s loop, and the midpoints between tones stay free
// for measuring the noise floor.
constexpr double tone_frequency_hz(std::size_t client_index) {
    return 220.0 + 40.0 * static_cast<double>(client_index);
}
constexpr double kToneSpacingHz = 40.0;

// Peak amplitude (full scale = 1) so that the sum of all clients never clips.
double tone_amplitude(std::size_t num_clients);

class ToneLoop {
public:
    ToneLoop(std::vector<std::uint8_t> bytes, std::size_t frames, std::size_t coded_bytes)
        : bytes_(std::move(bytes)), frames_(frames), coded_bytes_(coded_bytes) {}

    std::size_t frames() const { return frames_; }
    std::size_t coded_bytes() const { return coded_bytes_; }
    // Coded frame `index` modulo the loop length.
    std::span<const std::uint8_t> frame(std::size_t index) const {
        const std::size_t i = index % frames_;
        return std::span<const std::uint8_t>(bytes_).subspan(i * coded_bytes_, coded_bytes_);
    }

private:
    std::vector<std::uint8_t> bytes_;
    std::size_t frames_;
    std::size_t coded_bytes_;
};

// Encodes one second of a sine (same on both channels when stereo). The encoder is
// first run over the end of the period, so its state at the loop start matches its
// state at the loop end and the loop has no seam.
std::optional<ToneLoop> encode_tone_loop(int frame_samples, int channels, int coded_bytes,
                                         double frequency_hz, double amplitude);

} // namespace jamfleet::bench
