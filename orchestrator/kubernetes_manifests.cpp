// The objects of `jamfleet export kubernetes`; see kubernetes_export.h.
#include <filesystem>

#include "config/placement.h"
#include "io/socket_address.h"
#include "orchestrator/kubernetes_export.h"
#include "orchestrator/launch_spec.h"

namespace jamfleet::orchestrator {
namespace {

using nlohmann::json;

constexpr const char* kConfigMapName = "jamfleet-fleet";
constexpr const char* kDirectoryName = "jamfleet-directory";
// Per pod: the rooms' control sockets (nobody connects in a cluster, but the mixer's
// command line stays the supervisor's); the directory's database on the node.
constexpr const char* kRunDir = "/run/jamfleet";
constexpr const char* kStateDir = "/var/lib/jamfleet";
constexpr const char* kFleetDir = "/etc/jamfleet";
// Probes: a ping round trip is milliseconds; the probe resends for 2 s.
constexpr int kProbeTimeoutSeconds = 2;
constexpr int kProbePeriodSeconds = 10;

// A DNS-1123 label part: lower case, [a-z0-9-], no leading or trailing '-'.
std::string slug(const std::string& text) {
    std::string out;
    for (const char c : text) {
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            out += c;
        } else if (c >= 'A' && c <= 'Z') {
            out += static_cast<char>(c - 'A' + 'a');
        } else if (!out.empty() && out.back() != '-') {
            out += '-';
        }
    }
    while (!out.empty() && out.back() == '-') {
        out.pop_back();
    }
    return out.empty() ? "x" : out;
}

json labels(const std::string& component) {
    return {{kKubeNameLabel, "jamfleet"}, {kKubeComponentLabel, component}};
}

json probe(const std::vector<std::string>& args) {
    std::vector<std::string> command{std::string(kImageBinDir) + "/jamfleet", "probe"};
    command.insert(command.end(), args.begin(), args.end());
    command.insert(command.end(), {"--timeout", std::to_string(kProbeTimeoutSeconds)});
    return {{"exec", {{"command", command}}},
            {"periodSeconds", kProbePeriodSeconds},
            {"timeoutSeconds", kProbeTimeoutSeconds + 3},
            {"failureThreshold", 3}};
}

// The address a child answers pings at from inside its pod (host network).
std::string local_address(const config::FleetConfig& part, std::uint16_t port) {
    const std::string ip = part.fleet.bind == "0.0.0.0" ? "127.0.0.1" : part.fleet.bind;
    return ip + ":" + std::to_string(port);
}

// One pod's template: host network, pinned to `node`, one container.
json pod_template(const json& pod_labels, const json& annotations, const std::string& node,
                  const std::string& container, const LaunchSpec& spec, json liveness,
                  json readiness, const json& state_volume) {
    std::vector<std::string> command{spec.program};
    command.insert(command.end(), spec.args.begin(), spec.args.end());
    json metadata = {{"labels", pod_labels}};
    json state = {{"name", "state"}};
    state.update(state_volume);
    if (!annotations.empty()) {
        metadata["annotations"] = annotations;
    }
    return {{"metadata", metadata},
            {"spec",
             {{"hostNetwork", true},
              {"dnsPolicy", "ClusterFirstWithHostNet"},
              {"nodeSelector", {{"kubernetes.io/hostname", node}}},
              {"terminationGracePeriodSeconds", 10},
              {"containers",
               json::array(
                   {{{"name", container},
                     {"image", ""},
                     {"imagePullPolicy", "IfNotPresent"},
                     {"command", command},
                     {"workingDir", kStateDir},
                     {"ports", json::array({{{"name", "jamulus"},
                                             {"containerPort", spec.port},
                                             {"hostPort", spec.port},
                                             {"protocol", "UDP"}}})},
                     {"livenessProbe", std::move(liveness)},
                     {"readinessProbe", std::move(readiness)},
                     {"volumeMounts",
                      json::array(
                          {{{"name", "run"}, {"mountPath", kRunDir}},
                           {{"name", "state"}, {"mountPath", kStateDir}},
                           {{"name", "fleet"}, {"mountPath", kFleetDir}, {"readOnly", true}}})}}})},
              {"volumes",
               json::array({{{"name", "run"}, {"emptyDir", json::object()}},
                            state,
                            {{"name", "fleet"}, {"configMap", {{"name", kConfigMapName}}}}})}}}};
}

json stateful_set(const std::string& name, const json& set_labels, const json& annotations,
                  const json& selector, const std::string& update, json pod) {
    return {{"apiVersion", "apps/v1"},
            {"kind", "StatefulSet"},
            {"metadata", {{"name", name}, {"labels", set_labels}, {"annotations", annotations}}},
            {"spec",
             {{"replicas", 1},
              {"serviceName", name},
              {"selector", {{"matchLabels", selector}}},
              {"updateStrategy", {{"type", update}}},
              {"template", std::move(pod)}}}};
}

// Mixer and directory as the supervisor would start them on that host, except: no
// control socket for the directory (no supervisor asks it), hence no relay between
// the room at 22124 and the directory (they are separate pods), and the database
// under the state directory.
BinPaths image_bins() {
    BinPaths bins;
    bins.mixer = std::string(kImageBinDir) + "/jamfleet-mixer";
    bins.directory = std::string(kImageBinDir) + "/jamfleet-directory";
    bins.directory_control = false;
    return bins;
}

} // namespace

std::vector<KubeManifest> kubernetes_manifests(const config::FleetConfig& placed,
                                               const std::string& fleet_text,
                                               const std::string& placement_text,
                                               const std::string& image) {
    std::vector<KubeManifest> manifests;
    manifests.push_back(
        {"configmap.yaml",
         {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", kConfigMapName}, {"labels", labels("fleet")}}},
          {"data", {{"fleet.yaml", fleet_text}, {"fleet.placement.yaml", placement_text}}}},
         "The fleet file and its placement, as exported (mounted read-only at /etc/jamfleet in\n"
         "every pod, for `jamfleet check`). The pods' command lines were rendered from them:\n"
         "after editing the fleet file, export again and apply."});
    const BinPaths bins = image_bins();
    for (const auto& host : placed.hosts) {
        std::string error;
        config::FleetConfig part = config::fleet_for_host(placed, host.name, error);
        part.fleet.run_dir = kRunDir;
        if (part.directory.enabled) {
            part.directory.database =
                std::string(kStateDir) + "/" +
                std::filesystem::path(part.directory.database).filename().string();
            const auto pinned = directory_launch(part, bins);
            json pod =
                pod_template(labels("directory"), json::object(), host.name, "directory", *pinned,
                             probe({local_address(part, pinned->port)}),
                             probe({local_address(part, pinned->port)}),
                             {{"hostPath", {{"path", kStateDir}, {"type", "DirectoryOrCreate"}}}});
            pod["spec"]["containers"][0]["image"] = image;
            manifests.push_back(
                {"directory.yaml",
                 stateful_set(kDirectoryName, labels("directory"),
                              {{"jamfleet.io/host", host.name}}, labels("directory"),
                              "RollingUpdate", std::move(pod)),
                 "The directory: one pod (never more than 1 replica), pinned to node '" +
                     host.name +
                     "'.\n"
                     "Its list lives in SQLite in WAL mode on that node's local disk (hostPath\n" +
                     kStateDir +
                     "). Never put it on a network file system or a volume that can move:\n"
                     "SQLite's WAL needs every process that opens the database on one host.\n"
                     "A restart costs nothing but seconds of listing (rooms re-register), so\n"
                     "it updates as soon as it is applied."});
        }
        for (const auto& server : part.servers) {
            const LaunchSpec spec = server_launch(part, server, bins);
            const std::string id = slug(host.name) + "-" + std::to_string(server.port);
            const std::string name = "jamfleet-room-" + id;
            const std::string address = host.public_address + ":" + std::to_string(server.port);
            json pod_labels = labels("room");
            pod_labels["jamfleet.io/room-id"] = id;
            const json annotations = {{kKubeRoomAnnotation, server.name},
                                      {kKubeAddressAnnotation, address}};
            std::vector<std::string> ready{local_address(part, server.port)};
            const std::string target = registration_target(part);
            // A directory given by name (not IPv4) cannot be asked here: then ready
            // means answering, as alive does.
            if (io::SocketAddress::parse(target, 0) && !host.public_address.empty()) {
                ready.insert(ready.end(), {"--registered", target, "--listed-as", address});
            }
            json pod = pod_template(pod_labels, annotations, host.name, "mixer", spec,
                                    probe({local_address(part, server.port)}), probe(ready),
                                    {{"emptyDir", json::object()}});
            pod["spec"]["containers"][0]["image"] = image;
            manifests.push_back(
                {"room-" + id + ".yaml",
                 stateful_set(name, labels("room"), annotations, {{"jamfleet.io/room-id", id}},
                              "OnDelete", std::move(pod)),
                 "Room '" + server.name + "' at " + address + ": one pod, pinned to node '" +
                     host.name +
                     "'\n"
                     "(placement is stable: musicians bookmark host:port), host network (UDP at\n"
                     "the node's own address). OnDelete: a new image or setting reaches the room\n"
                     "only when its pod is deleted, which `jamfleet rollout --kubernetes` does\n"
                     "once the room is empty. Alive = answers a Jamulus ping; ready = listed by\n"
                     "its directory (`jamfleet probe --registered`)."});
        }
    }
    return manifests;
}

} // namespace jamfleet::orchestrator
