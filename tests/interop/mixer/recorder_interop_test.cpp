// The jam recorder with real Jamulus clients (3.9.1; 4.0.0 beta 2 at 128 samples, compared with
// a real 4.0 server): two clients with different
// tones into a recording server (128- and 64-sample frames) leave one WAV per client holding
// its own tone at the level a real Jamulus server records, with .lof/.rpp naming those files;
// a full disk stops recording (clients are told) while the room keeps playing on time; the
// control inputs (JSON-RPC, signals) act as on real Jamulus. The full-disk and control cases
// run with clients (and, for controls, the real server) of 3.9.1 and of 4.0.0 beta 2.
#include <gtest/gtest.h>

#include <csignal>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/interop/harness/jack_server.h"
#include "tests/interop/harness/jamulus.h"
#include "tests/interop/harness/temp_dir.h"
#include "tests/interop/harness/tone.h"
#include "tests/interop/harness/version_params.h"
#include "tests/interop/harness/wait.h"
#include "tests/interop/mixer/recorder_interop_support.h"

namespace jamfleet::interop {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr double kToneA = 440;
constexpr double kToneB = 2000;

struct TrackLevels {
    std::string file;
    double own_dbfs = 0;   // level of the client's own tone
    double other_dbfs = 0; // level of the other client's tone
};

struct SessionResult {
    int frame_samples = 128; // the server's frame size (64 with -F): the unit of start frames
    fs::path session;
    std::vector<std::string> wavs;
    TrackLevels a;
    TrackLevels b;
    std::string lof;
    std::string rpp;
};

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Median block level of the last 2 s of a recording (the tones run all along; the start
// holds the fade-in and the first frames before the client's name arrived).
double tail_level(const Recording& rec, double hz) {
    const auto& samples = rec.channels.at(0);
    const std::size_t tail = std::min<std::size_t>(samples.size(), 2 * 48000);
    return median(block_levels_dbfs(std::span<const float>(samples).last(tail), hz, 48000));
}

// The WAV of the client whose UDP port is `port` (file names carry IP and port).
std::string wav_for_port(const std::vector<std::string>& wavs, std::uint16_t port) {
    const std::string tag = "-127_0_0_1_" + std::to_string(port) + "-";
    std::string found;
    for (const auto& w : wavs) {
        if (w.find(tag) != std::string::npos) {
            EXPECT_TRUE(found.empty()) << "two files for port " << port;
            found = w;
        }
    }
    return found;
}

// frame_samples 64: the server runs with -F, JACK and the clients with 64-sample frames
// (enableopussmall), as in the 64-sample tone test.
SessionResult record_session(const fs::path& dir, const ServerKind& kind, int frame_samples,
                             JamulusVersion clients = JamulusVersion::v3_9_1) {
    const bool small = frame_samples == 64;
    const fs::path rec_dir = dir / ("rec-" + kind.name + "-" + std::to_string(frame_samples));
    JackServer jack(dir, frame_samples);
    std::vector<std::string> args = {"-R", rec_dir.string()};
    if (small) {
        args.emplace_back("-F");
    }
    JamulusServer server(dir, kind, {.args = args});
    std::uint16_t port_a = 0;
    std::uint16_t port_b = 0;
    {
        JamulusClient a(dir, jack, "alice", ClientProfile{.name = "alice", .opus_small = small},
                        server.address(), {.version = clients});
        JamulusClient b(dir, jack, "bob", ClientProfile{.name = "bob", .opus_small = small},
                        server.address(), {.version = clients});
        for (auto* client : {&a, &b}) {
            if (!client->wait_for_client_list([](const auto& c) { return c.size() == 2; })) {
                throw std::runtime_error(client->role() + " never saw both clients");
            }
        }
        port_a = a.udp_port();
        port_b = b.udp_port();
        ToneSource tone_a(jack, dir, "tone_a", static_cast<int>(kToneA), 0.5);
        ToneSource tone_b(jack, dir, "tone_b", static_cast<int>(kToneB), 0.5);
        for (const char* in : {"input left", "input right"}) {
            jack.connect(tone_a.port(), a.jack_port(in));
            jack.connect(tone_b.port(), b.jack_port(in));
        }
        std::this_thread::sleep_for(4s);
        a.stop();
        b.stop();
    }
    // The session ends when the last client has left: the project files appear.
    SessionResult result;
    result.frame_samples = frame_samples;
    const bool ended = wait_until(
        [&] {
            if (!fs::exists(rec_dir)) {
                return false;
            }
            for (const auto& e : fs::directory_iterator(rec_dir)) {
                const auto name = e.path().filename().string();
                if (fs::exists(e.path() / (name + ".lof"))) {
                    result.session = e.path();
                    return true;
                }
            }
            return false;
        },
        40s, 100ms);
    server.stop();
    if (!ended) {
        throw std::runtime_error(kind.name + ": no finished session under " + rec_dir.string());
    }
    const std::string name = result.session.filename().string();
    for (const auto& e : fs::directory_iterator(result.session)) {
        if (e.path().extension() == ".wav") {
            result.wavs.push_back(e.path().filename().string());
        }
    }
    std::sort(result.wavs.begin(), result.wavs.end());
    result.lof = read_text(result.session / (name + ".lof"));
    result.rpp = read_text(result.session / (name + ".rpp"));
    const auto levels = [&](std::uint16_t port, double own, double other) {
        TrackLevels t;
        t.file = wav_for_port(result.wavs, port);
        if (t.file.empty()) {
            throw std::runtime_error(kind.name + ": no WAV for port " + std::to_string(port));
        }
        const auto rec = read_wav(result.session / t.file);
        t.own_dbfs = tail_level(rec, own);
        t.other_dbfs = tail_level(rec, other);
        return t;
    };
    result.a = levels(port_a, kToneA, kToneB);
    result.b = levels(port_b, kToneB, kToneA);
    return result;
}

// Every WAV is named in the .lof exactly once, at the offset its start frame gives.
void expect_lof_matches(const SessionResult& r) {
    std::set<std::string> listed;
    std::istringstream lines(r.lof);
    std::string line;
    while (std::getline(lines, line)) {
        const auto q1 = line.find('"');
        const auto q2 = line.find('"', q1 + 1);
        ASSERT_NE(q2, std::string::npos) << line;
        const std::string file = line.substr(q1 + 1, q2 - q1 - 1);
        listed.insert(file);
        // <NAME>-<ADDR>-<startFrame>-<channels>.wav
        const auto last = file.rfind('-');
        const auto before = file.rfind('-', last - 1);
        const long start = std::stol(file.substr(before + 1, last - before - 1));
        char expected[64];
        std::snprintf(expected, sizeof expected, " offset %.14f",
                      static_cast<double>(start * r.frame_samples) / 48000.0);
        EXPECT_EQ(line.substr(q2 + 1), expected);
        EXPECT_NE(r.rpp.find("FILE \"" + (r.session / file).string() + "\""), std::string::npos)
            << file;
    }
    EXPECT_EQ(listed, std::set<std::string>(r.wavs.begin(), r.wavs.end()));
}

void expect_own_tone_only(const std::string& server, const SessionResult& r) {
    for (const auto* t : {&r.a, &r.b}) {
        SCOPED_TRACE(server + " " + t->file);
        EXPECT_GT(t->own_dbfs, -20.0);
        EXPECT_LT(t->other_dbfs, t->own_dbfs - 30.0);
    }
}

// Records the same two-client session (clients of `version`) on real Jamulus of that release
// and on jamfleet-mixer.
void compare_with_jamulus(const std::string& name, int frame_samples,
                          JamulusVersion version = JamulusVersion::v3_9_1) {
    TempDir dir(name);
    const SessionResult jamulus =
        record_session(dir.path(), real_jamulus_kind(version), frame_samples, version);
    EXPECT_EQ(jamulus.wavs.size(), 2u);
    expect_own_tone_only("jamulus", jamulus);
    expect_lof_matches(jamulus);
    const auto mixer = jamfleet_mixer_kind();
    ASSERT_TRUE(mixer) << "JAMFLEET_MIXER is not set (meson sets it to the built jamfleet-mixer)";
    const SessionResult ours = record_session(dir.path(), *mixer, frame_samples, version);
    EXPECT_EQ(ours.wavs.size(), 2u);
    expect_own_tone_only("jamfleet", ours);
    expect_lof_matches(ours);
    EXPECT_NEAR(ours.a.own_dbfs, jamulus.a.own_dbfs, 1.0);
    EXPECT_NEAR(ours.b.own_dbfs, jamulus.b.own_dbfs, 1.0);
    std::cout << frame_samples << " samples\njamulus: " << jamulus.a.file << " "
              << jamulus.a.own_dbfs << " dBFS (other " << jamulus.a.other_dbfs << "), "
              << jamulus.b.file << " " << jamulus.b.own_dbfs << " dBFS (other "
              << jamulus.b.other_dbfs << ")\njamfleet: " << ours.a.file << " " << ours.a.own_dbfs
              << " dBFS (other " << ours.a.other_dbfs << "), " << ours.b.file << " "
              << ours.b.own_dbfs << " dBFS (other " << ours.b.other_dbfs << ")\n";
}

TEST(RecorderInterop, EachClientsWavHoldsItsOwnToneAtJamulusLevel_Clients_3_9_1) {
    compare_with_jamulus("recorder", 128);
}

TEST(RecorderInterop, EachClientsWavHoldsItsOwnToneAtJamulusLevel_Clients_4_0_0beta2) {
    compare_with_jamulus("recorder-4-0", 128, JamulusVersion::v4_0_0beta2);
}

// -F: 64-sample frames end to end (server, JACK, clients); .lof offsets count 64-sample frames.
TEST(RecorderInterop, FastUpdateWavsHoldTheirOwnToneAtJamulusLevel_Clients_3_9_1) {
    compare_with_jamulus("recorder-fast", 64);
}

struct FullDiskRun {
    nlohmann::json status;     // getRecorderStatus once recording stopped
    nlohmann::json control;    // jamfleet/getStats one window before startRecording
    nlohmann::json before;     // ... right before startRecording
    nlohmann::json after;      // ... shortly after recording stopped
    std::vector<int> states_a; // RECORDER_STATE values sent to A's port
    std::vector<int> states_b; // ... and to B's
    double heard_dbfs = -200;  // A's tone in B's output after the disk filled
    bool a_connected = false;  // both clients still connected at the end
    bool b_connected = false;
    std::chrono::milliseconds window{0}; // startRecording → `after`
    // Missed ticks + overruns between two getStats results.
    static std::uint64_t late(const nlohmann::json& from, const nlohmann::json& to) {
        const auto delta = [&](const char* key) {
            return to[key].get<std::uint64_t>() - from[key].get<std::uint64_t>();
        };
        return delta("missedTicks") + delta("tickOverruns");
    }
    std::uint64_t late_ticks() const { return late(before, after); }
    std::uint64_t control_late_ticks() const { return late(control, before); }
};

// Two clients in a room recording onto a 256 KiB tmpfs: recording is enabled only once the
// room plays, so the stats window spans exactly the recording, the failure and the aftermath.
FullDiskRun fill_the_disk(const fs::path& dir, const ServerKind& mixer, const fs::path& rec,
                          JamulusVersion clients) {
    FullDiskRun run;
    RecorderStateCapture capture(dir);
    if (!capture.wait_capturing()) {
        throw std::runtime_error("tshark did not start capturing");
    }
    JackServer jack(dir);
    JamulusServer server(dir, mixer, {.args = {"-R", rec.string(), "--norecord"}});
    JamulusClient a(dir, jack, "alice", ClientProfile{.name = "alice"}, server.address(),
                    {.version = clients});
    JamulusClient b(dir, jack, "bob", ClientProfile{.name = "bob"}, server.address(),
                    {.version = clients});
    for (auto* client : {&a, &b}) {
        if (!client->wait_for_client_list([](const auto& c) { return c.size() == 2; })) {
            throw std::runtime_error(client->role() + " never saw both clients");
        }
    }
    ToneSource tone(jack, dir, "tone_a", static_cast<int>(kToneA), 0.5);
    for (const char* in : {"input left", "input right"}) {
        jack.connect(tone.port(), a.jack_port(in));
    }
    std::this_thread::sleep_for(1s); // jitter buffers settle after the connection sequence
    // A control window without recording, as long as a typical recording window, shows what
    // the machine's load alone costs (printed, not asserted).
    run.control = server.rpc().call("jamfleet/getStats");
    std::this_thread::sleep_for(2s);
    run.before = server.rpc().call("jamfleet/getStats");
    const auto started = std::chrono::steady_clock::now();
    server.rpc().call("jamulusserver/startRecording");
    // Two mono clients write 192 kB/s: 256 KiB are full within about 1.5 s.
    wait_until(
        [&] {
            run.status = server.rpc().call("jamulusserver/getRecorderStatus");
            return run.status["enabled"] == false;
        },
        30s, 50ms);
    std::this_thread::sleep_for(300ms); // the ticks right after the failure count too
    run.after = server.rpc().call("jamfleet/getStats");
    run.window = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    const auto heard = record_ports(jack, dir, {b.jack_port("output left")}, 2s);
    run.heard_dbfs = median(block_levels_dbfs(heard.channels[0], kToneA, 48000));
    run.a_connected = a.connected();
    run.b_connected = b.connected();
    // tshark prints line by line, a little after the frames went out.
    wait_until(
        [&] {
            return saw_recording_then_stopped(capture.states_to(a.udp_port())) &&
                   saw_recording_then_stopped(capture.states_to(b.udp_port()));
        },
        5s, 100ms);
    run.states_a = capture.states_to(a.udp_port());
    run.states_b = capture.states_to(b.udp_port());
    return run;
}

// The clients' release (and, for the control inputs, the real server's) is the parameter.
class RecorderReleases : public ::testing::TestWithParam<JamulusVersion> {};

// The recorder's writer thread meets ENOSPC; the tick never waits for it. The window's
// missed ticks and overruns must be 0; a loaded machine can also miss ticks for reasons of
// its own, so (like the audio measurements) the run is repeated at most three times and one
// clean run is required; a recorder that stalled the tick would fail every attempt.
TEST_P(RecorderReleases, FullDiskStopsRecordingWhileTheRoomKeepsPlaying) {
    const auto mixer = jamfleet_mixer_kind();
    ASSERT_TRUE(mixer) << "JAMFLEET_MIXER is not set (meson sets it to the built jamfleet-mixer)";
    constexpr int kAttempts = 3;
    TempDir dir("recorder-full");
    FullDiskRun run;
    for (int attempt = 1; attempt <= kAttempts; ++attempt) {
        const fs::path rec = dir / ("rec" + std::to_string(attempt));
        PrivateTmpfs disk(rec, "256k");
        ASSERT_TRUE(disk.mounted()) << "cannot mount a private tmpfs (needs root)";
        run = fill_the_disk(dir / ("attempt" + std::to_string(attempt)), *mixer, rec, GetParam());
        // Recording stopped cleanly, and both real clients were told so on the wire.
        ASSERT_EQ(run.status["enabled"], false) << run.status.dump();
        EXPECT_EQ(run.status["initialised"], true);
        EXPECT_NE(run.status["errorMessage"].get<std::string>().find("No space left on device"),
                  std::string::npos)
            << run.status.dump();
        EXPECT_EQ(run.after["recorder"]["failures"], 1);
        EXPECT_TRUE(saw_recording_then_stopped(run.states_a)) << join(run.states_a);
        EXPECT_TRUE(saw_recording_then_stopped(run.states_b)) << join(run.states_b);
        // The room kept playing: both still connected, B still hears A's tone.
        EXPECT_EQ(run.after["clients"], 2);
        EXPECT_TRUE(run.a_connected);
        EXPECT_TRUE(run.b_connected);
        EXPECT_GT(run.heard_dbfs, -30.0);
        EXPECT_GT(run.after["ticks"].get<std::uint64_t>(),
                  run.before["ticks"].get<std::uint64_t>());
        std::cout << "attempt " << attempt << ": B hears A at " << run.heard_dbfs
                  << " dBFS after the disk filled; RECORDER_STATE to A " << join(run.states_a)
                  << ", to B " << join(run.states_b) << "; recording window " << run.window.count()
                  << " ms: ticks " << run.before["ticks"] << " -> " << run.after["ticks"]
                  << ", missed ticks " << run.before["missedTicks"] << " -> "
                  << run.after["missedTicks"] << ", tick overruns " << run.before["tickOverruns"]
                  << " -> " << run.after["tickOverruns"] << "; late ticks in the 2 s control "
                  << "window before it " << run.control_late_ticks() << "\n";
        if (HasFailure() || run.late_ticks() == 0) {
            break;
        }
    }
    EXPECT_EQ(run.late_ticks(), 0u) << "late ticks in every attempt";
}

std::vector<std::string> session_folders(const fs::path& rec) {
    std::vector<std::string> out;
    if (fs::exists(rec)) {
        for (const auto& e : fs::directory_iterator(rec)) {
            out.push_back(e.path().filename().string());
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

// What the control inputs did, step by step, so both servers can be compared.
std::vector<std::string> drive_controls(const fs::path& dir, const ServerKind& kind,
                                        JamulusVersion clients) {
    const fs::path rec = dir / ("ctl-" + kind.name);
    std::vector<std::string> log;
    JackServer jack(dir);
    JamulusServer server(dir, kind, {.args = {"-R", rec.string(), "--norecord"}});
    const auto status = [&] {
        const auto s = server.rpc().call("jamulusserver/getRecorderStatus");
        return "initialised=" + s["initialised"].dump() + " enabled=" + s["enabled"].dump() +
               " dir=" +
               (s["recordingDirectory"] == rec.string() ? "rec" : s["recordingDirectory"].dump()) +
               " error=" + s["errorMessage"].dump();
    };
    log.push_back("start " + status());
    JamulusClient a(dir, jack, "alice", ClientProfile{.name = "alice"}, server.address(),
                    {.version = clients});
    if (!a.wait_connected()) {
        throw std::runtime_error(kind.name + ": client did not connect");
    }
    std::this_thread::sleep_for(500ms);
    log.push_back("disabled: folders=" + std::to_string(session_folders(rec).size()));
    log.push_back("startRecording " + server.rpc().call("jamulusserver/startRecording").dump());
    log.push_back(status());
    wait_until([&] { return session_folders(rec).size() == 1; }, 5s);
    log.push_back("recording: folders=" + std::to_string(session_folders(rec).size()));
    std::this_thread::sleep_for(300ms); // distinct millisecond folder names
    log.push_back("restartRecording " + server.rpc().call("jamulusserver/restartRecording").dump());
    wait_until([&] { return session_folders(rec).size() == 2; }, 5s);
    log.push_back("restarted: folders=" + std::to_string(session_folders(rec).size()));
    std::this_thread::sleep_for(300ms);
    server.process().send_signal(SIGUSR1);
    wait_until([&] { return session_folders(rec).size() == 3; }, 5s);
    log.push_back("SIGUSR1: folders=" + std::to_string(session_folders(rec).size()));
    server.process().send_signal(SIGUSR2);
    wait_until(
        [&] { return server.rpc().call("jamulusserver/getRecorderStatus")["enabled"] == false; },
        5s);
    log.push_back("SIGUSR2 " + status());
    log.push_back("stopRecording " + server.rpc().call("jamulusserver/stopRecording").dump());
    log.push_back(status());
    const fs::path file = dir / ("not-a-dir-" + kind.name);
    std::ofstream(file) << "x";
    log.push_back("setRecordingDirectory " +
                  server.rpc()
                      .call("jamulusserver/setRecordingDirectory",
                            nlohmann::json{{"recordingDirectory", file.string()}})
                      .dump());
    const auto bad = server.rpc().call("jamulusserver/getRecorderStatus");
    std::string message = bad["errorMessage"].get<std::string>();
    if (const auto at = message.find(file.string()); at != std::string::npos) {
        message.replace(at, file.string().size(), "FILE");
    }
    log.push_back("bad dir: initialised=" + bad["initialised"].dump() + " error=" + message);
    a.stop();
    server.stop();
    return log;
}

TEST_P(RecorderReleases, RpcAndSignalsControlRecordingAsJamulusDoes) {
    const auto mixer = jamfleet_mixer_kind();
    ASSERT_TRUE(mixer) << "JAMFLEET_MIXER is not set (meson sets it to the built jamfleet-mixer)";
    TempDir dir("recorder-control");
    const auto jamulus = drive_controls(dir.path(), real_jamulus_kind(GetParam()), GetParam());
    const auto ours = drive_controls(dir.path(), *mixer, GetParam());
    EXPECT_EQ(ours, jamulus);
    for (const auto& line : jamulus) {
        std::cout << "jamulus: " << line << "\n";
    }
}

INSTANTIATE_TEST_SUITE_P(Versions, RecorderReleases, full_set_releases(), client_release_name);

} // namespace
} // namespace jamfleet::interop
