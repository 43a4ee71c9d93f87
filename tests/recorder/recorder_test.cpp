// Tests of the recorder's session lifecycle, states (§7.1, §7.2), file switching,
// project files of a scripted session, dropped frames and header syncing.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "recorder/recorder.h"
#include "tests/recorder/test_util.h"

namespace jamfleet::recorder {
namespace {

constexpr std::uint32_t kLoopback = 0x7f000001;

GuidGenerator counting_guids() {
    auto n = std::make_shared<int>(0);
    return [n] {
        char buf[48];
        std::snprintf(buf, sizeof buf, "{00000000-0000-0000-0000-%012d}", ++*n);
        return std::string(buf);
    };
}

// A recorder driven on the test's thread (no writer thread) with a fake clock.
struct Harness {
    explicit Harness(std::string base_dir, bool enabled = true, std::size_t slots = 4096) {
        options.base_dir = std::move(base_dir);
        options.enabled = enabled;
        options.queue_slots = slots;
        options.writer_thread = false;
        options.guid_generator = counting_guids();
        options.wall_clock = [this] { return wall; };
        recorder = std::make_unique<Recorder>(
            options, clock,
            base::Logger("recorder", [this](std::string_view line) { logs.emplace_back(line); }));
    }

    bool frame(std::uint8_t id, std::uint16_t port, std::string_view name, std::uint8_t channels,
               std::int16_t value) {
        std::vector<std::int16_t> samples(128u * channels, value);
        return recorder->on_frame({id, kLoopback, port, name, channels, samples});
    }

    RecorderOptions options;
    base::FakeClock clock;
    std::chrono::system_clock::time_point wall{std::chrono::milliseconds(1726911184123)};
    std::vector<std::string> logs;
    std::unique_ptr<Recorder> recorder;
};

std::vector<std::string> session_dirs(const std::string& base) {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(base)) {
        out.push_back(e.path().filename().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

TEST(RecorderState, WithoutDirectoryIsNotInitialisedAndIgnoresFrames) {
    Harness h("");
    EXPECT_EQ(h.recorder->state(), RecorderState::NotInitialised);
    EXPECT_FALSE(h.recorder->status().initialised);
    EXPECT_FALSE(h.frame(0, 1, "", 1, 1));
}

TEST(RecorderState, DirectoryThatIsAFileIsNotInitialisedWithMessage) {
    test::TempDir dir;
    const std::string file = dir.path() + "/file";
    std::ofstream(file) << "x";
    Harness h(file);
    EXPECT_EQ(h.recorder->state(), RecorderState::NotInitialised);
    EXPECT_EQ(h.recorder->status().error_message, "'" + file + "' exists but is not a directory");
}

TEST(RecorderState, MissingDirectoryIsCreated) {
    test::TempDir dir;
    Harness h(dir.path() + "/a/b");
    EXPECT_EQ(h.recorder->state(), RecorderState::Recording);
    EXPECT_TRUE(std::filesystem::is_directory(dir.path() + "/a/b"));
    const auto status = h.recorder->status();
    EXPECT_TRUE(status.initialised);
    EXPECT_TRUE(status.enabled);
    EXPECT_EQ(status.recording_directory, dir.path() + "/a/b");
    EXPECT_EQ(status.error_message, "");
}

TEST(RecorderState, NoRecordStartsNotEnabledAndEnableNotifies) {
    test::TempDir dir;
    std::vector<RecorderState> seen; // outlives the recorder that reports into it
    Harness h(dir.path(), false);
    h.recorder->set_state_callback([&](RecorderState s) { seen.push_back(s); });
    EXPECT_EQ(h.recorder->state(), RecorderState::NotEnabled);
    EXPECT_FALSE(h.frame(0, 1, "", 1, 1));
    const auto v = h.recorder->state_version();
    h.recorder->set_enabled(true);
    EXPECT_EQ(h.recorder->state(), RecorderState::Recording);
    EXPECT_GT(h.recorder->state_version(), v);
    h.recorder->toggle_enabled();
    EXPECT_EQ(h.recorder->state(), RecorderState::NotEnabled);
    EXPECT_EQ(seen,
              (std::vector<RecorderState>{RecorderState::Recording, RecorderState::NotEnabled}));
}

TEST(RecorderSession, StartsAtTheFirstFrameInAUtcNamedFolder) {
    test::TempDir dir;
    Harness h(dir.path());
    h.recorder->process_pending();
    EXPECT_TRUE(session_dirs(dir.path()).empty());
    ASSERT_TRUE(h.frame(0, 53118, "", 1, 5));
    h.recorder->process_pending();
    EXPECT_EQ(session_dirs(dir.path()), std::vector<std::string>{"Jam-20240921-093304123"});
    EXPECT_EQ(h.recorder->session_dir(), dir.path() + "/Jam-20240921-093304123");
    EXPECT_EQ(test::files_with_suffix(h.recorder->session_dir(), ".wav"),
              std::vector<std::string>{"____-127_0_0_1_53118-0-1.wav"});
}

TEST(RecorderSession, ScriptedSessionWritesJamulusFilesAndProjects) {
    test::TempDir dir;
    Harness h(dir.path());
    for (int tick = 0; tick < 10; ++tick) {
        const bool stereo = tick >= 8;
        ASSERT_TRUE(h.frame(0, 53118, tick >= 5 ? "Alice-with-a-ver" : "", stereo ? 2 : 1, 100));
        if (tick >= 3 && tick <= 6) {
            ASSERT_TRUE(h.frame(1, 53186, "Bob", 1, 200));
        }
        if (tick == 6) {
            h.recorder->client_left(1);
        }
    }
    h.recorder->on_no_clients();
    h.recorder->process_pending();
    EXPECT_EQ(h.recorder->session_dir(), "");

    const std::string session = dir.path() + "/Jam-20240921-093304123";
    // Frame counter as Jamulus advances it: Bob's first frame comes after Alice's
    // in tick 3, so it starts at 4; the stereo switch at tick 8 happens at frame 8.
    EXPECT_EQ(
        test::files_with_suffix(session, ".wav"),
        (std::vector<std::string>{"Alice_with_a_ver-127_0_0_1_53118-8-2.wav",
                                  "Bob_-127_0_0_1_53186-4-1.wav", "____-127_0_0_1_53118-0-1.wav"}));
    EXPECT_EQ(test::read_text(session + "/Jam-20240921-093304123.lof"),
              "file \"____-127_0_0_1_53118-0-1.wav\" offset 0.00000000000000\n"
              "file \"Alice_with_a_ver-127_0_0_1_53118-8-2.wav\" offset 0.02133333333333\n"
              "file \"Bob_-127_0_0_1_53186-4-1.wav\" offset 0.01066666666667\n");
    SessionTracks expected;
    expected["Alice_with_a_ver-127_0_0_1_53118"] = {
        {0, 8, session + "/____-127_0_0_1_53118-0-1.wav"},
        {8, 2, session + "/Alice_with_a_ver-127_0_0_1_53118-8-2.wav"}};
    expected["Bob_-127_0_0_1_53186"] = {{4, 4, session + "/Bob_-127_0_0_1_53186-4-1.wav"}};
    const std::string rpp = test::read_text(session + "/Jam-20240921-093304123.rpp");
    EXPECT_EQ(rpp, render_rpp(expected, 128, counting_guids()));
    EXPECT_NE(rpp.find("  <TRACK {00000000-0000-0000-0000-000000000006}\n"
                       "    NAME Bob_-127_0_0_1_53186\n"),
              std::string::npos);

    const auto mono = test::read_file(session + "/____-127_0_0_1_53118-0-1.wav");
    EXPECT_EQ(mono.size(), 44u + 8u * 128u * 2u);
    EXPECT_EQ(test::u32_at(mono, 40), mono.size() - 44);
    EXPECT_EQ(test::u32_at(mono, 4), mono.size() - 8);
    EXPECT_EQ(test::u16_at(mono, 44), 100u);
    const auto stereo = test::read_file(session + "/Alice_with_a_ver-127_0_0_1_53118-8-2.wav");
    EXPECT_EQ(test::u16_at(stereo, 22), 2u);
    EXPECT_EQ(test::u32_at(stereo, 40), 2u * 256u * 2u);
    const auto bob = test::read_file(session + "/Bob_-127_0_0_1_53186-4-1.wav");
    EXPECT_EQ(test::u32_at(bob, 40), 4u * 128u * 2u);
    EXPECT_EQ(test::u16_at(bob, 100), 200u);
}

TEST(RecorderSession, AddressChangeStartsANewFile) {
    test::TempDir dir;
    Harness h(dir.path());
    ASSERT_TRUE(h.frame(0, 1000, "Al", 1, 1));
    ASSERT_TRUE(h.frame(0, 1001, "Al", 1, 1));
    h.recorder->process_pending();
    EXPECT_EQ(
        test::files_with_suffix(h.recorder->session_dir(), ".wav"),
        (std::vector<std::string>{"Al__-127_0_0_1_1000-0-1.wav", "Al__-127_0_0_1_1001-1-1.wav"}));
}

TEST(RecorderSession, RestartFinishesTheSessionAndOpensANewFolderAtOnce) {
    test::TempDir dir;
    Harness h(dir.path());
    ASSERT_TRUE(h.frame(0, 1000, "Al", 1, 1));
    h.recorder->process_pending();
    const std::string first = h.recorder->session_dir();
    h.wall += std::chrono::seconds(2);
    h.recorder->restart_session();
    h.recorder->process_pending();
    EXPECT_EQ(h.recorder->session_dir(), dir.path() + "/Jam-20240921-093306123");
    EXPECT_TRUE(std::filesystem::exists(first + "/Jam-20240921-093304123.rpp"));
    EXPECT_TRUE(std::filesystem::exists(first + "/Jam-20240921-093304123.lof"));
    // The next frame of the same client opens a file at frame 0 of the new session.
    ASSERT_TRUE(h.frame(0, 1000, "Al", 1, 1));
    h.recorder->process_pending();
    EXPECT_EQ(test::files_with_suffix(h.recorder->session_dir(), ".wav"),
              std::vector<std::string>{"Al__-127_0_0_1_1000-0-1.wav"});
}

TEST(RecorderSession, RestartWithoutSessionDoesNothing) {
    test::TempDir dir;
    Harness h(dir.path());
    h.recorder->restart_session();
    h.recorder->process_pending();
    EXPECT_TRUE(session_dirs(dir.path()).empty());
}

TEST(RecorderSession, DisableEndsTheSessionAndDropsQueuedFrames) {
    test::TempDir dir;
    Harness h(dir.path());
    ASSERT_TRUE(h.frame(0, 1000, "Al", 1, 1));
    h.recorder->process_pending();
    const std::string session = h.recorder->session_dir();
    ASSERT_TRUE(h.frame(0, 1000, "Al", 1, 1));
    h.recorder->set_enabled(false);
    EXPECT_FALSE(h.frame(0, 1000, "Al", 1, 1));
    h.recorder->process_pending();
    EXPECT_EQ(h.recorder->session_dir(), "");
    EXPECT_EQ(h.recorder->state(), RecorderState::NotEnabled);
    const auto wav = test::read_file(session + "/Al__-127_0_0_1_1000-0-1.wav");
    EXPECT_EQ(test::u32_at(wav, 40), 256u);
    EXPECT_EQ(test::files_with_suffix(session, ".rpp").size(), 1u);
}

TEST(RecorderSession, SetDirectoryMovesTheNextSessionAndKeepsEnableRequest) {
    test::TempDir dir;
    Harness h(dir.path() + "/one", false);
    h.recorder->set_directory(dir.path() + "/two");
    EXPECT_EQ(h.recorder->state(), RecorderState::NotEnabled);
    h.recorder->set_enabled(true);
    ASSERT_TRUE(h.frame(0, 1000, "Al", 1, 1));
    h.recorder->process_pending();
    EXPECT_EQ(h.recorder->session_dir(), dir.path() + "/two/Jam-20240921-093304123");
    EXPECT_EQ(h.recorder->status().recording_directory, dir.path() + "/two");
    h.recorder->set_directory(dir.path() + "/three");
    h.recorder->process_pending();
    EXPECT_EQ(h.recorder->session_dir(), "");
    EXPECT_TRUE(std::filesystem::exists(dir.path() +
                                        "/two/Jam-20240921-093304123/Jam-20240921-093304123.lof"));
    EXPECT_EQ(h.recorder->state(), RecorderState::Recording);
}

TEST(RecorderQueue, FullQueueDropsAreCountedAndWrittenAsSilence) {
    test::TempDir dir;
    Harness h(dir.path(), true, 8);
    int accepted = 0;
    for (int i = 0; i < 20; ++i) {
        accepted += h.frame(0, 1000, "Al", 1, 9) ? 1 : 0;
    }
    EXPECT_EQ(accepted, 8);
    EXPECT_EQ(h.recorder->stats().frames_dropped, 12u);
    h.recorder->process_pending();
    ASSERT_TRUE(h.frame(0, 1000, "Al", 1, 9));
    h.recorder->process_pending();
    h.recorder->flush();
    const auto wav = test::read_file(h.recorder->session_dir() + "/Al__-127_0_0_1_1000-0-1.wav");
    // 8 frames, 12 frames of silence for the dropped ones, then the last frame.
    EXPECT_EQ(test::u32_at(wav, 40), 21u * 256u);
    EXPECT_EQ(test::u16_at(wav, 44 + 7 * 256), 9u);
    EXPECT_EQ(test::u16_at(wav, 44 + 8 * 256), 0u);
    EXPECT_EQ(test::u16_at(wav, 44 + 20 * 256), 9u);
    EXPECT_EQ(h.recorder->stats().frames_written, 21u);
}

TEST(RecorderQueue, DepartureQueuedWhileFullIsDeliveredBeforeTheNextFrame) {
    test::TempDir dir;
    Harness h(dir.path(), true, 2);
    ASSERT_TRUE(h.frame(0, 1000, "Al", 1, 1));
    ASSERT_TRUE(h.frame(0, 1000, "Al", 1, 1));
    h.recorder->client_left(0); // queue full: kept pending
    h.recorder->process_pending();
    ASSERT_TRUE(h.frame(0, 1000, "Al", 1, 1)); // same id, same address: a new connection
    h.recorder->process_pending();
    EXPECT_EQ(
        test::files_with_suffix(h.recorder->session_dir(), ".wav"),
        (std::vector<std::string>{"Al__-127_0_0_1_1000-0-1.wav", "Al__-127_0_0_1_1000-2-1.wav"}));
}

TEST(RecorderQueue, RejectsFramesOfTheWrongSize) {
    test::TempDir dir;
    Harness h(dir.path());
    std::vector<std::int16_t> samples(100, 0);
    EXPECT_FALSE(h.recorder->on_frame({0, kLoopback, 1, "", 1, samples}));
    EXPECT_FALSE(h.recorder->on_frame({0, kLoopback, 1, "", 3, samples}));
    EXPECT_EQ(h.recorder->stats().frames_rejected, 2u);
}

TEST(RecorderHeaders, AreRewrittenEveryIntervalWhileRecording) {
    test::TempDir dir;
    Harness h(dir.path());
    ASSERT_TRUE(h.frame(0, 1000, "Al", 1, 1));
    h.recorder->process_pending();
    const std::string wav = h.recorder->session_dir() + "/Al__-127_0_0_1_1000-0-1.wav";
    for (int i = 0; i < 9; ++i) {
        ASSERT_TRUE(h.frame(0, 1000, "Al", 1, 1));
    }
    h.recorder->process_pending();
    EXPECT_EQ(test::u32_at(test::read_file(wav), 40), 0u); // interval not yet over
    h.clock.advance(std::chrono::seconds(1));
    h.recorder->process_pending();
    EXPECT_EQ(test::u32_at(test::read_file(wav), 40), 10u * 256u);
    EXPECT_EQ(test::read_file(wav).size(), 44u + 10u * 256u);
}

TEST(RecorderThread, WritesFramesQueuedFromAnotherThread) {
    test::TempDir dir;
    base::SteadyClock clock;
    RecorderOptions options;
    options.base_dir = dir.path();
    Recorder recorder(options, clock, base::Logger("recorder", [](std::string_view) {}));
    std::vector<std::int16_t> samples(128, 3);
    int accepted = 0;
    for (int i = 0; i < 500; ++i) {
        accepted += recorder.on_frame({2, kLoopback, 7, "T", 1, samples}) ? 1 : 0;
    }
    recorder.flush();
    const std::string session = recorder.session_dir();
    ASSERT_FALSE(session.empty());
    const auto wav = test::read_file(session + "/T___-127_0_0_1_7-0-1.wav");
    EXPECT_EQ(test::u32_at(wav, 40), static_cast<std::uint32_t>(accepted) * 256u);
    EXPECT_EQ(recorder.stats().frames_written + recorder.stats().frames_dropped, 500u);
    recorder.on_no_clients();
    recorder.stop();
    EXPECT_EQ(test::files_with_suffix(session, ".lof").size(), 1u);
    EXPECT_FALSE(recorder.on_frame({2, kLoopback, 7, "T", 1, samples}));
    EXPECT_EQ(recorder.stats().sessions_finished, 1u);
}

} // namespace
} // namespace jamfleet::recorder

namespace jamfleet::recorder {
namespace {

TEST(RecorderThread, IdleWriterWakesWhenRecordingIsEnabled) {
    test::TempDir dir;
    base::SteadyClock clock;
    RecorderOptions options;
    options.base_dir = dir.path();
    options.enabled = false; // the writer sleeps until a control call
    Recorder recorder(options, clock, base::Logger("recorder", [](std::string_view) {}));
    std::vector<std::int16_t> samples(128, 3);
    EXPECT_FALSE(recorder.on_frame({1, 0x7f000001, 9, "W", 1, samples}));
    recorder.set_enabled(true);
    for (int i = 0; i < 10; ++i) {
        ASSERT_TRUE(recorder.on_frame({1, 0x7f000001, 9, "W", 1, samples}));
    }
    recorder.flush();
    const auto wav = test::read_file(recorder.session_dir() + "/W___-127_0_0_1_9-0-1.wav");
    EXPECT_EQ(test::u32_at(wav, 40), 10u * 256u);
}

} // namespace
} // namespace jamfleet::recorder

namespace jamfleet::recorder {
namespace {

TEST(RecorderFailure, SessionFolderThatCannotBeCreatedStopsRecordingWithMessage) {
    test::TempDir dir;
    Harness h(dir.path() + "/base");
    std::vector<RecorderState> seen; // written by the callback before `h` is destroyed
    h.recorder->set_state_callback([&seen](RecorderState s) { seen.push_back(s); });
    std::filesystem::remove(dir.path() + "/base"); // the base directory vanished
    ASSERT_TRUE(h.frame(0, 1000, "Al", 1, 1));
    h.recorder->process_pending();
    EXPECT_EQ(h.recorder->state(), RecorderState::NotEnabled);
    EXPECT_EQ(seen, std::vector<RecorderState>{RecorderState::NotEnabled});
    const auto status = h.recorder->status();
    EXPECT_TRUE(status.initialised);
    EXPECT_FALSE(status.enabled);
    EXPECT_NE(status.error_message.find("create session folder " + dir.path() + "/base/Jam-"),
              std::string::npos)
        << status.error_message;
    EXPECT_EQ(h.recorder->stats().failures, 1u);
    ASSERT_FALSE(h.logs.empty());
    EXPECT_EQ(h.logs.back().rfind("error recorder: recording stopped", 0), 0u) << h.logs.back();
    EXPECT_FALSE(h.frame(0, 1000, "Al", 1, 1)); // the producer is told at once
    h.recorder->set_state_callback(nullptr);
}

} // namespace
} // namespace jamfleet::recorder
