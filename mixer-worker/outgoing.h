// A datagram the mixer's control side wants sent.
#pragma once

#include <cstdint>
#include <vector>

#include "io/socket_address.h"

namespace jamfleet::mixer {

struct Outgoing {
    io::SocketAddress to;
    std::vector<std::uint8_t> bytes;
};

} // namespace jamfleet::mixer
