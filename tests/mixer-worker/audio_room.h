// Test helper: simulated clients (real Opus, a sine each) feeding the same datagrams to one
// or more AudioEngines tick by tick, with no sockets, and recording what each engine sends.
#pragma once

#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include <gtest/gtest.h>

#include "mixer-worker/audio_engine.h"
#include "mixer-worker/opus_codec.h"
#include "proto/audio_format.h"

namespace jamfleet::mixer::testing {

inline proto::AudioFormat audio_format(std::uint16_t frame_samples, std::uint8_t channels,
                                       std::uint16_t coded_bytes, std::uint16_t factor = 1,
                                       bool with_sequence = true) {
    proto::AudioFormat f;
    f.codec = frame_samples == 64 ? proto::AudioCodingType::Opus64 : proto::AudioCodingType::Opus;
    f.frame_samples = frame_samples;
    f.channels = channels;
    f.coded_bytes = coded_bytes;
    f.block_factor = factor;
    f.with_sequence = with_sequence;
    return f;
}

inline io::SocketAddress client_address(int id) {
    return io::SocketAddress{0x7f000001, static_cast<std::uint16_t>(6000 + id)};
}

// A client sending a sine at `hz` (peak `amplitude` in int16 units) in its format, at the rate
// of a server tick.
class SineClient {
public:
    SineClient(const proto::AudioFormat& f, double hz, double amplitude = 6000.0)
        : format_(f), mode_(std::move(OpusMode::create(f.frame_samples)).value()),
          encoder_(std::move(OpusEncoder::create(mode_, f.channels, f.coded_bytes)).value()),
          hz_(hz), amplitude_(amplitude) {}

    // The datagrams this client sends during one tick of `server_frame_samples`.
    std::vector<std::vector<std::uint8_t>> packets_for_tick(int server_frame_samples) {
        std::vector<std::vector<std::uint8_t>> out;
        budget_ += server_frame_samples;
        const int per_packet = format_.frame_samples * format_.block_factor;
        while (budget_ >= per_packet) {
            budget_ -= per_packet;
            out.push_back(next_packet());
        }
        return out;
    }

    const proto::AudioFormat& format() const { return format_; }

    // The next datagram: block_factor coded frames, each with its sequence byte if the
    // format has them.
    std::vector<std::uint8_t> next_packet() {
        std::vector<std::uint8_t> packet;
        std::vector<std::int16_t> pcm(
            static_cast<std::size_t>(format_.frame_samples * format_.channels));
        std::vector<std::uint8_t> coded(format_.coded_bytes);
        for (int k = 0; k < format_.block_factor; ++k) {
            for (int i = 0; i < format_.frame_samples; ++i, ++t_) {
                const double x = 2 * 3.14159265358979 * hz_ * static_cast<double>(t_) / 48000.0;
                const auto v = static_cast<std::int16_t>(amplitude_ * std::sin(x));
                for (int c = 0; c < format_.channels; ++c) {
                    pcm[static_cast<std::size_t>(i * format_.channels + c)] = v;
                }
            }
            EXPECT_EQ(encoder_.encode(pcm, coded), coded.size());
            packet.insert(packet.end(), coded.begin(), coded.end());
            if (format_.with_sequence) {
                packet.push_back(seq_++);
            }
        }
        return packet;
    }

private:
    proto::AudioFormat format_;
    OpusMode mode_;
    OpusEncoder encoder_;
    double hz_;
    double amplitude_;
    long t_ = 0;
    int budget_ = 0;
    std::uint8_t seq_ = 0;
};

struct Sent {
    int to = -1; // listener id
    std::vector<std::uint8_t> bytes;
    bool operator==(const Sent&) const = default;
};

// Clients and engines driven in lockstep: every engine sees the same datagrams.
class AudioRoom {
public:
    explicit AudioRoom(std::vector<AudioEngine*> engines) : engines_(std::move(engines)) {}

    void join(int id, const proto::AudioFormat& f, double hz) {
        for (auto* e : engines_) {
            e->connect(id, client_address(id));
            ASSERT_TRUE(e->set_format(id, f));
            e->set_identified(id);
        }
        clients_.resize(std::max<std::size_t>(clients_.size(), static_cast<std::size_t>(id + 1)));
        clients_[static_cast<std::size_t>(id)] = std::make_unique<SineClient>(f, hz);
    }

    void leave(int id) {
        for (auto* e : engines_) {
            e->disconnect(id);
        }
        clients_[static_cast<std::size_t>(id)].reset();
    }

    // One tick: what each engine sent, in order.
    std::vector<std::vector<Sent>> tick() {
        const int server_frame = engines_.front()->server_frame_samples();
        for (std::size_t id = 0; id < clients_.size(); ++id) {
            if (!clients_[id]) {
                continue;
            }
            for (const auto& p : clients_[id]->packets_for_tick(server_frame)) {
                for (auto* e : engines_) {
                    EXPECT_TRUE(e->on_audio(static_cast<int>(id), p));
                }
            }
        }
        std::vector<std::vector<Sent>> out(engines_.size());
        for (std::size_t k = 0; k < engines_.size(); ++k) {
            for (const auto& d : engines_[k]->tick()) {
                out[k].push_back(Sent{d.to.port - 6000, {d.data.begin(), d.data.end()}});
            }
        }
        return out;
    }

private:
    std::vector<AudioEngine*> engines_;
    std::vector<std::unique_ptr<SineClient>> clients_;
};

} // namespace jamfleet::mixer::testing
