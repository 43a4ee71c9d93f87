// Human-readable text of a normalized fleet, as printed by `jamfleet check`.
#pragma once

#include <string>

#include "config/fleet_config.h"

namespace jamfleet::config {

std::string describe_fleet(const FleetConfig& fleet);

} // namespace jamfleet::config
