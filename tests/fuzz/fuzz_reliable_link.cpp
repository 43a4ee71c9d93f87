// libFuzzer target: the input is a script of operations on two ReliableLinks
// (send, deliver a crafted or raw frame, advance time, toggle split, reset, let
// the peer acknowledge). Checks the link's invariants after every step.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "proto/reliable_link.h"

namespace {

using namespace jamfleet::proto;
using jamfleet::base::TimePoint;

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

void check_invariants(const ReliableLink& link) {
    if ((link.queued_frames() == 0) != !link.next_deadline().has_value()) {
        std::abort();
    }
}

// Hands every outgoing datagram of `from` to `to`, and `to`'s ACKs back to `from`.
void exchange(ReliableLink& from, ReliableLink& to, TimePoint now) {
    for (const auto& datagram : from.take_outgoing()) {
        auto frame = parse_frame(datagram);
        if (!frame || datagram.size() > kMaxDatagramBytes) {
            std::abort(); // the link only ever emits valid, receivable frames
        }
        auto result = to.on_frame(*frame, now);
        if (result.message && result.message->payload.size() > kMaxDatagramBytes) {
            std::abort();
        }
        if (result.ack) {
            auto ack = parse_frame(*result.ack);
            if (!ack) {
                std::abort();
            }
            (void)from.on_frame(*ack, now);
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
    Script script({bytes, size});
    ReliableLink link;
    ReliableLink peer;
    TimePoint now{};
    std::vector<std::uint8_t> scratch;
    while (!script.done()) {
        switch (script.u8() % 7) {
        case 0: { // queue a message of up to 1400 bytes (over 550 gets split)
            const std::uint16_t id = script.u16();
            const std::size_t len = script.u16() % 1400;
            scratch.assign(len, script.u8());
            (void)link.send(id, scratch, now);
            break;
        }
        case 1: { // a crafted frame from the peer, as parsed
            const std::uint16_t id = script.u16();
            const std::uint8_t counter = script.u8();
            const auto payload = script.take(script.u8());
            const auto frame = make_frame(id, counter, payload);
            auto parsed = parse_frame(frame);
            if (!parsed) {
                std::abort();
            }
            auto result = link.on_frame(*parsed, now);
            if (result.ack && !parse_frame(*result.ack)) {
                std::abort();
            }
            break;
        }
        case 2: { // raw bytes, treated as a datagram
            const auto raw = script.take(script.u8());
            if (auto parsed = parse_frame(raw)) {
                (void)link.on_frame(*parsed, now);
            }
            break;
        }
        case 3: // time passes
            now += std::chrono::milliseconds(script.u16());
            link.poll(now);
            break;
        case 4:
            link.set_peer_supports_split(script.u8() & 1);
            break;
        case 5:
            if (script.u8() == 0x5A) {
                link.reset();
            }
            break;
        case 6:
            exchange(link, peer, now);
            (void)peer.take_outgoing();
            break;
        }
        check_invariants(link);
    }
    (void)link.take_outgoing();
    return 0;
}
