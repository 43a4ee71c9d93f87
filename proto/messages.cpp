// Dispatch from message ID to the typed decoder, and back to bytes.
#include "proto/messages.h"

namespace jamfleet::proto {
namespace {

template <typename T>
base::Result<Message, DecodeError> wrap(std::uint16_t id, Decoded<T> decoded) {
    if (!decoded) {
        return base::Err{decoded.error()};
    }
    return Message{id, MessageBody{std::move(decoded).value()}};
}

} // namespace

bool is_known_message(std::uint16_t id) {
    switch (static_cast<MessageId>(id)) {
    case MessageId::Illegal:
    case MessageId::NetBlsiFactor:
    case MessageId::ConnClientsListName:
    case MessageId::ServerFull:
    case MessageId::ChannelName:
    case MessageId::PingMs:
    case MessageId::Disconnection:
        return false;
    default:
        return message_name(id) != "UNKNOWN";
    }
}

base::Result<Message, DecodeError> decode_message(std::uint16_t id, Payload payload) {
    switch (static_cast<MessageId>(id)) {
    case MessageId::ReqJittBufSize:
    case MessageId::ReqConnClientsList:
    case MessageId::ReqNetwTransportProps:
    case MessageId::ReqChannelInfos:
    case MessageId::OpusSupported:
    case MessageId::ReqSplitMessSupport:
    case MessageId::SplitMessSupported:
    case MessageId::ClmServerFull:
    case MessageId::ClmUnregisterServer:
    case MessageId::ClmReqServerList:
    case MessageId::ClmEmptyMessage:
    case MessageId::ClmDisconnection:
    case MessageId::ClmReqVersionAndOs:
    case MessageId::ClmReqConnClientsList:
    case MessageId::RawAudioSupported:
    case MessageId::ClmReqServerFeatures:
    case MessageId::ClmReqWelcomeMessage:
        return wrap(id, decode_empty(payload));
    case MessageId::ClmServerFeatures:
        return wrap(id, decode_server_features(payload));
    case MessageId::ClmWelcomeMessage:
        return wrap(id, decode_welcome_message(payload));
    case MessageId::Ackn:
        return wrap(id, decode_ackn(payload));
    case MessageId::JittBufSize:
        return wrap(id, decode_jitt_buf_size(payload));
    case MessageId::ChannelGain:
        return wrap(id, decode_channel_gain(payload));
    case MessageId::ChatText:
        return wrap(id, decode_chat_text(payload));
    case MessageId::NetwTransportProps:
        return wrap(id, decode_netw_transport_props(payload));
    case MessageId::ConnClientsList:
    case MessageId::ClmConnClientsList:
        return wrap(id, decode_conn_clients_list(payload));
    case MessageId::ChannelInfos:
        return wrap(id, decode_channel_infos(payload));
    case MessageId::LicenceRequired:
        return wrap(id, decode_licence_required(payload));
    case MessageId::ReqChannelLevelList:
        return wrap(id, decode_req_channel_level_list(payload));
    case MessageId::VersionAndOs:
    case MessageId::ClmVersionAndOs:
        return wrap(id, decode_version_and_os(payload));
    case MessageId::ChannelPan:
        return wrap(id, decode_channel_pan(payload));
    case MessageId::MuteStateChanged:
        return wrap(id, decode_mute_state_changed(payload));
    case MessageId::ClientId:
        return wrap(id, decode_client_id(payload));
    case MessageId::RecorderState:
        return wrap(id, decode_recorder_state(payload));
    case MessageId::ClmPingMs:
        return wrap(id, decode_clm_ping_ms(payload));
    case MessageId::ClmPingMsWithNumClients:
        return wrap(id, decode_clm_ping_ms_with_num_clients(payload));
    case MessageId::ClmRegisterServer:
        return wrap(id, decode_register_server(payload));
    case MessageId::ClmRegisterServerEx:
        return wrap(id, decode_register_server_ex(payload));
    case MessageId::ClmServerList:
        return wrap(id, decode_server_list(payload));
    case MessageId::ClmRedServerList:
        return wrap(id, decode_red_server_list(payload));
    case MessageId::ClmSendEmptyMessage:
        return wrap(id, decode_clm_send_empty_message(payload));
    case MessageId::ClmChannelLevelList:
        return wrap(id, decode_channel_level_list(payload));
    case MessageId::ClmRegisterServerResp:
        return wrap(id, decode_register_server_resp(payload));
    case MessageId::SpecialSplitMessage:
        return wrap(id, decode_split_part(payload));
    default:
        break;
    }
    return Message{id, UnknownPayload{Bytes(payload.begin(), payload.end())}};
}

Bytes encode_payload(const UnknownPayload& m) {
    return m.bytes;
}

Bytes encode_payload(const MessageBody& body) {
    return std::visit([](const auto& m) { return encode_payload(m); }, body);
}

Bytes encode_message_frame(const Message& message, std::uint8_t counter) {
    const Bytes payload = encode_payload(message.body);
    return make_frame(message.id, is_connectionless(message.id) ? std::uint8_t{0} : counter,
                      payload);
}

} // namespace jamfleet::proto
