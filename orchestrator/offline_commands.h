// The commands that need no running supervisor: `check` and `srv`. They return
// the process exit code and write to the given streams so tests can run them.
#pragma once

#include <ostream>
#include <string>

#include "orchestrator/network_report.h"

namespace jamfleet::orchestrator {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2; // bad command line or bad fleet file

// Validates the file and prints the normalized fleet, what the network needs
// (network_report.h, for this host's routed address) and the bandwidth plan;
// every error on `err`.
int command_check(const std::string& file, std::ostream& out, std::ostream& err);
// The same for a given host address (tests, golden output).
int command_check(const std::string& file, std::ostream& out, std::ostream& err, HostNetwork host);

// Prints one SRV record per DNS name.
int command_srv(const std::string& file, std::ostream& out, std::ostream& err);

} // namespace jamfleet::orchestrator
