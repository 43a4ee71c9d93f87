// The jam recorder with real Jamulus 3.9.1 clients (issue 7): two clients with different
// tones into a recording server leave one WAV per client holding its own tone and not the
// other's, at the level a real Jamulus server records, with .lof/.rpp naming those files.
#include <gtest/gtest.h>

#include <csignal>
#include <sys/mount.h>

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
#include "tests/interop/harness/wait.h"

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

SessionResult record_session(const fs::path& dir, const ServerKind& kind) {
    const fs::path rec_dir = dir / ("rec-" + kind.name);
    JackServer jack(dir);
    JamulusServer server(dir, kind, {.args = {"-R", rec_dir.string()}});
    std::uint16_t port_a = 0;
    std::uint16_t port_b = 0;
    {
        JamulusClient a(dir, jack, "alice", ClientProfile{.name = "alice"}, server.address());
        JamulusClient b(dir, jack, "bob", ClientProfile{.name = "bob"}, server.address());
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
                      static_cast<double>(start * 128) / 48000.0);
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

TEST(RecorderInterop, EachClientsWavHoldsItsOwnToneAtJamulusLevel) {
    TempDir dir("recorder");
    const SessionResult jamulus = record_session(dir.path(), real_jamulus_kind());
    EXPECT_EQ(jamulus.wavs.size(), 2u);
    expect_own_tone_only("jamulus", jamulus);
    expect_lof_matches(jamulus);
    const auto mixer = jamfleet_mixer_kind();
    if (!mixer) {
        GTEST_SKIP() << "JAMFLEET_MIXER not set: real Jamulus checked only";
    }
    const SessionResult ours = record_session(dir.path(), *mixer);
    EXPECT_EQ(ours.wavs.size(), 2u);
    expect_own_tone_only("jamfleet", ours);
    expect_lof_matches(ours);
    EXPECT_NEAR(ours.a.own_dbfs, jamulus.a.own_dbfs, 1.0);
    EXPECT_NEAR(ours.b.own_dbfs, jamulus.b.own_dbfs, 1.0);
    std::cout << "jamulus: " << jamulus.a.file << " " << jamulus.a.own_dbfs << " dBFS, "
              << jamulus.b.file << " " << jamulus.b.own_dbfs << " dBFS\n"
              << "jamfleet: " << ours.a.file << " " << ours.a.own_dbfs << " dBFS, " << ours.b.file
              << " " << ours.b.own_dbfs << " dBFS\n";
}

// Unmounts what the test mounted, even when an assertion fails.
class TmpfsMount {
public:
    TmpfsMount(const fs::path& dir, const std::string& size) : dir_(dir) {
        fs::create_directories(dir);
        mounted_ = ::mount("tmpfs", dir.c_str(), "tmpfs", 0, ("size=" + size).c_str()) == 0;
    }
    ~TmpfsMount() {
        if (mounted_) {
            ::umount2(dir_.c_str(), MNT_DETACH);
        }
    }
    TmpfsMount(const TmpfsMount&) = delete;
    TmpfsMount& operator=(const TmpfsMount&) = delete;
    bool mounted() const { return mounted_; }

private:
    fs::path dir_;
    bool mounted_ = false;
};

TEST(RecorderInterop, FullDiskStopsRecordingWhileTheRoomKeepsPlaying) {
    const auto mixer = jamfleet_mixer_kind();
    if (!mixer) {
        GTEST_SKIP() << "JAMFLEET_MIXER not set";
    }
    TempDir dir("recorder-full");
    TmpfsMount disk(dir / "rec", "256k");
    if (!disk.mounted()) {
        GTEST_SKIP() << "cannot mount a tmpfs (needs root)";
    }
    JackServer jack(dir.path());
    JamulusServer server(dir.path(), *mixer, {.args = {"-R", (dir / "rec").string()}});
    JamulusClient a(dir.path(), jack, "alice", ClientProfile{.name = "alice"}, server.address());
    JamulusClient b(dir.path(), jack, "bob", ClientProfile{.name = "bob"}, server.address());
    for (auto* client : {&a, &b}) {
        ASSERT_TRUE(client->wait_for_client_list([](const auto& c) { return c.size() == 2; }));
    }
    ToneSource tone(jack, dir.path(), "tone_a", static_cast<int>(kToneA), 0.5);
    for (const char* in : {"input left", "input right"}) {
        jack.connect(tone.port(), a.jack_port(in));
    }
    // Two mono clients write 192 kB/s: 256 KiB are full within seconds.
    nlohmann::json status;
    ASSERT_TRUE(wait_until(
        [&] {
            status = server.rpc().call("jamulusserver/getRecorderStatus");
            return status["enabled"] == false;
        },
        30s, 100ms))
        << status.dump();
    EXPECT_EQ(status["initialised"], true);
    EXPECT_NE(status["errorMessage"].get<std::string>().find("No space left on device"),
              std::string::npos)
        << status.dump();
    const auto before = server.rpc().call("jamfleet/getStats");
    // The room keeps playing: B still hears A's tone after recording stopped.
    const auto heard = record_ports(jack, dir.path(), {b.jack_port("output left")}, 2s);
    const double level = median(block_levels_dbfs(heard.channels[0], kToneA, 48000));
    EXPECT_GT(level, -30.0);
    const auto after = server.rpc().call("jamfleet/getStats");
    EXPECT_EQ(after["clients"], 2);
    EXPECT_EQ(after["recorder"]["failures"], 1);
    std::cout << "after the disk filled: B hears A at " << level << " dBFS; missed ticks "
              << before["missedTicks"] << " -> " << after["missedTicks"] << ", tick overruns "
              << before["tickOverruns"] << " -> " << after["tickOverruns"] << "\n";
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
std::vector<std::string> drive_controls(const fs::path& dir, const ServerKind& kind) {
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
    JamulusClient a(dir, jack, "alice", ClientProfile{.name = "alice"}, server.address());
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

TEST(RecorderInterop, RpcAndSignalsControlRecordingAsJamulusDoes) {
    const auto mixer = jamfleet_mixer_kind();
    if (!mixer) {
        GTEST_SKIP() << "JAMFLEET_MIXER not set";
    }
    TempDir dir("recorder-control");
    const auto jamulus = drive_controls(dir.path(), real_jamulus_kind());
    const auto ours = drive_controls(dir.path(), *mixer);
    EXPECT_EQ(ours, jamulus);
    for (const auto& line : jamulus) {
        std::cout << "jamulus: " << line << "\n";
    }
}

} // namespace
} // namespace jamfleet::interop
