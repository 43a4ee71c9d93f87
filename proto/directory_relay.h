// The room on the fleet's first port (22124, where a Jamulus client or server
// given only a host name sends) hands directory requests to the fleet's directory
// over a local channel; the directory answers from its own port, which Jamulus
// accepts (clients match a list's sender by IP only, servers take a registration
// reply from anywhere). This is the envelope: the original datagram with the
// sender's address and the local address it was sent to.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace jamfleet::proto {

// Directory requests a room hands on: CLM_REQ_SERVER_LIST, CLM_REGISTER_SERVER,
// CLM_REGISTER_SERVER_EX and CLM_UNREGISTER_SERVER frames (checked by frame
// header and CRC; anything else, audio included, is the room's own business).
bool is_directory_request(std::span<const std::uint8_t> datagram);

struct RelayedDatagram {
    std::uint32_t from_ip = 0; // host byte order
    std::uint16_t from_port = 0;
    std::uint32_t arrived_on = 0; // the room's local address the sender used (0: unknown)
    std::span<const std::uint8_t> datagram;
};

inline constexpr std::array<std::uint8_t, 4> kRelayMagic{'J', 'F', 'R', '1'};
inline constexpr std::size_t kRelayHeaderBytes = 4 + 4 + 2 + 4;

// Writes the envelope into `out`; returns its size, 0 when `out` is too small.
std::size_t encode_relayed(const RelayedDatagram& relayed, std::span<std::uint8_t> out);
// nullopt for anything that is not an envelope (wrong magic, too short).
std::optional<RelayedDatagram> decode_relayed(std::span<const std::uint8_t> bytes);

} // namespace jamfleet::proto
