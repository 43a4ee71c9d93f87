// Printable names of message IDs, for logs.
#include "proto/message_id.h"

namespace jamfleet::proto {

std::string_view message_name(std::uint16_t id) {
    switch (static_cast<MessageId>(id)) {
    case MessageId::Illegal:
        return "ILLEGAL";
    case MessageId::Ackn:
        return "ACKN";
    case MessageId::JittBufSize:
        return "JITT_BUF_SIZE";
    case MessageId::ReqJittBufSize:
        return "REQ_JITT_BUF_SIZE";
    case MessageId::NetBlsiFactor:
        return "NET_BLSI_FACTOR";
    case MessageId::ChannelGain:
        return "CHANNEL_GAIN";
    case MessageId::ConnClientsListName:
        return "CONN_CLIENTS_LIST_NAME";
    case MessageId::ServerFull:
        return "SERVER_FULL";
    case MessageId::ReqConnClientsList:
        return "REQ_CONN_CLIENTS_LIST";
    case MessageId::ChannelName:
        return "CHANNEL_NAME";
    case MessageId::ChatText:
        return "CHAT_TEXT";
    case MessageId::PingMs:
        return "PING_MS";
    case MessageId::NetwTransportProps:
        return "NETW_TRANSPORT_PROPS";
    case MessageId::ReqNetwTransportProps:
        return "REQ_NETW_TRANSPORT_PROPS";
    case MessageId::Disconnection:
        return "DISCONNECTION";
    case MessageId::ReqChannelInfos:
        return "REQ_CHANNEL_INFOS";
    case MessageId::ConnClientsList:
        return "CONN_CLIENTS_LIST";
    case MessageId::ChannelInfos:
        return "CHANNEL_INFOS";
    case MessageId::OpusSupported:
        return "OPUS_SUPPORTED";
    case MessageId::LicenceRequired:
        return "LICENCE_REQUIRED";
    case MessageId::ReqChannelLevelList:
        return "REQ_CHANNEL_LEVEL_LIST";
    case MessageId::VersionAndOs:
        return "VERSION_AND_OS";
    case MessageId::ChannelPan:
        return "CHANNEL_PAN";
    case MessageId::MuteStateChanged:
        return "MUTE_STATE_CHANGED";
    case MessageId::ClientId:
        return "CLIENT_ID";
    case MessageId::RecorderState:
        return "RECORDER_STATE";
    case MessageId::ReqSplitMessSupport:
        return "REQ_SPLIT_MESS_SUPPORT";
    case MessageId::SplitMessSupported:
        return "SPLIT_MESS_SUPPORTED";
    case MessageId::ClmPingMs:
        return "CLM_PING_MS";
    case MessageId::ClmPingMsWithNumClients:
        return "CLM_PING_MS_WITHNUMCLIENTS";
    case MessageId::ClmServerFull:
        return "CLM_SERVER_FULL";
    case MessageId::ClmRegisterServer:
        return "CLM_REGISTER_SERVER";
    case MessageId::ClmUnregisterServer:
        return "CLM_UNREGISTER_SERVER";
    case MessageId::ClmServerList:
        return "CLM_SERVER_LIST";
    case MessageId::ClmReqServerList:
        return "CLM_REQ_SERVER_LIST";
    case MessageId::ClmSendEmptyMessage:
        return "CLM_SEND_EMPTY_MESSAGE";
    case MessageId::ClmEmptyMessage:
        return "CLM_EMPTY_MESSAGE";
    case MessageId::ClmDisconnection:
        return "CLM_DISCONNECTION";
    case MessageId::ClmVersionAndOs:
        return "CLM_VERSION_AND_OS";
    case MessageId::ClmReqVersionAndOs:
        return "CLM_REQ_VERSION_AND_OS";
    case MessageId::ClmConnClientsList:
        return "CLM_CONN_CLIENTS_LIST";
    case MessageId::ClmReqConnClientsList:
        return "CLM_REQ_CONN_CLIENTS_LIST";
    case MessageId::ClmChannelLevelList:
        return "CLM_CHANNEL_LEVEL_LIST";
    case MessageId::ClmRegisterServerResp:
        return "CLM_REGISTER_SERVER_RESP";
    case MessageId::ClmRegisterServerEx:
        return "CLM_REGISTER_SERVER_EX";
    case MessageId::ClmRedServerList:
        return "CLM_RED_SERVER_LIST";
    case MessageId::SpecialSplitMessage:
        return "SPECIAL_SPLIT_MESSAGE";
    }
    return "UNKNOWN";
}

} // namespace jamfleet::proto
