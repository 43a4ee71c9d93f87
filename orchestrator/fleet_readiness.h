// When the fleet counts as started for systemd (READY=1): every child has either
// settled — listening (it answered on its control socket) and, for a room that
// registers with a directory, holding the directory's answer — or failed. Decided
// from `Supervisor::status()` alone, so it is a pure function tested without processes.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace jamfleet::orchestrator {

struct ReadinessExpectations {
    // The rooms register with a directory (their own or another one).
    bool rooms_register = false;
    // The children answer on a control socket; without one, running is all we can know.
    bool children_report = true;
};

struct Readiness {
    bool settled = false;
    int listening = 0;  // running children that are listening (rooms and directory)
    int registered = 0; // rooms the directory accepted
    int failed = 0;     // children marked failed, or rooms the directory refused
    int pending = 0;    // children still starting, restarting or waiting for the directory
    // One line for systemd's STATUS= and the log: "3 listening, 2 registered, 1 failed".
    std::string summary() const;
};

Readiness fleet_readiness(const nlohmann::json& status, const ReadinessExpectations& expect);

} // namespace jamfleet::orchestrator
