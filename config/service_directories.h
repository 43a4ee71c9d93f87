// Defaults for a fleet run as a systemd service. systemd creates the unit's
// RuntimeDirectory= and StateDirectory= and passes their absolute paths in
// $RUNTIME_DIRECTORY and $STATE_DIRECTORY (systemd.exec(5)); when they are set,
// a fleet file that names no run_dir or database uses them (/run/jamfleet and
// /var/lib/jamfleet/directory.db for the packaged unit). Elsewhere the defaults
// stay relative to the working directory (./var/run, ./var/directory.db).
#pragma once

#include <string>

#include "config/fleet_config.h"

namespace jamfleet::config {

struct ServiceDirectories {
    std::string runtime; // "" when not run by systemd with RuntimeDirectory=
    std::string state;   // "" when not run by systemd with StateDirectory=
};

// Reads the two variables; systemd separates several directories with ':', the first is ours.
ServiceDirectories service_directories_from_environment();

// Replaces the built-in defaults of `fleet` (call before reading the file's keys).
void apply_service_directories(FleetConfig& fleet, const ServiceDirectories& dirs);

} // namespace jamfleet::config
