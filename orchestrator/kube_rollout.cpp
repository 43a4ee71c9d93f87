// `jamfleet rollout --kubernetes`: the decision (pure) and the kubectl loop.
#include "orchestrator/kube_rollout.h"

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <sstream>
#include <thread>

#include "orchestrator/kubernetes_export.h"
#include "orchestrator/offline_commands.h"
#include "orchestrator/udp_probe.h"

namespace jamfleet::orchestrator {
namespace {

using nlohmann::json;

std::string room_selector() {
    return std::string(kKubeNameLabel) + "=jamfleet," + kKubeComponentLabel + "=room";
}

std::string text_at(const json& object, const json::json_pointer& pointer) {
    return object.contains(pointer) && object.at(pointer).is_string()
               ? object.at(pointer).get<std::string>()
               : std::string();
}

// Annotation and label keys hold a '/', which a JSON pointer would split.
std::string meta_text(const json& object, const char* map, const std::string& key) {
    const auto metadata = object.find("metadata");
    if (metadata == object.end() || !metadata->contains(map) || !(*metadata)[map].is_object()) {
        return {};
    }
    const auto found = (*metadata)[map].find(key);
    return found != (*metadata)[map].end() && found->is_string() ? found->get<std::string>()
                                                                 : std::string();
}

bool pod_ready(const json& pod) {
    const json::json_pointer conditions("/status/conditions");
    if (!pod.contains(conditions)) {
        return false;
    }
    for (const auto& condition : pod.at(conditions)) {
        if (condition.value("type", "") == "Ready") {
            return condition.value("status", "") == "True";
        }
    }
    return false;
}

std::string owner_set(const json& pod) {
    const json::json_pointer owners("/metadata/ownerReferences");
    if (pod.contains(owners)) {
        for (const auto& owner : pod.at(owners)) {
            if (owner.value("kind", "") == "StatefulSet") {
                return owner.value("name", "");
            }
        }
    }
    return {};
}

std::string shell_quote(const std::string& word) {
    std::string quoted = "'";
    for (const char c : word) {
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return quoted + "'";
}

std::string joined(const std::vector<std::string>& items) {
    std::string text;
    for (const auto& item : items) {
        text += (text.empty() ? "" : ", ") + item;
    }
    return text;
}

} // namespace

std::vector<RoomPod> room_pods(const json& list, std::string& error) {
    if (!list.is_object() || !list.contains("items") || !list["items"].is_array()) {
        error = "kubectl's answer is not a list (no items)";
        return {};
    }
    std::map<std::string, RoomPod> sets;
    std::map<std::string, std::string> update_revision;
    for (const auto& item : list["items"]) {
        if (item.value("kind", "") != "StatefulSet") {
            continue;
        }
        RoomPod room;
        room.set = text_at(item, json::json_pointer("/metadata/name"));
        room.room = meta_text(item, "annotations", kKubeRoomAnnotation);
        room.address = meta_text(item, "annotations", kKubeAddressAnnotation);
        update_revision[room.set] = text_at(item, json::json_pointer("/status/updateRevision"));
        sets[room.set] = room;
    }
    for (const auto& item : list["items"]) {
        if (item.value("kind", "") != "Pod") {
            continue;
        }
        const auto set = sets.find(owner_set(item));
        if (set == sets.end()) {
            continue;
        }
        RoomPod& room = set->second;
        room.pod = text_at(item, json::json_pointer("/metadata/name"));
        const std::string revision = meta_text(item, "labels", "controller-revision-hash");
        const std::string& wanted = update_revision[room.set];
        // Without a revision on either side nothing says it is outdated.
        room.outdated = !wanted.empty() && !revision.empty() && revision != wanted;
        room.ready = pod_ready(item);
        room.deleting = item.contains(json::json_pointer("/metadata/deletionTimestamp"));
    }
    std::vector<RoomPod> rooms;
    for (auto& [name, room] : sets) {
        rooms.push_back(std::move(room));
    }
    return rooms;
}

RolloutStep plan_rollout_step(const std::vector<RoomPod>& rooms,
                              const std::function<std::optional<int>(const RoomPod&)>& clients) {
    RolloutStep step;
    for (const auto& room : rooms) {
        const std::string label = room.room.empty() ? room.set : room.room;
        if (room.pod.empty() || room.deleting || (!room.outdated && !room.ready)) {
            step.waiting.push_back(label);
            continue;
        }
        if (!room.outdated) {
            continue;
        }
        const auto count = clients(room);
        if (!count) {
            step.unanswered.push_back(label + " at " + room.address);
        } else if (*count > 0) {
            step.occupied.push_back(label + " (" + std::to_string(*count) + " clients)");
        } else {
            step.delete_pods.push_back(room.pod);
        }
    }
    step.done = step.delete_pods.empty() && step.occupied.empty() && step.unanswered.empty() &&
                step.waiting.empty();
    return step;
}

KubectlRunner kubectl_runner(const std::string& program) {
    return [program](const std::vector<std::string>& args,
                     std::string& error) -> std::optional<std::string> {
        std::string command = shell_quote(program);
        for (const auto& arg : args) {
            command += " " + shell_quote(arg);
        }
        const auto closer = [](FILE* file) { return ::pclose(file); };
        std::unique_ptr<FILE, decltype(closer)> pipe(::popen(command.c_str(), "r"), closer);
        if (!pipe) {
            error = "cannot run " + program;
            return std::nullopt;
        }
        std::string output;
        char buffer[4096];
        for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe.get())) > 0;) {
            output.append(buffer, n);
        }
        const int status = ::pclose(pipe.release());
        if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            error = program + " " + (args.empty() ? "" : args[0]) + " failed (exit " +
                    std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")";
            return std::nullopt;
        }
        return output;
    };
}

int run_kube_rollout(const RolloutOptions& options, const KubectlRunner& kubectl,
                     const std::function<std::optional<int>(const RoomPod&)>& clients,
                     std::ostream& out, std::ostream& err) {
    std::vector<std::string> scope;
    if (!options.namespace_name.empty()) {
        scope = {"--namespace", options.namespace_name};
    }
    const auto with_scope = [&](std::vector<std::string> args) {
        args.insert(args.begin(), scope.begin(), scope.end());
        return args;
    };
    const auto deadline = std::chrono::steady_clock::now() + options.deadline;
    std::string reported;
    while (true) {
        std::string error;
        const auto listed = kubectl(
            with_scope({"get", "statefulsets,pods", "-l", room_selector(), "-o", "json"}), error);
        if (!listed) {
            err << "jamfleet rollout: " << error << "\n";
            return kExitFailure;
        }
        const json list = json::parse(*listed, nullptr, false);
        const auto rooms = room_pods(list, error);
        if (!error.empty()) {
            err << "jamfleet rollout: " << error << "\n";
            return kExitFailure;
        }
        const RolloutStep step = plan_rollout_step(rooms, clients);
        for (const auto& pod : step.delete_pods) {
            if (!kubectl(with_scope({"delete", "pod", pod, "--wait=false"}), error)) {
                err << "jamfleet rollout: " << error << "\n";
                return kExitFailure;
            }
            out << "replacing " << pod << " (empty)\n";
        }
        if (step.done) {
            out << "every room runs its new revision (" << rooms.size() << " rooms)\n";
            return kExitOk;
        }
        const std::string now_reported = joined(step.occupied) + "|" + joined(step.unanswered);
        if (now_reported != reported && (!step.occupied.empty() || !step.unanswered.empty())) {
            out << "kept until empty: " << joined(step.occupied)
                << (step.unanswered.empty() ? "" : "; no answer: " + joined(step.unanswered))
                << "\n";
        }
        reported = now_reported;
        if (std::chrono::steady_clock::now() >= deadline) {
            if (!step.occupied.empty()) {
                out << "still occupied at the deadline, kept on the old revision (run rollout "
                       "again later): "
                    << joined(step.occupied) << "\n";
            }
            if (!step.unanswered.empty()) {
                out << "no answer at the deadline, not replaced: " << joined(step.unanswered)
                    << "\n";
            }
            if (!step.waiting.empty()) {
                out << "not ready at the deadline: " << joined(step.waiting) << "\n";
            }
            return kExitFailure;
        }
        std::this_thread::sleep_for(options.poll);
    }
}

int command_rollout(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    const auto usage = [&](const std::string& why) {
        err << "jamfleet rollout: " << why
            << "\nusage: jamfleet rollout --kubernetes [--namespace NS] [--deadline S] "
               "[--poll S]\n";
        return kExitUsage;
    };
    RolloutOptions options;
    bool kubernetes = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--kubernetes") {
            kubernetes = true;
        } else if (arg == "--namespace" || arg == "--deadline" || arg == "--poll") {
            if (i + 1 >= args.size()) {
                return usage(arg + " needs a value");
            }
            const std::string& value = args[++i];
            if (arg == "--namespace") {
                options.namespace_name = value;
                continue;
            }
            std::istringstream in(value);
            int seconds = 0;
            if (!(in >> seconds) || !in.eof() || seconds < 0 || seconds > 86400) {
                return usage(arg + " expects whole seconds (0..86400)");
            }
            if (arg == "--deadline") {
                options.deadline = std::chrono::seconds(seconds);
            } else {
                options.poll = std::chrono::seconds(std::max(seconds, 1));
            }
        } else {
            return usage("unexpected " + arg);
        }
    }
    if (!kubernetes) {
        return usage("only --kubernetes is supported (a host's rooms are upgraded by `jamfleet "
                     "upgrade` and upgrade.yml)");
    }
    const auto clients = [](const RoomPod& room) -> std::optional<int> {
        const auto address = io::SocketAddress::parse(room.address, 0);
        if (!address || address->port == 0) {
            return std::nullopt;
        }
        ProbeRequest request{*address};
        request.need_clients = true;
        std::string error;
        const auto outcome = run_probe(request, std::chrono::seconds(2), error);
        return outcome && outcome->clients ? outcome->clients : std::nullopt;
    };
    return run_kube_rollout(options, kubectl_runner(options.kubectl), clients, out, err);
}

} // namespace jamfleet::orchestrator
