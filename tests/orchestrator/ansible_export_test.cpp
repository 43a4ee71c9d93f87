// `jamfleet export ansible`: the files it writes, an inventory from hosts:, playbooks
// that use only ansible-core built-in modules and pass `ansible-playbook --syntax-check`.
#include "orchestrator/ansible_export.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "config/placement_file.h"
#include "orchestrator/offline_commands.h"

namespace jamfleet::orchestrator {
namespace {

namespace fs = std::filesystem;

constexpr const char* kFleet = R"(fleet: {name: Festival}
hosts:
  - {name: dir, ssh: root@10.88.0.2, public_address: 10.88.0.2}
  - {name: eu, ssh: admin@10.88.0.3:2222, public_address: 10.88.0.3}
  - {name: us, public_address: 10.88.0.4}
directory: {host: dir, port: 22123}
servers:
  - {name: "Room {n}", count: 3, spread: [eu, us]}
)";

std::string read(const fs::path& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// Runs a shell command, returns its exit status and output.
int run(const std::string& command, std::string& output) {
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (pipe == nullptr) {
        return -1;
    }
    char buffer[4096];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) {
        output.append(buffer, n);
    }
    return ::pclose(pipe);
}

class AnsibleExport : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::path(::testing::TempDir()) / ("ansible-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
        std::ofstream(dir_ / "fleet.yaml") << kFleet;
    }
    void TearDown() override { fs::remove_all(dir_); }
    fs::path dir_;
};

TEST_F(AnsibleExport, WritesInventoryPlaybooksFleetAndPlacement) {
    std::ostringstream out, err;
    ASSERT_EQ(
        command_export_ansible((dir_ / "fleet.yaml").string(), (dir_ / "out").string(), out, err),
        kExitOk)
        << err.str();
    const std::string inventory = read(dir_ / "out" / "inventory.ini");
    EXPECT_NE(
        inventory.find("dir ansible_host=10.88.0.2 ansible_user=root jamfleet_directory=true\n"),
        std::string::npos)
        << inventory;
    EXPECT_NE(inventory.find("eu ansible_host=10.88.0.3 ansible_user=admin ansible_port=2222\n"),
              std::string::npos);
    EXPECT_NE(inventory.find("us ansible_host=10.88.0.4\n"), std::string::npos);
    EXPECT_EQ(read(dir_ / "out" / "files" / "fleet.yaml"), kFleet);
    // The placement is recorded next to the fleet file and shipped with it.
    const std::string placement = read(dir_ / "fleet.placement.yaml");
    EXPECT_EQ(read(dir_ / "out" / "files" / "fleet.placement.yaml"), placement);
    EXPECT_NE(placement.find("Room 3: {host: eu, port: 22125}"), std::string::npos) << placement;
    EXPECT_NE(read(dir_ / "out" / "templates" / "host.conf.j2")
                  .find("jamfleet run /etc/jamfleet/fleet.yaml --host {{ inventory_hostname }}"),
              std::string::npos);
}

// Task keys naming a module by its full name: `collection.namespace.module:` on a line
// of their own (after an optional "- ").
std::set<std::string> modules_in(const std::string& text) {
    std::set<std::string> modules;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        line.erase(0, line.find_first_not_of(' '));
        if (line.starts_with("- ")) {
            line.erase(0, 2);
        }
        if (line.empty() || line.back() != ':') {
            continue;
        }
        line.pop_back();
        const bool name_chars =
            line.find_first_not_of("abcdefghijklmnopqrstuvwxyz_.") == std::string::npos;
        if (name_chars && std::count(line.begin(), line.end(), '.') == 2) {
            modules.insert(line);
        }
    }
    return modules;
}

TEST_F(AnsibleExport, UsesOnlyBuiltInModules) {
    std::set<std::string> modules = modules_in(ansible_site_playbook());
    modules.merge(modules_in(ansible_upgrade_playbook()));
    EXPECT_GE(modules.size(), 5u);
    for (const auto& module : modules) {
        EXPECT_TRUE(module.starts_with("ansible.builtin.")) << module;
    }
}

TEST_F(AnsibleExport, PlaybooksPassAnsibleSyntaxCheck) {
    std::ostringstream out, err;
    ASSERT_EQ(
        command_export_ansible((dir_ / "fleet.yaml").string(), (dir_ / "out").string(), out, err),
        kExitOk);
    std::string version;
    ASSERT_EQ(run("ansible-playbook --version", version), 0)
        << "ansible-playbook is missing (tools/deps.sh installs ansible-core): " << version;
    const std::string out_dir = (dir_ / "out").string();
    for (const char* playbook : {"site.yml", "upgrade.yml"}) {
        std::string output;
        EXPECT_EQ(run("cd '" + out_dir + "' && ANSIBLE_LOCAL_TEMP='" + out_dir +
                          "/.tmp' ansible-playbook --syntax-check -i inventory.ini " + playbook +
                          " -e jamfleet_deb=/nonexistent.deb",
                      output),
                  0)
            << playbook << ": " << output;
    }
}

TEST_F(AnsibleExport, RefusesAFleetWithoutHosts) {
    std::ofstream(dir_ / "one.yaml") << "servers: [{name: A}]\n";
    std::ostringstream out, err;
    EXPECT_EQ(command_export_ansible((dir_ / "one.yaml").string(), (dir_ / "x").string(), out, err),
              kExitUsage);
    EXPECT_NE(err.str().find("has no hosts:"), std::string::npos);
}

} // namespace
} // namespace jamfleet::orchestrator
