// `jamfleet export kubernetes FILE DIR`: plain manifests (no operator, no code of
// ours in the cluster) that run a fleet with hosts: on the Kubernetes nodes of the
// same names: the directory as one pinned pod with its SQLite database on the
// node's local disk, every room as a single-pod StatefulSet with host networking,
// pinned to its placed host, updated only when its pod is deleted (OnDelete, which
// `jamfleet rollout --kubernetes` does for empty rooms). docs/kubernetes.md.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/fleet_config.h"

namespace jamfleet::orchestrator {

// Where the image has our programs (as the Debian package installs them).
inline constexpr const char* kImageBinDir = "/usr/bin";
// Labels every object carries; `jamfleet rollout --kubernetes` selects rooms by them.
inline constexpr const char* kKubeNameLabel = "app.kubernetes.io/name";
inline constexpr const char* kKubeComponentLabel = "app.kubernetes.io/component";
// Annotations of a room's pod: its name in the fleet file and the address musicians
// (and the rollout's client count) reach it at.
inline constexpr const char* kKubeRoomAnnotation = "jamfleet.io/room";
inline constexpr const char* kKubeAddressAnnotation = "jamfleet.io/address";

struct KubeManifest {
    std::string file; // name inside DIR
    nlohmann::json object;
    std::string comment; // why it looks the way it does (written above it)
};

// Every manifest of a placed fleet with hosts: (placement applied). `fleet_text` and
// `placement_text` go into the ConfigMap.
std::vector<KubeManifest> kubernetes_manifests(const config::FleetConfig& placed,
                                               const std::string& fleet_text,
                                               const std::string& placement_text,
                                               const std::string& image);

// Writes DIR/<file> for every manifest, recording the placement next to FILE when it
// changed. Exit code as the other commands.
int command_export_kubernetes(const std::string& file, const std::string& dir,
                              const std::string& image, std::ostream& out, std::ostream& err);

} // namespace jamfleet::orchestrator
