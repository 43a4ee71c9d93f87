// The supervisor's status document (`jamfleet status --json`).
#include <unistd.h>

#include <ctime>

#include "config/srv_records.h"
#include "orchestrator/bandwidth_plan.h"
#include "orchestrator/supervisor.h"

namespace jamfleet::orchestrator {
namespace {

// "2026-12-04T22:31:05Z"
std::string utc_text(std::chrono::system_clock::time_point at) {
    const std::time_t t = std::chrono::system_clock::to_time_t(at);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

} // namespace

nlohmann::json Supervisor::status() const {
    nlohmann::json children = nlohmann::json::array();
    auto describe = [&](const Child& child) {
        nlohmann::json entry = {
            {"name", child.spec.name},
            {"kind", kind_name(child.spec.kind)},
            {"port", child.spec.port},
            {"state", child.pending_spec && child.state == ChildState::Running
                          ? "waiting_to_restart"
                          : to_string(child.state)},
            {"restarts", child.restarts},
            {"last_exit", child.last_exit},
            {"adopted", child.adopted},
        };
        entry["pid"] = child.process ? nlohmann::json(child.process->pid()) : nlohmann::json();
        if (!child.failure_reason.empty()) {
            entry["failure_reason"] = child.failure_reason;
        }
        if (child.state == ChildState::Failed || child.state == ChildState::Backoff) {
            // What the child said last is usually why it stopped.
            entry["last_lines"] = child.last_lines;
        }
        if (child.next_try) {
            const auto in = *child.next_try - clock_.now();
            entry["next_try"] =
                utc_text(std::chrono::system_clock::now() +
                         std::chrono::duration_cast<std::chrono::system_clock::duration>(in));
            entry["next_try_in_s"] = std::chrono::duration_cast<std::chrono::seconds>(in).count();
        }
        if (!child.child_status.is_null()) {
            entry["child"] = child.child_status;
        }
        children.push_back(std::move(entry));
    };
    if (directory_) {
        describe(*directory_);
    }

    for (const auto& server : fleet_.servers) {
        if (auto it = rooms_.find(server.name); it != rooms_.end()) {
            describe(*it->second);
        }
    }
    if (web_) {
        describe(*web_);
    }
    return nlohmann::json{{"fleet", fleet_.fleet.name},
                          {"file", options_.fleet_file},
                          {"run_dir", fleet_.fleet.run_dir},
                          {"pid", static_cast<long long>(::getpid())},
                          {"version", options_.version},
                          {"stopping", stopping_},
                          {"children", children},
                          {"srv", config::srv_records(fleet_)},
                          {"fleetBans", fleet_bans_json()},
                          {"bandwidth", bandwidth_json(plan_bandwidth(fleet_))}};
}

} // namespace jamfleet::orchestrator
