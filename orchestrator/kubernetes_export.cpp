// `jamfleet export kubernetes`: places the fleet and writes its manifests.
#include "orchestrator/kubernetes_export.h"

#include <filesystem>

#include "config/placement_file.h"
#include "orchestrator/export_files.h"
#include "orchestrator/offline_commands.h"
#include "orchestrator/yaml_emitter.h"

namespace jamfleet::orchestrator {
namespace {

constexpr std::size_t kMaxStatefulSetName = 52;

} // namespace

int command_export_kubernetes(const std::string& file, const std::string& dir,
                              const std::string& image, std::ostream& out, std::ostream& err) {
    namespace fs = std::filesystem;
    int exit_code = kExitOk;
    const auto placed = load_fleet_for_export(
        file, "jamfleet export kubernetes",
        "their names are the nodes rooms are pinned to; see docs/kubernetes.md", err, exit_code);
    if (!placed) {
        return exit_code;
    }
    const std::string fleet_text = read_whole_file(file);
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
        if (!write_export_file(
                fs::path(dir) / manifest.file,
                yaml_document(manifest.object, "Written by jamfleet export kubernetes from " +
                                                   file + ".\n" + manifest.comment),
                err)) {
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
