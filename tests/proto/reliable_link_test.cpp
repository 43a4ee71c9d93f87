// Tests for the stop-and-wait link: one frame in flight, 400 ms resends, ACK
// matching, duplicate re-ACK, counter wrap, split send and reassembly (§3, §2.4).
#include <gtest/gtest.h>

#include "base/clock.h"
#include "proto/clm_messages.h"
#include "proto/conn_messages.h"
#include "proto/reliable_link.h"
#include "proto/split_message.h"
#include "tests/proto/hex.h"

namespace jamfleet::proto {
namespace {

using namespace std::chrono_literals;
using test::to_hex;

constexpr std::uint16_t kChat = 18;
constexpr std::uint16_t kSplit = 2001;

struct Sent {
    std::uint16_t id;
    std::uint8_t counter;
    Bytes payload;
};

Sent parse(const Bytes& datagram) {
    auto frame = parse_frame(datagram);
    EXPECT_TRUE(frame.ok());
    if (!frame.ok()) {
        return {};
    }
    return {frame->id, frame->counter, Bytes(frame->payload.begin(), frame->payload.end())};
}

Bytes ack_frame(std::uint16_t id, std::uint8_t counter) {
    return make_frame(MessageId::Ackn, counter, encode_payload(Ackn{id}));
}

class ReliableLinkTest : public ::testing::Test {
protected:
    // Feeds a datagram to the link under test as if received now.
    ReceiveResult receive(const Bytes& datagram) {
        auto frame = parse_frame(datagram);
        EXPECT_TRUE(frame.ok());
        return link.on_frame(*frame, clock.now());
    }

    std::vector<Sent> sent() {
        std::vector<Sent> out;
        for (const auto& d : link.take_outgoing()) {
            out.push_back(parse(d));
        }
        return out;
    }

    base::FakeClock clock;
    ReliableLink link;
};

TEST_F(ReliableLinkTest, TransmitsFirstMessageAtOnceAndQueuesTheRest) {
    EXPECT_TRUE(link.send(MessageId::ClientId, encode_payload(ClientId{0}), clock.now()));
    EXPECT_TRUE(link.send(MessageId::ConnClientsList, {}, clock.now()));
    const auto out = sent();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].id, 32);
    EXPECT_EQ(out[0].counter, 0);
    EXPECT_EQ(link.queued_frames(), 2u);
    EXPECT_EQ(link.next_counter(), 2);
}

TEST_F(ReliableLinkTest, ResendsHeadUnchangedEvery400Ms) {
    ASSERT_TRUE(link.send(MessageId::ClientId, encode_payload(ClientId{4}), clock.now()));
    const auto first = link.take_outgoing();
    ASSERT_EQ(first.size(), 1u);
    EXPECT_EQ(link.next_deadline(), clock.now() + 400ms);

    clock.advance(399ms);
    link.poll(clock.now());
    EXPECT_TRUE(link.take_outgoing().empty());

    clock.advance(1ms);
    link.poll(clock.now());
    auto again = link.take_outgoing();
    ASSERT_EQ(again.size(), 1u);
    EXPECT_EQ(to_hex(again[0]), to_hex(first[0]));
    EXPECT_EQ(link.next_deadline(), clock.now() + 400ms);

    clock.advance(400ms);
    link.poll(clock.now());
    EXPECT_EQ(link.take_outgoing().size(), 1u);
    EXPECT_EQ(link.retransmissions(), 2u);
}

TEST_F(ReliableLinkTest, LatePollResendsOnceAndRestartsTimerFromNow) {
    ASSERT_TRUE(link.send(MessageId::ReqChannelInfos, {}, clock.now()));
    (void)link.take_outgoing();
    clock.advance(1500ms);
    link.poll(clock.now());
    EXPECT_EQ(link.take_outgoing().size(), 1u);
    EXPECT_EQ(link.next_deadline(), clock.now() + 400ms);
}

TEST_F(ReliableLinkTest, NoDeadlineWhileIdle) {
    EXPECT_FALSE(link.next_deadline().has_value());
    link.poll(clock.now() + 10s);
    EXPECT_TRUE(link.take_outgoing().empty());
}

TEST_F(ReliableLinkTest, AckMustMatchHeadCounterAndId) {
    ASSERT_TRUE(link.send(MessageId::ClientId, encode_payload(ClientId{0}), clock.now()));
    ASSERT_TRUE(link.send(MessageId::ReqSplitMessSupport, {}, clock.now()));
    (void)link.take_outgoing();

    EXPECT_FALSE(receive(ack_frame(32, 1)).ack.has_value()); // wrong counter; ACKs are not acked
    EXPECT_FALSE(receive(ack_frame(24, 0)).message.has_value()); // wrong ID
    EXPECT_TRUE(link.take_outgoing().empty());
    EXPECT_EQ(link.queued_frames(), 2u);

    receive(ack_frame(32, 0));
    const auto next = sent();
    ASSERT_EQ(next.size(), 1u);
    EXPECT_EQ(next[0].id, 34);
    EXPECT_EQ(next[0].counter, 1);
    EXPECT_EQ(link.queued_frames(), 1u);

    receive(ack_frame(34, 1));
    EXPECT_TRUE(link.take_outgoing().empty());
    EXPECT_EQ(link.queued_frames(), 0u);
    EXPECT_FALSE(link.next_deadline().has_value());
}

TEST_F(ReliableLinkTest, AckRestartsResendTimerForNextFrame) {
    ASSERT_TRUE(link.send(MessageId::ClientId, encode_payload(ClientId{0}), clock.now()));
    ASSERT_TRUE(link.send(MessageId::ReqChannelInfos, {}, clock.now()));
    (void)link.take_outgoing();
    clock.advance(300ms);
    receive(ack_frame(32, 0));
    (void)link.take_outgoing();
    EXPECT_EQ(link.next_deadline(), clock.now() + 400ms);
    clock.advance(399ms);
    link.poll(clock.now());
    EXPECT_TRUE(link.take_outgoing().empty());
}

TEST_F(ReliableLinkTest, AcksAndDeliversReceivedMessage) {
    const Bytes chat = encode_payload(ChatText{"hi"});
    auto r = receive(make_frame(kChat, 7, chat));
    ASSERT_TRUE(r.ack.has_value());
    const Sent ack = parse(*r.ack);
    EXPECT_EQ(ack.id, 1);
    EXPECT_EQ(ack.counter, 7);
    EXPECT_EQ(to_hex(ack.payload), "12 00");
    ASSERT_TRUE(r.message.has_value());
    EXPECT_EQ(r.message->id, kChat);
    EXPECT_EQ(r.message->payload, chat);
    EXPECT_FALSE(r.duplicate);
}

TEST_F(ReliableLinkTest, DuplicateIsReackedButNotRedelivered) {
    const Bytes frame = make_frame(MessageId::ChannelGain, 3, encode_payload(ChannelGain{0, 1}));
    EXPECT_TRUE(receive(frame).message.has_value());
    auto again = receive(frame);
    EXPECT_TRUE(again.duplicate);
    EXPECT_FALSE(again.message.has_value());
    ASSERT_TRUE(again.ack.has_value());
    EXPECT_EQ(parse(*again.ack).counter, 3);
}

TEST_F(ReliableLinkTest, SameIdWithNewCounterOrNewIdWithSameCounterIsDelivered) {
    EXPECT_TRUE(receive(make_frame(MessageId::ReqConnClientsList, 3, {})).message.has_value());
    EXPECT_TRUE(receive(make_frame(MessageId::ReqConnClientsList, 4, {})).message.has_value());
    EXPECT_TRUE(receive(make_frame(MessageId::ReqChannelInfos, 4, {})).message.has_value());
    // Only the immediately preceding message counts: an older one is delivered again.
    EXPECT_TRUE(receive(make_frame(MessageId::ReqConnClientsList, 3, {})).message.has_value());
}

TEST_F(ReliableLinkTest, AckBetweenDuplicatesDoesNotHideTheRetransmission) {
    const Bytes frame = make_frame(MessageId::ReqConnClientsList, 9, {});
    EXPECT_TRUE(receive(frame).message.has_value());
    receive(ack_frame(32, 0)); // ACKs do not update the last-received pair
    EXPECT_TRUE(receive(frame).duplicate);
}

TEST_F(ReliableLinkTest, UnknownIdsAreAckedAndDelivered) {
    auto r = receive(make_frame(99, 0, Bytes{1, 2}));
    ASSERT_TRUE(r.ack.has_value());
    EXPECT_EQ(to_hex(parse(*r.ack).payload), "63 00");
    ASSERT_TRUE(r.message.has_value());
    EXPECT_EQ(r.message->id, 99);
}

TEST_F(ReliableLinkTest, ConnectionlessFramesAreIgnored) {
    auto r = receive(make_clm_frame(MessageId::ClmPingMs, encode_payload(ClmPingMs{1})));
    EXPECT_FALSE(r.ack.has_value());
    EXPECT_FALSE(r.message.has_value());
    EXPECT_FALSE(link.send(MessageId::ClmPingMs, {}, clock.now()));
    EXPECT_TRUE(link.take_outgoing().empty());
}

TEST_F(ReliableLinkTest, RefusesToQueueAcksAndSplitContainers) {
    EXPECT_FALSE(link.send(MessageId::Ackn, encode_payload(Ackn{18}), clock.now()));
    EXPECT_FALSE(link.send(MessageId::SpecialSplitMessage, Bytes(8, 0), clock.now()));
    EXPECT_EQ(link.queued_frames(), 0u);
    EXPECT_TRUE(link.take_outgoing().empty());
}

TEST_F(ReliableLinkTest, CounterWrapsFrom255ToZero) {
    for (int i = 0; i < 257; ++i) {
        ASSERT_TRUE(link.send(MessageId::ReqJittBufSize, {}, clock.now()));
        const auto out = sent();
        ASSERT_EQ(out.size(), 1u);
        EXPECT_EQ(out[0].counter, static_cast<std::uint8_t>(i));
        receive(ack_frame(11, out[0].counter));
    }
    EXPECT_EQ(link.next_counter(), 1);
}

TEST_F(ReliableLinkTest, LongMessageIsSplitWhenPeerSupportsSplit) {
    link.set_peer_supports_split(true);
    const Bytes payload = encode_payload(ChatText{std::string(1250, 'x')}); // 1252 bytes
    ASSERT_TRUE(link.send(kChat, payload, clock.now()));
    EXPECT_EQ(link.queued_frames(), 3u);
    Bytes joined;
    for (std::uint8_t k = 0; k < 3; ++k) {
        const auto out = sent();
        ASSERT_EQ(out.size(), 1u) << int{k};
        EXPECT_EQ(out[0].id, kSplit);
        EXPECT_EQ(out[0].counter, k); // each part has its own counter
        auto part = decode_split_part(out[0].payload);
        ASSERT_TRUE(part.ok());
        EXPECT_EQ(part->original_id, kChat);
        EXPECT_EQ(part->num_parts, 3);
        EXPECT_EQ(part->part_index, k);
        joined.insert(joined.end(), part->data.begin(), part->data.end());
        receive(ack_frame(kSplit, k));
    }
    EXPECT_EQ(joined, payload);
}

TEST_F(ReliableLinkTest, PayloadOf550BytesIsNeverSplit) {
    link.set_peer_supports_split(true);
    ASSERT_TRUE(link.send(kChat, Bytes(550, 1), clock.now()));
    const auto out = sent();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].id, kChat);
    EXPECT_EQ(out[0].payload.size(), 550u);
}

TEST_F(ReliableLinkTest, LongMessageIsSentWholeWithoutSplitSupport) {
    ASSERT_TRUE(link.send(kChat, Bytes(1252, 1), clock.now()));
    const auto out = sent();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].id, kChat);
    EXPECT_EQ(out[0].payload.size(), 1252u);
}

TEST_F(ReliableLinkTest, RefusesPayloadsNoReceiverCanTake) {
    EXPECT_FALSE(link.send(kChat, Bytes(kMaxFramePayloadBytes + 1, 1), clock.now()));
    EXPECT_TRUE(link.send(kChat, Bytes(kMaxFramePayloadBytes, 1), clock.now()));
    link.set_peer_supports_split(true);
    EXPECT_FALSE(link.send(kChat, Bytes(36 * 550 + 1, 1), clock.now()));
    EXPECT_EQ(link.queued_frames(), 1u);
}

Bytes part_frame(std::uint8_t counter, std::uint8_t parts, std::uint8_t index, const Bytes& data,
                 std::uint16_t original = kChat) {
    return make_frame(kSplit, counter, encode_payload(SplitPart{original, parts, index, data}));
}

TEST_F(ReliableLinkTest, ReassemblesSplitPartsAndAcksEachWithId2001) {
    auto r0 = receive(part_frame(10, 3, 0, Bytes(550, 'a')));
    EXPECT_FALSE(r0.message.has_value());
    ASSERT_TRUE(r0.ack.has_value());
    EXPECT_EQ(to_hex(parse(*r0.ack).payload), "d1 07");
    EXPECT_FALSE(receive(part_frame(11, 3, 1, Bytes(550, 'b'))).message.has_value());
    auto r2 = receive(part_frame(12, 3, 2, Bytes(152, 'c')));
    ASSERT_TRUE(r2.message.has_value());
    EXPECT_EQ(r2.message->id, kChat);
    ASSERT_EQ(r2.message->payload.size(), 1252u);
    EXPECT_EQ(r2.message->payload[0], 'a');
    EXPECT_EQ(r2.message->payload[600], 'b');
    EXPECT_EQ(r2.message->payload[1251], 'c');
    EXPECT_EQ(parse(*r2.ack).counter, 12);
}

TEST_F(ReliableLinkTest, OutOfOrderPartResetsReassembly) {
    receive(part_frame(1, 3, 0, Bytes(10, 'a')));
    EXPECT_FALSE(receive(part_frame(2, 3, 2, Bytes(10, 'c'))).message.has_value()); // skip
    // The state was reset, so part 1 no longer fits either.
    EXPECT_FALSE(receive(part_frame(3, 3, 1, Bytes(10, 'b'))).message.has_value());
    EXPECT_FALSE(receive(part_frame(4, 2, 1, Bytes(10, 'b'))).message.has_value());
    // A fresh sequence works afterwards.
    receive(part_frame(5, 2, 0, Bytes(3, 'x')));
    auto done = receive(part_frame(6, 2, 1, Bytes(2, 'y')));
    ASSERT_TRUE(done.message.has_value());
    EXPECT_EQ(done.message->payload, (Bytes{'x', 'x', 'x', 'y', 'y'}));
}

TEST_F(ReliableLinkTest, RejectsPartIndexNotBelowPartCount) {
    auto r = receive(part_frame(1, 0, 0, Bytes(5, 'a')));
    EXPECT_FALSE(r.message.has_value());
    EXPECT_TRUE(r.ack.has_value()); // still acknowledged
}

TEST_F(ReliableLinkTest, NonSplitMessageResetsReassembly) {
    receive(part_frame(1, 2, 0, Bytes(10, 'a')));
    EXPECT_TRUE(receive(make_frame(MessageId::ReqConnClientsList, 2, {})).message.has_value());
    EXPECT_FALSE(receive(part_frame(3, 2, 1, Bytes(10, 'b'))).message.has_value());
}

TEST_F(ReliableLinkTest, ReassemblyStopsAt20000Bytes) {
    // 36 parts of 556 bytes = 20016 > 20000: the last part overflows and resets.
    std::optional<DeliveredMessage> last;
    for (std::uint8_t k = 0; k < 36; ++k) {
        last = receive(part_frame(k, 36, k, Bytes(556, 'z'))).message;
    }
    EXPECT_FALSE(last.has_value());
}

TEST_F(ReliableLinkTest, SplitPartsOverTheLimitOf36AreRejected) {
    std::optional<DeliveredMessage> last;
    for (std::uint8_t k = 0; k < 37; ++k) {
        last = receive(part_frame(k, 37, k, Bytes(1, 'z'))).message;
    }
    EXPECT_FALSE(last.has_value());
}

TEST_F(ReliableLinkTest, RoundTripsThroughASecondLinkWithSplit) {
    ReliableLink peer;
    link.set_peer_supports_split(true);
    const Bytes payload = encode_payload(ChatText{std::string(1700, 'q')});
    ASSERT_TRUE(link.send(kChat, payload, clock.now()));
    std::optional<DeliveredMessage> delivered;
    for (int guard = 0; guard < 10 && !delivered; ++guard) {
        for (const auto& d : link.take_outgoing()) {
            auto r = peer.on_frame(*parse_frame(d), clock.now());
            if (r.message) {
                delivered = r.message;
            }
            ASSERT_TRUE(r.ack.has_value());
            link.on_frame(*parse_frame(*r.ack), clock.now());
        }
    }
    ASSERT_TRUE(delivered.has_value());
    EXPECT_EQ(delivered->id, kChat);
    EXPECT_EQ(delivered->payload, payload);
    EXPECT_EQ(link.queued_frames(), 0u);
}

TEST_F(ReliableLinkTest, ResetRestoresInitialState) {
    link.set_peer_supports_split(true);
    ASSERT_TRUE(link.send(kChat, Bytes(10, 1), clock.now()));
    receive(make_frame(MessageId::ReqConnClientsList, 5, {}));
    receive(part_frame(6, 2, 0, Bytes(3, 'x')));
    link.reset();
    EXPECT_EQ(link.queued_frames(), 0u);
    EXPECT_EQ(link.next_counter(), 0);
    EXPECT_FALSE(link.peer_supports_split());
    EXPECT_TRUE(link.take_outgoing().empty());
    EXPECT_FALSE(link.next_deadline().has_value());
    // The last-received pair is forgotten: the same frame is delivered again.
    EXPECT_TRUE(receive(make_frame(MessageId::ReqConnClientsList, 5, {})).message.has_value());
    // The reassembly is forgotten: part 1 alone is not accepted.
    EXPECT_FALSE(receive(part_frame(7, 2, 1, Bytes(3, 'y'))).message.has_value());
}

} // namespace
} // namespace jamfleet::proto

namespace jamfleet::proto {
namespace {

// The admission probe: the sender picks each counter, and the result says whether
// an ACK released the head.
TEST(ReliableLinkCounters, ChosenCountersGoOnTheWireAndAcksReportTheirMatch) {
    ReliableLink link;
    const base::TimePoint t0{};
    link.set_next_counter(200);
    ASSERT_TRUE(link.send(MessageId::ClientId, Bytes{3}, t0));
    link.set_next_counter(17);
    ASSERT_TRUE(link.send(MessageId::ReqSplitMessSupport, Bytes{}, t0));
    auto out = link.take_outgoing();
    ASSERT_EQ(out.size(), 1u);
    auto head = parse_frame(out[0]);
    ASSERT_TRUE(head.ok());
    EXPECT_EQ(head->counter, 200);

    const auto ack = [](std::uint8_t counter, std::uint16_t id) {
        return make_frame(MessageId::Ackn, counter, encode_payload(Ackn{id}));
    };
    const auto wrong_counter = ack(201, 32);
    EXPECT_EQ(link.on_frame(*parse_frame(wrong_counter), t0).ack_match, AckMatch::Unmatched);
    const auto wrong_id = ack(200, 24);
    EXPECT_EQ(link.on_frame(*parse_frame(wrong_id), t0).ack_match, AckMatch::Unmatched);
    const auto right = ack(200, 32);
    EXPECT_EQ(link.on_frame(*parse_frame(right), t0).ack_match, AckMatch::ReleasedHead);
    out = link.take_outgoing();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(parse_frame(out[0])->counter, 17);
    // The stale repeat of the first ACK no longer matches the head.
    EXPECT_EQ(link.on_frame(*parse_frame(right), t0).ack_match, AckMatch::Unmatched);
    const auto chat = make_frame(MessageId::ChatText, 5, Bytes{0, 0});
    EXPECT_EQ(link.on_frame(*parse_frame(chat), t0).ack_match, AckMatch::NotAnAck);
    // Counters continue from the last chosen one.
    EXPECT_EQ(link.next_counter(), 18);
}

} // namespace
} // namespace jamfleet::proto
