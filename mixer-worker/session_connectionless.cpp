// Session, connection-less side: the CLM requests every server answers (§4.7),
// channel level lists (§5.9) and drop-reason names.
#include <algorithm>

#include "mixer-worker/session.h"
#include "proto/clm_messages.h"
#include "proto/message_id.h"

namespace jamfleet::mixer {

using proto::MessageId;

std::string_view to_string(DropReason reason) {
    switch (reason) {
    case DropReason::JunkFromUnknown:
        return "junk_from_unknown";
    case DropReason::ServerFull:
        return "server_full";
    case DropReason::ConnFromUnknown:
        return "conn_message_from_unknown";
    case DropReason::BadPayload:
        return "bad_payload";
    case DropReason::WrongAudioSize:
        return "wrong_audio_size";
    case DropReason::UnknownClm:
        return "unknown_clm";
    case DropReason::Truncated:
        return "truncated";
    case DropReason::PendingAudio:
        return "pending_audio";
    case DropReason::SeatLimitIp:
        return "seat_limit_ip";
    case DropReason::NotAdmitted:
        return "not_admitted";
    case DropReason::Banned:
        return "banned";
    case DropReason::NotAllowed:
        return "not_allowed";
    case DropReason::kCount:
        break;
    }
    return "unknown";
}

void Session::on_clm(io::SocketAddress from, const proto::FrameView& frame, base::TimePoint now) {
    switch (static_cast<MessageId>(frame.id)) {
    case MessageId::ClmPingMs:
        if (proto::decode_clm_ping_ms(frame.payload).ok() &&
            may_answer(AnswerKind::Small, from, now)) {
            send_clm(from, MessageId::ClmPingMs,
                     std::vector<std::uint8_t>(frame.payload.begin(), frame.payload.end()));
        }
        return;
    case MessageId::ClmPingMsWithNumClients: {
        auto m = proto::decode_clm_ping_ms_with_num_clients(frame.payload);
        if (m.ok() && may_answer(AnswerKind::Small, from, now)) {
            send_clm(from, MessageId::ClmPingMsWithNumClients,
                     proto::encode_payload(proto::ClmPingMsWithNumClients{
                         m->time_ms, static_cast<std::uint8_t>(connected_count())}));
        }
        return;
    }
    case MessageId::ClmReqVersionAndOs:
        if (!may_answer(AnswerKind::Small, from, now)) {
            return;
        }
        send_clm(from, MessageId::ClmVersionAndOs,
                 proto::encode_payload(proto::VersionAndOs{kServerOs, settings_.version}));
        return;
    case MessageId::ClmReqConnClientsList: {
        if (!may_answer(AnswerKind::ClientList, from, now)) {
            return;
        }
        auto list = client_list();
        auto payload = proto::encode_payload(list);
        if (find_channel(from) < 0) {
            // Bounded for unknown sources: entries past one unfragmented datagram are left out.
            while (!list.entries.empty() &&
                   payload.size() + proto::kFrameOverheadBytes > kMaxAnswerListBytes) {
                list.entries.pop_back();
                payload = proto::encode_payload(list);
            }
        }
        send_clm(from, MessageId::ClmConnClientsList, payload);
        return;
    }
    case MessageId::ClmSendEmptyMessage: {
        auto m = proto::decode_clm_send_empty_message(frame.payload);
        // Sent to a third party: limited by the requester's budget.
        if (m.ok() && may_answer(AnswerKind::Small, from, now)) {
            send_clm(io::SocketAddress{m->ip, m->port}, MessageId::ClmEmptyMessage, {});
        }
        return;
    }
    case MessageId::ClmDisconnection: {
        const int id = find_channel(from);
        if (id >= 0) {
            // Freed at the next tick unless audio arrives first (as Jamulus).
            channels_[static_cast<std::size_t>(id)].disconnect_pending = true;
        } else {
            admission_.forget(from); // a client that gives up while still pending
        }
        return;
    }
    case MessageId::ClmReqServerFeatures:
    case MessageId::ClmReqWelcomeMessage:
        answer_features_request(from, static_cast<MessageId>(frame.id), now);
        return;
    case MessageId::ClmRegisterServerResp:
        if (on_other_clm) {
            on_other_clm(from, frame.id, frame.payload);
        }
        return;
    case MessageId::ClmServerFull:
    case MessageId::ClmRegisterServer:
    case MessageId::ClmUnregisterServer:
    case MessageId::ClmServerList:
    case MessageId::ClmReqServerList:
    case MessageId::ClmEmptyMessage:
    case MessageId::ClmVersionAndOs:
    case MessageId::ClmConnClientsList:
    case MessageId::ClmChannelLevelList:
    case MessageId::ClmRegisterServerEx:
    case MessageId::ClmRedServerList:
    case MessageId::ClmServerFeatures:
    case MessageId::ClmWelcomeMessage:
        return; // for directories or clients; a server ignores them
    default:
        drop(DropReason::UnknownClm, from, now);
        return;
    }
}

void Session::send_level_list() {
    proto::ChannelLevelList list;
    for (std::size_t i = 0; i < channels_.size(); ++i) {
        if (channels_[i].connected) {
            list.levels.push_back(engine_.update_level(static_cast<int>(i)));
        }
    }
    if (list.levels.empty()) {
        return;
    }
    const auto payload = proto::encode_payload(list);
    for (const auto& ch : channels_) {
        if (ch.connected) {
            send_clm(ch.address, MessageId::ClmChannelLevelList, payload);
        }
    }
}

} // namespace jamfleet::mixer
