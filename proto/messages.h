// Every Jamulus message as one value: decode any (ID, payload) pair with the
// typed decoder for its ID, and encode it back (docs/protocol.md §2).
#pragma once

#include <cstdint>
#include <variant>
#include <vector>

#include "proto/clm_messages.h"
#include "proto/conn_messages.h"
#include "proto/frame.h"
#include "proto/message_id.h"
#include "proto/server_features.h"
#include "proto/split_message.h"

namespace jamfleet::proto {

// A payload of an ID this library has no layout for (obsolete or newer IDs); kept
// verbatim so it re-encodes identically.
struct UnknownPayload {
    std::vector<std::uint8_t> bytes;
    bool operator==(const UnknownPayload&) const = default;
};

using MessageBody =
    std::variant<Empty, Ackn, JittBufSize, ChannelGain, ChatText, NetwTransportProps,
                 ConnClientsList, ChannelInfos, LicenceRequired, ReqChannelLevelList, VersionAndOs,
                 ChannelPan, MuteStateChanged, ClientId, RecorderState, ClmPingMs,
                 ClmPingMsWithNumClients, RegisterServer, ServerList, RedServerList,
                 ClmSendEmptyMessage, ChannelLevelList, RegisterServerResp, ServerFeatures,
                 WelcomeMessage, SplitPart, UnknownPayload>;

struct Message {
    std::uint16_t id = 0;
    MessageBody body;
    bool operator==(const Message&) const = default;
};

// Whether `id` has a layout here: every ID Jamulus 3.9.1 to 4.0 sends; obsolete and unknown
// IDs (12, 14, 15, 17, 19, 22, 37, ...) decode as UnknownPayload.
bool is_known_message(std::uint16_t id);

// Decodes with the decoder for `id`; unknown IDs give UnknownPayload, never an error.
base::Result<Message, DecodeError> decode_message(std::uint16_t id, Payload payload);
inline base::Result<Message, DecodeError> decode_message(const FrameView& frame) {
    return decode_message(frame.id, frame.payload);
}

Bytes encode_payload(const UnknownPayload&);
Bytes encode_payload(const MessageBody& body);

// A complete frame for `message` with the given counter (0 for CLM).
Bytes encode_message_frame(const Message& message, std::uint8_t counter);

} // namespace jamfleet::proto
