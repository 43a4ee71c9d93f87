// Session and moderation: a kicked client is told as on shutdown and cannot rejoin
// until its ban ends; banned and not-allowed addresses never get a seat.
#include "tests/mixer-worker/session_fixture.h"

namespace jamfleet::mixer::session_testing {
namespace {

const io::SocketAddress kOutsider{0xc0000209, 6000}; // 192.0.2.9

bool sent_disconnection(const std::vector<Frame>& frames) {
    for (const auto& f : frames) {
        if (f.id == proto::to_wire(MessageId::ClmDisconnection)) {
            return true;
        }
    }
    return false;
}

TEST_F(SessionTest, AKickedClientIsToldAndCannotRejoinUntilItsBanEnds) {
    make();
    join(kAlice);
    join(kBob);
    (void)take();
    ASSERT_EQ(session->connected_count(), 2);
    const int alice = session->clients().front().id;
    ASSERT_TRUE(session->kick(alice, 30s, now()));
    EXPECT_TRUE(sent_disconnection(take_for(kAlice))) << "told as on server shutdown";
    EXPECT_EQ(session->connected_count(), 1);
    EXPECT_FALSE(session->kick(alice, 30s, now())) << "no longer connected";
    // Her client keeps streaming: refused, no probe, no seat.
    clock.advance(29s);
    join(kAlice);
    EXPECT_EQ(session->connected_count(), 1);
    EXPECT_GE(session->drops(DropReason::Banned), 1u);
    EXPECT_EQ(session->pending_count(), 0u);
    // Her IP is banned, not only her port: Bob on the same IP was already seated and stays.
    clock.advance(1s);
    join(kAlice);
    EXPECT_EQ(session->connected_count(), 2) << "the ban expired";
}

TEST_F(SessionTest, AKickWithoutBanLetsTheClientBackAtOnce) {
    make();
    join(kAlice);
    (void)take();
    ASSERT_TRUE(session->kick(session->clients().front().id, 0s, now()));
    join(kAlice);
    EXPECT_EQ(session->connected_count(), 1);
}

TEST_F(SessionTest, ABannedRangeGetsNoProbeAndABanRemovesSeatedClients) {
    make();
    session->moderation().ban(*AddressRange::parse("192.0.2.0/24"), std::nullopt, "");
    audio(kOutsider);
    EXPECT_TRUE(take_for(kOutsider).empty()) << "not even an admission probe";
    EXPECT_EQ(session->pending_count(), 0u);
    EXPECT_EQ(session->drops(DropReason::Banned), 1u);
    join(kAlice);
    (void)take();
    session->moderation().ban(AddressRange::single(kAlice), std::nullopt, "");
    EXPECT_EQ(session->enforce_moderation(now()), 1);
    EXPECT_TRUE(sent_disconnection(take_for(kAlice)));
    EXPECT_EQ(session->connected_count(), 0);
}

TEST_F(SessionTest, ABanDuringAdmissionStopsThePromotion) {
    make();
    audio(kOutsider);
    ASSERT_EQ(session->pending_count(), 1u);
    session->moderation().ban(AddressRange::single(kOutsider), std::nullopt, "");
    join(kOutsider); // ACKs the probe messages already sent
    EXPECT_EQ(session->connected_count(), 0);
    EXPECT_GE(session->drops(DropReason::Banned), 1u);
}

TEST_F(SessionTest, AnIPv6ClientIsKickedAndBannedByItsIPv6Address) {
    make();
    const auto v6 = io::SocketAddress::ipv6(*io::SocketAddress::parse_ip6("2001:db8::7"), 7000);
    join(v6);
    join(kAlice);
    (void)take();
    ASSERT_EQ(session->connected_count(), 2);
    int id = -1;
    for (const auto& c : session->clients()) {
        if (c.address == v6) {
            id = c.id;
        }
    }
    ASSERT_TRUE(session->kick(id, 30s, now()));
    EXPECT_TRUE(sent_disconnection(take_for(v6)));
    const auto bans = session->moderation().bans(now());
    ASSERT_EQ(bans.size(), 1u);
    EXPECT_EQ(bans[0].range.to_string(), "2001:db8::7/128");
    join(v6);
    EXPECT_EQ(session->connected_count(), 1) << "refused during the ban";
    EXPECT_EQ(session->moderation().check(kAlice, now()), Verdict::Admitted);
}

TEST_F(SessionTest, APrivateRoomRefusesAddressesNotOnItsList) {
    make();
    session->moderation().set_allow_list({*AddressRange::parse("127.0.0.0/8")});
    join(kOutsider);
    EXPECT_EQ(session->connected_count(), 0);
    EXPECT_EQ(session->drops(DropReason::NotAllowed), 1u);
    join(kAlice);
    EXPECT_EQ(session->connected_count(), 1);
    session->moderation().set_allow_list({*AddressRange::parse("10.0.0.0/8")});
    EXPECT_EQ(session->enforce_moderation(now()), 1) << "a room made private sends outsiders out";
}

} // namespace
} // namespace jamfleet::mixer::session_testing
