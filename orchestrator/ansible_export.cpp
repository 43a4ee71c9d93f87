// `jamfleet export ansible`: the inventory from the fleet's hosts, and the files.
#include "orchestrator/ansible_export.h"

#include <filesystem>

#include "config/placement_file.h"
#include "orchestrator/export_files.h"
#include "orchestrator/offline_commands.h"

namespace jamfleet::orchestrator {
namespace {

namespace fs = std::filesystem;

// How long a start may take per host, and the upgrade's default drain deadline (s).
constexpr int kStartRetries = 60;
constexpr int kDrainDeadlineSeconds = 600;

} // namespace

std::string ansible_inventory(const config::FleetConfig& fleet) {
    std::string text = "# Written by jamfleet export ansible from " + fleet.file +
                       ": one line per host of its hosts: (ssh is [user@]address[:port]).\n"
                       "[jamfleet]\n";
    for (const auto& host : fleet.hosts) {
        std::string address = host.ssh;
        std::string user;
        std::string port;
        if (const auto at = address.find('@'); at != std::string::npos) {
            user = address.substr(0, at);
            address = address.substr(at + 1);
        }
        if (const auto colon = address.rfind(':'); colon != std::string::npos) {
            port = address.substr(colon + 1);
            address = address.substr(0, colon);
        }
        text += host.name + " ansible_host=" + address;
        text += user.empty() ? "" : " ansible_user=" + user;
        text += port.empty() ? "" : " ansible_port=" + port;
        text += host.name == fleet.directory.host && fleet.directory.enabled
                    ? " jamfleet_directory=true\n"
                    : "\n";
    }
    text += "\n[jamfleet:vars]\njamfleet_start_retries=" + std::to_string(kStartRetries) +
            "\njamfleet_drain_deadline=" + std::to_string(kDrainDeadlineSeconds) + "\n";
    return text;
}

int command_export_ansible(const std::string& file, const std::string& dir, std::ostream& out,
                           std::ostream& err) {
    int exit_code = kExitOk;
    const auto placed = load_fleet_for_export(
        file, "jamfleet export ansible", "see docs/many-hosts.md; one host needs only the package",
        err, exit_code);
    if (!placed) {
        return exit_code;
    }
    std::error_code ec;
    const fs::path root(dir);
    fs::create_directories(root / "files", ec);
    fs::create_directories(root / "templates", ec);
    if (ec) {
        err << "jamfleet export: create " << dir << ": " << ec.message() << "\n";
        return kExitFailure;
    }
    const bool ok =
        write_export_file(root / "inventory.ini", ansible_inventory(placed->fleet), err) &&
        write_export_file(root / "site.yml", ansible_site_playbook(), err) &&
        write_export_file(root / "upgrade.yml", ansible_upgrade_playbook(), err) &&
        write_export_file(root / "templates" / "host.conf.j2", ansible_unit_dropin(), err) &&
        write_export_file(root / "files" / "fleet.yaml", read_whole_file(file), err) &&
        write_export_file(root / "files" / "fleet.placement.yaml",
                          config::placement_yaml(placed->placement.placement), err);
    if (!ok) {
        return kExitFailure;
    }
    out << "wrote " << dir << "/inventory.ini, site.yml, upgrade.yml ("
        << placed->fleet.hosts.size() << " hosts, " << placed->fleet.servers.size() << " rooms)\n"
        << "  ansible-playbook -i " << dir << "/inventory.ini " << dir
        << "/site.yml -e jamfleet_deb=PATH.deb\n";
    return kExitOk;
}

} // namespace jamfleet::orchestrator
