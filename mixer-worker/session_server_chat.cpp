// Session: chat text from the server itself. Clients' chat goes out the same way once
// broadcast_chat has wrapped it; JSON-RPC's broadcastChatMessage and privateChatMessage (Jamulus
// 4.0, src/server.cpp SendChatTextToAllConChannels / SendChatTextToConChannel at r4_0_0beta2)
// send their text unwrapped.
#include "mixer-worker/session.h"
#include "proto/message_id.h"

namespace jamfleet::mixer {

using proto::MessageId;

void Session::send_server_chat(const std::string& text, base::TimePoint now) {
    const auto payload = proto::encode_payload(proto::ChatText{text});
    for (std::size_t i = 0; i < channels_.size(); ++i) {
        if (channels_[i].connected) {
            send(static_cast<int>(i), MessageId::ChatText, payload, now);
        }
    }
}

bool Session::send_server_chat_to(int id, const std::string& text, base::TimePoint now) {
    if (id < 0 || static_cast<std::size_t>(id) >= channels_.size() ||
        !channels_[static_cast<std::size_t>(id)].connected) {
        return false;
    }
    send(id, MessageId::ChatText, proto::encode_payload(proto::ChatText{text}), now);
    return true;
}

} // namespace jamfleet::mixer
