// Session, unknown and pending addresses: where admission (admission.h) meets the
// channel table — starting a probe, promoting a proven address to a channel, and
// the limited answers (server full) to addresses without a channel.
#include <algorithm>

#include "mixer-worker/session.h"
#include "proto/audio_format.h"
#include "proto/conn_messages.h"
#include "proto/message_id.h"

namespace jamfleet::mixer {

using proto::MessageId;

int Session::seats_of_ip(std::uint64_t host) const {
    return static_cast<int>(
        std::count_if(channels_.begin(), channels_.end(), [host](const auto& c) {
            return c.connected && c.address.host_key() == host;
        }));
}

bool Session::may_answer(AnswerKind kind, io::SocketAddress to, base::TimePoint now) {
    return find_channel(to) >= 0 || answers_.allow(kind, to.host_key(), now);
}

void Session::answer_server_full(io::SocketAddress to, base::TimePoint now) {
    if (may_answer(AnswerKind::ServerFull, to, now)) {
        send_clm(to, MessageId::ClmServerFull, {});
    }
}

void Session::on_unknown_audio(io::SocketAddress from, std::size_t bytes, base::TimePoint now) {
    if (admission_.is_pending(from)) {
        admission_.on_audio(from, bytes, now);
        ++drops_[static_cast<std::size_t>(DropReason::PendingAudio)];
        return;
    }
    // Only datagrams a real client could send may start an attempt.
    if (!proto::is_valid_audio_packet_size(bytes)) {
        drop(DropReason::JunkFromUnknown, from, now);
        return;
    }
    if (!moderation_admits(from, now)) {
        return;
    }
    const int id = free_channel_id();
    if (id < 0) {
        answer_server_full(from, now);
        drop(DropReason::ServerFull, from, now);
        return;
    }
    if (seats_of_ip(from.host_key()) >= settings_.max_seats_per_ip) {
        answer_server_full(from, now);
        drop(DropReason::SeatLimitIp, from, now);
        return;
    }
    if (admission_.start(from, bytes, id, now) != StartResult::Started) {
        drop(DropReason::NotAdmitted, from, now);
    }
}

void Session::on_pending_frame(io::SocketAddress from, const proto::FrameView& frame,
                               std::size_t bytes, base::TimePoint now) {
    if (!admission_.is_pending(from)) {
        drop(DropReason::ConnFromUnknown, from, now);
        return;
    }
    if (auto promotion = admission_.on_frame(from, frame, bytes, now)) {
        promote(std::move(*promotion), now);
    }
}

void Session::promote(Promotion promotion, base::TimePoint now) {
    // A ban or allow-list may have changed while this address proved itself.
    if (!moderation_admits(promotion.address, now)) {
        return;
    }
    // Seats may have gone to others while this address proved itself.
    const int id = free_channel_id();
    if (id < 0) {
        answer_server_full(promotion.address, now);
        drop(DropReason::ServerFull, promotion.address, now);
        return;
    }
    if (seats_of_ip(promotion.address.host_key()) >= settings_.max_seats_per_ip) {
        answer_server_full(promotion.address, now);
        drop(DropReason::SeatLimitIp, promotion.address, now);
        return;
    }
    open_channel(id, promotion.address, std::move(promotion.link), promotion.announced_id, now);
    for (auto& message : promotion.held) {
        on_connection_message(id, message.id, message.payload, now);
    }
}

} // namespace jamfleet::mixer
