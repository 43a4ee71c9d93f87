// Session with admission (docs/admission.md): a pending address is invisible and
// takes no seat, the proof promotes it and the sequence continues, the per-IP seat
// limit, the announced ID corrected, limited answers to unknown sources.
#include "tests/mixer-worker/session_fixture.h"

namespace jamfleet::mixer::session_testing {
namespace {

TEST_F(SessionTest, APendingAddressTakesNoSeatAndIsInvisible) {
    make();
    audio(kAlice);
    EXPECT_EQ(session->connected_count(), 0);
    EXPECT_EQ(session->pending_count(), 1u);
    EXPECT_TRUE(session->clients().empty());
    EXPECT_FALSE(engine->has_format(0));
    take();
    const io::SocketAddress stranger{0x0a000001, 4444};
    message(stranger, MessageId::ClmReqConnClientsList, 0);
    auto out = take_for(stranger);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_TRUE(proto::decode_conn_clients_list(out[0].payload)->entries.empty());
    // No level list for a room without channels.
    for (int t = 0; t < 101; ++t) {
        session->on_tick(now());
    }
    for (const auto& f : take()) {
        EXPECT_NE(f.id, proto::to_wire(MessageId::ClmChannelLevelList));
    }
    audio(kAlice); // more audio keeps the attempt alive but reaches no mix
    EXPECT_EQ(session->drops(DropReason::PendingAudio), 1u);
    EXPECT_EQ(session->connected_count(), 0);
}

TEST_F(SessionTest, TheThirdAckPromotesAndTheSequenceContinues) {
    make();
    audio(kAlice);
    std::vector<std::uint16_t> sent;
    for (int i = 0; i < 3; ++i) {
        auto frames = take_for(kAlice);
        ASSERT_EQ(frames.size(), 1u);
        sent.push_back(frames[0].id);
        EXPECT_EQ(session->connected_count(), 0);
        message(kAlice, MessageId::Ackn, frames[0].counter,
                proto::encode_payload(proto::Ackn{frames[0].id}));
    }
    EXPECT_EQ(sent, ids({MessageId::ClientId, MessageId::ConnClientsList,
                         MessageId::ReqSplitMessSupport}));
    EXPECT_EQ(session->connected_count(), 1);
    EXPECT_EQ(session->pending_count(), 0u);
    // The channel's own sequence opens with the raw-audio offer (Jamulus 4.0 sends it right
    // after CLIENT_ID; admission's three messages are the same for every release).
    EXPECT_EQ(drain(kAlice), ids({MessageId::RawAudioSupported, MessageId::ReqNetwTransportProps,
                                  MessageId::ReqJittBufSize, MessageId::ReqChannelInfos,
                                  MessageId::VersionAndOs, MessageId::RecorderState}));
}

TEST_F(SessionTest, AForgedAckEndsTheAttemptWithoutASeat) {
    make();
    audio(kAlice);
    auto frames = take_for(kAlice);
    ASSERT_EQ(frames.size(), 1u);
    message(kAlice, MessageId::Ackn, static_cast<std::uint8_t>(frames[0].counter + 1),
            proto::encode_payload(proto::Ackn{frames[0].id}));
    EXPECT_EQ(session->pending_count(), 0u);
    EXPECT_EQ(session->connected_count(), 0);
    EXPECT_EQ(session->admission_stats().forged_acks, 1u);
}

TEST_F(SessionTest, MessagesSentWhilePendingTakeEffectAfterPromotion) {
    make();
    audio(kAlice);
    // An early NETW_TRANSPORT_PROPS (the client sends it unasked) is ACKed at once.
    message(kAlice, MessageId::NetwTransportProps, 0,
            proto::encode_payload(proto::NetwTransportProps{45, 1, 1, 48000, 2, 0, 0}));
    bool acked = false;
    for (const auto& f : take_for(kAlice)) {
        acked = acked || (f.id == proto::to_wire(MessageId::Ackn) && f.counter == 0);
    }
    EXPECT_TRUE(acked);
    EXPECT_FALSE(engine->has_format(0));
    // join() ACKs the three probe messages (the first is sent again after 400 ms).
    clock.advance(400ms);
    session->on_tick(now());
    join(kAlice);
    EXPECT_EQ(session->connected_count(), 1);
    EXPECT_TRUE(engine->has_format(0));
}

TEST_F(SessionTest, OneIpHoldsAtMostMaxSeatsPerIp) {
    SessionSettings s;
    s.max_seats_per_ip = 2;
    make(std::move(s));
    join(kAlice);
    join(kBob);
    take();
    audio(kCarol); // the same IP as alice and bob
    auto out = take_for(kCarol);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].id, proto::to_wire(MessageId::ClmServerFull));
    EXPECT_EQ(session->pending_count(), 0u);
    EXPECT_EQ(session->drops(DropReason::SeatLimitIp), 1u);
    const io::SocketAddress elsewhere{0x0a000009, 5000};
    join(elsewhere);
    EXPECT_EQ(session->connected_count(), 3);
}

// IPv6 sources are counted per /64 (one subscriber's network), not all as one address.
TEST_F(SessionTest, IpV6SourcesAreCountedPerSlash64) {
    SessionSettings s;
    s.max_seats_per_ip = 1;
    make(std::move(s));
    auto v6 = [](std::uint8_t subnet, std::uint8_t host, std::uint16_t port) {
        std::array<std::uint8_t, 16> a{0x20, 0x01, 0x0d, 0xb8, 0, subnet};
        a[15] = host;
        return io::SocketAddress::ipv6(a, port);
    };
    join(v6(1, 1, 5000));
    join(v6(2, 1, 5000)); // another network: a seat of its own
    EXPECT_EQ(session->connected_count(), 2);
    take();
    audio(v6(1, 2, 5001)); // a second host of the first /64
    EXPECT_EQ(session->drops(DropReason::SeatLimitIp), 1u);
    EXPECT_EQ(session->connected_count(), 2);
}

TEST_F(SessionTest, AnAnnouncedIdTakenMeanwhileIsCorrected) {
    make();
    audio(kAlice); // both are told CLIENT_ID 0
    audio(kBob);
    join(kBob); // bob proves himself first and gets channel 0
    take_for(kBob);
    for (int i = 0; i < 3; ++i) {
        for (const auto& f : take_for(kAlice)) {
            message(kAlice, MessageId::Ackn, f.counter, proto::encode_payload(proto::Ackn{f.id}));
        }
    }
    EXPECT_EQ(session->connected_count(), 2);
    auto after = take_for(kAlice);
    ASSERT_FALSE(after.empty());
    EXPECT_EQ(after[0].id, proto::to_wire(MessageId::ClientId));
    EXPECT_EQ(after[0].payload, std::vector<std::uint8_t>{1});
}

TEST_F(SessionTest, ServerFullGoesToARealNewcomerAtALimitedRate) {
    SessionSettings s;
    s.max_channels = 1;
    make(std::move(s));
    join(kAlice);
    take();
    for (int i = 0; i < 100; ++i) {
        audio(kBob);
    }
    auto out = take_for(kBob);
    EXPECT_EQ(out.size(), 2u); // the burst; then one per second
    EXPECT_EQ(session->answers_dropped(AnswerKind::ServerFull), 98u);
    clock.advance(1s);
    audio(kBob);
    EXPECT_EQ(take_for(kBob).size(), 1u);
    // Carol shares bob's IP (one NAT): bob's stream does not use up her answer.
    audio(kCarol);
    EXPECT_EQ(take_for(kCarol).size(), 1u);
}

TEST_F(SessionTest, ClientListsToUnknownSourcesAreRateLimitedButNotToClients) {
    make();
    join(kAlice);
    take();
    const io::SocketAddress stranger{0x0a000001, 4444};
    for (int i = 0; i < 10; ++i) {
        message(stranger, MessageId::ClmReqConnClientsList, 0);
        message(kAlice, MessageId::ClmReqConnClientsList, 0);
    }
    EXPECT_EQ(take_for(stranger).size(), 4u);
    EXPECT_EQ(take_for(kAlice).size(), 10u);
}

TEST_F(SessionTest, FeatureAndWelcomeAnswersToUnknownSourcesAreRateLimitedButNotToClients) {
    SessionSettings s;
    s.welcome_message = std::string(1600, 'w'); // the longest welcome: ~1.6 kB per answer
    make(std::move(s));
    join(kAlice);
    take();
    const io::SocketAddress stranger{0x0a000001, 4444};
    for (int i = 0; i < 50; ++i) {
        message(stranger, MessageId::ClmReqWelcomeMessage, 0);
        message(kAlice, MessageId::ClmReqWelcomeMessage, 0);
    }
    EXPECT_EQ(take_for(stranger).size(), 4u); // the welcome's burst, then 2/s
    EXPECT_EQ(take_for(kAlice).size(), 50u);
    EXPECT_EQ(session->answers_dropped(AnswerKind::Welcome), 46u);
    for (int i = 0; i < 50; ++i) {
        message(stranger, MessageId::ClmReqServerFeatures, 0);
    }
    EXPECT_EQ(take_for(stranger).size(), 40u); // a small answer: burst 40, then 20/s
    clock.advance(1s);
    message(stranger, MessageId::ClmReqWelcomeMessage, 0);
    EXPECT_EQ(take_for(stranger).size(), 1u);
}

TEST_F(SessionTest, DisconnectionFromAPendingAddressEndsTheAttempt) {
    make();
    audio(kAlice);
    EXPECT_EQ(session->pending_count(), 1u);
    message(kAlice, MessageId::ClmDisconnection, 0);
    EXPECT_EQ(session->pending_count(), 0u);
}

} // namespace
} // namespace jamfleet::mixer::session_testing
