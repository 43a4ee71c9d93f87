// Tone helpers: jack_metro / jack_rec wrappers, a RIFF reader and the measurements.
#include "tests/interop/harness/tone.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <numbers>
#include <stdexcept>

namespace jamfleet::interop {
namespace {

std::uint32_t le32(const std::vector<char>& data, std::size_t at) {
    std::uint32_t v = 0;
    for (int i = 3; i >= 0; --i) {
        v = (v << 8) | static_cast<unsigned char>(data[at + static_cast<std::size_t>(i)]);
    }
    return v;
}

std::uint16_t le16(const std::vector<char>& data, std::size_t at) {
    return static_cast<std::uint16_t>(static_cast<unsigned char>(data[at]) |
                                      (static_cast<unsigned char>(data[at + 1]) << 8));
}

float peak(std::span<const float> samples) {
    float p = 0;
    for (float x : samples) {
        p = std::max(p, std::fabs(x));
    }
    return p;
}

} // namespace

ToneSource::ToneSource(const JackServer& jack, const std::filesystem::path& dir,
                       const std::string& name, int frequency_hz, double amplitude)
    : name_(name), frequency_hz_(frequency_hz) {
    process_ = std::make_unique<Process>(
        ProcessOptions{.name = "jack_metro-" + name,
                       .program = "jack_metro",
                       .args = {"-n", name, "-f", std::to_string(frequency_hz), "-A",
                                std::to_string(amplitude), "-b", "60", "-D", "900"},
                       .env = jack.client_env(),
                       .work_dir = dir / ("tone-" + name)});
    if (!jack.wait_for_port(port())) {
        throw std::runtime_error("jack_metro port " + port() + " did not appear:\n" +
                                 process_->log_text());
    }
}

ToneSource::~ToneSource() = default;

Recording record_ports(const JackServer& jack, const std::filesystem::path& dir,
                       const std::vector<std::string>& ports, std::chrono::milliseconds duration) {
    const auto work_dir = dir / "recordings";
    std::filesystem::create_directories(work_dir);
    const auto file =
        work_dir / ("rec-" +
                    std::to_string(std::distance(std::filesystem::directory_iterator(work_dir),
                                                 std::filesystem::directory_iterator())) +
                    ".wav");
    std::vector<std::string> args{
        "-f", file.string(), "-d", std::to_string(static_cast<double>(duration.count()) / 1000.0),
        "-b", "16"};
    args.insert(args.end(), ports.begin(), ports.end());
    const auto result = run_command({.name = "jack_rec",
                                     .program = "jack_rec",
                                     .args = args,
                                     .env = jack.client_env(),
                                     .work_dir = work_dir},
                                    duration + std::chrono::seconds(10));
    if (result.exit_code != 0) {
        throw std::runtime_error("jack_rec failed: " + result.output);
    }
    auto recording = read_wav(file);
    if (recording.channels.size() != ports.size()) {
        throw std::runtime_error("jack_rec wrote " + std::to_string(recording.channels.size()) +
                                 " channels for " + std::to_string(ports.size()) + " ports");
    }
    return recording;
}

Recording read_wav(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    const std::vector<char> data((std::istreambuf_iterator<char>(in)),
                                 std::istreambuf_iterator<char>());
    if (data.size() < 12 || std::memcmp(data.data(), "RIFF", 4) != 0 ||
        std::memcmp(data.data() + 8, "WAVE", 4) != 0) {
        throw std::runtime_error(path.string() + ": not a RIFF/WAVE file");
    }
    Recording recording;
    int channels = 0;
    int bits = 0;
    for (std::size_t at = 12; at + 8 <= data.size();) {
        const std::string id(data.data() + at, 4);
        const std::size_t size = le32(data, at + 4);
        const std::size_t body = at + 8;
        if (id == "fmt " && body + 16 <= data.size()) {
            channels = le16(data, body + 2);
            recording.sample_rate = static_cast<int>(le32(data, body + 4));
            bits = le16(data, body + 14);
        } else if (id == "data") {
            if (channels <= 0 || bits != 16) {
                throw std::runtime_error(path.string() + ": expected 16-bit PCM");
            }
            const std::size_t end = std::min(data.size(), body + size);
            const std::size_t frames = (end - body) / (2 * static_cast<std::size_t>(channels));
            recording.channels.assign(static_cast<std::size_t>(channels),
                                      std::vector<float>(frames));
            for (std::size_t f = 0; f < frames; ++f) {
                for (std::size_t c = 0; c < recording.channels.size(); ++c) {
                    const auto raw = static_cast<std::int16_t>(
                        le16(data, body + 2 * (f * recording.channels.size() + c)));
                    recording.channels[c][f] = static_cast<float>(raw) / 32768.0f;
                }
            }
            return recording;
        }
        at = body + size + (size & 1);
    }
    throw std::runtime_error(path.string() + ": no data chunk");
}

double goertzel_dbfs(std::span<const float> samples, double frequency_hz, int sample_rate) {
    if (samples.empty()) {
        return -std::numeric_limits<double>::infinity();
    }
    const double n = static_cast<double>(samples.size());
    const double coefficient =
        2.0 * std::cos(2.0 * std::numbers::pi * frequency_hz / static_cast<double>(sample_rate));
    double s1 = 0;
    double s2 = 0;
    for (float x : samples) {
        const double s0 = x + coefficient * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    const double power = std::max(0.0, s1 * s1 + s2 * s2 - coefficient * s1 * s2);
    // |X| = A·N/2 for a sine of amplitude A centred on the bin.
    const double amplitude = 2.0 * std::sqrt(power) / n;
    return amplitude > 0 ? 20.0 * std::log10(amplitude) : -std::numeric_limits<double>::infinity();
}

std::vector<double> block_levels_dbfs(std::span<const float> samples, double frequency_hz,
                                      int sample_rate, std::chrono::milliseconds block) {
    const auto block_samples =
        static_cast<std::size_t>(static_cast<long long>(sample_rate) * block.count() / 1000);
    std::vector<double> levels;
    for (std::size_t at = 0; block_samples > 0 && at + block_samples <= samples.size();
         at += block_samples) {
        levels.push_back(
            goertzel_dbfs(samples.subspan(at, block_samples), frequency_hz, sample_rate));
    }
    return levels;
}

double median(std::vector<double> values) {
    if (values.empty()) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    const auto middle = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
    std::nth_element(values.begin(), middle, values.end());
    return *middle;
}

std::vector<std::size_t> beep_onsets(std::span<const float> samples, float threshold,
                                     std::size_t min_gap_samples) {
    std::vector<std::size_t> onsets;
    std::size_t quiet = min_gap_samples; // a beep right at the start counts
    for (std::size_t i = 0; i < samples.size(); ++i) {
        if (std::fabs(samples[i]) >= threshold) {
            if (quiet >= min_gap_samples) {
                onsets.push_back(i);
            }
            quiet = 0;
        } else {
            ++quiet;
        }
    }
    return onsets;
}

std::optional<double> median_latency_ms(std::span<const float> reference,
                                        std::span<const float> delayed, int sample_rate,
                                        std::chrono::milliseconds max_delay) {
    const auto gap = static_cast<std::size_t>(sample_rate / 50); // 20 ms of quiet
    const float ref_peak = peak(reference);
    const float out_peak = peak(delayed);
    if (ref_peak <= 0 || out_peak <= 0) {
        return std::nullopt;
    }
    const auto ref_onsets = beep_onsets(reference, 0.3f * ref_peak, gap);
    const auto out_onsets = beep_onsets(delayed, 0.3f * out_peak, gap);
    const auto max_samples =
        static_cast<std::size_t>(static_cast<long long>(sample_rate) * max_delay.count() / 1000);
    std::vector<double> delays;
    for (auto r : ref_onsets) {
        const auto match = std::lower_bound(out_onsets.begin(), out_onsets.end(), r);
        if (match != out_onsets.end() && *match - r <= max_samples) {
            delays.push_back(static_cast<double>(*match - r) * 1000.0 / sample_rate);
        }
    }
    if (delays.empty()) {
        return std::nullopt;
    }
    return median(std::move(delays));
}

} // namespace jamfleet::interop
