// Connection-less requests new in Jamulus 4.0 (upstream tag r4_0_0beta2, src/protocol.cpp and
// src/util.h EFeatureSet): CLM_REQ_SERVER_FEATURES (1020) → CLM_SERVER_FEATURES (1019) and
// CLM_REQ_WELCOME_MESSAGE (1022) → CLM_WELCOME_MESSAGE (1021). No Jamulus program sends the
// requests; third-party tools do. The requests themselves are Empty.
#pragma once

#include <cstdint>
#include <string>

#include "proto/conn_messages.h"

namespace jamfleet::proto {

// Bit positions of CLM_SERVER_FEATURES, fixed by the protocol.
enum class ServerFeature : std::uint8_t {
    FastUpdate = 0, // 64-sample frames (-F)
    Multithreading = 1,
    RecorderEnabled = 2, // a recording directory is set up
    IsRecording = 3,
    DelayPan = 4,
    Ipv6Available = 5,
    RawAudio = 6, // RAWAUDIO_SUPPORTED (36) is offered
    DisconnectOnQuit = 7,
    HasWelcomeMessage = 8,
    IsLogging = 9,
    HasLicence = 10,
};

// CLM_SERVER_FEATURES (1019): a uint32 bitmask of ServerFeature.
struct ServerFeatures {
    std::uint32_t bits = 0;
    ServerFeatures& set(ServerFeature feature, bool on = true);
    bool has(ServerFeature feature) const;
    bool operator==(const ServerFeatures&) const = default;
};

// Jamulus cuts the welcome message to MAX_LEN_CHAT_TEXT before sending it.
inline constexpr std::size_t kMaxWelcomeMessageUnits = 1600;

// CLM_WELCOME_MESSAGE (1021): the raw welcome text (HTML allowed), uint16 length + UTF-8.
struct WelcomeMessage {
    std::string text; // <= kMaxWelcomeMessageUnits; empty when the server has none
    bool operator==(const WelcomeMessage&) const = default;
};

Bytes encode_payload(const ServerFeatures& m);
Bytes encode_payload(const WelcomeMessage& m);
Decoded<ServerFeatures> decode_server_features(Payload payload);
Decoded<WelcomeMessage> decode_welcome_message(Payload payload);

} // namespace jamfleet::proto
