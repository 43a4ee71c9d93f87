// The `hosts:` section of a fleet spread over several machines (docs/many-hosts.md):
// reading it, and checking that every `host`/`spread` names one of its hosts.
#pragma once

#include <yaml-cpp/yaml.h>

#include "config/fleet_config.h"
#include "config/yaml_fields.h"

namespace jamfleet::config {

// Reads the list under `hosts` (absent or null: none).
void read_hosts(const YAML::Node& node, const SourceLocation& where, ErrorList& errors,
                std::vector<HostConfig>& out);

// Cross-checks after every section is read: host names unique, `directory.host`,
// `servers[].host` and `servers[].spread` naming known hosts (and set only when
// there are hosts), SRV targets for rooms with a dns_name.
void check_hosts(const FleetConfig& fleet, ErrorList& errors);

} // namespace jamfleet::config
