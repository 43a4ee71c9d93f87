// `jamfleet check` and `jamfleet srv`: load the fleet file, print, exit 0 or 2.
#include "orchestrator/offline_commands.h"

#include <filesystem>

#include "config/fleet_loader.h"
#include "config/fleet_printer.h"
#include "config/placement_file.h"
#include "config/srv_records.h"
#include "io/host_address.h"
#include "orchestrator/bandwidth_plan.h"
#include "orchestrator/launch_spec.h"
#include "orchestrator/start_checks.h"

namespace jamfleet::orchestrator {
namespace {

void print_errors(const std::vector<config::ConfigError>& errors, std::ostream& err) {
    for (const auto& error : errors) {
        err << error.to_string() << "\n";
    }
    err << errors.size() << (errors.size() == 1 ? " error" : " errors") << "; nothing started\n";
}

} // namespace

int command_check(const std::string& file, std::ostream& out, std::ostream& err) {
    return command_check(file, out, err, HostNetwork{io::routed_ipv4_address()});
}

namespace {

// A fleet with hosts: the placement (recorded when it changed) instead of this
// machine's port and network checks, which belong to each host (`run --host`).
int check_hosts(const std::string& file, const config::PlacedFleet& placed, std::ostream& out,
                std::ostream& err) {
    out << config::describe_fleet(placed.fleet);
    // The file name only: it sits next to FILE (and golden outputs stay path-free).
    out << "placement (" << std::filesystem::path(config::placement_path(file)).filename().string()
        << ")\n";
    for (const auto& server : placed.fleet.servers) {
        out << "  " << server.name << " -> " << server.host << " port " << server.port << "\n";
    }
    for (const auto& change : placed.placement.changes) {
        out << "  change: " << change << "\n";
    }
    if (placed.changed) {
        auto written =
            config::write_placement(config::placement_path(file), placed.placement.placement);
        if (!written.ok()) {
            err << file << ": " << written.error() << "\n";
            return kExitFailure;
        }
        out << "  placement recorded\n";
    }
    out << file << ": ok\n";
    return kExitOk;
}

} // namespace

int command_check(const std::string& file, std::ostream& out, std::ostream& err, HostNetwork host) {
    const auto placed = config::load_placed_fleet(file);
    if (!placed) {
        print_errors(placed.error(), err);
        return kExitUsage;
    }
    if (!placed->fleet.hosts.empty()) {
        return check_hosts(file, *placed, out, err);
    }
    const config::FleetConfig* fleet = &placed->fleet;
    StartCheckOptions options;
    std::error_code ec;
    options.ports_in_use_by_fleet =
        std::filesystem::exists(supervisor_socket_path(fleet->fleet.run_dir), ec);
    std::size_t errors = 0;
    for (const auto& finding : start_checks(*fleet, options)) {
        err << file << ": " << (finding.error ? "" : "warning: ") << finding.where << ": "
            << finding.message << "\n";
        errors += finding.error ? 1 : 0;
    }
    // The whole report even when a start would trip: the operator fixes the files named
    // above and already knows what the network needs.
    out << config::describe_fleet(*fleet);
    out << network_report(*fleet, host);
    out << describe_bandwidth(plan_bandwidth(*fleet));
    if (errors > 0) {
        err << errors << (errors == 1 ? " error" : " errors") << "; nothing started\n";
        return kExitUsage;
    }
    out << file << ": ok\n";
    return kExitOk;
}

int command_srv(const std::string& file, std::ostream& out, std::ostream& err) {
    const auto placed = config::load_placed_fleet(file);
    if (!placed) {
        print_errors(placed.error(), err);
        return kExitUsage;
    }
    // Placed against the recorded placement (written by check/export, not here).
    out << config::srv_zone_text(placed->fleet);
    return kExitOk;
}

} // namespace jamfleet::orchestrator
