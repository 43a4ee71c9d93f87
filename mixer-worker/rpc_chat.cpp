// JSON-RPC chat of Jamulus 4.0 (upstream tag r4_0_0beta2, src/serverrpc.cpp):
// jamulusserver/broadcastChatMessage, privateChatMessage and the notifications
// clientConnected, clientDisconnected and chatMessageReceived.
#include <nlohmann/json.hpp>

#include "mixer-worker/mixer_server.h"
#include "proto/text.h"

namespace jamfleet::mixer {

using base::Err;
using control::RpcError;
using nlohmann::json;

namespace {

// The channel ID chatMessageReceived gives a message that no client sent.
constexpr int kNoClient = -1;

} // namespace

void MixerServer::notify_connection(int id, io::SocketAddress address, bool connected) {
    if (!rpc_) {
        return;
    }
    if (connected) {
        rpc_->broadcast_notification("jamulusserver/clientConnected",
                                     json{{"id", id},
                                          {"address", address.ip_string()},
                                          {"totalChannels", session_->connected_count()}});
    } else {
        rpc_->broadcast_notification("jamulusserver/clientDisconnected", json{{"id", id}});
    }
}

int MixerServer::broadcast_server_chat(const std::string& text) {
    session_->send_server_chat(text, clock_.now());
    flush();
    if (rpc_) {
        rpc_->broadcast_notification("jamulusserver/chatMessageReceived",
                                     json{{"id", kNoClient}, {"chatMessage", text}});
    }
    return static_cast<int>(session_->connected_count());
}

void MixerServer::register_chat_rpc_methods() {
    session_->on_chat_sent = [this](int id, const std::string& html) {
        rpc_->broadcast_notification("jamulusserver/chatMessageReceived",
                                     json{{"id", id}, {"chatMessage", html}});
    };
    rpc_->add_method("jamulusserver/broadcastChatMessage",
                     [this](const json& params) -> base::Result<json, RpcError> {
                         const auto it = params.find("chatMessage");
                         if (it == params.end() || !it->is_string()) {
                             return Err{control::rpc_param_not_string("chatMessage")};
                         }
                         broadcast_server_chat(it->get<std::string>());
                         return json("ok");
                     });
    rpc_->add_method(
        "jamulusserver/privateChatMessage",
        [this](const json& params) -> base::Result<json, RpcError> {
            // As Jamulus: a missing or non-string text counts as empty, a non-number id as -1.
            const auto text_it = params.find("chatMessage");
            const std::string text = text_it != params.end() && text_it->is_string()
                                         ? text_it->get<std::string>()
                                         : std::string();
            const auto units = proto::utf16_length(text);
            if (text.empty() || !units || *units > proto::kMaxChatUserUnits) {
                return Err{RpcError{control::kRpcInvalidParams,
                                    "Invalid params: chatMessage is not a string or malformed"}};
            }
            const auto id_it = params.find("id");
            const int id =
                id_it != params.end() && id_it->is_number_integer() ? id_it->get<int>() : kNoClient;
            if (!session_->send_server_chat_to(id, text, clock_.now())) {
                // Jamulus answers {"error": "invalid channel ID"}, a bare string; a JSON-RPC
                // error object with the same message keeps generic clients working.
                return Err{RpcError{control::kRpcInvalidParams, "invalid channel ID"}};
            }
            flush();
            return json("ok");
        });
}

} // namespace jamfleet::mixer
