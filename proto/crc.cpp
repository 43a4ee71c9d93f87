// CRC-16/GENIBUS with a 256-entry table built at compile time.
#include "proto/crc.h"

#include <array>

namespace jamfleet::proto {
namespace {

constexpr std::array<std::uint16_t, 256> make_table() {
    std::array<std::uint16_t, 256> table{};
    for (unsigned i = 0; i < 256; ++i) {
        auto c = static_cast<std::uint16_t>(i << 8);
        for (int bit = 0; bit < 8; ++bit) {
            c = (c & 0x8000) ? static_cast<std::uint16_t>((c << 1) ^ 0x1021)
                             : static_cast<std::uint16_t>(c << 1);
        }
        table[i] = c;
    }
    return table;
}

constexpr auto kTable = make_table();

} // namespace

std::uint16_t crc16_genibus(std::span<const std::uint8_t> bytes) {
    std::uint16_t c = 0xFFFF;
    for (std::uint8_t b : bytes) {
        c = static_cast<std::uint16_t>((c << 8) ^ kTable[((c >> 8) ^ b) & 0xFF]);
    }
    return static_cast<std::uint16_t>(c ^ 0xFFFF);
}

} // namespace jamfleet::proto
