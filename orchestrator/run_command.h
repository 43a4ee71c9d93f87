// `jamfleet run FILE`: finds the child programs, then runs the supervisor in the
// foreground until SIGTERM/SIGINT or `jamfleet stop`.
#pragma once

#include <optional>
#include <string>

#include "orchestrator/launch_spec.h"

namespace jamfleet::orchestrator {

// Looks for jamfleet-mixer and jamfleet-directory in `bin_dir` (if given), else in
// $JAMFLEET_BIN_DIR, else next to this program (installed layout) or in the
// sibling build folders mixer-worker/ and directory/ (build-tree layout).
std::optional<BinPaths> find_binaries(const std::string& bin_dir, std::string& error);

// The version `jamfleet status` shows: the build's, or $JAMFLEET_VERSION_OVERRIDE
// (lets a test tell an upgraded supervisor from the one it replaced).
std::string supervisor_version();

// `host`: run only that host's part of a fleet file with hosts: (docs/many-hosts.md).
int command_run(const std::string& file, const std::string& bin_dir, const std::string& host);

} // namespace jamfleet::orchestrator
