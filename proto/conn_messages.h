// Connection-based message payloads (IDs < 1000, docs/protocol.md §2.2):
// one struct per message, an encoder and a validating decoder for each.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "proto/decode_error.h"
#include "proto/text.h"

namespace jamfleet::proto {

using Bytes = std::vector<std::uint8_t>;
using Payload = std::span<const std::uint8_t>;
template <typename T>
using Decoded = base::Result<T, DecodeError>;

// Every message without payload (REQ_*, OPUS_SUPPORTED, SPLIT_MESS_SUPPORTED,
// RAWAUDIO_SUPPORTED, most CLM requests); a body is ignored, as Jamulus ignores it.
struct Empty {
    bool operator==(const Empty&) const = default;
};

// ACKN (1); the frame counter equals the acknowledged message's counter.
struct Ackn {
    std::uint16_t acked_id = 0;
    bool operator==(const Ackn&) const = default;
};

// JITT_BUF_SIZE (10): 1..20 blocks, or kJittBufAuto.
constexpr std::uint16_t kJittBufAuto = 21;
struct JittBufSize {
    std::uint16_t blocks = 0;
    bool operator==(const JittBufSize&) const = default;
};

// Gain and pan are u16 = value * 32768 (gain 1.0 = 0x8000, pan centre = 0x4000).
constexpr double kGainScale = 32768.0;

// CHANNEL_GAIN (13): gain applied to `channel_id` in the sender's own mix.
struct ChannelGain {
    std::uint8_t channel_id = 0;
    std::uint16_t gain = 0;
    double value() const { return gain / kGainScale; }
    bool operator==(const ChannelGain&) const = default;
};

// CHAT_TEXT (18): at most kMaxChatTextUnits.
struct ChatText {
    std::string text;
    bool operator==(const ChatText&) const = default;
};

enum class AudioCodingType : std::uint16_t { None = 0, Celt = 1, Opus = 2, Opus64 = 3 };
constexpr std::uint16_t kFlagWithCounter = 1; // NF_WITH_COUNTER: sequence byte per coded frame

// NETW_TRANSPORT_PROPS (20), exactly 19 bytes. Decoder enforces what Jamulus's
// parser enforces: base 10..20000, factor 1/2/4, 1 or 2 channels, codec 1..3.
struct NetwTransportProps {
    std::uint32_t base_frame_bytes = 0; // includes the sequence byte when flags == 1
    std::uint16_t block_factor = 1;
    std::uint8_t channels = 1;
    std::uint32_t sample_rate = 48000;
    std::uint16_t codec = 2; // AudioCodingType
    std::uint16_t flags = 0;
    std::int32_t codec_arg = 0;
    bool operator==(const NetwTransportProps&) const = default;
};

// One CONN_CLIENTS_LIST / CLM_CONN_CLIENTS_LIST entry.
struct ClientListEntry {
    std::uint8_t channel_id = 0;
    std::uint16_t country = 0;
    std::uint32_t instrument = 0;
    std::uint8_t skill = 0;
    std::string name;            // <= kMaxFaderTagUnits
    std::string city;            // <= kMaxCityUnits
    std::uint32_t legacy_ip = 0; // formerly the client IP; always 0 when Jamulus sends
    bool operator==(const ClientListEntry&) const = default;
};

// CONN_CLIENTS_LIST (24) and CLM_CONN_CLIENTS_LIST (1013); zero entries allowed.
struct ConnClientsList {
    std::vector<ClientListEntry> entries;
    bool operator==(const ConnClientsList&) const = default;
};

// CHANNEL_INFOS (25): the sender's profile.
struct ChannelInfos {
    std::uint16_t country = 0;
    std::uint32_t instrument = 0;
    std::uint8_t skill = 0;
    std::string name; // <= kMaxFaderTagUnits
    std::string city; // <= kMaxCityUnits
    bool operator==(const ChannelInfos&) const = default;
};

// LICENCE_REQUIRED (27): 0 none, 1 Creative Commons.
struct LicenceRequired {
    std::uint8_t licence = 0;
    bool operator==(const LicenceRequired&) const = default;
};

// REQ_CHANNEL_LEVEL_LIST (28): legacy opt-in, clients send 1; receivers only ACK it.
struct ReqChannelLevelList {
    std::uint8_t enable = 1;
    bool operator==(const ReqChannelLevelList&) const = default;
};

// Operating systems as sent in VERSION_AND_OS (§1.7).
enum class OsType : std::uint8_t {
    Windows = 0,
    MacOs = 1,
    Linux = 2,
    Android = 3,
    Ios = 4,
    Unix = 5
};

// VERSION_AND_OS (29) and CLM_VERSION_AND_OS (1011).
struct VersionAndOs {
    std::uint8_t os = 2;
    std::string version; // <= kMaxVersionUnits
    bool operator==(const VersionAndOs&) const = default;
};

// CHANNEL_PAN (30): pan of `channel_id` in the sender's mix (0 left, 0x4000 centre, 0x8000 right).
struct ChannelPan {
    std::uint8_t channel_id = 0;
    std::uint16_t pan = 0x4000;
    double value() const { return pan / kGainScale; }
    bool operator==(const ChannelPan&) const = default;
};

// MUTE_STATE_CHANGED (31).
struct MuteStateChanged {
    std::uint8_t channel_id = 0;
    bool muted = false;
    bool operator==(const MuteStateChanged&) const = default;
};

// CLIENT_ID (32): the recipient's channel ID.
struct ClientId {
    std::uint8_t channel_id = 0;
    bool operator==(const ClientId&) const = default;
};

// RECORDER_STATE (33): 1 not initialised, 2 not enabled, 3 recording.
enum class RecorderStateValue : std::uint8_t { NotInitialised = 1, NotEnabled = 2, Recording = 3 };
struct RecorderState {
    std::uint8_t state = 1;
    bool operator==(const RecorderState&) const = default;
};

Bytes encode_payload(const Empty&);
Bytes encode_payload(const Ackn&);
Bytes encode_payload(const JittBufSize&);
Bytes encode_payload(const ChannelGain&);
Bytes encode_payload(const ChatText&);
Bytes encode_payload(const NetwTransportProps&);
Bytes encode_payload(const ConnClientsList&);
Bytes encode_payload(const ChannelInfos&);
Bytes encode_payload(const LicenceRequired&);
Bytes encode_payload(const ReqChannelLevelList&);
Bytes encode_payload(const VersionAndOs&);
Bytes encode_payload(const ChannelPan&);
Bytes encode_payload(const MuteStateChanged&);
Bytes encode_payload(const ClientId&);
Bytes encode_payload(const RecorderState&);

Decoded<Empty> decode_empty(Payload payload);
Decoded<Ackn> decode_ackn(Payload payload);
Decoded<JittBufSize> decode_jitt_buf_size(Payload payload);
Decoded<ChannelGain> decode_channel_gain(Payload payload);
Decoded<ChatText> decode_chat_text(Payload payload);
Decoded<NetwTransportProps> decode_netw_transport_props(Payload payload);
Decoded<ConnClientsList> decode_conn_clients_list(Payload payload);
Decoded<ChannelInfos> decode_channel_infos(Payload payload);
Decoded<LicenceRequired> decode_licence_required(Payload payload);
Decoded<ReqChannelLevelList> decode_req_channel_level_list(Payload payload);
Decoded<VersionAndOs> decode_version_and_os(Payload payload);
Decoded<ChannelPan> decode_channel_pan(Payload payload);
Decoded<MuteStateChanged> decode_mute_state_changed(Payload payload);
Decoded<ClientId> decode_client_id(Payload payload);
Decoded<RecorderState> decode_recorder_state(Payload payload);

} // namespace jamfleet::proto
