// Jamulus protocol message IDs (docs/protocol.md §2.1), named after the
// PROTMESSID_* constants so code and upstream sources can be grepped together.
#pragma once

#include <cstdint>
#include <string_view>

namespace jamfleet::proto {

enum class MessageId : std::uint16_t {
    Illegal = 0,
    Ackn = 1,
    JittBufSize = 10,
    ReqJittBufSize = 11,
    NetBlsiFactor = 12,
    ChannelGain = 13,
    ConnClientsListName = 14,
    ServerFull = 15,
    ReqConnClientsList = 16,
    ChannelName = 17,
    ChatText = 18,
    PingMs = 19,
    NetwTransportProps = 20,
    ReqNetwTransportProps = 21,
    Disconnection = 22,
    ReqChannelInfos = 23,
    ConnClientsList = 24,
    ChannelInfos = 25,
    OpusSupported = 26,
    LicenceRequired = 27,
    ReqChannelLevelList = 28,
    VersionAndOs = 29,
    ChannelPan = 30,
    MuteStateChanged = 31,
    ClientId = 32,
    RecorderState = 33,
    ReqSplitMessSupport = 34,
    SplitMessSupported = 35,
    RawAudioSupported = 36, // 4.0
    ClmPingMs = 1001,
    ClmPingMsWithNumClients = 1002,
    ClmServerFull = 1003,
    ClmRegisterServer = 1004,
    ClmUnregisterServer = 1005,
    ClmServerList = 1006,
    ClmReqServerList = 1007,
    ClmSendEmptyMessage = 1008,
    ClmEmptyMessage = 1009,
    ClmDisconnection = 1010,
    ClmVersionAndOs = 1011,
    ClmReqVersionAndOs = 1012,
    ClmConnClientsList = 1013,
    ClmReqConnClientsList = 1014,
    ClmChannelLevelList = 1015,
    ClmRegisterServerResp = 1016,
    ClmRegisterServerEx = 1017,
    ClmRedServerList = 1018,
    ClmServerFeatures = 1019,    // 4.0
    ClmReqServerFeatures = 1020, // 4.0
    ClmWelcomeMessage = 1021,    // 4.0
    ClmReqWelcomeMessage = 1022, // 4.0
    SpecialSplitMessage = 2001,
};

constexpr std::uint16_t to_wire(MessageId id) {
    return static_cast<std::uint16_t>(id);
}

// Connection-less messages (1000..1999) are never acknowledged, never split, carry CNT 0.
constexpr bool is_connectionless(std::uint16_t id) {
    return id >= 1000 && id < 2000;
}
constexpr bool is_connectionless(MessageId id) {
    return is_connectionless(to_wire(id));
}

// The Jamulus constant name without its prefix ("ACKN", "CLM_PING_MS", ...), or
// "UNKNOWN" for IDs Jamulus 4.0 does not define; for logs.
std::string_view message_name(std::uint16_t id);

} // namespace jamfleet::proto
