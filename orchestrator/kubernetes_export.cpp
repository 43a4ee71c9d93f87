// `jamfleet export kubernetes`: places the fleet and writes its manifests.
#include "orchestrator/kubernetes_export.h"

#include <filesystem>
#include <fstream>
#include <iterator>

#include "config/placement_file.h"
#include "orchestrator/offline_commands.h"
#include "orchestrator/yaml_emitter.h"

namespace jamfleet::orchestrator {
namespace {

constexpr std::size_t kMaxStatefulSetName = 52;

} // namespace

int command_export_kubernetes(const std::string& file, const std::string& dir,
                              const std::string& image, std::ostream& out, std::ostream& err) {
    namespace fs = std::filesystem;
    auto placed = config::load_placed_fleet(file);
    if (!placed) {
        for (const auto& error : placed.error()) {
            err << error.to_string() << "\n";
        }
        return kExitUsage;
    }
    if (placed->fleet.hosts.empty()) {
        err << "jamfleet export kubernetes: " << file
            << " has no hosts: (their names are the nodes rooms are pinned to; see "
               "docs/kubernetes.md)\n";
        return kExitUsage;
    }
    const std::string placement_file = config::placement_path(file);
    if (placed->changed) {
        auto written = config::write_placement(placement_file, placed->placement.placement);
        if (!written.ok()) {
            err << "jamfleet export: " << written.error() << "\n";
            return kExitFailure;
        }
    }
    std::ifstream fleet_in(file, std::ios::binary);
    const std::string fleet_text((std::istreambuf_iterator<char>(fleet_in)),
                                 std::istreambuf_iterator<char>());
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
        err << "jamfleet export: create " << dir << ": " << ec.message() << "\n";
        return kExitFailure;
    }
    const auto manifests = kubernetes_manifests(
        placed->fleet, fleet_text, config::placement_yaml(placed->placement.placement), image);
    for (const auto& manifest : manifests) {
        // A StatefulSet's pods are NAME-0 with a label holding NAME plus a revision hash,
        // which must fit in 63 characters: Kubernetes refuses longer set names.
        const std::string name = manifest.object["metadata"]["name"];
        if (name.size() > kMaxStatefulSetName) {
            err << "jamfleet export kubernetes: " << name << " is longer than "
                << kMaxStatefulSetName << " characters; use a shorter host name\n";
            return kExitUsage;
        }
    }
    for (const auto& manifest : manifests) {
        const fs::path path = fs::path(dir) / manifest.file;
        std::ofstream text(path, std::ios::binary | std::ios::trunc);
        text << yaml_document(manifest.object, "Written by jamfleet export kubernetes from " +
                                                   file + ".\n" + manifest.comment);
        text.flush();
        if (!text) {
            err << "jamfleet export: cannot write " << path.string() << "\n";
            return kExitFailure;
        }
    }
    out << "wrote " << manifests.size() << " manifests to " << dir << " ("
        << placed->fleet.hosts.size() << " hosts = node names, " << placed->fleet.servers.size()
        << " rooms, image " << image << ")\n"
        << "  kubectl apply -f " << dir << "\n";
    return kExitOk;
}

} // namespace jamfleet::orchestrator
