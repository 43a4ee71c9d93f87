// Readiness of a fleet from its status document; see fleet_readiness.h.
#include "orchestrator/fleet_readiness.h"

namespace jamfleet::orchestrator {
namespace {

std::string text_at(const nlohmann::json& object, const char* key) {
    if (!object.is_object()) {
        return {};
    }
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

} // namespace

std::string Readiness::summary() const {
    std::string text = std::to_string(listening) + " listening, " + std::to_string(registered) +
                       " registered, " + std::to_string(failed) + " failed";
    if (pending > 0) {
        text += ", " + std::to_string(pending) + " starting";
    }
    return text;
}

Readiness fleet_readiness(const nlohmann::json& status, const ReadinessExpectations& expect) {
    Readiness r;
    const auto children = status.is_object() ? status.find("children") : status.end();
    if (!status.is_object() || children == status.end() || !children->is_array()) {
        return r;
    }
    for (const auto& child : *children) {
        const std::string state = text_at(child, "state");
        if (state == "failed") {
            ++r.failed;
            continue;
        }
        if (state != "running") {
            ++r.pending; // backoff, stopping or stopped during a reload
            continue;
        }
        const auto report = child.find("child");
        if (expect.children_report && (report == child.end() || !report->is_object())) {
            ++r.pending; // started, not answering yet
            continue;
        }
        ++r.listening;
        if (text_at(child, "kind") != "mixer" || !expect.rooms_register ||
            !expect.children_report) {
            continue;
        }
        // A Jamulus directory answers a registration with a result; "requested" and
        // "not_registered" mean no answer yet, anything else is the answer.
        const std::string registration = text_at(*report, "registration");
        if (registration == "registered") {
            ++r.registered;
        } else if (registration.empty() || registration == "requested" ||
                   registration == "not_registered") {
            --r.listening;
            ++r.pending;
        } else {
            ++r.failed;
        }
    }
    r.settled = r.pending == 0;
    return r;
}

} // namespace jamfleet::orchestrator
