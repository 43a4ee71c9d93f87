// Old vs new fleet (on reload): which servers to start, stop, restart, update
// live or leave alone. A pure function; servers are identified by name, or by
// port when a room was renamed (and nothing else but live settings changed).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "config/fleet_config.h"

namespace jamfleet::config {

struct FleetDiff {
    std::vector<std::string> added;     // in new only: start
    std::vector<std::string> removed;   // in old only: stop
    std::vector<std::string> changed;   // in both, launched differently: restart
    std::vector<std::string> unchanged; // in both, same launch: leave running
    // In both (or renamed), only live settings (room_settings.h) differ: apply
    // them to the running room. New names.
    std::vector<std::string> live_changed;
    // (old name, new name) of rooms renamed on the same port; their new names
    // are in live_changed, neither name in added or removed.
    std::vector<std::pair<std::string, std::string>> renamed;
    bool directory_changed = false; // the integrated directory must restart
    bool run_dir_changed = false;   // cannot be applied to a running supervisor

    bool empty() const {
        return added.empty() && removed.empty() && changed.empty() && live_changed.empty() &&
               !directory_changed;
    }
};

FleetDiff diff_fleets(const FleetConfig& before, const FleetConfig& after);

} // namespace jamfleet::config
