// Encoders and decoders for connection-based message payloads (§2.2).
#include "proto/conn_messages.h"

#include "base/byte_reader.h"
#include "proto/text.h"
#include "proto/wire.h"

namespace jamfleet::proto {

using base::ByteReader;
using base::Err;
using wire::PayloadWriter;

namespace {

// Reads the fields shared by CHANNEL_INFOS and client-list entries after the IDs.
struct ProfileStrings {
    std::string name;
    std::string city;
};

Decoded<ProfileStrings> read_profile_strings(ByteReader& r) {
    auto name = wire::read_str16(r, kMaxFaderTagUnits);
    if (!name) {
        return Err{name.error()};
    }
    auto city = wire::read_str16(r, kMaxCityUnits);
    if (!city) {
        return Err{city.error()};
    }
    return ProfileStrings{std::move(*name), std::move(*city)};
}

Decoded<std::uint8_t> single_byte(Payload payload) {
    if (payload.size() != 1) {
        return Err{DecodeError::WrongSize};
    }
    return payload[0];
}

} // namespace

Bytes encode_payload(const Empty&) {
    return {};
}

Bytes encode_payload(const Ackn& m) {
    PayloadWriter w;
    w.u16(m.acked_id);
    return w.take();
}

Bytes encode_payload(const JittBufSize& m) {
    PayloadWriter w;
    w.u16(m.blocks);
    return w.take();
}

Bytes encode_payload(const ChannelGain& m) {
    PayloadWriter w;
    w.u8(m.channel_id);
    w.u16(m.gain);
    return w.take();
}

Bytes encode_payload(const ChatText& m) {
    PayloadWriter w;
    w.str16(m.text, kMaxChatTextUnits);
    return w.take();
}

Bytes encode_payload(const NetwTransportProps& m) {
    PayloadWriter w;
    w.u32(m.base_frame_bytes);
    w.u16(m.block_factor);
    w.u8(m.channels);
    w.u32(m.sample_rate);
    w.u16(m.codec);
    w.u16(m.flags);
    w.i32(m.codec_arg);
    return w.take();
}

Bytes encode_payload(const ConnClientsList& m) {
    PayloadWriter w;
    for (const auto& e : m.entries) {
        w.u8(e.channel_id);
        w.u16(e.country);
        w.u32(e.instrument);
        w.u8(e.skill);
        w.u32(e.legacy_ip);
        w.str16(e.name, kMaxFaderTagUnits);
        w.str16(e.city, kMaxCityUnits);
    }
    return w.take();
}

Bytes encode_payload(const ChannelInfos& m) {
    PayloadWriter w;
    w.u16(m.country);
    w.u32(m.instrument);
    w.u8(m.skill);
    w.str16(m.name, kMaxFaderTagUnits);
    w.str16(m.city, kMaxCityUnits);
    return w.take();
}

Bytes encode_payload(const LicenceRequired& m) {
    return {m.licence};
}
Bytes encode_payload(const ReqChannelLevelList& m) {
    return {m.enable};
}

Bytes encode_payload(const VersionAndOs& m) {
    PayloadWriter w;
    w.u8(m.os);
    w.str16(m.version, kMaxVersionUnits);
    return w.take();
}

Bytes encode_payload(const ChannelPan& m) {
    PayloadWriter w;
    w.u8(m.channel_id);
    w.u16(m.pan);
    return w.take();
}

Bytes encode_payload(const MuteStateChanged& m) {
    return {m.channel_id, static_cast<std::uint8_t>(m.muted ? 1 : 0)};
}

Bytes encode_payload(const ClientId& m) {
    return {m.channel_id};
}
Bytes encode_payload(const RecorderState& m) {
    return {m.state};
}

Decoded<Empty> decode_empty(Payload /*payload*/) {
    // Jamulus (src/protocol.cpp, r3_12_4 and r4_0_0beta2) evaluates every one of these
    // messages without looking at its body, and a proposal upstream (issue #3882) adds an
    // optional body to CLM_REQ_SERVER_LIST: a body is ignored here too, never an error.
    return Empty{};
}

Decoded<Ackn> decode_ackn(Payload payload) {
    if (payload.size() != 2) {
        return Err{DecodeError::WrongSize};
    }
    ByteReader r(payload);
    return Ackn{*r.u16()};
}

Decoded<JittBufSize> decode_jitt_buf_size(Payload payload) {
    if (payload.size() != 2) {
        return Err{DecodeError::WrongSize};
    }
    ByteReader r(payload);
    const std::uint16_t blocks = *r.u16();
    if (blocks < 1 || blocks > kJittBufAuto) {
        return Err{DecodeError::BadValue};
    }
    return JittBufSize{blocks};
}

Decoded<ChannelGain> decode_channel_gain(Payload payload) {
    if (payload.size() != 3) {
        return Err{DecodeError::WrongSize};
    }
    ByteReader r(payload);
    const std::uint8_t channel = *r.u8();
    return ChannelGain{channel, *r.u16()};
}

Decoded<ChatText> decode_chat_text(Payload payload) {
    ByteReader r(payload);
    auto text = wire::read_str16(r, kMaxChatTextUnits);
    if (!text) {
        return Err{text.error()};
    }
    if (!r.at_end()) {
        return Err{DecodeError::TrailingBytes};
    }
    return ChatText{std::move(*text)};
}

Decoded<NetwTransportProps> decode_netw_transport_props(Payload payload) {
    if (payload.size() != 19) {
        return Err{DecodeError::WrongSize};
    }
    ByteReader r(payload);
    NetwTransportProps p;
    p.base_frame_bytes = *r.u32();
    p.block_factor = *r.u16();
    p.channels = *r.u8();
    p.sample_rate = *r.u32();
    p.codec = *r.u16();
    p.flags = *r.u16();
    p.codec_arg = *r.i32();
    const bool factor_ok = p.block_factor == 1 || p.block_factor == 2 || p.block_factor == 4;
    if (p.base_frame_bytes < 10 || p.base_frame_bytes > 20000 || !factor_ok ||
        (p.channels != 1 && p.channels != 2) || p.codec < 1 || p.codec > 3) {
        return Err{DecodeError::BadValue};
    }
    return p;
}

Decoded<ConnClientsList> decode_conn_clients_list(Payload payload) {
    ByteReader r(payload);
    ConnClientsList list;
    while (!r.at_end()) {
        if (r.remaining() < 12) {
            return Err{DecodeError::Truncated};
        }
        ClientListEntry e;
        e.channel_id = *r.u8();
        e.country = *r.u16();
        e.instrument = *r.u32();
        e.skill = *r.u8();
        e.legacy_ip = *r.u32();
        auto strings = read_profile_strings(r);
        if (!strings) {
            return Err{strings.error()};
        }
        e.name = std::move(strings->name);
        e.city = std::move(strings->city);
        list.entries.push_back(std::move(e));
    }
    return list;
}

Decoded<ChannelInfos> decode_channel_infos(Payload payload) {
    ByteReader r(payload);
    if (r.remaining() < 7) {
        return Err{DecodeError::Truncated};
    }
    ChannelInfos m;
    m.country = *r.u16();
    m.instrument = *r.u32();
    m.skill = *r.u8();
    auto strings = read_profile_strings(r);
    if (!strings) {
        return Err{strings.error()};
    }
    if (!r.at_end()) {
        return Err{DecodeError::TrailingBytes};
    }
    m.name = std::move(strings->name);
    m.city = std::move(strings->city);
    return m;
}

Decoded<LicenceRequired> decode_licence_required(Payload payload) {
    auto v = single_byte(payload);
    if (!v) {
        return Err{v.error()};
    }
    if (*v > 1) {
        return Err{DecodeError::BadValue};
    }
    return LicenceRequired{*v};
}

Decoded<ReqChannelLevelList> decode_req_channel_level_list(Payload payload) {
    auto v = single_byte(payload);
    if (!v) {
        return Err{v.error()};
    }
    return ReqChannelLevelList{*v};
}

Decoded<VersionAndOs> decode_version_and_os(Payload payload) {
    ByteReader r(payload);
    auto os = r.u8();
    if (!os) {
        return Err{DecodeError::Truncated};
    }
    auto version = wire::read_str16(r, kMaxVersionUnits);
    if (!version) {
        return Err{version.error()};
    }
    if (!r.at_end()) {
        return Err{DecodeError::TrailingBytes};
    }
    return VersionAndOs{*os, std::move(*version)};
}

Decoded<ChannelPan> decode_channel_pan(Payload payload) {
    if (payload.size() != 3) {
        return Err{DecodeError::WrongSize};
    }
    ByteReader r(payload);
    const std::uint8_t channel = *r.u8();
    return ChannelPan{channel, *r.u16()};
}

Decoded<MuteStateChanged> decode_mute_state_changed(Payload payload) {
    if (payload.size() != 2) {
        return Err{DecodeError::WrongSize};
    }
    return MuteStateChanged{payload[0], payload[1] != 0};
}

Decoded<ClientId> decode_client_id(Payload payload) {
    auto v = single_byte(payload);
    if (!v) {
        return Err{v.error()};
    }
    return ClientId{*v};
}

Decoded<RecorderState> decode_recorder_state(Payload payload) {
    auto v = single_byte(payload);
    if (!v) {
        return Err{v.error()};
    }
    if (*v < 1 || *v > 3) {
        return Err{DecodeError::BadValue};
    }
    return RecorderState{*v};
}

} // namespace jamfleet::proto
