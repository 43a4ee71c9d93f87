// Stop-and-wait send queue, ACK handling, duplicate detection and split
// reassembly for one connection (docs/protocol.md §3, §2.4).
#include "proto/reliable_link.h"

#include "proto/conn_messages.h"
#include "proto/split_message.h"

namespace jamfleet::proto {

bool ReliableLink::send(std::uint16_t id, std::span<const std::uint8_t> payload,
                        base::TimePoint now) {
    // ACKs go out at once from on_frame and split containers are made here, so
    // neither is ever queued by a caller.
    if (is_connectionless(id) || id == to_wire(MessageId::Ackn) ||
        id == to_wire(MessageId::SpecialSplitMessage)) {
        return false;
    }
    if (peer_supports_split_ && payload.size() > kSplitPartBytes) {
        // The receiver keeps at most 36 parts in a 20000-byte buffer.
        if (payload.size() > kMaxSplitParts * kSplitPartBytes) {
            return false;
        }
        for (const SplitPart& part : split_payload(id, payload)) {
            enqueue(to_wire(MessageId::SpecialSplitMessage), encode_payload(part), now);
        }
        return true;
    }
    if (payload.size() > kMaxFramePayloadBytes) {
        return false;
    }
    enqueue(id, payload, now);
    return true;
}

void ReliableLink::enqueue(std::uint16_t id, std::span<const std::uint8_t> payload,
                           base::TimePoint now) {
    const std::uint8_t counter = counter_++; // wraps 255 -> 0
    queue_.push_back(QueuedFrame{id, counter, make_frame(id, counter, payload)});
    if (queue_.size() == 1) {
        transmit_head(now);
    }
}

void ReliableLink::transmit_head(base::TimePoint now) {
    outgoing_.push_back(queue_.front().datagram);
    deadline_ = now + kResendInterval;
}

void ReliableLink::poll(base::TimePoint now) {
    if (queue_.empty() || !deadline_ || now < *deadline_) {
        return;
    }
    ++retransmissions_;
    transmit_head(now);
}

std::optional<base::TimePoint> ReliableLink::next_deadline() const {
    if (queue_.empty()) {
        return std::nullopt;
    }
    return deadline_;
}

std::vector<std::vector<std::uint8_t>> ReliableLink::take_outgoing() {
    std::vector<std::vector<std::uint8_t>> out;
    out.swap(outgoing_);
    return out;
}

bool ReliableLink::handle_ack(const FrameView& frame, base::TimePoint now) {
    auto ack = decode_ackn(frame.payload);
    if (!ack || queue_.empty()) {
        return false;
    }
    // Only an ACK naming both the head's counter and its ID releases it.
    const QueuedFrame& head = queue_.front();
    if (head.counter != frame.counter || head.id != ack->acked_id) {
        return false;
    }
    queue_.pop_front();
    if (queue_.empty()) {
        deadline_.reset();
    } else {
        transmit_head(now);
    }
    return true;
}

ReceiveResult ReliableLink::on_frame(const FrameView& frame, base::TimePoint now) {
    ReceiveResult result;
    if (is_connectionless(frame.id)) {
        return result;
    }
    if (frame.id == to_wire(MessageId::Ackn)) {
        result.ack_match = handle_ack(frame, now) ? AckMatch::ReleasedHead : AckMatch::Unmatched;
        return result;
    }
    const std::uint8_t ack_payload[2] = {static_cast<std::uint8_t>(frame.id & 0xFF),
                                         static_cast<std::uint8_t>(frame.id >> 8)};
    result.ack = make_frame(MessageId::Ackn, frame.counter, ack_payload);
    // Only the immediately preceding message is remembered, exactly like Jamulus.
    if (frame.id == last_id_ && frame.counter == last_counter_) {
        result.duplicate = true;
        return result;
    }
    if (frame.id == to_wire(MessageId::SpecialSplitMessage)) {
        result.message = handle_split_part(frame.payload);
    } else {
        reset_reassembly();
        result.message = DeliveredMessage{
            frame.id, std::vector<std::uint8_t>(frame.payload.begin(), frame.payload.end())};
    }
    last_id_ = frame.id;
    last_counter_ = frame.counter;
    return result;
}

std::optional<DeliveredMessage>
ReliableLink::handle_split_part(std::span<const std::uint8_t> payload) {
    auto part = decode_split_part(payload);
    if (!part) {
        reset_reassembly();
        return std::nullopt;
    }
    const std::size_t index = part->part_index;
    const bool in_sequence = index == split_parts_collected_ && index < part->num_parts &&
                             index < kMaxSplitParts &&
                             split_buffer_.size() + part->data.size() <= kMaxDatagramBytes;
    if (!in_sequence) {
        reset_reassembly();
        return std::nullopt;
    }
    split_buffer_.insert(split_buffer_.end(), part->data.begin(), part->data.end());
    ++split_parts_collected_;
    if (split_parts_collected_ < part->num_parts) {
        return std::nullopt;
    }
    // Jamulus evaluates the whole under the ID carried by the last part.
    DeliveredMessage whole{part->original_id, std::move(split_buffer_)};
    reset_reassembly();
    return whole;
}

void ReliableLink::reset_reassembly() {
    split_parts_collected_ = 0;
    split_buffer_.clear();
}

void ReliableLink::reset() {
    counter_ = 0;
    queue_.clear();
    deadline_.reset();
    outgoing_.clear();
    peer_supports_split_ = false;
    last_id_ = 0;
    last_counter_ = 0;
    reset_reassembly();
    retransmissions_ = 0;
}

} // namespace jamfleet::proto
