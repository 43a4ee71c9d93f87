// Loads a fleet file: YAML → validated, normalized FleetConfig, or every error found
// (never just the first), each as `file:line:column: /path: message`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "config/fleet_config.h"

namespace jamfleet::config {

using LoadResult = base::Result<FleetConfig, std::vector<ConfigError>>;

// `file_name` only labels messages.
LoadResult parse_fleet(std::string_view yaml_text, const std::string& file_name);

LoadResult load_fleet_file(const std::string& path);

} // namespace jamfleet::config
