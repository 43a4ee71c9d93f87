// A child's UDP traffic counters in its status document, one shape for every child
// (`traffic` in the mixer's and the directory's status; docs/metrics.md).
#pragma once

#include <nlohmann/json.hpp>

#include "io/udp_socket.h"

namespace jamfleet::control {

// {"packetsIn", "packetsOut", "bytesIn", "bytesOut"}.
nlohmann::json traffic_json(const io::UdpTraffic& traffic);

} // namespace jamfleet::control
