// Old vs new fleet (on reload): which servers to start, stop, restart or leave
// alone. A pure function; servers are identified by name.
#pragma once

#include <string>
#include <vector>

#include "config/fleet_config.h"

namespace jamfleet::config {

struct FleetDiff {
    std::vector<std::string> added;     // in new only: start
    std::vector<std::string> removed;   // in old only: stop
    std::vector<std::string> changed;   // in both, launched differently: restart
    std::vector<std::string> unchanged; // in both, same launch: leave running
    bool directory_changed = false;     // the integrated directory must restart
    bool run_dir_changed = false;       // cannot be applied to a running supervisor

    bool empty() const {
        return added.empty() && removed.empty() && changed.empty() && !directory_changed;
    }
};

FleetDiff diff_fleets(const FleetConfig& before, const FleetConfig& after);

} // namespace jamfleet::config
