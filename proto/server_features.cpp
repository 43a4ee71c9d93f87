// CLM_SERVER_FEATURES and CLM_WELCOME_MESSAGE payloads (Jamulus 4.0).
#include "proto/server_features.h"

#include "base/byte_reader.h"
#include "proto/text.h"
#include "proto/wire.h"

namespace jamfleet::proto {

using base::ByteReader;
using base::Err;
using wire::PayloadWriter;

ServerFeatures& ServerFeatures::set(ServerFeature feature, bool on) {
    const std::uint32_t mask = 1u << static_cast<unsigned>(feature);
    bits = on ? (bits | mask) : (bits & ~mask);
    return *this;
}

bool ServerFeatures::has(ServerFeature feature) const {
    return (bits >> static_cast<unsigned>(feature)) & 1u;
}

Bytes encode_payload(const ServerFeatures& m) {
    PayloadWriter w;
    w.u32(m.bits);
    return w.take();
}

Bytes encode_payload(const WelcomeMessage& m) {
    PayloadWriter w;
    w.str16(m.text, kMaxWelcomeMessageUnits);
    return w.take();
}

Decoded<ServerFeatures> decode_server_features(Payload payload) {
    if (payload.size() != 4) {
        return Err{DecodeError::WrongSize};
    }
    ByteReader r(payload);
    return ServerFeatures{*r.u32()};
}

Decoded<WelcomeMessage> decode_welcome_message(Payload payload) {
    ByteReader r(payload);
    auto text = wire::read_str16(r, kMaxWelcomeMessageUnits);
    if (!text) {
        return Err{text.error()};
    }
    if (!r.at_end()) {
        return Err{DecodeError::TrailingBytes};
    }
    return WelcomeMessage{std::move(*text)};
}

} // namespace jamfleet::proto
