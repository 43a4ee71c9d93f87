// Envelope of a directory request handed from a room to the directory.
#include "proto/directory_relay.h"

#include <algorithm>

#include "base/byte_reader.h"
#include "base/byte_writer.h"
#include "proto/frame.h"

namespace jamfleet::proto {

bool is_directory_request(std::span<const std::uint8_t> datagram) {
    // Audio dominates a room's traffic: look at the id bytes before the CRC.
    if (datagram.size() < kFrameOverheadBytes) {
        return false;
    }
    const auto id = static_cast<std::uint16_t>(datagram[2] | (datagram[3] << 8));
    switch (static_cast<MessageId>(id)) {
    case MessageId::ClmReqServerList:
    case MessageId::ClmRegisterServer:
    case MessageId::ClmRegisterServerEx:
    case MessageId::ClmUnregisterServer:
        return is_protocol_frame(datagram);
    default:
        return false;
    }
}

std::size_t encode_relayed(const RelayedDatagram& relayed, std::span<std::uint8_t> out) {
    if (out.size() < kRelayHeaderBytes + relayed.datagram.size()) {
        return 0;
    }
    base::ByteWriter w(out);
    w.bytes(kRelayMagic);
    w.u32(relayed.from_ip);
    w.u16(relayed.from_port);
    w.u32(relayed.arrived_on);
    w.bytes(relayed.datagram);
    return w.ok() ? w.size() : 0;
}

std::optional<RelayedDatagram> decode_relayed(std::span<const std::uint8_t> bytes) {
    base::ByteReader r(bytes);
    const auto magic = r.bytes(kRelayMagic.size());
    if (!magic || !std::equal(magic->begin(), magic->end(), kRelayMagic.begin())) {
        return std::nullopt;
    }
    RelayedDatagram d;
    const auto ip = r.u32();
    const auto port = r.u16();
    const auto arrived = r.u32();
    if (!ip || !port || !arrived) {
        return std::nullopt;
    }
    d.from_ip = *ip;
    d.from_port = *port;
    d.arrived_on = *arrived;
    d.datagram = bytes.subspan(r.position());
    return d;
}

} // namespace jamfleet::proto
