// Reload planning: compares two normalized fleets (see config_diff.h).
#include "config/config_diff.h"

#include <algorithm>

#include "config/room_settings.h"

namespace jamfleet::config {
namespace {

// Fleet-wide settings that end up on every mixer's command line.
bool member_launch_changed(const FleetConfig& a, const FleetConfig& b) {
    return a.fleet.bind != b.fleet.bind || a.fleet.bind6 != b.fleet.bind6 ||
           a.fleet.public_ip != b.fleet.public_ip ||
           a.fleet.directory_address != b.fleet.directory_address ||
           a.directory.enabled != b.directory.enabled || a.directory.port != b.directory.port;
}

} // namespace

FleetDiff diff_fleets(const FleetConfig& before, const FleetConfig& after) {
    FleetDiff diff;
    const bool fleet_wide = member_launch_changed(before, after);
    for (const auto& server : after.servers) {
        const ServerConfig* old = before.find_server(server.name);
        if (old == nullptr) {
            diff.added.push_back(server.name);
        } else if (!fleet_wide && only_live_settings_differ(*old, server)) {
            diff.live_changed.push_back(server.name);
        } else if (fleet_wide || !old->same_settings(server)) {
            diff.changed.push_back(server.name);
        } else {
            diff.unchanged.push_back(server.name);
        }
    }
    for (const auto& server : before.servers) {
        if (after.find_server(server.name) == nullptr) {
            diff.removed.push_back(server.name);
        }
    }
    // A room removed and one added on the same port that differ only in live
    // settings (the name is one) are one room renamed: it keeps running.
    if (!fleet_wide) {
        for (auto r = diff.removed.begin(); r != diff.removed.end();) {
            const ServerConfig* old = before.find_server(*r);
            const auto a =
                std::find_if(diff.added.begin(), diff.added.end(), [&](const auto& name) {
                    const ServerConfig* added = after.find_server(name);
                    return added->port == old->port && only_live_settings_differ(*old, *added);
                });
            if (a == diff.added.end()) {
                ++r;
                continue;
            }
            diff.renamed.emplace_back(*r, *a);
            diff.live_changed.push_back(*a);
            diff.added.erase(a);
            r = diff.removed.erase(r);
        }
    }
    // The directory's whitelist holds the members' source address, and its own
    // registration info is fleet-wide, so those changes restart it too.
    diff.directory_changed = !before.directory.same_settings(after.directory) ||
                             before.fleet.bind != after.fleet.bind ||
                             before.fleet.public_ip != after.fleet.public_ip;
    diff.run_dir_changed = before.fleet.run_dir != after.fleet.run_dir;
    return diff;
}

} // namespace jamfleet::config
