// Proves the real-time path allocates nothing: global operator new is replaced in
// this test executable only and counts calls while a test window is open, over
// many ticks of receive → session → jitter buffer → decode → mix → encode → send
// with several clients of different formats on real loopback sockets, while encode groups
// split and merge, serially and with the tick pool forced parallel.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/counting_new.h"

#include "base/log.h"
#include "io/udp_socket.h"
#include "mixer-worker/audio_engine.h"
#include "mixer-worker/opus_codec.h"
#include "mixer-worker/session.h"
#include "proto/audio_format.h"
#include "proto/conn_messages.h"
#include "proto/frame.h"
#include "tests/mixer-worker/audio_room.h"

namespace jamfleet::mixer {
namespace {

struct Client {
    proto::AudioFormat format;
    std::unique_ptr<io::UdpSocket> socket;
    std::vector<std::vector<std::uint8_t>> packets; // pre-encoded, sent in a loop
    std::size_t next = 0;
};

using testing::audio_format;

std::vector<std::vector<std::uint8_t>> encode_packets(const proto::AudioFormat& f, int count) {
    auto mode = OpusMode::create(f.frame_samples);
    auto enc = OpusEncoder::create(*mode, f.channels, f.coded_bytes);
    std::vector<std::int16_t> pcm(static_cast<std::size_t>(f.frame_samples * f.channels));
    std::vector<std::vector<std::uint8_t>> out;
    std::uint8_t seq = 0;
    long t = 0;
    for (int p = 0; p < count; ++p) {
        std::vector<std::uint8_t> packet;
        for (int k = 0; k < f.block_factor; ++k) {
            for (auto& s : pcm) {
                s = static_cast<std::int16_t>((t++ * 37) % 8000 - 4000);
            }
            std::vector<std::uint8_t> coded(f.coded_bytes);
            if (f.is_raw()) { // Jamulus 4.0 raw PCM, int16 little-endian
                for (std::size_t i = 0; i < pcm.size(); ++i) {
                    coded[2 * i] = static_cast<std::uint8_t>(pcm[i] & 0xff);
                    coded[2 * i + 1] = static_cast<std::uint8_t>((pcm[i] >> 8) & 0xff);
                }
            } else {
                (void)enc->encode(pcm, coded);
            }
            packet.insert(packet.end(), coded.begin(), coded.end());
            packet.push_back(seq++);
        }
        out.push_back(std::move(packet));
    }
    return out;
}

void run_real_time_path(const AudioEngineSettings& engine_settings) {
    auto server = io::UdpSocket::bind(io::SocketAddress::loopback(0));
    ASSERT_TRUE(server.ok()) << server.error();
    AudioEngine engine(engine_settings);
    SessionSettings settings;
    settings.max_channels = 8;
    Session session(std::move(settings), engine, base::Logger("mixer", [](std::string_view) {}));

    std::vector<Client> clients;
    // Three clients share a format, so their mixes are encoded once; the last one sends and
    // receives raw PCM (Jamulus 4.0) and is always a group of its own.
    for (const auto& f :
         {audio_format(128, 1, 45, 1), audio_format(128, 2, 71, 1), audio_format(64, 1, 22, 1),
          audio_format(128, 2, 165, 2), audio_format(64, 2, 35, 2), audio_format(128, 2, 71, 1),
          audio_format(128, 2, 71, 1), audio_format(128, 1, 256, 1)}) {
        Client c;
        c.format = f;
        auto s = io::UdpSocket::bind(io::SocketAddress::loopback(0));
        ASSERT_TRUE(s.ok());
        c.socket = std::make_unique<io::UdpSocket>(std::move(s).value());
        c.packets = encode_packets(f, 64);
        clients.push_back(std::move(c));
    }
    const io::SocketAddress server_addr = server->local_address();
    base::TimePoint now{};

    std::vector<std::uint8_t> storage(64 * proto::kMaxDatagramBytes);
    std::vector<io::ReceivedDatagram> received(64);
    for (std::size_t i = 0; i < received.size(); ++i) {
        received[i].buffer = std::span<std::uint8_t>(storage).subspan(i * proto::kMaxDatagramBytes,
                                                                      proto::kMaxDatagramBytes);
    }
    auto server_receive = [&] {
        std::size_t n = 0;
        while ((n = server->receive_batch(received)) > 0) {
            for (std::size_t i = 0; i < n; ++i) {
                session.on_datagram(received[i].from, received[i].data(), now);
            }
        }
    };
    auto drain_clients = [&] {
        for (auto& c : clients) {
            while (c.socket->receive_batch(received) > 0) {
            }
        }
    };
    // One tick: every client sends what it sends per 128-sample period (64-sample
    // clients two frames' worth), the server drains, mixes and sends.
    int tick_number = 0;
    auto tick = [&] {
        for (auto& c : clients) {
            const int per_tick_num = c.format.frame_samples == 64 ? 2 : 1;
            const int per_packet = c.format.block_factor;
            // packets per tick = per_tick_num / per_packet (factor 2 → every other tick)
            const int sends = per_packet == 1
                                  ? per_tick_num
                                  : ((tick_number % per_packet == 0) ? per_tick_num : 0);
            for (int s = 0; s < sends; ++s) {
                (void)c.socket->send_to(server_addr, c.packets[c.next]);
                c.next = (c.next + 1) % c.packets.size();
            }
        }
        server_receive();
        const auto out = engine.tick();
        std::size_t sent = 0;
        while (sent < out.size()) {
            const auto k = server->send_batch(out.subspan(sent));
            if (k == 0) {
                break;
            }
            sent += k;
        }
        drain_clients();
        ++tick_number;
        now += std::chrono::nanoseconds(2666666);
    };

    // Connect every client: audio, then its ACKs of the admission probe messages
    // (docs/admission.md); then give it its format and profile (control path).
    for (int round = 0; round < 8 && session.connected_count() < 7; ++round) {
        tick();
        for (const auto& o : session.take_outgoing()) {
            auto f = proto::parse_frame(o.bytes);
            if (f.ok() && !proto::is_connectionless(f->id) &&
                f->id != proto::to_wire(proto::MessageId::Ackn)) {
                session.on_datagram(o.to,
                                    proto::make_frame(proto::MessageId::Ackn, f->counter,
                                                      proto::encode_payload(proto::Ackn{f->id})),
                                    now);
            }
        }
    }
    std::uint8_t counter = 0;
    for (auto& c : clients) {
        const io::SocketAddress from = c.socket->local_address();
        auto props = proto::make_frame(proto::MessageId::NetwTransportProps, counter,
                                       proto::encode_payload(c.format.to_props()));
        session.on_datagram(from, props, now);
        proto::ChannelInfos infos;
        infos.name = "c" + std::to_string(counter);
        auto info =
            proto::make_frame(proto::MessageId::ChannelInfos,
                              static_cast<std::uint8_t>(counter + 1), proto::encode_payload(infos));
        session.on_datagram(from, info, now);
        counter = static_cast<std::uint8_t>(counter + 2);
    }
    (void)session.take_outgoing();
    ASSERT_EQ(session.connected_count(), 8);
    // Past the ≈3 s fade-in, so that equal mixes have merged into one encode group.
    for (int i = 0; i < 1250; ++i) {
        tick();
    }
    const auto packets_before = engine.stats().packets_sent;
    const auto parallel_before = engine.stats().parallel_ticks;
    std::uint64_t min_groups = engine.stats().encode_groups;
    std::uint64_t max_groups = min_groups;

    test_support::start_counting_allocations();
    for (int i = 0; i < 1000; ++i) {
        // A fader move splits a listener off its group; moving it back merges it again.
        if (i == 300 || i == 500) {
            engine.set_gain(5, 0, i == 300 ? 0.5f : 1.0f);
        }
        tick();
        min_groups = std::min<std::uint64_t>(min_groups, engine.stats().encode_groups);
        max_groups = std::max<std::uint64_t>(max_groups, engine.stats().encode_groups);
    }
    const std::uint64_t allocations = test_support::stop_counting_allocations();

    EXPECT_EQ(allocations, 0u);
    // The window really exercised the path: every client got its audio, groups changed.
    EXPECT_GE(engine.stats().packets_sent - packets_before, 5500u);
    EXPECT_GT(engine.stats().frames_decoded, 4000u);
    EXPECT_EQ(min_groups, 6u);
    EXPECT_EQ(max_groups, 7u);
    if (engine_settings.parallelism == TickParallelism::Parallel) {
        EXPECT_EQ(engine.stats().parallel_ticks - parallel_before, 1000u);
    }
}

TEST(RealTimePath, AllocatesNothingPerTickWithSeveralClients) {
    AudioEngineSettings s;
    s.max_channels = 8;
    s.threads = 1;
    run_real_time_path(s);
}

TEST(RealTimePath, AllocatesNothingPerTickOnTheTickPoolInParallel) {
    AudioEngineSettings s;
    s.max_channels = 8;
    s.threads = 2;
    s.parallelism = TickParallelism::Parallel;
    run_real_time_path(s);
}

TEST(RealTimePath, TheCounterSeesAllocations) {
    test_support::start_counting_allocations();
    auto* p = new std::vector<int>(100);
    const std::uint64_t allocations = test_support::stop_counting_allocations();
    delete p;
    EXPECT_GE(allocations, 1u);
}

} // namespace
} // namespace jamfleet::mixer
