// `jamfleet status|reload|restart|stop`: talk to a running supervisor over its
// control socket in the run directory and print the answer.
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "base/clock.h"

namespace jamfleet::orchestrator {

// The packaged unit's RuntimeDirectory (dist/jamfleet.service).
inline constexpr const char* kServiceRunDir = "/run/jamfleet";

// The run directory of the supervisor to talk to: `--run-dir DIR`, else the
// run_dir of a fleet FILE, else /run/jamfleet when a supervisor listens there
// (the service), else the default ./var/run.
std::string resolve_run_dir(const std::string& run_dir_flag, const std::string& fleet_file,
                            std::string& error);

// Sends one request to the supervisor's control socket and waits (bounded) for one reply
// line; with `wait_for_close`, also waits for the supervisor to close the connection.
std::optional<nlohmann::json> ask_supervisor(const std::string& run_dir,
                                             const nlohmann::json& request, bool wait_for_close,
                                             base::Duration timeout, std::string& error);

// Human-readable status table from the supervisor's status document.
std::string format_status(const nlohmann::json& status);
// Summary of a reload reply; every error on its own line.
std::string format_reload(const nlohmann::json& reply);

int command_status(const std::string& run_dir, bool json, std::ostream& out, std::ostream& err);
// The supervisor's status as Prometheus text (docs/metrics.md), as the web child's /metrics.
int command_metrics(const std::string& run_dir, std::ostream& out, std::ostream& err);
int command_reload(const std::string& run_dir, std::ostream& out, std::ostream& err);
int command_restart(const std::string& run_dir, const std::string& name, std::ostream& out,
                    std::ostream& err);
// Asks the supervisor to re-execute its binary in place, then waits (bounded)
// until the new one answers status, and prints its version.
// With `now`, rooms whose binary was replaced restart at once instead of when empty.
int command_upgrade(const std::string& run_dir, bool now, std::ostream& out, std::ostream& err);
int command_stop(const std::string& run_dir, std::ostream& out, std::ostream& err);

} // namespace jamfleet::orchestrator
