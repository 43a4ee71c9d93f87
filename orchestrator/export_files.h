// What `jamfleet export ansible` and `export kubernetes` share: loading the fleet
// with its hosts, keeping the placement file current, writing the output files.
#pragma once

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>

#include "config/placement_file.h"

namespace jamfleet::orchestrator {

// The placed fleet of `file`, its placement file written when placement changed.
// On failure, the reason is on `err` and `exit_code` says how to exit (a fleet
// without hosts is a usage error; `no_hosts_hint` ends that message).
std::optional<config::PlacedFleet> load_fleet_for_export(const std::string& file,
                                                         const std::string& command,
                                                         const std::string& no_hosts_hint,
                                                         std::ostream& err, int& exit_code);

// The bytes of `file` as they are (the fleet file is copied unchanged).
std::string read_whole_file(const std::string& file);

// Writes `text` to `path`, replacing it; false with the path on `err` when that fails.
bool write_export_file(const std::filesystem::path& path, const std::string& text,
                       std::ostream& err);

} // namespace jamfleet::orchestrator
