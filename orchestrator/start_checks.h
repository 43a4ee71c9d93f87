// What `jamfleet check` adds to the file's own validation: the things a start would
// trip on outside the file (missing welcome and secret files, directories the
// children cannot write, JSON-RPC ports in use), and warnings about a fleet that
// starts but is probably not what its admin meant (an open directory, no public IP
// behind NAT).
#pragma once

#include <string>
#include <vector>

#include "config/fleet_config.h"

namespace jamfleet::orchestrator {

struct StartFinding {
    bool error = true;   // false: a warning
    std::string where;   // "/servers/Orchestra/welcome", "/directory/whitelist"
    std::string message; // "/etc/jamfleet/welcome.html does not exist; ..."
};

struct StartCheckOptions {
    // Skip the JSON-RPC port probes (the fleet is running and holds them).
    bool ports_in_use_by_fleet = false;
};

// A welcome value that names a file rather than a message: it starts with '/',
// './', '../' or '~/', or is one word ending in .html, .htm or .txt.
bool welcome_looks_like_path(const std::string& welcome);

std::vector<StartFinding> start_checks(const config::FleetConfig& fleet,
                                       const StartCheckOptions& options);

} // namespace jamfleet::orchestrator
