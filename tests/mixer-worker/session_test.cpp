// Session: the exact new-connection sequence, ACKs and resends, channel allocation,
// server full, list broadcasts, chat HTML and mute state (docs/protocol.md §4.1–4.4).
#include <algorithm>

#include "tests/mixer-worker/session_fixture.h"

namespace jamfleet::mixer::session_testing {
namespace {

using proto::MessageId;
using namespace std::chrono_literals;

TEST_F(SessionTest, NewClientGetsTheExactJamulusSequenceOneMessageAtATime) {
    make();
    audio(kAlice);
    auto first = take();
    ASSERT_EQ(first.size(), 1u); // stop-and-wait: only CLIENT_ID is on the wire
    EXPECT_EQ(first[0].id, proto::to_wire(MessageId::ClientId));
    EXPECT_EQ(first[0].payload, std::vector<std::uint8_t>{0});
    message(kAlice, MessageId::Ackn, first[0].counter,
            proto::encode_payload(proto::Ackn{first[0].id}));
    // Admission's three messages, then RAWAUDIO_SUPPORTED opens the channel's own sequence
    // (3.x clients ACK and ignore it), before the client is asked for its transport properties.
    EXPECT_EQ(drain(kAlice), ids({MessageId::ConnClientsList, MessageId::ReqSplitMessSupport,
                                  MessageId::RawAudioSupported, MessageId::ReqNetwTransportProps,
                                  MessageId::ReqJittBufSize, MessageId::ReqChannelInfos,
                                  MessageId::VersionAndOs, MessageId::RecorderState}));
}

TEST_F(SessionTest, NorawSendsNoRawAudioSupported) {
    SessionSettings s;
    s.raw_audio = false;
    make(std::move(s));
    audio(kAlice);
    const auto sent = drain(kAlice);
    EXPECT_EQ(std::count(sent.begin(), sent.end(), proto::to_wire(MessageId::RawAudioSupported)),
              0);
    EXPECT_EQ(sent.front(), proto::to_wire(MessageId::ClientId));
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
                   MessageId::RawAudioSupported, MessageId::ReqNetwTransportProps,
                   MessageId::ReqJittBufSize, MessageId::ReqChannelInfos, MessageId::ChatText,
                   MessageId::LicenceRequired, MessageId::VersionAndOs, MessageId::RecorderState}));
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
    join(kAlice, 166); // OPUS stereo high with sequence byte
    EXPECT_EQ(session->connected_count(), 1);
}

TEST_F(SessionTest, ServerFullAnswersEveryDatagramFromANewcomer) {
    SessionSettings s;
    s.max_channels = 1;
    make(std::move(s));
    join(kAlice);
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
    join(kAlice);
    join(kBob);
    join(kCarol);
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

} // namespace
} // namespace jamfleet::mixer::session_testing
