// DNS SRV record suggestions: one `_jamulus._udp.<dns_name>` record for the
// directory and per server that has a DNS name (Jamulus clients use exactly one
// SRV record per name; 3.10+ clients resolve it for a server, 3.12+ clients and
// servers for a directory address).
#pragma once

#include <string>
#include <vector>

#include "config/fleet_config.h"

// With hosts, rooms must be placed (placement.h) so each record names its own host and port.

namespace jamfleet::config {

inline constexpr int kSrvPriority = 0;
inline constexpr int kSrvWeight = 5;

// The host name SRV records of rooms on `host` point at: that host's public_host in
// a fleet with hosts (falling back to fleet.public_host), else fleet.public_host.
std::string srv_target(const FleetConfig& fleet, const std::string& host);

// Zone-file lines like `_jamulus._udp.rock.example.org. 300 IN SRV 0 5 22124 jam.example.org.`
std::vector<std::string> srv_records(const FleetConfig& fleet);

// All records as a file (one per line, with a comment header naming the fleet).
std::string srv_zone_text(const FleetConfig& fleet);

} // namespace jamfleet::config
