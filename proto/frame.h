// Protocol frame layout (docs/protocol.md §1.2) and the protocol-vs-audio
// classification every Jamulus receiver applies to each datagram (§1.5).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "proto/message_id.h"

namespace jamfleet::proto {

// Largest datagram a Jamulus peer receives (MAX_SIZE_BYTES_NETW_BUF); longer ones are truncated.
constexpr std::size_t kMaxDatagramBytes = 20000;
constexpr std::size_t kFrameHeaderBytes = 7;
constexpr std::size_t kFrameOverheadBytes = 9;
// Largest payload a single frame can carry to a Jamulus receiver.
constexpr std::size_t kMaxFramePayloadBytes = kMaxDatagramBytes - kFrameOverheadBytes;

struct FrameView {
    std::uint16_t id = 0;
    std::uint8_t counter = 0;
    // Points into the datagram passed to parse_frame.
    std::span<const std::uint8_t> payload;
};

enum class FrameError { TooShort, BadTag, BadLength, BadCrc };

std::string_view to_string(FrameError error);

// Any error means the datagram is audio, whatever its content (§1.5).
base::Result<FrameView, FrameError> parse_frame(std::span<const std::uint8_t> datagram);

inline bool is_protocol_frame(std::span<const std::uint8_t> datagram) {
    return parse_frame(datagram).ok();
}

// Writes a complete frame into `out`; returns the bytes written, 0 when `out` is
// too small or the payload does not fit the 16-bit length field.
std::size_t encode_frame(std::uint16_t id, std::uint8_t counter,
                         std::span<const std::uint8_t> payload, std::span<std::uint8_t> out);

// Allocating convenience form; empty only if the payload exceeds 65535 bytes.
std::vector<std::uint8_t> make_frame(std::uint16_t id, std::uint8_t counter,
                                     std::span<const std::uint8_t> payload);
inline std::vector<std::uint8_t> make_frame(MessageId id, std::uint8_t counter,
                                            std::span<const std::uint8_t> payload) {
    return make_frame(to_wire(id), counter, payload);
}

// Connection-less frames always carry counter 0.
inline std::vector<std::uint8_t> make_clm_frame(MessageId id,
                                                std::span<const std::uint8_t> payload) {
    return make_frame(to_wire(id), 0, payload);
}

} // namespace jamfleet::proto
