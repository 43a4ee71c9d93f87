// Room families, from each mixer child's own status (mixer-worker/mixer_server.cpp's
// status provider): labels `room` (the room's name) and `port` (its UDP port).
#include <string>

#include "metrics/status_families.h"

namespace jamfleet::metrics {
namespace {

// A family filled from one numeric field of each room's status (`group` "" = top level).
struct FieldFamily {
    const char* group;
    const char* key;
    const char* name;
    const char* help;
    MetricType type;
};

constexpr FieldFamily kFields[] = {
    {"", "maxClients", "jamfleet_room_max_clients", "Channels the room offers.", MetricType::Gauge},
    {"traffic", "packetsIn", "jamfleet_room_receive_packets_total",
     "UDP datagrams the room received (audio and protocol).", MetricType::Counter},
    {"traffic", "packetsOut", "jamfleet_room_transmit_packets_total",
     "UDP datagrams the room sent (audio and protocol).", MetricType::Counter},
    {"traffic", "bytesIn", "jamfleet_room_receive_bytes_total",
     "UDP payload bytes the room received (upstream from the musicians).", MetricType::Counter},
    {"traffic", "bytesOut", "jamfleet_room_transmit_bytes_total",
     "UDP payload bytes the room sent (downstream to the musicians).", MetricType::Counter},
    {"audio", "ticks", "jamfleet_room_ticks_total", "Mixer ticks (server frames) run.",
     MetricType::Counter},
    {"audio", "framesDecoded", "jamfleet_room_audio_frames_decoded_total",
     "Client audio frames decoded from the jitter buffers.", MetricType::Counter},
    {"audio", "framesLost", "jamfleet_room_audio_frames_lost_total",
     "Client audio frames missing when the mixer needed them (concealed).", MetricType::Counter},
    {"audio", "framesLate", "jamfleet_room_audio_frames_late_total",
     "Client audio frames that arrived too late or to a full jitter buffer (dropped).",
     MetricType::Counter},
    {"audio", "jitterResizes", "jamfleet_room_jitter_buffer_resizes_total",
     "Automatic jitter-buffer size changes.", MetricType::Counter},
    {"", "tickOverruns", "jamfleet_room_tick_overruns_total",
     "Ticks whose work took longer than the tick period.", MetricType::Counter},
};

std::string port_text(const nlohmann::json& doc) {
    const auto it = doc.find("port");
    return it != doc.end() && it->is_number_integer() ? std::to_string(it->get<long long>()) : "";
}

} // namespace

void add_room_families(const nlohmann::json& status, std::vector<Family>& out) {
    Family clients{
        "jamfleet_room_clients", "Musicians connected to the room.", MetricType::Gauge, {}};
    Family registered{"jamfleet_room_directory_registered",
                      "1 when the room's directory confirmed its registration.",
                      MetricType::Gauge,
                      {}};
    std::vector<Family> fields;
    for (const FieldFamily& f : kFields) {
        fields.push_back(Family{f.name, f.help, f.type, {}});
    }
    Family drops{"jamfleet_room_dropped_datagrams_total",
                 "Datagrams the room refused or did not answer, by reason.",
                 MetricType::Counter,
                 {}};
    const auto children = status.is_object() ? status.value("children", nlohmann::json::array())
                                             : nlohmann::json::array();
    for (const auto& child : children) {
        if (!child.is_object() || text_at(child, "kind") != "mixer") {
            continue;
        }
        const auto own = child.find("child");
        if (own == child.end() || !own->is_object()) {
            continue;
        }
        const Labels labels{{"room", text_at(child, "name")}, {"port", port_text(child)}};
        if (const auto c = own->find("clients"); c != own->end() && c->is_array()) {
            clients.add(labels, static_cast<double>(c->size()));
        }
        if (const auto r = own->find("registration"); r != own->end() && r->is_string()) {
            registered.add(labels, r->get<std::string>() == "registered" ? 1 : 0);
        }
        for (std::size_t i = 0; i < std::size(kFields); ++i) {
            const FieldFamily& f = kFields[i];
            const nlohmann::json* group = &*own;
            if (f.group[0] != '\0') {
                const auto g = own->find(f.group);
                if (g == own->end()) {
                    continue;
                }
                group = &*g;
            }
            if (const auto v = number_at(*group, f.key)) {
                fields[i].add(labels, *v);
            }
        }
        if (const auto d = own->find("drops"); d != own->end() && d->is_object()) {
            for (const auto& [reason, count] : d->items()) {
                if (count.is_number()) {
                    Labels with_reason = labels;
                    with_reason.emplace_back("reason", reason);
                    drops.add(std::move(with_reason), count.get<double>());
                }
            }
        }
    }
    out.push_back(std::move(clients));
    out.push_back(std::move(registered));
    for (auto& f : fields) {
        out.push_back(std::move(f));
    }
    out.push_back(std::move(drops));
}

} // namespace jamfleet::metrics
