// Where each WAV sits on the session timeline: a channel whose first frames reach the recorder
// late (jamfleet-mixer hands a channel in only once its audio format is known) must still be
// placed, in its file name, .lof and .rpp, at the frame its first sample was recorded.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "recorder/recorder.h"
#include "tests/recorder/test_util.h"

namespace jamfleet::recorder {
namespace {

constexpr std::uint32_t kLoopback = 0x7f000001;
constexpr int kTicks = 20;
constexpr int kLateStart = 6; // B's first frame arrives in this tick

std::string offset_text(int frame, int frame_samples) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.14f", static_cast<double>(frame * frame_samples) / 48000.0);
    return buf;
}

std::int16_t sample_at(const std::vector<std::uint8_t>& wav, std::size_t index) {
    return static_cast<std::int16_t>(test::u16_at(wav, 44 + 2 * index));
}

class SessionOffsets : public testing::TestWithParam<int> {};

// A records from tick 0 with sample value = tick; B from tick 6 with value 1000 + tick.
TEST_P(SessionOffsets, LateStartingChannelSitsAtTheFrameOfItsFirstSample) {
    const int frame_samples = GetParam();
    test::TempDir dir;
    base::FakeClock clock;
    RecorderOptions options;
    options.base_dir = dir.path();
    options.frame_samples = frame_samples;
    options.writer_thread = false;
    Recorder recorder(options, clock, base::Logger("recorder", [](std::string_view) {}));
    std::vector<std::int16_t> samples(static_cast<std::size_t>(frame_samples));
    std::string session;
    for (int tick = 0; tick < kTicks; ++tick) {
        std::fill(samples.begin(), samples.end(), static_cast<std::int16_t>(tick));
        ASSERT_TRUE(recorder.on_frame({0, kLoopback, 1000, "A", 1, samples}));
        if (tick >= kLateStart) {
            std::fill(samples.begin(), samples.end(), static_cast<std::int16_t>(1000 + tick));
            ASSERT_TRUE(recorder.on_frame({1, kLoopback, 2000, "B", 1, samples}));
        }
        recorder.process_pending();
        if (session.empty()) {
            session = recorder.session_dir();
        }
    }
    recorder.on_no_clients();
    recorder.process_pending();
    ASSERT_FALSE(session.empty());
    const std::string name = std::filesystem::path(session).filename().string();

    // Jamulus numbers a joiner's file after the earlier channels' frames of its first tick,
    // so B's start frame is one past the tick of its first sample — the quirk a Jamulus
    // recording has too; the late start itself adds nothing.
    const int start = kLateStart + 1;
    const std::string b_file = "B___-127_0_0_1_2000-" + std::to_string(start) + "-1.wav";
    const std::string a_file = "A___-127_0_0_1_1000-0-1.wav";
    EXPECT_EQ(test::files_with_suffix(session, ".wav"), (std::vector<std::string>{a_file, b_file}));
    EXPECT_EQ(test::read_text(session + "/" + name + ".lof"),
              "file \"" + a_file + "\" offset " + offset_text(0, frame_samples) + "\nfile \"" +
                  b_file + "\" offset " + offset_text(start, frame_samples) + "\n");
    const std::string rpp = test::read_text(session + "/" + name + ".rpp");
    EXPECT_NE(rpp.find("POSITION " + offset_text(start, frame_samples) + "\n      LENGTH " +
                       offset_text(kTicks - kLateStart, frame_samples) + "\n"),
              std::string::npos)
        << rpp;

    // The WAVs hold exactly what was handed in: B's first sample is its tick-6 frame, and
    // A's sample at B's offset is the frame one tick later (the one-frame quirk above).
    const auto a = test::read_file(session + "/" + a_file);
    const auto b = test::read_file(session + "/" + b_file);
    const auto fs = static_cast<std::size_t>(frame_samples);
    ASSERT_EQ(a.size(), 44u + kTicks * fs * 2);
    ASSERT_EQ(b.size(), 44u + (kTicks - kLateStart) * fs * 2);
    EXPECT_EQ(sample_at(b, 0), 1000 + kLateStart);
    EXPECT_EQ(sample_at(a, static_cast<std::size_t>(start) * fs), start);
    EXPECT_EQ(sample_at(b, (kTicks - kLateStart) * fs - 1), 1000 + kTicks - 1);
}

INSTANTIATE_TEST_SUITE_P(FrameSizes, SessionOffsets, testing::Values(128, 64),
                         [](const auto& param_info) {
                             return std::to_string(param_info.param) + "_samples";
                         });

} // namespace
} // namespace jamfleet::recorder
