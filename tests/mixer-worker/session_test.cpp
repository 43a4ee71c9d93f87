// Session state machine driven with datagrams and a fake clock: the exact
// new-connection sequence, ACKs, list broadcasts, chat HTML, timeouts, server full
// and the connection-less requests (jamulus-protocol.md §4).
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

namespace jamfleet::mixer {
namespace {

using proto::MessageId;
using namespace std::chrono_literals;

const io::SocketAddress kAlice{0x7f000001, 5000};
const io::SocketAddress kBob{0x7f000001, 5001};
const io::SocketAddress kCarol{0x7f000001, 5002};

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

std::vector<std::uint16_t> ids(std::initializer_list<MessageId> list) {
    std::vector<std::uint16_t> out;
    for (auto id : list) {
        out.push_back(proto::to_wire(id));
    }
    return out;
}

TEST_F(SessionTest, NewClientGetsTheExactJamulusSequenceOneMessageAtATime) {
    make();
    audio(kAlice);
    auto first = take();
    ASSERT_EQ(first.size(), 1u); // stop-and-wait: only CLIENT_ID is on the wire
    EXPECT_EQ(first[0].id, proto::to_wire(MessageId::ClientId));
    EXPECT_EQ(first[0].payload, std::vector<std::uint8_t>{0});
    message(kAlice, MessageId::Ackn, first[0].counter,
            proto::encode_payload(proto::Ackn{first[0].id}));
    EXPECT_EQ(drain(kAlice),
              ids({MessageId::ConnClientsList, MessageId::ReqSplitMessSupport,
                   MessageId::ReqNetwTransportProps, MessageId::ReqJittBufSize,
                   MessageId::ReqChannelInfos, MessageId::VersionAndOs, MessageId::RecorderState}));
}

TEST_F(SessionTest, WelcomeAndLicenceComeBeforeVersion) {
    SessionSettings s;
    s.welcome_message = "Hello <b>world</b>";
    s.licence_required = true;
    make(std::move(s));
    audio(kAlice);
    std::vector<Frame> all;
    EXPECT_EQ(drain(kAlice, &all),
              ids({MessageId::ClientId, MessageId::ConnClientsList, MessageId::ReqSplitMessSupport,
                   MessageId::ReqNetwTransportProps, MessageId::ReqJittBufSize,
                   MessageId::ReqChannelInfos, MessageId::ChatText, MessageId::LicenceRequired,
                   MessageId::VersionAndOs, MessageId::RecorderState}));
    for (const auto& f : all) {
        if (f.id == proto::to_wire(MessageId::ChatText)) {
            auto chat = proto::decode_chat_text(f.payload);
            ASSERT_TRUE(chat.ok());
            EXPECT_EQ(chat->text, "<b>Server Welcome Message:</b> Hello <b>world</b>");
        }
        if (f.id == proto::to_wire(MessageId::VersionAndOs)) {
            auto v = proto::decode_version_and_os(f.payload);
            ASSERT_TRUE(v.ok());
            EXPECT_EQ(v->version, "3.9.1-jamfleet");
            EXPECT_EQ(v->os, 2);
        }
    }
}

TEST_F(SessionTest, UnansweredMessageIsResentAfter400Ms) {
    make();
    audio(kAlice);
    ASSERT_EQ(take().size(), 1u);
    clock.advance(399ms);
    session->on_tick(now());
    EXPECT_TRUE(take().empty());
    clock.advance(2ms);
    session->on_tick(now());
    auto again = take();
    ASSERT_EQ(again.size(), 1u);
    EXPECT_EQ(again[0].id, proto::to_wire(MessageId::ClientId));
    EXPECT_EQ(again[0].counter, 0);
}

TEST_F(SessionTest, AcksEveryConnectionMessageIncludingUnknownAndLevelRequest) {
    make();
    audio(kAlice);
    drain(kAlice);
    message(kAlice, MessageId::ReqChannelLevelList, 7, {1});
    message(kAlice, static_cast<MessageId>(99), 8, {1, 2, 3});
    auto out = take();
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].id, proto::to_wire(MessageId::Ackn));
    EXPECT_EQ(out[0].counter, 7);
    EXPECT_EQ(out[0].payload, proto::encode_payload(proto::Ackn{28}));
    EXPECT_EQ(out[1].counter, 8);
    EXPECT_EQ(out[1].payload, proto::encode_payload(proto::Ackn{99}));
}

TEST_F(SessionTest, ProtocolMessagesNeverCreateAChannel) {
    make();
    message(kAlice, MessageId::NetwTransportProps, 0,
            proto::encode_payload(proto::NetwTransportProps{45, 1, 1, 48000, 2, 0, 0}));
    EXPECT_TRUE(take().empty()); // no ACK from a server without a channel for it
    EXPECT_EQ(session->connected_count(), 0);
    EXPECT_EQ(session->drops(DropReason::ConnFromUnknown), 1u);
}

TEST_F(SessionTest, JunkOfNoValidAudioSizeDoesNotTakeAChannel) {
    make();
    audio(kAlice, 7);
    audio(kAlice, 1000);
    EXPECT_EQ(session->connected_count(), 0);
    EXPECT_EQ(session->drops(DropReason::JunkFromUnknown), 2u);
    audio(kAlice, 166); // OPUS stereo high with sequence byte
    EXPECT_EQ(session->connected_count(), 1);
}

TEST_F(SessionTest, ServerFullAnswersEveryDatagramFromANewcomer) {
    SessionSettings s;
    s.max_channels = 1;
    make(std::move(s));
    audio(kAlice);
    take();
    audio(kBob);
    audio(kBob);
    auto out = take();
    ASSERT_EQ(out.size(), 2u);
    for (const auto& f : out) {
        EXPECT_EQ(f.to, kBob);
        EXPECT_EQ(f.id, proto::to_wire(MessageId::ClmServerFull));
    }
    EXPECT_EQ(session->connected_count(), 1);
}

TEST_F(SessionTest, NewcomerGetsTheLowestFreeId) {
    make();
    audio(kAlice);
    audio(kBob);
    audio(kCarol);
    take();
    message(kBob, MessageId::ClmDisconnection, 0);
    session->on_tick(now());
    EXPECT_EQ(session->connected_count(), 2);
    const io::SocketAddress dave{0x7f000001, 5003};
    audio(dave);
    auto out = take();
    bool saw = false;
    for (const auto& f : out) {
        if (f.to == dave && f.id == proto::to_wire(MessageId::ClientId)) {
            EXPECT_EQ(f.payload, std::vector<std::uint8_t>{1});
            saw = true;
        }
    }
    EXPECT_TRUE(saw);
}

TEST_F(SessionTest, ChannelInfosBroadcastsTheListToEveryClientOnceUnlessChanged) {
    make();
    audio(kAlice);
    audio(kBob);
    drain(kAlice);
    drain(kBob);
    identify(kAlice, 0, "alice");
    std::vector<Frame> to_alice;
    std::vector<Frame> to_bob;
    drain(kAlice, &to_alice);
    drain(kBob, &to_bob);
    auto list_of = [](const std::vector<Frame>& frames) -> std::optional<proto::ConnClientsList> {
        for (const auto& f : frames) {
            if (f.id == proto::to_wire(MessageId::ConnClientsList)) {
                auto l = proto::decode_conn_clients_list(f.payload);
                if (l.ok()) {
                    return *l;
                }
            }
        }
        return std::nullopt;
    };
    auto bob_list = list_of(to_bob);
    ASSERT_TRUE(bob_list);
    ASSERT_EQ(bob_list->entries.size(), 2u);
    EXPECT_EQ(bob_list->entries[0].name, "alice");
    EXPECT_EQ(bob_list->entries[1].channel_id, 1);
    ASSERT_TRUE(list_of(to_alice));

    identify(kAlice, 1, "alice"); // identical: only acked
    auto out = take();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].id, proto::to_wire(MessageId::Ackn));
}

TEST_F(SessionTest, ChatIsRelayedToAllWithTheHtmlWrapper) {
    make();
    audio(kAlice);
    audio(kBob);
    drain(kAlice);
    drain(kBob);
    identify(kBob, 0, "Bob & co");
    drain(kAlice);
    drain(kBob);
    message(kBob, MessageId::ChatText, 1, proto::encode_payload(proto::ChatText{"hi <there>"}));
    std::vector<Frame> to_alice;
    drain(kAlice, &to_alice);
    std::string text;
    for (const auto& f : to_alice) {
        if (f.id == proto::to_wire(MessageId::ChatText)) {
            text = proto::decode_chat_text(f.payload)->text;
        }
    }
    EXPECT_EQ(text,
              "<font color=\"red\">(06:10:03 PM) <b>Bob &amp; co</b></font> hi &lt;there&gt;");
    std::vector<Frame> to_bob;
    EXPECT_EQ(drain(kBob, &to_bob), ids({MessageId::ChatText}));
}

TEST_F(SessionTest, GainToZeroAndBackSendsMuteStateToTheAffectedClient) {
    make();
    audio(kAlice);
    audio(kBob);
    drain(kAlice);
    drain(kBob);
    message(kAlice, MessageId::ChannelGain, 0, proto::encode_payload(proto::ChannelGain{1, 0}));
    std::vector<Frame> to_bob;
    EXPECT_EQ(drain(kBob, &to_bob), ids({MessageId::MuteStateChanged}));
    EXPECT_EQ(to_bob.back().payload, proto::encode_payload(proto::MuteStateChanged{0, true}));
    EXPECT_FLOAT_EQ(engine->gain(0, 1), 0.0f);
    message(kAlice, MessageId::ChannelGain, 1,
            proto::encode_payload(proto::ChannelGain{1, 0x4000}));
    to_bob.clear();
    EXPECT_EQ(drain(kBob, &to_bob), ids({MessageId::MuteStateChanged}));
    EXPECT_EQ(to_bob.back().payload, proto::encode_payload(proto::MuteStateChanged{0, false}));
    EXPECT_FLOAT_EQ(engine->gain(0, 1), 0.5f);
    // A change between two non-zero gains says nothing.
    message(kAlice, MessageId::ChannelGain, 2,
            proto::encode_payload(proto::ChannelGain{1, 0x8000}));
    EXPECT_TRUE(drain(kBob).empty());
}

TEST_F(SessionTest, ChannelTimesOutAfter30SecondsWithoutAudioEvenWithProtocolTraffic) {
    make();
    audio(kAlice);
    audio(kBob);
    drain(kAlice);
    drain(kBob);
    clock.advance(20s);
    audio(kBob);
    message(kAlice, MessageId::ReqConnClientsList, 0);
    drain(kAlice);
    clock.advance(10s);
    session->on_tick(now());
    EXPECT_EQ(session->connected_count(), 1);
    std::vector<Frame> to_bob;
    drain(kBob, &to_bob);
    ASSERT_FALSE(to_bob.empty());
    auto list = proto::decode_conn_clients_list(to_bob.back().payload);
    ASSERT_TRUE(list.ok());
    ASSERT_EQ(list->entries.size(), 1u);
    EXPECT_EQ(list->entries[0].channel_id, 1);
}

TEST_F(SessionTest, DisconnectionIsCancelledByAudioBeforeTheNextTick) {
    make();
    audio(kAlice);
    take();
    message(kAlice, MessageId::ClmDisconnection, 0);
    audio(kAlice);
    session->on_tick(now());
    EXPECT_EQ(session->connected_count(), 1);
    message(kAlice, MessageId::ClmDisconnection, 0);
    session->on_tick(now());
    EXPECT_EQ(session->connected_count(), 0);
}

TEST_F(SessionTest, AnswersConnectionlessRequestsToTheirSource) {
    make();
    audio(kAlice);
    take();
    const io::SocketAddress stranger{0x0a000001, 4444};
    message(stranger, MessageId::ClmPingMs, 0, proto::encode_payload(proto::ClmPingMs{1000}));
    message(stranger, MessageId::ClmPingMsWithNumClients, 0,
            proto::encode_payload(proto::ClmPingMsWithNumClients{77, 0}));
    message(stranger, MessageId::ClmReqVersionAndOs, 0);
    message(stranger, MessageId::ClmReqConnClientsList, 0);
    message(stranger, MessageId::ClmSendEmptyMessage, 0,
            proto::encode_payload(proto::ClmSendEmptyMessage{0x0a000002, 1234}));
    message(stranger, MessageId::ClmReqServerList, 0); // directories only: ignored
    auto out = take();
    ASSERT_EQ(out.size(), 5u);
    EXPECT_EQ(out[0].id, proto::to_wire(MessageId::ClmPingMs));
    EXPECT_EQ(out[0].payload, proto::encode_payload(proto::ClmPingMs{1000}));
    EXPECT_EQ(out[1].payload, proto::encode_payload(proto::ClmPingMsWithNumClients{77, 1}));
    EXPECT_EQ(out[2].id, proto::to_wire(MessageId::ClmVersionAndOs));
    EXPECT_EQ(out[3].id, proto::to_wire(MessageId::ClmConnClientsList));
    EXPECT_EQ(proto::decode_conn_clients_list(out[3].payload)->entries.size(), 1u);
    EXPECT_EQ(out[4].id, proto::to_wire(MessageId::ClmEmptyMessage));
    EXPECT_EQ(out[4].to, (io::SocketAddress{0x0a000002, 1234}));
    for (int i = 0; i < 4; ++i) {
        EXPECT_EQ(out[static_cast<std::size_t>(i)].to, stranger);
    }
}

TEST_F(SessionTest, SendsChannelLevelListsEvery101Ticks) {
    make();
    audio(kAlice);
    audio(kBob);
    audio(kCarol);
    take();
    int lists = 0;
    for (int t = 0; t < 202; ++t) {
        session->on_tick(now());
        for (const auto& f : take()) {
            if (f.id == proto::to_wire(MessageId::ClmChannelLevelList)) {
                ++lists;
                // Three silent clients: levels 0, 0, 0 and the odd pad nibble.
                EXPECT_EQ(f.payload, (std::vector<std::uint8_t>{0x00, 0xF0}));
            }
        }
    }
    EXPECT_EQ(lists, 2 * 3);
}

TEST_F(SessionTest, ShutdownSendsDisconnectionToEveryClient) {
    make();
    audio(kAlice);
    audio(kBob);
    take();
    session->disconnect_all();
    auto out = take();
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].id, proto::to_wire(MessageId::ClmDisconnection));
    EXPECT_EQ(out[1].to, kBob);
}

TEST_F(SessionTest, TransportPropsSetTheFormatAndCeltGetsOpusSupported) {
    make();
    audio(kAlice);
    drain(kAlice);
    message(kAlice, MessageId::NetwTransportProps, 0,
            proto::encode_payload(proto::NetwTransportProps{45, 1, 1, 48000, 1, 0, 0}));
    EXPECT_EQ(drain(kAlice), ids({MessageId::OpusSupported}));
    EXPECT_FALSE(engine->has_format(0));
    message(kAlice, MessageId::NetwTransportProps, 1,
            proto::encode_payload(proto::NetwTransportProps{72, 1, 2, 48000, 2, 1, 0}));
    ASSERT_TRUE(engine->has_format(0));
    EXPECT_EQ(engine->format(0)->coded_bytes, 71);
    EXPECT_TRUE(engine->format(0)->with_sequence);
}

TEST_F(SessionTest, ReportsTheAutoJitterSizeAndCountsMismatchedAudio) {
    make();
    audio(kAlice);
    drain(kAlice);
    message(kAlice, MessageId::NetwTransportProps, 0,
            proto::encode_payload(proto::NetwTransportProps{46, 1, 1, 48000, 2, 1, 0}));
    drain(kAlice);
    session->on_tick(now());
    std::vector<Frame> sent;
    EXPECT_EQ(drain(kAlice, &sent), ids({MessageId::JittBufSize}));
    EXPECT_EQ(sent.back().payload, proto::encode_payload(proto::JittBufSize{6}));
    audio(kAlice, 45); // the old size, after the switch to sequence numbers
    EXPECT_EQ(session->drops(DropReason::WrongAudioSize), 1u);
    EXPECT_EQ(session->connected_count(), 1); // still keeps the channel alive
}

TEST_F(SessionTest, RecorderStateGoesToNewcomersAndEveryChangeToEveryClient) {
    make();
    session->set_recorder_state(3, now()); // nobody connected: nothing to send
    EXPECT_TRUE(take().empty());
    audio(kAlice);
    std::vector<Frame> alice;
    drain(kAlice, &alice);
    std::vector<std::uint8_t> told;
    for (const auto& f : alice) {
        if (f.id == proto::to_wire(MessageId::RecorderState)) {
            told = f.payload;
        }
    }
    EXPECT_EQ(told, std::vector<std::uint8_t>{3});
    audio(kBob);
    drain(kBob);
    take();
    session->set_recorder_state(2, now());
    for (const auto who : {kAlice, kBob}) {
        std::vector<Frame> frames;
        EXPECT_EQ(drain(who, &frames), ids({MessageId::RecorderState}));
        for (const auto& f : frames) {
            if (f.id == proto::to_wire(MessageId::RecorderState)) {
                EXPECT_EQ(f.payload, std::vector<std::uint8_t>{2});
            }
        }
    }
    session->set_recorder_state(2, now()); // unchanged: not sent again
    EXPECT_TRUE(take().empty());
}

} // namespace
} // namespace jamfleet::mixer
