// What the network must provide for a fleet, printed once by `jamfleet check` and
// at the start of `jamfleet run`: what musicians enter as Custom Directory, the
// UDP ports to open or forward, the DNS records to create, and warnings about
// addresses internet musicians could not reach. Sans-I/O: the host's routed
// address is passed in (io::routed_ipv4_address() at run time, fixed in tests).
#pragma once

#include <cstdint>
#include <string>

#include "config/fleet_config.h"

namespace jamfleet::orchestrator {

struct HostNetwork {
    std::uint32_t routed_ip = 0; // the host's address towards the internet; 0 unknown
};

// The port a Jamulus client or server uses when given a host name without one.
inline constexpr std::uint16_t kJamulusDefaultPort = 22124;

std::string network_report(const config::FleetConfig& fleet, HostNetwork host);

} // namespace jamfleet::orchestrator
