// jamfleet-mixer's admission (docs/admission.md) against real Jamulus clients: a junk
// flood from hundreds of source addresses takes no seat while real 3.9.1 clients
// play, hear each other and a newcomer still joins; one datagram from a fresh address
// gets at most 3× its bytes back, measured on the wire; real 3.9.1, 3.12.4 and 4.0
// clients join as fast as with a real Jamulus server.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <netinet/in.h>
#include <random>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "proto/conn_messages.h"
#include "proto/frame.h"
#include "proto/message_id.h"
#include "tests/interop/harness/jack_server.h"
#include "tests/interop/harness/jamulus.h"
#include "tests/interop/harness/net.h"
#include "tests/interop/harness/temp_dir.h"
#include "tests/interop/harness/tone.h"
#include "tests/interop/harness/wait.h"

namespace jamfleet::interop {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using proto::MessageId;

ServerKind mixer_kind() {
    auto kind = jamfleet_mixer_kind();
    if (!kind) {
        throw std::runtime_error("JAMFLEET_MIXER is not set to the jamfleet-mixer executable");
    }
    return *kind;
}

// A non-blocking UDP socket bound to a chosen loopback address (127.x.y.z are all
// local on the namespace's lo), so the flood comes from many IPs and ports.
class FloodSocket {
public:
    explicit FloodSocket(std::uint32_t ip) {
        fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(ip);
        if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
            throw std::runtime_error("bind flood socket");
        }
    }
    ~FloodSocket() { ::close(fd_); }
    FloodSocket(const FloodSocket&) = delete;
    FloodSocket& operator=(const FloodSocket&) = delete;

    void send_to(std::uint16_t port, const std::vector<std::uint8_t>& bytes) const {
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(port);
        to.sin_addr.s_addr = htonl(0x7f000001);
        (void)::sendto(fd_, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&to),
                       sizeof to);
    }
    // Bytes waiting (replies are read and thrown away: a blind sender never sees them).
    std::size_t drain() const {
        std::size_t total = 0;
        std::uint8_t buf[2048];
        ssize_t n = 0;
        while ((n = ::recv(fd_, buf, sizeof buf, 0)) >= 0) {
            total += static_cast<std::size_t>(n);
        }
        return total;
    }

private:
    int fd_ = -1;
};

// The junk of the issue: random bytes, valid frames with random IDs and bodies,
// audio-sized packets, and ACKs guessing the counters of the probe messages.
std::vector<std::uint8_t> junk(std::mt19937& rng, int kind) {
    auto bytes = [&](std::size_t n) {
        std::vector<std::uint8_t> out(n);
        for (auto& b : out) {
            b = static_cast<std::uint8_t>(rng());
        }
        return out;
    };
    switch (kind % 4) {
    case 0:
        return bytes(1 + rng() % 600);
    case 1: {
        const auto id = static_cast<std::uint16_t>(rng() % 2100);
        return proto::make_frame(id, static_cast<std::uint8_t>(rng()), bytes(rng() % 40));
    }
    case 2:
        return bytes(rng() % 2 ? 46 : 166); // a 128-sample mono / stereo-high client's size
    default: {
        // The probe messages' IDs (CLIENT_ID, CONN_CLIENTS_LIST, REQ_SPLIT_MESS_SUPPORT).
        static constexpr std::uint16_t kProbeIds[] = {32, 24, 34};
        const std::uint16_t acked = kProbeIds[rng() % 3];
        return proto::make_frame(MessageId::Ackn, static_cast<std::uint8_t>(rng()),
                                 proto::encode_payload(proto::Ackn{acked}));
    }
    }
}

TEST(AdmissionInterop, JunkFloodTakesNoSeatWhileRealClientsPlayAndJoin) {
    TempDir dir("admission-flood");
    JackServer jack(dir.path(), 128);
    JamulusServer mixer(dir.path(), mixer_kind(), ServerOptions{.args = {"-u", "4"}}, "mixer");
    JamulusClient alice(dir.path(), jack, "alice", ClientProfile{.name = "alice"}, mixer.address());
    JamulusClient bob(dir.path(), jack, "bob", ClientProfile{.name = "bob"}, mixer.address());
    for (auto* c : {&alice, &bob}) {
        ASSERT_TRUE(c->wait_for_client_list([](const json& l) { return l.size() == 2; }))
            << c->role();
    }
    ToneSource tone_a(jack, dir.path(), "toneA", 440);
    ToneSource tone_b(jack, dir.path(), "toneB", 660);
    jack.connect(tone_a.port(), alice.jack_port("input left"));
    jack.connect(tone_b.port(), bob.jack_port("input left"));

    // 8 source IPs × 40 ports, about 4000 datagrams/s for 20 s.
    std::atomic<bool> flooding{true};
    std::atomic<bool> stop{false};
    std::atomic<std::uint64_t> sent{0};
    std::atomic<std::uint64_t> replied_bytes{0};
    std::thread flood([&] {
        std::vector<std::unique_ptr<FloodSocket>> sockets;
        for (std::uint32_t ip = 0; ip < 8; ++ip) {
            for (int p = 0; p < 40; ++p) {
                sockets.push_back(std::make_unique<FloodSocket>(0x7f010001 + ip));
            }
        }
        std::mt19937 rng(19);
        const auto start = std::chrono::steady_clock::now();
        int round = 0;
        while (!stop && std::chrono::steady_clock::now() - start < 20s) {
            for (std::size_t i = 0; i < sockets.size(); ++i) {
                sockets[i]->send_to(mixer.port(), junk(rng, static_cast<int>(i) + round));
                ++sent;
            }
            for (const auto& s : sockets) {
                replied_bytes += s->drain();
            }
            ++round;
            std::this_thread::sleep_for(80ms);
        }
        flooding = false;
    });

    std::this_thread::sleep_for(3s);
    // A musician arriving during the flood joins.
    const auto carol_start = std::chrono::steady_clock::now();
    JamulusClient carol(dir.path(), jack, "carol", ClientProfile{.name = "carol"}, mixer.address());
    EXPECT_TRUE(carol.wait_for_client_list([](const json& l) { return l.size() == 3; }, 20s));
    std::cout << "carol joined during the flood in "
              << std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - carol_start)
                     .count()
              << " ms\n";

    // Alice and Bob hear each other while the flood goes on.
    const auto rec = record_ports(
        jack, dir.path(), {alice.jack_port("output left"), bob.jack_port("output left")}, 4s);
    const double bob_hears_alice = median(block_levels_dbfs(rec.channels[1], 440, 48000));
    const double alice_hears_bob = median(block_levels_dbfs(rec.channels[0], 660, 48000));
    std::cout << "during the flood: bob hears alice's 440 Hz at " << bob_hears_alice
              << " dBFS, alice hears bob's 660 Hz at " << alice_hears_bob << " dBFS\n";
    EXPECT_GT(bob_hears_alice, -30.0);
    EXPECT_GT(alice_hears_bob, -30.0);
    const json during = mixer.rpc().call("jamfleet/getStats");
    EXPECT_EQ(during["clients"], 3) << during.dump();
    // Both stay connected for the rest of the flood (polled every 250 ms).
    int polls = 0;
    int disconnected = 0;
    while (flooding) {
        disconnected += (alice.connected() ? 0 : 1) + (bob.connected() ? 0 : 1);
        ++polls;
        std::this_thread::sleep_for(250ms);
    }
    EXPECT_GT(polls, 10);
    EXPECT_EQ(disconnected, 0);

    flood.join();
    // Pending attempts end within their 3 s lifetime.
    ASSERT_TRUE(wait_until(
        [&] { return mixer.rpc().call("jamfleet/getStats")["admission"]["pending"] == 0; }, 6s));
    const json stats = mixer.rpc().call("jamfleet/getStats");
    const json clients = mixer.rpc().call("jamulusserver/getClients");
    std::cout << "flood: " << sent << " datagrams sent, " << replied_bytes
              << " bytes came back; stats " << stats["drops"].dump() << " "
              << stats["admission"].dump() << "\n";
    EXPECT_EQ(stats["clients"], 3);
    EXPECT_EQ(clients["connections"], 3);
    EXPECT_EQ(stats["admission"]["promoted"], 3); // alice, bob, carol: nobody else
    EXPECT_GT(stats["admission"]["forgedAcks"], 0);
    EXPECT_GT(stats["drops"]["junk_from_unknown"], 0);
    EXPECT_TRUE(alice.connected());
    EXPECT_TRUE(bob.connected());
    EXPECT_TRUE(carol.connected());
    for (auto* c : {&alice, &bob, &carol}) {
        EXPECT_EQ(c->client_list().size(), 3u) << c->role();
    }
}

TEST(AdmissionInterop, OneDatagramFromAFreshAddressGetsAtMostThreeTimesItsBytes) {
    TempDir dir("admission-amplification");
    JamulusServer mixer(dir.path(), mixer_kind(), ServerOptions{}, "mixer");
    UdpProbe probe;
    const std::vector<std::uint8_t> datagram(46, 0x55); // the 46-byte datagram
    probe.send_to(mixer.port(), datagram);
    std::size_t bytes = 0;
    int datagrams = 0;
    const auto start = std::chrono::steady_clock::now();
    // Listen until the attempt has expired (1 s of silence ends it), then 2 s more to
    // show that the sending has stopped.
    bool ended = false;
    auto quiet_since = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - start < 30s) {
        if (auto d = probe.receive(200ms)) {
            bytes += d->bytes.size();
            ++datagrams;
            continue;
        }
        if (!ended && mixer.rpc().call("jamfleet/getStats")["admission"]["pending"] == 0) {
            ended = true;
            quiet_since = std::chrono::steady_clock::now();
        }
        if (ended && std::chrono::steady_clock::now() - quiet_since > 2s) {
            break;
        }
    }
    std::cout << "one 46-byte datagram: " << datagrams << " datagrams, " << bytes
              << " bytes came back (" << static_cast<double>(bytes) / 46.0 << "x) in "
              << std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - start)
                     .count()
              << " ms of listening\n";
    EXPECT_TRUE(ended);
    EXPECT_GT(bytes, 0u); // the probe itself went out: the measurement can see sending
    EXPECT_LE(bytes, 3 * datagram.size());
    const json stats = mixer.rpc().call("jamfleet/getStats");
    EXPECT_EQ(stats["clients"], 0);
    EXPECT_EQ(stats["admission"]["expired"], 1);
}

// Time from starting a client to its first audio from the server ("connected").
std::chrono::milliseconds join_time(const std::filesystem::path& dir, const JackServer& jack,
                                    const std::string& role, JamulusVersion version,
                                    const std::string& server) {
    JamulusClient client(dir, jack, role, ClientProfile{.name = role}, server,
                         ClientOptions{.version = version});
    const auto start = std::chrono::steady_clock::now();
    const bool ok = wait_until([&] { return client.connected(); }, 20s, 10ms);
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    if (!ok) {
        throw std::runtime_error(role + " never connected to " + server);
    }
    return took;
}

TEST(AdmissionInterop, RealClientsJoinAsFastAsWithRealJamulus) {
    TempDir dir("admission-join");
    JackServer jack(dir.path(), 128);
    JamulusServer real(dir.path(), real_jamulus_kind(), ServerOptions{}, "real");
    JamulusServer ours(dir.path(), mixer_kind(), ServerOptions{}, "ours");
    int index = 0;
    for (const JamulusVersion version : all_jamulus_versions()) {
        const auto name = [&](const std::string& where) {
            return "c" + std::to_string(index) + "_" + where;
        };
        const auto on_real = join_time(dir.path(), jack, name("real"), version, real.address());
        const auto on_ours = join_time(dir.path(), jack, name("ours"), version, ours.address());
        std::cout << "join time of a real " << version_text(version)
                  << " client: real Jamulus 3.9.1 server " << on_real.count()
                  << " ms, jamfleet-mixer " << on_ours.count() << " ms\n";
        // Process start-up dominates both; admission adds no round trip of its own.
        EXPECT_LE(on_ours, on_real + 500ms) << version_text(version);
        ++index;
    }
    const json stats = ours.rpc().call("jamfleet/getStats");
    EXPECT_EQ(stats["admission"]["promoted"], 3);
    EXPECT_EQ(stats["admission"]["forgedAcks"], 0);
}

} // namespace
} // namespace jamfleet::interop
