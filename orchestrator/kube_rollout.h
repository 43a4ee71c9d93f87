// `jamfleet rollout --kubernetes`: after `kubectl apply` of a new export (a new image or
// changed settings), replaces only the room pods that are out of date AND empty.
// Rooms are single-pod StatefulSets with `updateStrategy: OnDelete`
// (kubernetes_export.h), so Kubernetes never replaces a room by itself; this client
// asks each outdated room for its client count (a Jamulus ping at the address in the
// pod's annotation) and deletes the pod of an empty one, reports occupied ones, and
// stops at a deadline. It only runs `kubectl`: nothing of ours in the cluster.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace jamfleet::orchestrator {

// One room StatefulSet and its pod, from `kubectl get statefulsets,pods -o json`.
struct RoomPod {
    std::string set;
    std::string pod; // "" while the set has no pod (being recreated)
    std::string room;
    std::string address;   // host:port musicians reach it at
    bool outdated = false; // the pod runs an older revision than the set's template
    bool ready = false;
    bool deleting = false; // has a deletionTimestamp
};

// Room sets and pods in `list` (a kubectl List), sorted by set name. `error` names what
// was missing when the document is not such a list.
std::vector<RoomPod> room_pods(const nlohmann::json& list, std::string& error);

struct RolloutStep {
    std::vector<std::string> delete_pods; // outdated and empty: replace now
    std::vector<std::string> occupied;    // "Berlin (3 clients)": kept until empty
    std::vector<std::string> unanswered;  // outdated, no answer to the ping: kept, reported
    std::vector<std::string> waiting;     // replaced, new pod not ready yet
    bool done = false;                    // every room on its set's revision and ready
};

// The decision of one round (pure). `clients` gives the client count of an outdated
// pod's room (nullopt: it did not answer).
RolloutStep plan_rollout_step(const std::vector<RoomPod>& rooms,
                              const std::function<std::optional<int>(const RoomPod&)>& clients);

struct RolloutOptions {
    std::string kubectl = "kubectl";
    std::string namespace_name; // "" = kubectl's current one
    std::chrono::seconds deadline{600};
    std::chrono::milliseconds poll{std::chrono::seconds(5)};
};

// Runs `kubectl ARGS...`; returns its standard output, or nullopt (with `error`) when it
// could not run or exited non-zero.
using KubectlRunner =
    std::function<std::optional<std::string>(const std::vector<std::string>&, std::string&)>;
KubectlRunner kubectl_runner(const std::string& program);

// The rollout loop. Exit 0 when every room runs the new revision, 1 when rooms were
// still occupied (or unanswered) at the deadline or kubectl failed.
int run_kube_rollout(const RolloutOptions& options, const KubectlRunner& kubectl,
                     const std::function<std::optional<int>(const RoomPod&)>& clients,
                     std::ostream& out, std::ostream& err);

// `jamfleet rollout --kubernetes [--namespace NS] [--deadline S] [--poll S]`; `args`
// are the words after "rollout".
int command_rollout(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

} // namespace jamfleet::orchestrator
