// libFuzzer target: the room's whole datagram entry point, Session::on_datagram (what
// the mixer's socket feeds), with its tick. The input is a script: datagrams from
// eight addresses (two IPs), clock steps with ticks, and "peer" steps that ACK what
// the room sent an address (so scripts can reach promotion and the steady state).
// Checks after every step: seats never exceed max_clients, everything sent is a
// datagram, and an address without a channel never received connection-based frames
// (probe messages, ACKs) of more than 3× the bytes it sent (docs/admission.md).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <span>
#include <vector>

#include "mixer-worker/audio_engine.h"
#include "mixer-worker/session.h"
#include "proto/conn_messages.h"
#include "proto/frame.h"
#include "proto/message_id.h"

namespace {

using namespace jamfleet;

class Script {
public:
    explicit Script(std::span<const std::uint8_t> data) : data_(data) {}
    bool done() const { return pos_ >= data_.size(); }
    std::uint8_t u8() { return done() ? 0 : data_[pos_++]; }
    std::uint16_t u16() {
        const std::uint8_t lo = u8();
        return static_cast<std::uint16_t>(lo | (u8() << 8));
    }
    std::span<const std::uint8_t> take(std::size_t n) {
        n = std::min(n, data_.size() - std::min(pos_, data_.size()));
        auto out = data_.subspan(pos_, n);
        pos_ += n;
        return out;
    }

private:
    std::span<const std::uint8_t> data_;
    std::size_t pos_ = 0;
};

constexpr int kMaxChannels = 4;

io::SocketAddress address(std::uint8_t index) {
    return io::SocketAddress{0x0a000001u + (index & 1u), static_cast<std::uint16_t>(5000 + index)};
}

struct Traffic {
    std::uint64_t received = 0; // by the room from the address
    std::uint64_t sent = 0;     // by the room to the address while it had no channel
};

bool has_channel(const mixer::Session& session, io::SocketAddress a) {
    for (const auto& c : session.clients()) {
        if (c.address == a) {
            return true;
        }
    }
    return false;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // One engine for the whole run: its Opus states cost more than a script.
    static mixer::AudioEngine engine(
        mixer::AudioEngineSettings{.server_frame_samples = 128, .max_channels = kMaxChannels});
    for (int id = 0; id < kMaxChannels; ++id) {
        engine.disconnect(id);
    }
    mixer::SessionSettings settings;
    settings.max_channels = kMaxChannels;
    settings.max_seats_per_ip = 3;
    settings.local_time = [] { return std::tm{}; };
    std::uint32_t random = 0x5a3c9671;
    settings.admission.random = [&random] {
        random = random * 1664525u + 1013904223u;
        return random;
    };
    mixer::Session session(std::move(settings), engine,
                           base::Logger("fuzz", [](std::string_view) {}));
    base::TimePoint now{};
    std::map<io::SocketAddress, Traffic> traffic;
    std::map<io::SocketAddress, std::vector<std::vector<std::uint8_t>>> inbox;

    const auto collect = [&] {
        for (auto& o : session.take_outgoing()) {
            if (o.bytes.empty() || o.bytes.size() > proto::kMaxDatagramBytes) {
                std::abort();
            }
            // The 3x rule covers the connection-based frames (probe messages, ACKs);
            // connection-less answers are bounded by size and rate instead.
            auto frame = proto::parse_frame(o.bytes);
            if (frame.ok() && !proto::is_connectionless(frame->id) && !has_channel(session, o.to)) {
                Traffic& t = traffic[o.to];
                t.sent += o.bytes.size();
                if (t.sent > 3 * t.received) {
                    std::abort(); // the anti-amplification rule broken
                }
            }
            inbox[o.to].push_back(std::move(o.bytes));
        }
        if (session.connected_count() > kMaxChannels) {
            std::abort();
        }
    };

    Script script({data, size});
    while (!script.done()) {
        const std::uint8_t op = script.u8();
        const io::SocketAddress from = address(static_cast<std::uint8_t>(script.u8() % 8));
        switch (op % 4) {
        case 0:
        case 1: { // a datagram
            const auto bytes = script.take(script.u16() % 1500);
            traffic[from].received += bytes.size();
            session.on_datagram(from, bytes, now, op == 1 && bytes.empty());
            break;
        }
        case 2: { // time passes
            now += std::chrono::microseconds(script.u16()) * 16;
            session.on_tick(now);
            break;
        }
        default: { // the peer ACKs every connection message the room sent it
            auto frames = std::move(inbox[from]);
            inbox[from].clear();
            for (const auto& d : frames) {
                auto f = proto::parse_frame(d);
                if (!f.ok() || proto::is_connectionless(f->id) ||
                    f->id == proto::to_wire(proto::MessageId::Ackn)) {
                    continue;
                }
                const auto ack = proto::make_frame(proto::MessageId::Ackn, f->counter,
                                                   proto::encode_payload(proto::Ackn{f->id}));
                traffic[from].received += ack.size();
                session.on_datagram(from, ack, now);
            }
            break;
        }
        }
        collect();
    }
    session.disconnect_all();
    collect();
    return 0;
}
