// `jamfleet check` and `jamfleet srv`: load the fleet file, print, exit 0 or 2.
#include "orchestrator/offline_commands.h"

#include <filesystem>

#include "config/fleet_loader.h"
#include "config/fleet_printer.h"
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

int command_check(const std::string& file, std::ostream& out, std::ostream& err, HostNetwork host) {
    const auto fleet = config::load_fleet_file(file);
    if (!fleet) {
        print_errors(fleet.error(), err);
        return kExitUsage;
    }
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
    const auto fleet = config::load_fleet_file(file);
    if (!fleet) {
        print_errors(fleet.error(), err);
        return kExitUsage;
    }
    out << config::srv_zone_text(*fleet);
    return kExitOk;
}

} // namespace jamfleet::orchestrator
