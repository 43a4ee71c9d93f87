// `jamfleet check` and `jamfleet srv`: load the fleet file, print, exit 0 or 2.
#include "orchestrator/offline_commands.h"

#include "config/fleet_loader.h"
#include "config/fleet_printer.h"
#include "config/srv_records.h"
#include "io/host_address.h"
#include "orchestrator/bandwidth_plan.h"

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
    out << config::describe_fleet(*fleet);
    out << network_report(*fleet, host);
    out << describe_bandwidth(plan_bandwidth(*fleet));
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
