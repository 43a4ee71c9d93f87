// `jamfleet export ansible FILE DIR`: an Ansible inventory and playbooks (ansible-core
// built-in modules only) that install jamfleet's Debian package on every host of a
// fleet with hosts:, give each host the fleet file, its placement and a unit drop-in
// running `jamfleet run --host NAME`, start it, and roll out a new package without
// restarting an occupied room (docs/many-hosts.md, docs/adr/0007-...).
#pragma once

#include <ostream>
#include <string>

#include "config/fleet_config.h"

namespace jamfleet::orchestrator {

// Where the playbooks put the fleet on each host (the packaged unit's file).
inline constexpr const char* kHostFleetFile = "/etc/jamfleet/fleet.yaml";

// One `NAME ansible_host=... [ansible_user=...] [ansible_port=...]` line per host.
std::string ansible_inventory(const config::FleetConfig& fleet);
// First deployment and every change of the fleet file: site.yml.
std::string ansible_site_playbook();
// Rolling upgrade to another package: upgrade.yml.
std::string ansible_upgrade_playbook();
// The systemd drop-in (a template: the host's name comes from the inventory).
std::string ansible_unit_dropin();

// Writes DIR/inventory.ini, site.yml, upgrade.yml, templates/host.conf.j2 and
// files/fleet.yaml + files/fleet.placement.yaml (recording the placement next to FILE
// when it changed). Exit code as the other commands.
int command_export_ansible(const std::string& file, const std::string& dir, std::ostream& out,
                           std::ostream& err);

} // namespace jamfleet::orchestrator
