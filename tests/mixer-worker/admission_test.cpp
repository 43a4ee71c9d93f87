// Admission core with a fake clock: the three-ACK proof under chosen counters, forged
// and stale ACKs, the 3× budget, expiry, bounds and rates, held client messages.
#include <gtest/gtest.h>

#include "mixer-worker/admission.h"
#include "proto/conn_messages.h"
#include "proto/message_id.h"

namespace jamfleet::mixer {
namespace {

using namespace std::chrono_literals;
using proto::MessageId;

const io::SocketAddress kAlice{0x0a000001, 5000};
const io::SocketAddress kBob{0x0a000002, 5000};

struct Sent {
    io::SocketAddress to;
    std::uint16_t id;
    std::uint8_t counter;
    std::size_t bytes;
};

class AdmissionTest : public ::testing::Test {
protected:
    void make(AdmissionSettings s = {}) {
        if (!s.random) {
            s.random = [this] { return next_random++; };
        }
        admission = std::make_unique<Admission>(std::move(s));
    }
    std::vector<Sent> take() {
        std::vector<Outgoing> out;
        admission->take_outgoing(out);
        std::vector<Sent> sent;
        for (const auto& o : out) {
            auto f = proto::parse_frame(o.bytes);
            EXPECT_TRUE(f.ok());
            sent.push_back(Sent{o.to, f->id, f->counter, o.bytes.size()});
        }
        return sent;
    }
    std::optional<Promotion> ack(io::SocketAddress from, std::uint8_t counter, std::uint16_t id) {
        const auto datagram =
            proto::make_frame(MessageId::Ackn, counter, proto::encode_payload(proto::Ackn{id}));
        return admission->on_frame(from, *proto::parse_frame(datagram), datagram.size(),
                                   clock.now());
    }
    // ACKs whatever probe message is on the wire to `who`; the promotion at the third.
    std::optional<Promotion> ack_head(io::SocketAddress who) {
        for (const auto& s : take()) {
            if (s.to == who && s.id != proto::to_wire(MessageId::Ackn)) {
                return ack(who, s.counter, s.id);
            }
        }
        ADD_FAILURE() << "nothing on the wire";
        return std::nullopt;
    }

    base::FakeClock clock;
    std::uint32_t next_random = 0x00c0b0a0;
    std::unique_ptr<Admission> admission;
};

TEST_F(AdmissionTest, ThreeAcksOfTheChosenCountersPromote) {
    make();
    ASSERT_EQ(admission->start(kAlice, 46, 2, clock.now()), StartResult::Started);
    EXPECT_TRUE(admission->is_pending(kAlice));
    auto first = take();
    ASSERT_EQ(first.size(), 1u); // stop-and-wait: one probe message at a time
    EXPECT_EQ(first[0].id, proto::to_wire(MessageId::ClientId));
    EXPECT_EQ(first[0].counter, 0xa0);
    EXPECT_FALSE(ack(kAlice, 0xa0, first[0].id));
    auto second = take();
    ASSERT_EQ(second.size(), 1u);
    EXPECT_EQ(second[0].id, proto::to_wire(MessageId::ConnClientsList));
    EXPECT_EQ(second[0].counter, 0xb0);
    EXPECT_FALSE(ack(kAlice, 0xb0, second[0].id));
    auto third = take();
    ASSERT_EQ(third.size(), 1u);
    EXPECT_EQ(third[0].id, proto::to_wire(MessageId::ReqSplitMessSupport));
    EXPECT_EQ(third[0].counter, 0xc0);
    auto promotion = ack(kAlice, 0xc0, third[0].id);
    ASSERT_TRUE(promotion.has_value());
    EXPECT_EQ(promotion->address, kAlice);
    EXPECT_EQ(promotion->announced_id, 2);
    EXPECT_EQ(promotion->link.queued_frames(), 0u);
    EXPECT_EQ(promotion->link.next_counter(), 0xc1);
    EXPECT_FALSE(admission->is_pending(kAlice));
    EXPECT_EQ(admission->stats().promoted, 1u);
}

TEST_F(AdmissionTest, EachAddressGetsFreshRandomCounters) {
    make();
    ASSERT_EQ(admission->start(kAlice, 46, 0, clock.now()), StartResult::Started);
    ASSERT_EQ(admission->start(kBob, 46, 0, clock.now()), StartResult::Started);
    auto sent = take();
    ASSERT_EQ(sent.size(), 2u);
    EXPECT_NE(sent[0].counter, sent[1].counter);
}

TEST_F(AdmissionTest, AnAckNamingAnUnsentCounterEndsTheAttempt) {
    make();
    admission->start(kAlice, 46, 0, clock.now());
    take();
    EXPECT_FALSE(ack(kAlice, 0x17, 32));
    EXPECT_FALSE(admission->is_pending(kAlice));
    EXPECT_EQ(admission->stats().forged_acks, 1u);
}

TEST_F(AdmissionTest, TheRightCounterWithTheWrongIdIsForgedToo) {
    make();
    admission->start(kAlice, 46, 0, clock.now());
    take();
    EXPECT_FALSE(ack(kAlice, 0xa0, 24));
    EXPECT_FALSE(admission->is_pending(kAlice));
}

TEST_F(AdmissionTest, ARepeatedAckOfAnEarlierProbeMessageIsTolerated) {
    make();
    admission->start(kAlice, 46, 0, clock.now());
    EXPECT_FALSE(ack_head(kAlice)); // CLIENT_ID, counter 0xa0
    // The client ACKed the resent CLIENT_ID a second time.
    EXPECT_FALSE(ack(kAlice, 0xa0, 32));
    EXPECT_TRUE(admission->is_pending(kAlice));
    EXPECT_FALSE(ack_head(kAlice));
    EXPECT_TRUE(ack_head(kAlice).has_value());
    EXPECT_EQ(admission->stats().forged_acks, 0u);
}

TEST_F(AdmissionTest, NeverSendsMoreThanThreeTimesTheBytesReceived) {
    AdmissionSettings s;
    s.idle_timeout = 60s;
    s.lifetime = 60s;
    make(std::move(s));
    admission->start(kAlice, 10, 0, clock.now()); // budget 30 bytes
    std::size_t sent = 0;
    for (int i = 0; i < 20; ++i) {
        for (const auto& d : take()) {
            sent += d.bytes;
        }
        clock.advance(400ms);
        admission->poll(clock.now());
    }
    EXPECT_EQ(sent, 30u); // CLIENT_ID (10 bytes) three times, then nothing
    EXPECT_GT(admission->stats().amplification_blocked, 0u);
    // More bytes from the address buy more sending.
    admission->on_audio(kAlice, 10, clock.now());
    clock.advance(400ms);
    admission->poll(clock.now());
    EXPECT_EQ(take().size(), 1u);
}

TEST_F(AdmissionTest, AcksOfTheClientsMessagesCountAgainstTheBudget) {
    make();
    admission->start(kAlice, 10, 0, clock.now()); // 30 bytes: CLIENT_ID (10) + one ACK (11)
    take();
    const auto props =
        proto::make_frame(MessageId::SplitMessSupported, 0, std::vector<std::uint8_t>{});
    admission->on_frame(kAlice, *proto::parse_frame(props), 0, clock.now());
    EXPECT_EQ(take().size(), 1u);
    admission->on_frame(kAlice, *proto::parse_frame(props), 0, clock.now());
    EXPECT_TRUE(take().empty()); // 10 + 11 + 11 > 30
}

TEST_F(AdmissionTest, ASilentAddressExpiresAndResendsStop) {
    make();
    admission->start(kAlice, 46, 0, clock.now());
    take();
    clock.advance(400ms);
    admission->poll(clock.now());
    EXPECT_EQ(take().size(), 1u);
    clock.advance(600ms);
    admission->poll(clock.now());
    EXPECT_FALSE(admission->is_pending(kAlice));
    EXPECT_EQ(admission->stats().expired, 1u);
    EXPECT_FALSE(admission->next_deadline().has_value());
}

TEST_F(AdmissionTest, AStreamingAddressThatNeverProvesItselfEndsAtItsLifetime) {
    make();
    admission->start(kAlice, 46, 0, clock.now());
    for (int i = 0; i < 400; ++i) {
        clock.advance(10ms);
        admission->on_audio(kAlice, 46, clock.now());
        admission->poll(clock.now());
    }
    EXPECT_FALSE(admission->is_pending(kAlice));
    EXPECT_EQ(admission->stats().expired, 1u);
}

TEST_F(AdmissionTest, PendingAddressesAreBoundedPerIpAndInTotal) {
    AdmissionSettings s;
    s.max_pending = 3;
    s.max_pending_per_ip = 2;
    make(std::move(s));
    EXPECT_EQ(admission->start({1, 1}, 46, 0, clock.now()), StartResult::Started);
    EXPECT_EQ(admission->start({1, 2}, 46, 0, clock.now()), StartResult::Started);
    EXPECT_EQ(admission->start({1, 3}, 46, 0, clock.now()), StartResult::RefusedPendingIp);
    EXPECT_EQ(admission->start({2, 1}, 46, 0, clock.now()), StartResult::Started);
    EXPECT_EQ(admission->start({3, 1}, 46, 0, clock.now()), StartResult::RefusedPending);
    EXPECT_EQ(admission->pending_count(), 3u);
    EXPECT_EQ(admission->stats().refused_pending_ip, 1u);
    EXPECT_EQ(admission->stats().refused_pending, 1u);
    admission->forget({1, 1});
    EXPECT_EQ(admission->start({1, 3}, 46, 0, clock.now()), StartResult::Started);
}

TEST_F(AdmissionTest, NewAttemptsAreRateLimitedPerIpAndInTotal) {
    AdmissionSettings s;
    s.new_per_ip = {.rate_per_s = 1, .burst = 2};
    s.new_total = {.rate_per_s = 2, .burst = 3};
    make(std::move(s));
    EXPECT_EQ(admission->start({1, 1}, 46, 0, clock.now()), StartResult::Started);
    admission->forget({1, 1});
    EXPECT_EQ(admission->start({1, 1}, 46, 0, clock.now()), StartResult::Started);
    admission->forget({1, 1});
    EXPECT_EQ(admission->start({1, 1}, 46, 0, clock.now()), StartResult::RefusedRateIp);
    EXPECT_EQ(admission->start({2, 1}, 46, 0, clock.now()), StartResult::Started);
    EXPECT_EQ(admission->start({3, 1}, 46, 0, clock.now()), StartResult::RefusedRateTotal);
    clock.advance(1s);
    EXPECT_EQ(admission->start({1, 1}, 46, 0, clock.now()), StartResult::Started);
}

TEST_F(AdmissionTest, TheClientsMessagesWhilePendingAreAckedAndHandedOver) {
    make();
    admission->start(kAlice, 46, 0, clock.now());
    take();
    const auto split =
        proto::make_frame(MessageId::SplitMessSupported, 4, std::vector<std::uint8_t>{});
    admission->on_frame(kAlice, *proto::parse_frame(split), split.size(), clock.now());
    auto sent = take();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0].id, proto::to_wire(MessageId::Ackn));
    EXPECT_EQ(sent[0].counter, 4);
    ack(kAlice, 0xa0, 32);
    ack(kAlice, 0xb0, 24);
    auto promotion = ack(kAlice, 0xc0, 34);
    ASSERT_TRUE(promotion.has_value());
    ASSERT_EQ(promotion->held.size(), 1u);
    EXPECT_EQ(promotion->held[0].id, proto::to_wire(MessageId::SplitMessSupported));
}

TEST_F(AdmissionTest, HeldMessagesAreBounded) {
    make();
    admission->start(kAlice, 1000, 0, clock.now());
    for (std::uint8_t c = 0; c < 20; ++c) {
        const std::vector<std::uint8_t> text{1, 0, 'x'};
        const auto chat = proto::make_frame(MessageId::ChatText, c, text);
        admission->on_frame(kAlice, *proto::parse_frame(chat), chat.size(), clock.now());
    }
    EXPECT_EQ(admission->stats().held_dropped, 12u);
}

TEST_F(AdmissionTest, FramesFromUnknownAddressesAreIgnored) {
    make();
    EXPECT_FALSE(ack(kBob, 0, 32));
    EXPECT_TRUE(take().empty());
}

} // namespace
} // namespace jamfleet::mixer
