// render_prometheus: the families of supervisor, rooms and directory, in that order.
#include "metrics/prometheus_text.h"

#include "metrics/status_families.h"

namespace jamfleet::metrics {

std::optional<double> number_at(const nlohmann::json& doc, const char* key) {
    if (!doc.is_object()) {
        return std::nullopt;
    }
    const auto it = doc.find(key);
    if (it == doc.end() || !it->is_number()) {
        return std::nullopt;
    }
    return it->get<double>();
}

std::string text_at(const nlohmann::json& doc, const char* key) {
    if (!doc.is_object()) {
        return "";
    }
    const auto it = doc.find(key);
    if (it == doc.end()) {
        return "";
    }
    if (it->is_string()) {
        return it->get<std::string>();
    }
    if (it->is_number_integer()) {
        return std::to_string(it->get<long long>());
    }
    return "";
}

std::string render_prometheus(const nlohmann::json& supervisor_status) {
    std::vector<Family> families;
    add_supervisor_families(supervisor_status, families);
    add_room_families(supervisor_status, families);
    add_directory_families(supervisor_status, families);
    std::string out;
    write_families(families, out);
    return out;
}

} // namespace jamfleet::metrics
