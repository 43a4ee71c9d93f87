// Per-connection stop-and-wait state for connection-based messages
// (docs/protocol.md §3, split handling §2.4). Sans-I/O: time is passed in,
// datagrams to transmit are handed out, nothing is sent or scheduled here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <vector>

#include "base/clock.h"
#include "proto/frame.h"
#include "proto/message_id.h"

namespace jamfleet::proto {

// SEND_MESS_TIMEOUT_MS: the head of the queue is retransmitted this long after each send.
constexpr base::Duration kResendInterval = std::chrono::milliseconds(400);

struct DeliveredMessage {
    std::uint16_t id = 0; // the original ID for a reassembled split message
    std::vector<std::uint8_t> payload;
};

// What an incoming ACKN did to the send queue.
enum class AckMatch : std::uint8_t {
    NotAnAck,     // the frame was no ACKN
    ReleasedHead, // it named the head's counter and ID: the head was released
    Unmatched,    // any other ACKN (stale, duplicate, or forged): ignored
};

struct ReceiveResult {
    // ACKN datagram to transmit at once (also for duplicates, invalid payloads, unknown IDs).
    std::optional<std::vector<std::uint8_t>> ack;
    // A message to evaluate; absent for ACKs, duplicates and incomplete split messages.
    std::optional<DeliveredMessage> message;
    // True when the frame was a duplicate of the previous one (re-acked, not delivered).
    bool duplicate = false;
    AckMatch ack_match = AckMatch::NotAnAck;
};

class ReliableLink {
public:
    // Queues a connection-based message. Split into 2001 parts when the peer supports
    // split and the payload exceeds 550 bytes. Returns false (nothing queued) for a
    // connection-less ID, ACKN, 2001, or a payload no Jamulus receiver could take.
    bool send(std::uint16_t id, std::span<const std::uint8_t> payload, base::TimePoint now);
    bool send(MessageId id, std::span<const std::uint8_t> payload, base::TimePoint now) {
        return send(to_wire(id), payload, now);
    }

    // Handles a parsed connection-based frame (CLM frames are ignored: empty result).
    ReceiveResult on_frame(const FrameView& frame, base::TimePoint now);

    // Retransmits the head (same counter) when its 400 ms have passed.
    void poll(base::TimePoint now);
    // When poll must next run; nullopt while nothing is in flight.
    std::optional<base::TimePoint> next_deadline() const;

    // Datagrams to transmit now (first sends, sends after an ACK, retransmissions).
    std::vector<std::vector<std::uint8_t>> take_outgoing();

    void set_peer_supports_split(bool supported) { peer_supports_split_ = supported; }
    bool peer_supports_split() const { return peer_supports_split_; }

    // Back to the initial state: counter 0, queue and reassembly cleared, split off.
    void reset();

    std::size_t queued_frames() const { return queue_.size(); }
    std::uint8_t next_counter() const { return counter_; }
    // The counter the next queued frame gets. Jamulus receivers do not check that
    // counters follow each other (only an exact repeat of the previous (ID, counter)
    // is a duplicate), so a sender may pick them: the mixer's admission makes the
    // first ones unpredictable so that only a peer that receives them can ACK them.
    void set_next_counter(std::uint8_t counter) { counter_ = counter; }
    // Retransmissions since construction or reset, for stats.
    std::uint64_t retransmissions() const { return retransmissions_; }

private:
    struct QueuedFrame {
        std::uint16_t id;
        std::uint8_t counter;
        std::vector<std::uint8_t> datagram;
    };

    void enqueue(std::uint16_t id, std::span<const std::uint8_t> payload, base::TimePoint now);
    void transmit_head(base::TimePoint now);
    bool handle_ack(const FrameView& frame, base::TimePoint now);
    std::optional<DeliveredMessage> handle_split_part(std::span<const std::uint8_t> payload);
    void reset_reassembly();

    std::uint8_t counter_ = 0;
    std::deque<QueuedFrame> queue_;
    std::optional<base::TimePoint> deadline_;
    std::vector<std::vector<std::uint8_t>> outgoing_;
    bool peer_supports_split_ = false;

    // Last received (ID, counter); starts as (0, 0) like Jamulus (ID 0 is never sent).
    std::uint16_t last_id_ = 0;
    std::uint8_t last_counter_ = 0;

    std::size_t split_parts_collected_ = 0;
    std::vector<std::uint8_t> split_buffer_;
    std::uint64_t retransmissions_ = 0;
};

} // namespace jamfleet::proto
