// Shared steps of the export commands (export_files.h).
#include "orchestrator/export_files.h"

#include <fstream>
#include <iterator>

#include "orchestrator/offline_commands.h"

namespace jamfleet::orchestrator {

std::optional<config::PlacedFleet> load_fleet_for_export(const std::string& file,
                                                         const std::string& command,
                                                         const std::string& no_hosts_hint,
                                                         std::ostream& err, int& exit_code) {
    auto placed = config::load_placed_fleet(file);
    if (!placed) {
        for (const auto& error : placed.error()) {
            err << error.to_string() << "\n";
        }
        exit_code = kExitUsage;
        return std::nullopt;
    }
    if (placed->fleet.hosts.empty()) {
        err << command << ": " << file << " has no hosts: (" << no_hosts_hint << ")\n";
        exit_code = kExitUsage;
        return std::nullopt;
    }
    if (placed->changed) {
        // Placement is stable across exports: musicians bookmark host:port.
        auto written =
            config::write_placement(config::placement_path(file), placed->placement.placement);
        if (!written.ok()) {
            err << command << ": " << written.error() << "\n";
            exit_code = kExitFailure;
            return std::nullopt;
        }
    }
    return std::move(*placed);
}

std::string read_whole_file(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool write_export_file(const std::filesystem::path& path, const std::string& text,
                       std::ostream& err) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
        err << "jamfleet export: cannot write " << path.string() << "\n";
        return false;
    }
    return true;
}

} // namespace jamfleet::orchestrator
