// Second pass over a read fleet: template expansion has happened; this assigns
// ports and reports clashes between entries (ports, names, DNS names).
#pragma once

#include "config/fleet_config.h"
#include "config/yaml_fields.h"

namespace jamfleet::config {

// Fills in the directory's default port and every server's assigned port, then
// reports duplicate ports, names, DNS names and JSON-RPC ports.
void assign_ports_and_check(FleetConfig& fleet, ErrorList& errors);

} // namespace jamfleet::config
