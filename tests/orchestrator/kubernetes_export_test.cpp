// `jamfleet export kubernetes`: pinned pods on the host network, the directory's
// database on the node's disk, rooms updated OnDelete and probed with `jamfleet
// probe`; the YAML text reads back as the same objects. (The schema validation and
// a pod under podman are in tests/service/kube_podman_test.sh.)
#include "orchestrator/kubernetes_export.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/placement_file.h"
#include "orchestrator/yaml_emitter.h"

namespace jamfleet::orchestrator {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kFleet = R"(fleet: {name: Festival}
hosts:
  - {name: dir, public_address: 10.88.0.2}
  - {name: eu-1, public_address: 10.88.0.3}
directory: {host: dir, port: 22123, database: ./var/list.db}
servers:
  - {name: Berlin, host: eu-1}
  - {name: "Room {n}", count: 2, spread: [dir]}
)";

struct ExportedFleet : ::testing::Test {
    fs::path dir = fs::temp_directory_path() / ("kube-export-" + std::to_string(::getpid()));
    void SetUp() override {
        fs::create_directories(dir);
        std::ofstream(dir / "fleet.yaml") << kFleet;
    }
    void TearDown() override { fs::remove_all(dir); }
    std::vector<KubeManifest> manifests() {
        auto placed = config::load_placed_fleet((dir / "fleet.yaml").string());
        EXPECT_TRUE(placed.ok());
        return kubernetes_manifests(placed->fleet, kFleet, "rooms: {}\n", "jamfleet:test");
    }
};

const KubeManifest& find(const std::vector<KubeManifest>& all, const std::string& file) {
    const auto it =
        std::find_if(all.begin(), all.end(), [&](const KubeManifest& m) { return m.file == file; });
    EXPECT_NE(it, all.end()) << file;
    return *it;
}

TEST_F(ExportedFleet, OneFilePerRoomNamedByItsHostAndPort) {
    std::vector<std::string> files;
    for (const auto& manifest : manifests()) {
        files.push_back(manifest.file);
    }
    EXPECT_EQ(files,
              (std::vector<std::string>{"configmap.yaml", "directory.yaml", "room-dir-22124.yaml",
                                        "room-dir-22125.yaml", "room-eu-1-22124.yaml"}));
}

TEST_F(ExportedFleet, ARoomIsOnePinnedHostNetworkPodUpdatedOnDelete) {
    const auto all = manifests();
    const json& set = find(all, "room-eu-1-22124.yaml").object;
    EXPECT_EQ(set["kind"], "StatefulSet");
    EXPECT_EQ(set["spec"]["replicas"], 1);
    EXPECT_EQ(set["spec"]["updateStrategy"]["type"], "OnDelete");
    const json& pod = set["spec"]["template"];
    EXPECT_EQ(pod["metadata"]["annotations"][kKubeRoomAnnotation], "Berlin");
    EXPECT_EQ(pod["metadata"]["annotations"][kKubeAddressAnnotation], "10.88.0.3:22124");
    EXPECT_EQ(pod["spec"]["hostNetwork"], true);
    EXPECT_EQ(pod["spec"]["nodeSelector"]["kubernetes.io/hostname"], "eu-1");
    const json& container = pod["spec"]["containers"][0];
    EXPECT_EQ(container["image"], "jamfleet:test");
    const auto command = container["command"].get<std::vector<std::string>>();
    EXPECT_EQ(command[0], "/usr/bin/jamfleet-mixer");
    // Registers with the directory's host, announcing its own host's address.
    const auto e = std::find(command.begin(), command.end(), "-e");
    ASSERT_NE(e, command.end());
    EXPECT_EQ(*(e + 1), "10.88.0.2:22123");
    EXPECT_EQ(container["livenessProbe"]["exec"]["command"],
              json({"/usr/bin/jamfleet", "probe", "127.0.0.1:22124", "--timeout", "2"}));
    EXPECT_EQ(container["readinessProbe"]["exec"]["command"],
              json({"/usr/bin/jamfleet", "probe", "127.0.0.1:22124", "--registered",
                    "10.88.0.2:22123", "--listed-as", "10.88.0.3:22124", "--timeout", "2"}));
}

TEST_F(ExportedFleet, ARoomOnTheDirectoryHostRegistersOverLoopback) {
    const auto all = manifests();
    const json& container =
        find(all, "room-dir-22124.yaml").object["spec"]["template"]["spec"]["containers"][0];
    EXPECT_EQ(container["readinessProbe"]["exec"]["command"][4], "127.0.0.1:22123");
    EXPECT_EQ(container["readinessProbe"]["exec"]["command"][6], "10.88.0.2:22124");
}

TEST_F(ExportedFleet, TheDirectoryKeepsItsDatabaseOnItsNodesDisk) {
    const auto all = manifests();
    const json& pod = find(all, "directory.yaml").object["spec"]["template"]["spec"];
    EXPECT_EQ(pod["nodeSelector"]["kubernetes.io/hostname"], "dir");
    const auto command = pod["containers"][0]["command"].get<std::vector<std::string>>();
    const auto db = std::find(command.begin(), command.end(), "--db");
    ASSERT_NE(db, command.end());
    EXPECT_EQ(*(db + 1), "/var/lib/jamfleet/list.db");
    bool host_path = false;
    for (const auto& volume : pod["volumes"]) {
        host_path = host_path || (volume["name"] == "state" &&
                                  volume["hostPath"]["path"] == "/var/lib/jamfleet");
    }
    EXPECT_TRUE(host_path);
    EXPECT_NE(find(all, "directory.yaml").comment.find("network file system"), std::string::npos);
}

// The emitted text parses (yaml-cpp) back to the same scalars, quoted where needed.
TEST(YamlEmitter, ReadsBackAsTheSameValues) {
    const json value = {{"name", "Room 1"},
                        {"port", 22124},
                        {"yes", "yes"},
                        {"number_text", "22124"},
                        {"empty", json::object()},
                        {"list", {"a: b", "-x", "/usr/bin/x"}},
                        {"objects", json::array({{{"a", 1}, {"b", {{"c", true}}}}})},
                        {"text", "line one\nline: two\n"}};
    const std::string text = yaml_document(value, "why\n\nbecause");
    EXPECT_TRUE(text.starts_with("# why\n#\n# because\n")) << text;
    const YAML::Node node = YAML::Load(text);
    EXPECT_EQ(node["name"].as<std::string>(), "Room 1");
    EXPECT_EQ(node["port"].as<int>(), 22124);
    EXPECT_EQ(node["yes"].as<std::string>(), "yes");
    EXPECT_EQ(node["number_text"].Tag(), "!"); // quoted: stays a string
    EXPECT_TRUE(node["empty"].IsMap());
    EXPECT_EQ(node["list"][0].as<std::string>(), "a: b");
    EXPECT_EQ(node["list"][1].as<std::string>(), "-x");
    EXPECT_EQ(node["list"][2].as<std::string>(), "/usr/bin/x");
    EXPECT_EQ(node["objects"][0]["b"]["c"].as<bool>(), true);
    EXPECT_EQ(node["text"].as<std::string>(), "line one\nline: two\n");
}

TEST(ExportKubernetes, AHostNameTooLongForAStatefulSetIsRefused) {
    const fs::path dir = fs::temp_directory_path() / ("kube-long-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::ofstream(dir / "fleet.yaml")
        << "fleet: {name: F}\nhosts:\n  - {name: a-very-long-host-name-for-a-node-abcdefgh, "
           "public_address: 10.0.0.1}\ndirectory: {host: "
           "a-very-long-host-name-for-a-node-abcdefgh}\n"
           "servers:\n  - {name: A}\n";
    std::ostringstream out;
    std::ostringstream err;
    EXPECT_EQ(command_export_kubernetes((dir / "fleet.yaml").string(), (dir / "k8s").string(), "i",
                                        out, err),
              2)
        << out.str();
    EXPECT_NE(err.str().find("shorter host name"), std::string::npos) << err.str();
    fs::remove_all(dir);
}

TEST(ExportKubernetes, AFleetWithoutHostsIsRefused) {
    const fs::path file =
        fs::temp_directory_path() / ("kube-nohosts-" + std::to_string(::getpid()) + ".yaml");
    std::ofstream(file) << "fleet: {name: One}\nservers:\n  - {name: A}\n";
    std::ostringstream out;
    std::ostringstream err;
    EXPECT_EQ(command_export_kubernetes(file.string(), "/nonexistent/x", "i", out, err), 2);
    EXPECT_NE(err.str().find("no hosts"), std::string::npos);
    fs::remove(file);
}

} // namespace
} // namespace jamfleet::orchestrator
