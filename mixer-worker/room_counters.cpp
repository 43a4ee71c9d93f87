#include "mixer-worker/room_counters.h"

#include "control/traffic_json.h"

namespace jamfleet::mixer {

nlohmann::json traffic_counters(const io::UdpSocket& v4, const io::UdpSocket* v6) {
    io::UdpTraffic sum = v4.traffic();
    if (v6 != nullptr) {
        const io::UdpTraffic& t = v6->traffic();
        sum.packets_received += t.packets_received;
        sum.bytes_received += t.bytes_received;
        sum.packets_sent += t.packets_sent;
        sum.bytes_sent += t.bytes_sent;
    }
    return control::traffic_json(sum);
}

nlohmann::json audio_counters(const AudioStats& stats, std::uint64_t ticks) {
    // Lost: a frame the mixer needed was not there (concealed). Late: a frame that came
    // when the jitter buffer could not take it (full, or behind the window), dropped.
    return nlohmann::json{{"ticks", ticks},
                          {"framesDecoded", stats.frames_decoded},
                          {"framesLost", stats.frames_concealed},
                          {"framesLate", stats.jitter_put_drops},
                          {"jitterResizes", stats.jitter_resizes}};
}

} // namespace jamfleet::mixer
