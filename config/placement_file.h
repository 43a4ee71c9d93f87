// The placement of a multi-host fleet, persisted next to its fleet file as
// `NAME.placement.yaml` (fleet.yaml → fleet.placement.yaml): the memory that keeps
// rooms where they are when hosts come and go (placement.h).
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "config/fleet_loader.h"
#include "config/placement.h"

namespace jamfleet::config {

std::string placement_path(const std::string& fleet_file);

// The file's rooms; a missing file is an empty placement.
base::Result<Placement, std::string> read_placement(const std::string& path);
std::string placement_yaml(const Placement& placement);
// Writes through a temporary file and rename(2): readers see the old or the new file.
base::Result<bool, std::string> write_placement(const std::string& path,
                                                const Placement& placement);

// A loaded fleet with its placement applied (rooms carry their host and port).
struct PlacedFleet {
    FleetConfig fleet;
    PlacementResult placement;
    bool changed = false; // differs from the file (which `check` and `export` update)
};

// Loads the fleet file and, when it has hosts, places it against its placement file.
base::Result<PlacedFleet, std::vector<ConfigError>> load_placed_fleet(const std::string& file);

// What `jamfleet run [--host NAME]` runs: the whole file when it has no hosts (then
// `host` must be empty), else that host's part (fleet_for_host). Never writes.
LoadResult load_fleet_for_run(const std::string& file, const std::string& host);

} // namespace jamfleet::config
