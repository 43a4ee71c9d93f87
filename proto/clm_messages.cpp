// Encoders and decoders for connection-less message payloads (§2.3).
#include "proto/clm_messages.h"

#include <algorithm>

#include "base/byte_reader.h"
#include "proto/text.h"
#include "proto/wire.h"

namespace jamfleet::proto {

using base::ByteReader;
using base::Err;
using wire::PayloadWriter;

namespace {

// The CLM_REGISTER_SERVER body shared by 1004 and 1017 (without os/version).
Decoded<RegisterServer> read_register_body(ByteReader& r) {
    if (r.remaining() < 6) {
        return Err{DecodeError::Truncated};
    }
    RegisterServer m;
    m.port = *r.u16();
    m.country = *r.u16();
    m.max_clients = *r.u8();
    m.permanent = *r.u8() != 0;
    auto name = wire::read_str16(r, kMaxServerNameUnits);
    if (!name) {
        return Err{name.error()};
    }
    auto address = wire::read_str16(r, kMaxIpAddressUnits);
    if (!address) {
        return Err{address.error()};
    }
    auto city = wire::read_str16(r, kMaxCityUnits);
    if (!city) {
        return Err{city.error()};
    }
    m.name = std::move(*name);
    m.internal_address = std::move(*address);
    m.city = std::move(*city);
    return m;
}

} // namespace

MessageId register_server_id(const RegisterServer& reg) {
    return reg.os && reg.version ? MessageId::ClmRegisterServerEx : MessageId::ClmRegisterServer;
}

Bytes encode_payload(const ClmPingMs& m) {
    PayloadWriter w;
    w.u32(m.time_ms);
    return w.take();
}

Bytes encode_payload(const ClmPingMsWithNumClients& m) {
    PayloadWriter w;
    w.u32(m.time_ms);
    w.u8(m.num_clients);
    return w.take();
}

Bytes encode_payload(const RegisterServer& m) {
    PayloadWriter w;
    w.u16(m.port);
    w.u16(m.country);
    w.u8(m.max_clients);
    w.u8(m.permanent ? 1 : 0);
    w.str16(m.name, kMaxServerNameUnits);
    w.str16(m.internal_address, kMaxIpAddressUnits);
    w.str16(m.city, kMaxCityUnits);
    if (m.os && m.version) {
        w.u8(*m.os);
        w.str16(*m.version, kMaxVersionUnits);
    }
    return w.take();
}

Bytes encode_payload(const ServerList& m) {
    PayloadWriter w;
    for (const auto& e : m.entries) {
        w.u32(e.ip);
        w.u16(e.port);
        w.u16(e.country);
        w.u8(e.max_clients);
        w.u8(e.permanent ? 1 : 0);
        w.str16(e.name, kMaxServerNameUnits);
        w.str16(e.internal_address, kMaxIpAddressUnits);
        w.str16(e.city, kMaxCityUnits);
    }
    return w.take();
}

Bytes encode_payload(const RedServerList& m) {
    PayloadWriter w;
    for (const auto& e : m.entries) {
        w.u32(e.ip);
        w.u16(e.port);
        w.str8(e.name, kMaxServerNameUnits);
    }
    return w.take();
}

Bytes encode_payload(const ClmSendEmptyMessage& m) {
    PayloadWriter w;
    w.u32(m.ip);
    w.u16(m.port);
    return w.take();
}

Bytes encode_payload(const ChannelLevelList& m) {
    Bytes out;
    // Only as many levels as a receiver keeps; a high nibble of 0xF would end the
    // list early on the receiver, so levels are capped at 14 there.
    const std::size_t count = std::min(m.levels.size(), kMaxChannelLevelBytes * 2);
    for (std::size_t i = 0; i < count; i += 2) {
        const auto low = static_cast<std::uint8_t>(m.levels[i] & 0x0F);
        std::uint8_t high = 0x0F;
        if (i + 1 < count) {
            high = std::min<std::uint8_t>(m.levels[i + 1] & 0x0F, 0x0E);
        }
        out.push_back(static_cast<std::uint8_t>(low | (high << 4)));
    }
    return out;
}

Bytes encode_payload(const RegisterServerResp& m) {
    return {m.result};
}

Decoded<ClmPingMs> decode_clm_ping_ms(Payload payload) {
    if (payload.size() != 4) {
        return Err{DecodeError::WrongSize};
    }
    ByteReader r(payload);
    return ClmPingMs{*r.u32()};
}

Decoded<ClmPingMsWithNumClients> decode_clm_ping_ms_with_num_clients(Payload payload) {
    if (payload.size() != 5) {
        return Err{DecodeError::WrongSize};
    }
    ByteReader r(payload);
    const std::uint32_t time_ms = *r.u32();
    return ClmPingMsWithNumClients{time_ms, *r.u8()};
}

Decoded<RegisterServer> decode_register_server(Payload payload) {
    ByteReader r(payload);
    auto m = read_register_body(r);
    if (m && !r.at_end()) {
        return Err{DecodeError::TrailingBytes};
    }
    return m;
}

Decoded<RegisterServer> decode_register_server_ex(Payload payload) {
    ByteReader r(payload);
    auto m = read_register_body(r);
    if (!m) {
        return m;
    }
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
    m->os = *os;
    m->version = std::move(*version);
    return m;
}

Decoded<ServerList> decode_server_list(Payload payload) {
    ByteReader r(payload);
    ServerList list;
    while (!r.at_end()) {
        if (r.remaining() < 10) {
            return Err{DecodeError::Truncated};
        }
        ServerListEntry e;
        e.ip = *r.u32();
        e.port = *r.u16();
        e.country = *r.u16();
        e.max_clients = *r.u8();
        e.permanent = *r.u8() != 0;
        auto name = wire::read_str16(r, kMaxServerNameUnits);
        if (!name) {
            return Err{name.error()};
        }
        auto address = wire::read_str16(r, kMaxIpAddressUnits);
        if (!address) {
            return Err{address.error()};
        }
        auto city = wire::read_str16(r, kMaxCityUnits);
        if (!city) {
            return Err{city.error()};
        }
        e.name = std::move(*name);
        e.internal_address = std::move(*address);
        e.city = std::move(*city);
        list.entries.push_back(std::move(e));
    }
    return list;
}

Decoded<RedServerList> decode_red_server_list(Payload payload) {
    ByteReader r(payload);
    RedServerList list;
    while (!r.at_end()) {
        if (r.remaining() < 7) {
            return Err{DecodeError::Truncated};
        }
        RedServerListEntry e;
        e.ip = *r.u32();
        e.port = *r.u16();
        auto name = wire::read_str8(r, kMaxServerNameUnits);
        if (!name) {
            return Err{name.error()};
        }
        e.name = std::move(*name);
        list.entries.push_back(std::move(e));
    }
    return list;
}

Decoded<ClmSendEmptyMessage> decode_clm_send_empty_message(Payload payload) {
    if (payload.size() != 6) {
        return Err{DecodeError::WrongSize};
    }
    ByteReader r(payload);
    const std::uint32_t ip = *r.u32();
    return ClmSendEmptyMessage{ip, *r.u16()};
}

Decoded<ChannelLevelList> decode_channel_level_list(Payload payload) {
    if (payload.size() > kMaxChannelLevelBytes) {
        return Err{DecodeError::WrongSize};
    }
    ChannelLevelList m;
    for (std::uint8_t b : payload) {
        m.levels.push_back(b & 0x0F);
        const auto high = static_cast<std::uint8_t>(b >> 4);
        if (high == 0x0F) {
            break; // padding of an odd count; Jamulus stops here
        }
        m.levels.push_back(high);
    }
    return m;
}

Decoded<RegisterServerResp> decode_register_server_resp(Payload payload) {
    if (payload.size() != 1) {
        return Err{DecodeError::WrongSize};
    }
    if (payload[0] > 3) {
        return Err{DecodeError::BadValue};
    }
    return RegisterServerResp{payload[0]};
}

} // namespace jamfleet::proto
