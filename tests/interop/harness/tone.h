// Sound through the mix: a beeping tone source (jack_metro), sample-synchronous recording of
// JACK ports (jack_rec), and the measurements the tests assert on (Goertzel level per block in
// dBFS, median, beep-onset latency between two recorded channels).
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "tests/interop/harness/jack_server.h"
#include "tests/interop/harness/process.h"

namespace jamfleet::interop {

// jack_metro at 60 bpm with 900 ms beeps: a 440 Hz tone that is on 90 % of the time, with short
// gaps whose ends give measurable onsets.
class ToneSource {
public:
    ToneSource(const JackServer& jack, const std::filesystem::path& dir,
               const std::string& name = "tone", int frequency_hz = 440, double amplitude = 0.5);
    ~ToneSource();
    // The JACK output port, "<name>:60_bpm".
    std::string port() const { return name_ + ":60_bpm"; }
    int frequency_hz() const { return frequency_hz_; }

private:
    std::string name_;
    int frequency_hz_;
    std::unique_ptr<Process> process_;
};

struct Recording {
    int sample_rate = 48000;
    std::vector<std::vector<float>> channels; // one per recorded port, in the order given
};

// Records `ports` for `duration` with jack_rec (16-bit WAV) and reads the file back.
Recording record_ports(const JackServer& jack, const std::filesystem::path& dir,
                       const std::vector<std::string>& ports, std::chrono::milliseconds duration);
Recording read_wav(const std::filesystem::path& path);

// Level of `frequency_hz` in `samples` as dBFS of a sine's amplitude (a full-scale sine = 0).
double goertzel_dbfs(std::span<const float> samples, double frequency_hz, int sample_rate);
// goertzel_dbfs per block (100 ms by default): concealment and jitter-buffer adjustments break
// phase coherence over longer spans.
std::vector<double>
block_levels_dbfs(std::span<const float> samples, double frequency_hz, int sample_rate,
                  std::chrono::milliseconds block = std::chrono::milliseconds(100));
double median(std::vector<double> values); // NaN for an empty vector

// Sample indices where a beep starts: |x| reaches `threshold` after at least `min_gap` of
// samples below it.
std::vector<std::size_t> beep_onsets(std::span<const float> samples, float threshold,
                                     std::size_t min_gap_samples);
// Median delay (ms) from each onset in `reference` to the next onset in `delayed` within
// `max_delay`; nullopt when no onset pairs up. Thresholds are 30 % of each channel's peak.
std::optional<double>
median_latency_ms(std::span<const float> reference, std::span<const float> delayed, int sample_rate,
                  std::chrono::milliseconds max_delay = std::chrono::milliseconds(300));

} // namespace jamfleet::interop
