// Session: timeouts and disconnection, connection-less requests, level lists,
// shutdown, transport props, jitter reports and recorder state (docs/protocol.md §4.4–4.7).
#include "tests/mixer-worker/session_fixture.h"

namespace jamfleet::mixer::session_testing {
namespace {

using proto::MessageId;
using namespace std::chrono_literals;

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
    join(kAlice);
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
    join(kAlice);
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

// Jamulus 4.0's CLM_REQ_SERVER_FEATURES / CLM_REQ_WELCOME_MESSAGE, answered to anyone.
TEST_F(SessionTest, AnswersServerFeaturesAndWelcomeMessageRequestsAs40Does) {
    SessionSettings settings;
    settings.server_frame_samples = 64;
    settings.welcome_message = "Hi <b>all</b>";
    settings.licence_required = true;
    settings.delay_pan = true;
    make(settings);
    const io::SocketAddress tool{0x0a000001, 4444};
    message(tool, MessageId::ClmReqServerFeatures, 0);
    message(tool, MessageId::ClmReqWelcomeMessage, 0, proto::Bytes{1, 2, 3}); // body ignored
    auto out = take();
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].to, tool);
    EXPECT_EQ(out[0].id, proto::to_wire(MessageId::ClmServerFeatures));
    const auto features = proto::decode_server_features(out[0].payload);
    ASSERT_TRUE(features.ok());
    // fast update, delay pan, raw audio, disconnect on quit, welcome, licence; no recorder, no
    // IPv6.
    EXPECT_EQ(features->bits, 0x5d1u);
    EXPECT_EQ(out[1].id, proto::to_wire(MessageId::ClmWelcomeMessage));
    EXPECT_EQ(proto::decode_welcome_message(out[1].payload)->text, "Hi <b>all</b>");

    session->set_recorder_state(3, now()); // recording
    message(tool, MessageId::ClmReqServerFeatures, 0);
    out = take();
    ASSERT_FALSE(out.empty());
    const auto recording = proto::decode_server_features(out.back().payload);
    ASSERT_TRUE(recording.ok());
    EXPECT_TRUE(recording->has(proto::ServerFeature::RecorderEnabled));
    EXPECT_TRUE(recording->has(proto::ServerFeature::IsRecording));
    EXPECT_FALSE(recording->has(proto::ServerFeature::Ipv6Available));

    // The IPv6 socket opened: bit 5, as a 4.0 server with its IPv6 socket reports.
    session->set_ipv6_available(true);
    message(tool, MessageId::ClmReqServerFeatures, 0);
    out = take();
    ASSERT_FALSE(out.empty());
    const auto dual_stack = proto::decode_server_features(out.back().payload);
    ASSERT_TRUE(dual_stack.ok());
    EXPECT_EQ(dual_stack->bits, recording->bits | 0x20u);
}

TEST_F(SessionTest, SendsChannelLevelListsEvery101Ticks) {
    make();
    join(kAlice);
    join(kBob);
    join(kCarol);
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
    join(kAlice);
    join(kBob);
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
} // namespace jamfleet::mixer::session_testing
