// Shared fixture for the session tests: a Session driven with datagrams and a fake
// clock, with helpers that decode what it sends.
#pragma once

#include "mixer-worker/session.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "proto/clm_messages.h"
#include "proto/conn_messages.h"
#include "proto/frame.h"
#include "proto/message_id.h"

namespace jamfleet::mixer::session_testing {

using proto::MessageId;
using namespace std::chrono_literals;

inline const io::SocketAddress kAlice{0x7f000001, 5000};
inline const io::SocketAddress kBob{0x7f000001, 5001};
inline const io::SocketAddress kCarol{0x7f000001, 5002};

struct Frame {
    io::SocketAddress to;
    std::uint16_t id;
    std::uint8_t counter;
    std::vector<std::uint8_t> payload;
};

class SessionTest : public ::testing::Test {
protected:
    void make(SessionSettings settings = {}) {
        settings.local_time = [] {
            std::tm t{};
            t.tm_hour = 18;
            t.tm_min = 10;
            t.tm_sec = 3;
            return t;
        };
        if (!settings.admission.random) {
            // Probe counters 0, 1, 2: the counters a Jamulus server starts with.
            settings.admission.random = [] { return 0x00020100u; };
        }
        engine = std::make_unique<AudioEngine>(
            AudioEngineSettings{settings.server_frame_samples, false, settings.max_channels});
        session = std::make_unique<Session>(std::move(settings), *engine,
                                            base::Logger("mixer", [](std::string_view) {}));
    }

    base::TimePoint now() const { return clock.now(); }

    // 45 zero bytes: the first audio datagram of a default client (no sequence byte).
    void audio(io::SocketAddress from, std::size_t bytes = 45) {
        std::vector<std::uint8_t> data(bytes, 0);
        session->on_datagram(from, data, now());
    }

    void message(io::SocketAddress from, MessageId id, std::uint8_t counter,
                 const std::vector<std::uint8_t>& payload = {}) {
        const auto frame = proto::make_frame(id, counter, payload);
        session->on_datagram(from, frame, now());
    }

    // Moves what the session sent into `inbox` (parsed).
    void collect() {
        for (auto& o : session->take_outgoing()) {
            auto f = proto::parse_frame(o.bytes);
            EXPECT_TRUE(f.ok()) << "outgoing datagram is not a protocol frame";
            if (f.ok()) {
                inbox.push_back(
                    Frame{o.to, f->id, f->counter,
                          std::vector<std::uint8_t>(f->payload.begin(), f->payload.end())});
            }
        }
    }

    // Everything sent so far, to anyone.
    std::vector<Frame> take() {
        collect();
        std::vector<Frame> out;
        out.swap(inbox);
        return out;
    }

    // What was sent to `who`; frames for others stay in the inbox.
    std::vector<Frame> take_for(io::SocketAddress who) {
        collect();
        std::vector<Frame> out;
        std::vector<Frame> rest;
        for (auto& f : inbox) {
            (f.to == who ? out : rest).push_back(std::move(f));
        }
        inbox.swap(rest);
        return out;
    }

    // Acknowledges every connection message sent to `who` until the queue is empty;
    // returns the IDs in the order they were sent.
    std::vector<std::uint16_t> drain(io::SocketAddress who, std::vector<Frame>* all = nullptr) {
        std::vector<std::uint16_t> ids;
        for (int guard = 0; guard < 100; ++guard) {
            auto frames = take_for(who);
            bool acked = false;
            for (const auto& f : frames) {
                if (all) {
                    all->push_back(f);
                }
                if (f.id == proto::to_wire(MessageId::Ackn) || proto::is_connectionless(f.id)) {
                    continue;
                }
                ids.push_back(f.id);
                message(who, MessageId::Ackn, f.counter, proto::encode_payload(proto::Ackn{f.id}));
                acked = true;
            }
            if (!acked) {
                break;
            }
        }
        return ids;
    }

    // A client's first audio and its ACKs of the three admission probe messages
    // (docs/admission.md): afterwards `who` holds a channel; later frames stay queued.
    void join(io::SocketAddress who, std::size_t bytes = 45) {
        audio(who, bytes);
        for (int acked = 0, guard = 0; acked < 3 && guard < 10; ++guard) {
            for (const auto& f : take_for(who)) {
                if (acked < 3 && f.id != proto::to_wire(MessageId::Ackn) &&
                    !proto::is_connectionless(f.id)) {
                    message(who, MessageId::Ackn, f.counter,
                            proto::encode_payload(proto::Ackn{f.id}));
                    ++acked;
                }
            }
        }
    }

    void identify(io::SocketAddress who, std::uint8_t counter, const std::string& name) {
        proto::ChannelInfos infos;
        infos.name = name;
        message(who, MessageId::ChannelInfos, counter, proto::encode_payload(infos));
    }

    base::FakeClock clock;
    std::unique_ptr<AudioEngine> engine;
    std::unique_ptr<Session> session;
    std::vector<Frame> inbox;
};

inline std::vector<std::uint16_t> ids(std::initializer_list<MessageId> list) {
    std::vector<std::uint16_t> out;
    for (auto id : list) {
        out.push_back(proto::to_wire(id));
    }
    return out;
}

} // namespace jamfleet::mixer::session_testing
