// The host's own IPv4 address as routing picks it towards the internet, the way
// Jamulus finds the address it registers: a connected UDP socket, nothing sent.
#pragma once

#include <cstdint>

namespace jamfleet::io {

// Host byte order; 0 when there is no route to the internet.
std::uint32_t routed_ipv4_address();

} // namespace jamfleet::io
