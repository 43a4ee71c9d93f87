// The network report's cases beyond the golden files: no public name, an external
// directory, a directory on 22124 itself, a loopback bind.
#include "orchestrator/network_report.h"

#include <gtest/gtest.h>

#include "config/fleet_loader.h"

namespace jamfleet::orchestrator {
namespace {

config::FleetConfig load(const std::string& yaml) {
    auto result = config::parse_fleet(yaml, "t.yaml");
    EXPECT_TRUE(result.ok());
    return result.ok() ? std::move(result).value() : config::FleetConfig{};
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

TEST(NetworkReport, WithoutNameOrPublicIpMusiciansTypeTheHostsAddress) {
    const auto text =
        network_report(load("servers: [{name: A}, {name: B}]\n"), HostNetwork{0xc0a80114});
    EXPECT_TRUE(contains(text, "    192.168.1.20:22123\n")) << text;
    EXPECT_TRUE(contains(text, "    192.168.1.20   (without a port")) << text;
    EXPECT_TRUE(contains(text, "UDP 22123-22125 to this host")) << text;
    EXPECT_TRUE(contains(text, "DNS: none needed")) << text;
    EXPECT_TRUE(contains(text, "warning: fleet.public_ip is not set")) << text;
}

TEST(NetworkReport, PublicIpIsWhatMusiciansTypeWhenThereIsNoName) {
    const auto text = network_report(
        load("fleet: {public_ip: 203.0.113.9}\nservers: [{name: A}]\n"), HostNetwork{0xc0a80114});
    EXPECT_TRUE(contains(text, "    203.0.113.9:22123\n")) << text;
    EXPECT_FALSE(contains(text, "warning")) << text;
}

TEST(NetworkReport, NoBareNameLineWithoutARoomOn22124OrWithTheDirectoryThere) {
    const auto elsewhere =
        network_report(load("fleet: {base_port: 23000}\nservers: [{name: A}]\n"), HostNetwork{});
    EXPECT_FALSE(contains(elsewhere, "without a port")) << elsewhere;
    EXPECT_TRUE(contains(elsewhere, "UDP 22999-23000")) << elsewhere;
    const auto on_default = network_report(
        load("directory: {port: 22124}\nservers: [{name: A, port: 22125}]\n"), HostNetwork{});
    EXPECT_FALSE(contains(on_default, "without a port")) << on_default;
}

TEST(NetworkReport, ExternalDirectoryIsNamedInsteadOfACustomDirectory) {
    const auto text = network_report(load("fleet: {directory_address: dir.example.org}\n"
                                          "directory: {enabled: false}\nservers: [{name: A}]\n"),
                                     HostNetwork{0xcb007105});
    EXPECT_TRUE(contains(text, "rooms register with the directory dir.example.org")) << text;
    EXPECT_TRUE(contains(text, "UDP 22124 to this host")) << text;
}

TEST(NetworkReport, LoopbackBindIsReachableFromThisHostOnly) {
    const auto text = network_report(load("fleet: {bind: 127.0.0.1}\nservers: [{name: A}]\n"),
                                     HostNetwork{0xcb007105});
    EXPECT_TRUE(contains(text, "warning: fleet.bind 127.0.0.1 is loopback")) << text;
}

} // namespace
} // namespace jamfleet::orchestrator
