#include "control/traffic_json.h"

namespace jamfleet::control {

nlohmann::json traffic_json(const io::UdpTraffic& traffic) {
    return nlohmann::json{{"packetsIn", traffic.packets_received},
                          {"packetsOut", traffic.packets_sent},
                          {"bytesIn", traffic.bytes_received},
                          {"bytesOut", traffic.bytes_sent}};
}

} // namespace jamfleet::control
