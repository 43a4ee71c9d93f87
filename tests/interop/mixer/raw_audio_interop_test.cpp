// Raw (uncompressed) audio of Jamulus 4.0: a 4.0.0 beta 2 client set to raw quality
// (audioquality 3) and a 3.9.1 client (Opus) in one room. On jamfleet-mixer and on a real 4.0
// server in the same test each hears the other's tone, at the real server's level; the raw
// client's datagrams on the wire (tshark on the test's private loopback) are raw-sized, and the
// Opus client keeps receiving Opus.
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <thread>

#include "tests/interop/harness/jack_server.h"
#include "tests/interop/harness/jamulus.h"
#include "tests/interop/harness/temp_dir.h"
#include "tests/interop/harness/tone.h"
#include "tests/interop/harness/wait.h"

namespace jamfleet::interop {
namespace {

using namespace std::chrono_literals;

constexpr double kToneRaw = 440;   // into the raw 4.0 client
constexpr double kToneOpus = 2000; // into the 3.9.1 client

// UDP payload sizes per (source port → destination port) seen on lo.
class PacketSizes {
public:
    PacketSizes(const std::filesystem::path& dir, std::uint16_t server_port)
        : tshark_(
              ProcessOptions{.name = "tshark",
                             .program = "tshark",
                             .args = {"-i", "lo", "-l", "-n", "-f",
                                      "udp port " + std::to_string(server_port), "-T", "fields",
                                      "-e", "udp.srcport", "-e", "udp.dstport", "-e", "udp.length"},
                             .work_dir = dir / "tshark"}) {}
    bool wait_capturing() {
        return wait_until(
            [&] { return tshark_.log_text().find("Capturing on") != std::string::npos; }, 30s,
            100ms);
    }
    // Payload size → count for datagrams from `from` to `to`.
    std::map<int, int> sizes(std::uint16_t from, std::uint16_t to) const {
        std::map<int, int> out;
        std::istringstream lines(tshark_.log_text());
        std::string line;
        while (std::getline(lines, line)) {
            std::istringstream fields(line);
            int src = 0;
            int dst = 0;
            int length = 0;
            if (fields >> src >> dst >> length && src == from && dst == to) {
                ++out[length - 8];
            }
        }
        return out;
    }

private:
    Process tshark_;
};

// The most frequent size in `sizes` (0 when empty).
int usual(const std::map<int, int>& sizes) {
    int best = 0;
    int count = 0;
    for (const auto& [size, n] : sizes) {
        if (n > count) {
            best = size;
            count = n;
        }
    }
    return best;
}

struct RawRoom {
    double opus_hears_raw_dbfs = -200; // the raw client's tone in the 3.9.1 client's output
    double raw_hears_opus_dbfs = -200; // the 3.9.1 client's tone in the raw client's output
    int raw_up = 0;                    // usual datagram size raw client → server
    int raw_down = 0;                  // ... server → raw client
    int opus_down = 0;                 // ... server → 3.9.1 client
};

RawRoom measure_raw_room(const std::filesystem::path& dir, const ServerKind& kind) {
    JackServer jack(dir, 128);
    JamulusServer server(dir, kind, {}, kind.name);
    PacketSizes capture(dir, server.port());
    if (!capture.wait_capturing()) {
        throw std::runtime_error("tshark did not start capturing");
    }
    JamulusClient raw(dir, jack, "raw_" + kind.name, {.name = "raw", .audio_quality = 3},
                      server.address(), {.version = JamulusVersion::v4_0_0beta2});
    JamulusClient opus(dir, jack, "opus_" + kind.name, {.name = "opus"}, server.address());
    for (auto* c : {&raw, &opus}) {
        if (!c->wait_for_client_list([](const auto& l) { return l.size() == 2; })) {
            throw std::runtime_error(c->role() + " never saw both clients on " + kind.name);
        }
    }
    ToneSource tone_raw(jack, dir, "tone_raw_" + kind.name, static_cast<int>(kToneRaw), 0.5);
    ToneSource tone_opus(jack, dir, "tone_opus_" + kind.name, static_cast<int>(kToneOpus), 0.5);
    for (const char* in : {"input left", "input right"}) {
        jack.connect(tone_raw.port(), raw.jack_port(in));
        jack.connect(tone_opus.port(), opus.jack_port(in));
    }
    std::this_thread::sleep_for(1500ms);
    const auto rec =
        record_ports(jack, dir, {opus.jack_port("output left"), raw.jack_port("output left")}, 4s);
    RawRoom room;
    room.opus_hears_raw_dbfs = median(block_levels_dbfs(rec.channels[0], kToneRaw, 48000));
    room.raw_hears_opus_dbfs = median(block_levels_dbfs(rec.channels[1], kToneOpus, 48000));
    room.raw_up = usual(capture.sizes(raw.udp_port(), server.port()));
    room.raw_down = usual(capture.sizes(server.port(), raw.udp_port()));
    room.opus_down = usual(capture.sizes(server.port(), opus.udp_port()));
    std::cout << kind.name << ": 3.9.1 hears raw " << room.opus_hears_raw_dbfs
              << " dBFS, raw hears 3.9.1 " << room.raw_hears_opus_dbfs << " dBFS; datagrams raw→"
              << room.raw_up << " B, →raw " << room.raw_down << " B, →3.9.1 " << room.opus_down
              << " B\n";
    return room;
}

TEST(RawAudio, RawClient_4_0_0beta2_AndOpusClient_3_9_1_HearEachOtherAsOnJamulus_4_0_0beta2) {
    TempDir dir("raw-audio");
    const auto mixer = jamfleet_mixer_kind();
    ASSERT_TRUE(mixer) << "JAMFLEET_MIXER must name jamfleet-mixer";
    const auto plausible = [](const RawRoom& r) {
        return r.opus_hears_raw_dbfs > -20 && r.raw_hears_opus_dbfs > -20;
    };
    // Audio on the JACK dummy backend can xrun on a loaded machine: one bounded retry each.
    RawRoom real = measure_raw_room(dir.path(), real_jamulus_kind(JamulusVersion::v4_0_0beta2));
    if (!plausible(real)) {
        real =
            measure_raw_room(dir.path() / "again", real_jamulus_kind(JamulusVersion::v4_0_0beta2));
    }
    RawRoom ours = measure_raw_room(dir.path(), *mixer);
    if (!plausible(ours)) {
        ours = measure_raw_room(dir.path() / "again", *mixer);
    }
    // 128 samples mono: 256 bytes of PCM, plus the sequence byte.
    EXPECT_EQ(real.raw_up, 257) << "the real 4.0 server did not get raw audio";
    EXPECT_EQ(ours.raw_up, 257) << "the raw client did not send raw audio to jamfleet-mixer";
    EXPECT_EQ(ours.raw_down, real.raw_down);
    EXPECT_EQ(ours.raw_down, 257);
    EXPECT_LT(ours.opus_down, 200) << "the 3.9.1 client must keep getting Opus";
    EXPECT_EQ(ours.opus_down, real.opus_down);
    EXPECT_GT(real.opus_hears_raw_dbfs, -20);
    EXPECT_GT(real.raw_hears_opus_dbfs, -20);
    EXPECT_NEAR(ours.opus_hears_raw_dbfs, real.opus_hears_raw_dbfs, 3.0);
    EXPECT_NEAR(ours.raw_hears_opus_dbfs, real.raw_hears_opus_dbfs, 3.0);
}

} // namespace
} // namespace jamfleet::interop
