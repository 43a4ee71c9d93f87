// Protocol frame parsing and encoding.
#include "proto/frame.h"

#include "base/byte_writer.h"
#include "proto/crc.h"

namespace jamfleet::proto {
namespace {

std::uint16_t read_u16(std::span<const std::uint8_t> b, std::size_t at) {
    return static_cast<std::uint16_t>(b[at] | (b[at + 1] << 8));
}

} // namespace

std::string_view to_string(FrameError error) {
    switch (error) {
    case FrameError::TooShort:
        return "too_short";
    case FrameError::BadTag:
        return "bad_tag";
    case FrameError::BadLength:
        return "bad_length";
    case FrameError::BadCrc:
        return "bad_crc";
    }
    return "unknown";
}

base::Result<FrameView, FrameError> parse_frame(std::span<const std::uint8_t> datagram) {
    if (datagram.size() < kFrameOverheadBytes) {
        return base::Err{FrameError::TooShort};
    }
    if (datagram[0] != 0 || datagram[1] != 0) {
        return base::Err{FrameError::BadTag};
    }
    const std::size_t payload_bytes = read_u16(datagram, 5);
    if (payload_bytes != datagram.size() - kFrameOverheadBytes) {
        return base::Err{FrameError::BadLength};
    }
    const std::size_t crc_at = kFrameHeaderBytes + payload_bytes;
    if (crc16_genibus(datagram.first(crc_at)) != read_u16(datagram, crc_at)) {
        return base::Err{FrameError::BadCrc};
    }
    return FrameView{read_u16(datagram, 2), datagram[4],
                     datagram.subspan(kFrameHeaderBytes, payload_bytes)};
}

std::size_t encode_frame(std::uint16_t id, std::uint8_t counter,
                         std::span<const std::uint8_t> payload, std::span<std::uint8_t> out) {
    if (payload.size() > 0xFFFF || out.size() < payload.size() + kFrameOverheadBytes) {
        return 0;
    }
    base::ByteWriter w(out);
    w.u16(0);
    w.u16(id);
    w.u8(counter);
    w.u16(static_cast<std::uint16_t>(payload.size()));
    w.bytes(payload);
    w.u16(crc16_genibus(w.written()));
    return w.ok() ? w.size() : 0;
}

std::vector<std::uint8_t> make_frame(std::uint16_t id, std::uint8_t counter,
                                     std::span<const std::uint8_t> payload) {
    std::vector<std::uint8_t> out(payload.size() + kFrameOverheadBytes);
    const std::size_t n = encode_frame(id, counter, payload, out);
    out.resize(n);
    return out;
}

} // namespace jamfleet::proto
