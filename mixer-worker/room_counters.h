// The room's traffic and audio counters as JSON, one shape for the control socket's status
// (what `jamfleet metrics` exports, docs/metrics.md) and jamfleet/getStats.
#pragma once

#include <cstdint>

#include <nlohmann/json.hpp>

#include "io/udp_socket.h"
#include "mixer-worker/audio_engine.h"

namespace jamfleet::mixer {

// control::traffic_json of the sum over the IPv4 socket and, when the
// room has one, the IPv6 socket.
nlohmann::json traffic_counters(const io::UdpSocket& v4, const io::UdpSocket* v6);
// {"ticks", "framesDecoded", "framesLost", "framesLate", "jitterResizes"}.
nlohmann::json audio_counters(const AudioStats& stats, std::uint64_t ticks);

} // namespace jamfleet::mixer
