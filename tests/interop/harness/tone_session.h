// The tone check: a tone into client A's input must come out of client B's output.
// One function runs the whole session against any server kind, so a test can compare
// jamfleet-mixer with real Jamulus in the same run.
#pragma once

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "tests/interop/harness/jamulus.h"

namespace jamfleet::interop {

struct AudioCase {
    std::string name;                     // valid gtest name
    int jack_period = 128;                // 64 for 64-sample frames
    std::vector<std::string> server_args; // {"-F"} for 64-sample frames
    int audio_channels = 0;               // ClientProfile::audio_channels
    int audio_quality = 1;
    bool opus_small = false;
    double frame_ms = 128.0 / 48.0; // one client frame, the latency tolerance unit
};

void PrintTo(const AudioCase& audio, std::ostream* out);

// 128-sample mono normal, 64-sample mono (-F, enableopussmall), 128-sample stereo high.
std::vector<AudioCase> audio_cases();

// Which real Jamulus release each of the two clients runs (A sends the tone, B hears it).
struct ClientVersions {
    JamulusVersion alice = JamulusVersion::v3_9_1;
    JamulusVersion bob = JamulusVersion::v3_9_1;
};

// "3_9_1" when both run one release, else "3_9_1_and_4_0_0beta2" (valid in a gtest name).
std::string versions_tag(const ClientVersions& versions);

struct ToneResult {
    double control_dbfs = 0;          // B's output at the tone frequency, tone unwired
    double level_dbfs = 0;            // B's output at the tone frequency, tone wired into A
    double source_dbfs = 0;           // the tone itself
    std::optional<double> latency_ms; // A's input → B's output, median over beeps
    // jamfleet/getStats at the end of the recording (jamfleet-mixer only).
    std::optional<nlohmann::json> server_stats;
};

// Starts jackd, the server of `kind` (with the case's options) and two clients of `versions`,
// measures the unwired control, wires a 440 Hz beep into A's inputs and records it next to B's
// output.
ToneResult measure_tone(const std::filesystem::path& dir, const ServerKind& kind,
                        const AudioCase& audio, const ClientVersions& versions = {});

std::string describe(const ToneResult& result);

} // namespace jamfleet::interop
