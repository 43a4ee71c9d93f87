// SPECIAL_SPLIT_MESSAGE container encoding, decoding and splitting (§2.4).
#include "proto/split_message.h"

#include <algorithm>

#include "base/byte_reader.h"
#include "proto/wire.h"

namespace jamfleet::proto {

Bytes encode_payload(const SplitPart& m) {
    wire::PayloadWriter w;
    w.u16(m.original_id);
    w.u8(m.num_parts);
    w.u8(m.part_index);
    w.bytes(m.data);
    return w.take();
}

Decoded<SplitPart> decode_split_part(Payload payload) {
    base::ByteReader r(payload);
    if (r.remaining() < kSplitHeaderBytes) {
        return base::Err{DecodeError::Truncated};
    }
    SplitPart m;
    m.original_id = *r.u16();
    m.num_parts = *r.u8();
    m.part_index = *r.u8();
    auto data = *r.bytes(r.remaining());
    m.data.assign(data.begin(), data.end());
    return m;
}

std::vector<SplitPart> split_payload(std::uint16_t original_id, Payload payload) {
    std::vector<SplitPart> parts;
    const std::size_t count = (payload.size() + kSplitPartBytes - 1) / kSplitPartBytes;
    for (std::size_t i = 0; i < count; ++i) {
        const std::size_t begin = i * kSplitPartBytes;
        const std::size_t len = std::min(kSplitPartBytes, payload.size() - begin);
        auto chunk = payload.subspan(begin, len);
        parts.push_back(SplitPart{original_id, static_cast<std::uint8_t>(count),
                                  static_cast<std::uint8_t>(i), Bytes(chunk.begin(), chunk.end())});
    }
    return parts;
}

} // namespace jamfleet::proto
