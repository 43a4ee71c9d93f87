// `jamfleet rollout --kubernetes`: which room pods are replaced (only outdated and
// empty ones), and the command lines it gives a fake `kubectl` on PATH. (The pods
// themselves run in tests/service/kube_podman_test.sh.)
#include "orchestrator/kube_rollout.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace jamfleet::orchestrator {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json set(const std::string& name, const std::string& room, const std::string& address,
         const std::string& revision) {
    return {{"kind", "StatefulSet"},
            {"metadata",
             {{"name", name},
              {"annotations", {{"jamfleet.io/room", room}, {"jamfleet.io/address", address}}}}},
            {"status", {{"updateRevision", revision}}}};
}

json pod(const std::string& set_name, const std::string& revision, bool ready) {
    return {{"kind", "Pod"},
            {"metadata",
             {{"name", set_name + "-0"},
              {"labels", {{"controller-revision-hash", revision}}},
              {"ownerReferences", json::array({{{"kind", "StatefulSet"}, {"name", set_name}}})}}},
            {"status",
             {{"conditions",
               json::array({{{"type", "Ready"}, {"status", ready ? "True" : "False"}}})}}}};
}

// Berlin and Paris outdated (rev-1 pods, sets at rev-2), Rome already on rev-2.
json fleet_list() {
    return {{"kind", "List"},
            {"items", json::array({set("room-a", "Berlin", "10.0.0.1:22124", "rev-2"),
                                   set("room-b", "Paris", "10.0.0.1:22125", "rev-2"),
                                   set("room-c", "Rome", "10.0.0.2:22124", "rev-2"),
                                   pod("room-a", "rev-1", true), pod("room-b", "rev-1", true),
                                   pod("room-c", "rev-2", true)})}};
}

std::optional<int> clients_of(const RoomPod& room) {
    if (room.room == "Berlin") {
        return 0;
    }
    if (room.room == "Paris") {
        return 3;
    }
    return std::nullopt;
}

TEST(KubeRollout, ReadsRoomsAndTheirRevisionsFromKubectlsList) {
    std::string error;
    const auto rooms = room_pods(fleet_list(), error);
    ASSERT_TRUE(error.empty()) << error;
    ASSERT_EQ(rooms.size(), 3u);
    EXPECT_EQ(rooms[0].pod, "room-a-0");
    EXPECT_EQ(rooms[0].room, "Berlin");
    EXPECT_EQ(rooms[0].address, "10.0.0.1:22124");
    EXPECT_TRUE(rooms[0].outdated);
    EXPECT_FALSE(rooms[2].outdated);
    EXPECT_TRUE(rooms[2].ready);
    room_pods(json::array(), error);
    EXPECT_FALSE(error.empty());
}

TEST(KubeRollout, ReplacesOnlyOutdatedEmptyRoomsAndReportsOccupiedOnes) {
    std::string error;
    const auto step = plan_rollout_step(room_pods(fleet_list(), error), clients_of);
    EXPECT_EQ(step.delete_pods, std::vector<std::string>{"room-a-0"});
    EXPECT_EQ(step.occupied, std::vector<std::string>{"Paris (3 clients)"});
    EXPECT_FALSE(step.done);
}

TEST(KubeRollout, AnUnansweredRoomIsKeptAndReported) {
    std::string error;
    auto rooms = room_pods(fleet_list(), error);
    const auto step = plan_rollout_step(rooms, [](const RoomPod&) { return std::optional<int>(); });
    EXPECT_TRUE(step.delete_pods.empty());
    EXPECT_EQ(step.unanswered.size(), 2u);
}

TEST(KubeRollout, DoneOnlyWhenEveryRoomIsCurrentAndReady) {
    std::vector<RoomPod> rooms{{"room-a", "room-a-0", "Berlin", "a", false, true, false}};
    EXPECT_TRUE(plan_rollout_step(rooms, clients_of).done);
    rooms[0].ready = false; // the replacement still starting
    EXPECT_FALSE(plan_rollout_step(rooms, clients_of).done);
    rooms[0].ready = true;
    rooms[0].pod.clear(); // deleted, not yet recreated
    EXPECT_EQ(plan_rollout_step(rooms, clients_of).waiting, std::vector<std::string>{"Berlin"});
}

// A fake kubectl on PATH logs its arguments and answers `get` with fleet_list().
struct FakeKubectl : ::testing::Test {
    fs::path dir = fs::temp_directory_path() / ("fake-kubectl-" + std::to_string(::getpid()));
    std::string saved_path = std::getenv("PATH") ? std::getenv("PATH") : "";
    void SetUp() override {
        fs::create_directories(dir);
        std::ofstream(dir / "list.json") << fleet_list().dump();
        std::ofstream(dir / "kubectl") << "#!/bin/sh\n"
                                          "echo \"$*\" >> '"
                                       << (dir / "calls").string()
                                       << "'\n"
                                          "case \" $* \" in *\" get \"*) cat '"
                                       << (dir / "list.json").string() << "' ;; esac\n";
        fs::permissions(dir / "kubectl", fs::perms::owner_all);
        ::setenv("PATH", (dir.string() + ":" + saved_path).c_str(), 1);
    }
    void TearDown() override {
        ::setenv("PATH", saved_path.c_str(), 1);
        fs::remove_all(dir);
    }
    std::string calls() {
        std::ifstream in(dir / "calls");
        std::ostringstream text;
        text << in.rdbuf();
        return text.str();
    }
};

TEST_F(FakeKubectl, DeletesTheEmptyRoomsPodAndStopsAtTheDeadline) {
    RolloutOptions options;
    options.namespace_name = "festival";
    options.deadline = std::chrono::seconds(0);
    options.poll = std::chrono::milliseconds(1);
    std::ostringstream out;
    std::ostringstream err;
    const int code = run_kube_rollout(options, kubectl_runner("kubectl"), clients_of, out, err);
    EXPECT_EQ(code, 1) << err.str();
    EXPECT_EQ(calls(), "--namespace festival get statefulsets,pods -l "
                       "app.kubernetes.io/name=jamfleet,app.kubernetes.io/component=room -o json\n"
                       "--namespace festival delete pod room-a-0 --wait=false\n");
    EXPECT_NE(out.str().find("replacing room-a-0 (empty)"), std::string::npos) << out.str();
    EXPECT_NE(out.str().find("still occupied at the deadline, kept on the old revision (run "
                             "rollout again later): Paris (3 clients)"),
              std::string::npos)
        << out.str();
}

TEST_F(FakeKubectl, AFailingKubectlIsAnError) {
    std::ofstream(dir / "kubectl") << "#!/bin/sh\nexit 3\n";
    std::ostringstream out;
    std::ostringstream err;
    EXPECT_EQ(run_kube_rollout(RolloutOptions{}, kubectl_runner("kubectl"), clients_of, out, err),
              1);
    EXPECT_NE(err.str().find("kubectl get failed (exit 3)"), std::string::npos) << err.str();
}

TEST(KubeRolloutCommand, BadArgumentsAreUsageErrors) {
    std::ostringstream out;
    std::ostringstream err;
    EXPECT_EQ(command_rollout({}, out, err), 2);
    EXPECT_EQ(command_rollout({"--kubernetes", "--deadline", "soon"}, out, err), 2);
    EXPECT_EQ(command_rollout({"--kubernetes", "--namespace"}, out, err), 2);
}

} // namespace
} // namespace jamfleet::orchestrator
