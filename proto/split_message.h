// SPECIAL_SPLIT_MESSAGE (2001) container: one part of a long connection-based
// message (docs/protocol.md §2.4).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "proto/conn_messages.h"

namespace jamfleet::proto {

// MESS_SPLIT_PART_SIZE_BYTES: data bytes per part, and the threshold above which
// a payload is split.
constexpr std::size_t kSplitPartBytes = 550;
// A receiver keeps at most this many parts (20000 / 550).
constexpr std::size_t kMaxSplitParts = 36;
constexpr std::size_t kSplitHeaderBytes = 4;

struct SplitPart {
    std::uint16_t original_id = 0;
    std::uint8_t num_parts = 0;
    std::uint8_t part_index = 0;
    std::vector<std::uint8_t> data;
    bool operator==(const SplitPart&) const = default;
};

Bytes encode_payload(const SplitPart&);
// Needs the 4-byte header; limits on index and size belong to reassembly.
Decoded<SplitPart> decode_split_part(Payload payload);

// The parts a payload is split into: ceil(size / 550) parts, all but the last full.
std::vector<SplitPart> split_payload(std::uint16_t original_id, Payload payload);

} // namespace jamfleet::proto
