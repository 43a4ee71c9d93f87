// Supervisor families: one sample per child for restarts and CPU time, and one per child
// and possible state for jamfleet_child_state (1 for the current state), the usual way of
// exposing an enumeration so that a dashboard can count rooms per state.
#include <array>
#include <string>

#include "metrics/status_families.h"

namespace jamfleet::metrics {
namespace {

// Every state the supervisor reports (orchestrator/reconciler.cpp, supervisor_status.cpp).
constexpr std::array<const char*, 7> kChildStates = {
    "adopting", "running", "backoff", "failed", "stopping", "stopped", "waiting_to_restart"};

} // namespace

void add_supervisor_families(const nlohmann::json& status, std::vector<Family>& out) {
    Family info{"jamfleet_info",
                "The fleet's name and the supervisor's version (always 1).",
                MetricType::Gauge,
                {}};
    if (status.is_object() && status.contains("fleet")) {
        info.add({{"fleet", text_at(status, "fleet")}, {"version", text_at(status, "version")}}, 1);
    }
    Family state{"jamfleet_child_state",
                 "Whether the child is in this state (1) or not (0), per child and state.",
                 MetricType::Gauge,
                 {}};
    Family restarts{"jamfleet_child_restarts_total",
                    "Times the supervisor restarted the child since the supervisor started.",
                    MetricType::Counter,
                    {}};
    Family cpu{"jamfleet_child_cpu_seconds_total",
               "CPU time (user and system) the child process has used.",
               MetricType::Counter,
               {}};
    Family up{"jamfleet_child_up",
              "1 when the child is running and answers its control socket.",
              MetricType::Gauge,
              {}};
    const auto children = status.is_object() ? status.value("children", nlohmann::json::array())
                                             : nlohmann::json::array();
    for (const auto& child : children) {
        if (!child.is_object()) {
            continue;
        }
        const Labels labels{{"kind", text_at(child, "kind")},
                            {"name", text_at(child, "name")},
                            {"port", text_at(child, "port")}};
        const std::string current = text_at(child, "state");
        for (const char* s : kChildStates) {
            Labels with_state = labels;
            with_state.emplace_back("state", s);
            state.add(std::move(with_state), current == s ? 1 : 0);
        }
        if (const auto n = number_at(child, "restarts")) {
            restarts.add(labels, *n);
        }
        const auto own = child.find("child");
        const bool answers = own != child.end() && own->is_object();
        up.add(labels, current == "running" && answers ? 1 : 0);
        if (answers) {
            if (const auto s = number_at(*own, "cpuSeconds")) {
                cpu.add(labels, *s);
            }
        }
    }
    Family fleet_bans{
        "jamfleet_fleet_bans", "Fleet-wide bans in force (jamfleet bans).", MetricType::Gauge, {}};
    if (status.is_object()) {
        if (const auto b = status.find("fleetBans"); b != status.end() && b->is_array()) {
            fleet_bans.add({}, static_cast<double>(b->size()));
        }
    }
    out.push_back(std::move(info));
    out.push_back(std::move(fleet_bans));
    out.push_back(std::move(state));
    out.push_back(std::move(up));
    out.push_back(std::move(restarts));
    out.push_back(std::move(cpu));
}

} // namespace jamfleet::metrics
