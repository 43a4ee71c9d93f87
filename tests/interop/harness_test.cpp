// Tests of the interop harness itself (no Jamulus): the namespace it runs in, process control,
// and the tone measurements every audio check relies on.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <numbers>
#include <stdexcept>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "tests/interop/harness/jamulus_version.h"
#include "tests/interop/harness/net.h"
#include "tests/interop/harness/netns.h"
#include "tests/interop/harness/process.h"
#include "tests/interop/harness/temp_dir.h"
#include "tests/interop/harness/tone.h"
#include "tests/interop/harness/wait.h"

namespace jamfleet::interop {
namespace {

using namespace std::chrono_literals;

ino_t net_namespace_of(const std::string& pid) {
    struct stat info {};
    EXPECT_EQ(::stat(("/proc/" + pid + "/ns/net").c_str(), &info), 0);
    return info.st_ino;
}

std::vector<std::string> interfaces() {
    std::ifstream in("/proc/net/dev");
    std::vector<std::string> names;
    std::string line;
    for (int skip = 0; skip < 2 && std::getline(in, line); ++skip) {
    }
    while (std::getline(in, line)) {
        const auto colon = line.find(':');
        const auto start = line.find_first_not_of(' ');
        names.push_back(line.substr(start, colon - start));
    }
    return names;
}

std::vector<float> beeps(double frequency, float amplitude, std::size_t delay_samples,
                         std::size_t total_samples) {
    // 900 ms on, 100 ms off, like jack_metro -b 60 -D 900, shifted by `delay_samples`.
    std::vector<float> out(total_samples, 0.0f);
    for (std::size_t i = delay_samples; i < total_samples; ++i) {
        const std::size_t t = i - delay_samples;
        if (t % 48000 < 43200) {
            out[i] = amplitude * static_cast<float>(std::sin(2 * std::numbers::pi * frequency *
                                                             static_cast<double>(t) / 48000.0));
        }
    }
    return out;
}

TEST(Harness, RunsInItsOwnNetworkNamespaceWithOnlyLoopback) {
    if (shared_network_namespace_requested()) {
        GTEST_SKIP() << "JAMFLEET_INTEROP_SHARED_NETNS=1";
    }
    // The parent (meson, a shell) stays in the namespace the test was started from.
    EXPECT_NE(net_namespace_of("self"), net_namespace_of(std::to_string(::getppid())));
    EXPECT_EQ(interfaces(), std::vector<std::string>{"lo"});
    UdpProbe a;
    UdpProbe b;
    const std::vector<std::uint8_t> hello{1, 2, 3};
    a.send_to(b.port(), hello);
    const auto got = b.receive(2s);
    ASSERT_TRUE(got) << "loopback is not up";
    EXPECT_EQ(got->bytes, hello);
    EXPECT_EQ(got->from_port, a.port());
}

TEST(Harness, HasItsOwnDevShmSoTheMachinesJackRegistryCannotBlockJackd) {
    // A file made in our /dev/shm must not exist in the /dev/shm the parent (meson) sees.
    const std::string name = "jamfleet-harness-probe-" + std::to_string(::getpid());
    { std::ofstream("/dev/shm/" + name) << "x"; }
    ASSERT_TRUE(std::ifstream("/dev/shm/" + name).good());
    EXPECT_FALSE(
        std::ifstream("/proc/" + std::to_string(::getppid()) + "/root/dev/shm/" + name).good());
    std::remove(("/dev/shm/" + name).c_str());
    // And a fresh one: no JACK registry left by earlier test runs.
    EXPECT_FALSE(std::ifstream("/dev/shm/jack-shm-registry").good());
}

TEST(Harness, ProcessCapturesOutputAndReportsExitCode) {
    TempDir dir("harness");
    Process p({.name = "echo",
               .program = "sh",
               .args = {"-c", "echo \"home=$HOME extra=$EXTRA\"; exit 3"},
               .env = {{"EXTRA", "yes"}},
               .work_dir = dir / "echo"});
    ASSERT_TRUE(p.wait_exit(5s));
    EXPECT_EQ(p.exit_code(), 3);
    EXPECT_EQ(p.log_text(), "home=" + (dir / "echo").string() + " extra=yes\n");
}

TEST(Harness, TerminateEscalatesToSigkillForAChildIgnoringSigterm) {
    TempDir dir("harness");
    Process p({.name = "stubborn",
               .program = "sh",
               .args = {"-c", "trap '' TERM; echo ready; while :; do sleep 0.05; done"},
               .env = {},
               .work_dir = dir / "stubborn"});
    ASSERT_TRUE(wait_until([&] { return p.log_text() == "ready\n"; }, 5s));
    const auto start = std::chrono::steady_clock::now();
    const int status = p.terminate(300ms);
    EXPECT_TRUE(WIFSIGNALED(status));
    EXPECT_EQ(WTERMSIG(status), SIGKILL);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
    EXPECT_FALSE(p.running());
}

TEST(Harness, RunCommandReturnsOutputAndKillsOnTimeout) {
    TempDir dir("harness");
    const auto ok = run_command(
        {.name = "ok", .program = "echo", .args = {"hi"}, .env = {}, .work_dir = dir.path()});
    EXPECT_EQ(ok.exit_code, 0);
    EXPECT_EQ(ok.output, "hi\n");
    const auto start = std::chrono::steady_clock::now();
    const auto slow = run_command(
        {.name = "slow", .program = "sleep", .args = {"30"}, .env = {}, .work_dir = dir.path()},
        200ms);
    EXPECT_EQ(slow.exit_code, -1);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

// The matrix fails, never skips, without its peers: every release is there and says its version.
TEST(Harness, EveryJamulusPeerOfTheMatrixIsPresent_3_9_1_3_12_4_4_0_0beta2) {
    TempDir dir("harness");
    EXPECT_NO_THROW(require_all_peers(dir.path()));
}

TEST(Harness, AMissingPeerIsAnErrorNamingThePath) {
    ::setenv("JAMFLEET_PEERS_DIR", "/nonexistent-peers", 1);
    try {
        jamulus_program(JamulusVersion::v4_0_0beta2);
        ADD_FAILURE() << "a missing 4.0 peer was accepted";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent-peers/jamulus-4.0.0beta2/jamulus"),
                  std::string::npos)
            << e.what();
    }
    ::unsetenv("JAMFLEET_PEERS_DIR");
    EXPECT_EQ(jamulus_program(JamulusVersion::v4_0_0beta2).filename(), "jamulus");
}

TEST(ToneMeasurement, GoertzelGivesTheSineAmplitudeInDbfs) {
    const auto tone = beeps(440, 0.5f, 0, 4800);
    EXPECT_NEAR(goertzel_dbfs(tone, 440, 48000), -6.02, 0.1);
    EXPECT_LT(goertzel_dbfs(tone, 1000, 48000), -40);
    const std::vector<float> silence(4800, 0.0f);
    EXPECT_LT(goertzel_dbfs(silence, 440, 48000), -100);
}

TEST(ToneMeasurement, BlockMedianIgnoresTheGapsBetweenBeeps) {
    const auto tone = beeps(440, 0.25f, 0, 48000 * 3);
    EXPECT_NEAR(median(block_levels_dbfs(tone, 440, 48000)), -12.04, 0.2);
}

TEST(ToneMeasurement, LatencyIsTheDelayBetweenBeepOnsets) {
    const auto reference = beeps(440, 0.5f, 1000, 48000 * 4);
    const auto delayed = beeps(440, 0.2f, 1000 + 1104, 48000 * 4); // 23 ms later
    const auto latency = median_latency_ms(reference, delayed, 48000);
    ASSERT_TRUE(latency);
    EXPECT_NEAR(*latency, 23.0, 0.2);
    const std::vector<float> silence(48000 * 4, 0.0f);
    EXPECT_FALSE(median_latency_ms(reference, silence, 48000));
}

TEST(ToneMeasurement, ReadsTheWavFilesJackRecWrites) {
    TempDir dir("harness");
    const auto path = dir / "two.wav";
    // 16-bit stereo PCM, 3 frames: (1000, -1000), (0, 32767), (-32768, 5).
    const std::vector<std::int16_t> samples{1000, -1000, 0, 32767, -32768, 5};
    std::ofstream out(path, std::ios::binary);
    const auto u32 = [&](std::uint32_t v) { out.write(reinterpret_cast<const char*>(&v), 4); };
    const auto u16 = [&](std::uint16_t v) { out.write(reinterpret_cast<const char*>(&v), 2); };
    out << "RIFF";
    u32(36 + 12);
    out << "WAVEfmt ";
    u32(16);
    u16(1);
    u16(2);
    u32(48000);
    u32(48000 * 4);
    u16(4);
    u16(16);
    out << "data";
    u32(12);
    out.write(reinterpret_cast<const char*>(samples.data()), 12);
    out.close();
    const auto recording = read_wav(path);
    ASSERT_EQ(recording.channels.size(), 2u);
    EXPECT_EQ(recording.sample_rate, 48000);
    EXPECT_EQ(recording.channels[0], (std::vector<float>{1000 / 32768.0f, 0.0f, -1.0f}));
    EXPECT_EQ(recording.channels[1],
              (std::vector<float>{-1000 / 32768.0f, 32767 / 32768.0f, 5 / 32768.0f}));
}

} // namespace
} // namespace jamfleet::interop
