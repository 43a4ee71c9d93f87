// CRC-16/GENIBUS, the checksum closing every Jamulus protocol frame
// (docs/protocol.md §1.3).
#pragma once

#include <cstdint>
#include <span>

namespace jamfleet::proto {

// Poly 0x1021, init 0xFFFF, MSB first, no reflection, result inverted.
std::uint16_t crc16_genibus(std::span<const std::uint8_t> bytes);

} // namespace jamfleet::proto
